"""Meetings (bijeenkomsten) and their live state machine.

The live state lives in the Meeting row, never in a process. Every command
is a conditional UPDATE on the version the facilitator saw, so a double
click or a replayed request changes nothing twice, and every change writes a
PhaseTransition row and is pushed to the phones after the commit.
"""

import secrets
from datetime import timedelta

from django.conf import settings
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from groups.models import IntervisionGroup
from intervisie.crypto import EncryptedTextField

JOIN_CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I
JOIN_CODE_LENGTH = 6


def localized(obj, field: str) -> str:
    """The `field_<language>` value for the active language, Dutch as fallback."""
    language = (get_language() or settings.LANGUAGE_CODE)[:2]
    return getattr(obj, f"{field}_{language}", "") or getattr(obj, f"{field}_nl")


class Method(models.Model):
    """A werkvorm: an ordered list of phases. The zesfasenmodel is created by a migration."""

    key = models.SlugField(unique=True)
    name_nl = models.CharField(_("naam (Nederlands)"), max_length=100)
    name_en = models.CharField(_("naam (Engels)"), max_length=100)
    description_nl = models.TextField(_("beschrijving (Nederlands)"), blank=True)
    description_en = models.TextField(_("beschrijving (Engels)"), blank=True)
    # Built-in methods come from migrations; a facilitator's adjusted copy belongs
    # to that facilitator (and stays, for its meetings, when they leave).
    builtin = models.BooleanField(default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="methods"
    )
    based_on = models.ForeignKey("self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")

    class Meta:
        verbose_name = _("werkvorm")
        verbose_name_plural = _("werkvormen")
        ordering = ["name_nl"]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return localized(self, "name")

    @property
    def description(self) -> str:
        return localized(self, "description")

    @property
    def total_minutes(self) -> int:
        return sum(phase.minutes for phase in self.phases.all())  # uses a prefetch when there is one

    @classmethod
    def available_to(cls, user):
        """The built-in methods and the person's own copies."""
        return cls.objects.filter(models.Q(builtin=True) | models.Q(created_by=user))

    def copy_for(self, user) -> "Method":
        """A copy the person can adjust; the phases keep their keys and rules."""
        with transaction.atomic():
            copy = Method.objects.create(
                key=f"{self.key[:30]}-{secrets.token_hex(4)}",
                name_nl=f"{self.name_nl} (aangepast)"[:100],
                name_en=f"{self.name_en} (adjusted)"[:100],
                description_nl=self.description_nl,
                description_en=self.description_en,
                builtin=False,
                created_by=user,
                based_on=self,
            )
            for phase in self.phases.all():
                phase.pk, phase.method = None, copy
                phase.save()
        return copy


class ContributionKind(models.TextChoices):
    QUESTION = "question", _("vraag")
    OBSERVATION = "observation", _("observatie")
    ASSOCIATION = "association", _("associatie")
    ADVICE = "advice", _("advies")
    THEME = "theme", _("thema")


class CaseOwnerMode(models.TextChoices):
    ANSWERS = "answers", _("beantwoordt")
    LISTENS = "listens", _("luistert alleen")
    OUTSIDE = "outside", _("buiten de kring")


class PhaseStep(models.TextChoices):
    """What a phase is for, beyond contributions: the screens show the matching tools."""

    NONE = "", _("geen")
    CHOOSE = "choose", _("casus kiezen")
    REFORMULATE = "reformulate", _("vraag herformuleren")
    EVALUATE = "evaluate", _("evalueren")


class MethodPhase(models.Model):
    class Role(models.TextChoices):
        FACILITATOR = "facilitator", _("begeleider")
        CASE_OWNER = "case_owner", _("inbrenger")
        MEMBER = "member", _("deelnemer")

    method = models.ForeignKey(Method, on_delete=models.CASCADE, related_name="phases")
    order = models.PositiveSmallIntegerField()
    key = models.SlugField()
    minutes = models.PositiveSmallIntegerField(_("minuten"))
    name_nl = models.CharField(_("naam (Nederlands)"), max_length=100)
    name_en = models.CharField(_("naam (Engels)"), max_length=100)
    facilitator_nl = models.TextField(_("instructie begeleider (Nederlands)"))
    facilitator_en = models.TextField(_("instructie begeleider (Engels)"))
    case_owner_nl = models.TextField(_("instructie inbrenger (Nederlands)"))
    case_owner_en = models.TextField(_("instructie inbrenger (Engels)"))
    member_nl = models.TextField(_("instructie deelnemers (Nederlands)"))
    member_en = models.TextField(_("instructie deelnemers (Engels)"))
    # The phase's rules: what members may contribute, what the case owner does,
    # and whether contributions stay hidden until the facilitator reveals them.
    member_kinds = models.JSONField(_("bijdragen van deelnemers"), default=list, blank=True)
    case_owner_mode = models.CharField(
        _("rol van de inbrenger"), max_length=10, choices=CaseOwnerMode.choices, default=CaseOwnerMode.ANSWERS
    )
    reveal_together = models.BooleanField(_("eerst schrijven, samen onthullen"), default=False)
    step = models.CharField(_("stap"), max_length=12, choices=PhaseStep.choices, blank=True, default="")

    class Meta:
        verbose_name = _("fase")
        verbose_name_plural = _("fasen")
        ordering = ["method", "order"]
        constraints = [
            models.UniqueConstraint(fields=["method", "key"], name="phase_key_unique_in_method"),
            models.UniqueConstraint(fields=["method", "order"], name="phase_order_unique_in_method"),
            models.CheckConstraint(condition=models.Q(minutes__gte=1), name="phase_has_minutes"),
        ]

    def __str__(self) -> str:
        return f"{self.method}: {self.name}"

    @property
    def name(self) -> str:
        return localized(self, "name")

    def instruction(self, role: str) -> str:
        return localized(self, role)


class StaleVersion(Exception):
    """The meeting changed since the facilitator's screen was drawn."""


class CommandNotAllowed(Exception):
    """The command does not fit the meeting's current state."""


def new_join_code() -> str:
    return "".join(secrets.choice(JOIN_CODE_ALPHABET) for _ in range(JOIN_CODE_LENGTH))


def new_check_code() -> str:
    return f"{secrets.randbelow(90) + 10}"


class Meeting(models.Model):
    class Status(models.TextChoices):
        SCHEDULED = "scheduled", _("gepland")
        LIVE = "live", _("bezig")
        CLOSED = "closed", _("afgesloten")
        CANCELLED = "cancelled", _("geannuleerd")

    group = models.ForeignKey(
        IntervisionGroup, verbose_name=_("groep"), on_delete=models.CASCADE, related_name="meetings"
    )
    # Empty only for a held meeting whose facilitator has since deleted their account.
    facilitator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("begeleider"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="facilitated_meetings",
    )
    method = models.ForeignKey(Method, verbose_name=_("werkvorm"), on_delete=models.PROTECT)
    scheduled_start = models.DateTimeField(_("begint om"))
    scheduled_end = models.DateTimeField(_("eindigt om"))
    join_code = models.CharField(
        _("deelnamecode"), max_length=JOIN_CODE_LENGTH, unique=True, default=new_join_code
    )
    place = models.CharField(_("plaats of videolink"), max_length=300, blank=True)
    # Calendar bookkeeping: raised on every move or cancellation (iCalendar SEQUENCE).
    sequence = models.PositiveIntegerField(default=0)
    reminder_sent_at = models.DateTimeField(null=True, blank=True)

    # Live state; changed only through the command methods below.
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.SCHEDULED)
    phase = models.SlugField(blank=True)
    phase_started_at = models.DateTimeField(null=True, blank=True)
    phase_deadline = models.DateTimeField(null=True, blank=True)
    phase_allotted = models.DurationField(null=True, blank=True)
    paused_remaining = models.DurationField(null=True, blank=True)
    case = models.ForeignKey(
        "Case", verbose_name=_("casus"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    case_owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("inbrenger"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # A meeting treats one or two cases: the phases run again for the second.
    round = models.PositiveSmallIntegerField(default=1)
    # Optional rounds: whose turn it is to ask, advise or speak.
    turn = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    version = models.PositiveIntegerField(default=0)

    MAX_ROUNDS = 2

    class Meta:
        verbose_name = _("bijeenkomst")
        verbose_name_plural = _("bijeenkomsten")
        ordering = ["scheduled_start"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(scheduled_end__gt=models.F("scheduled_start")),
                name="meeting_ends_after_start",
            ),
            models.CheckConstraint(
                condition=models.Q(phase_deadline__isnull=True) | models.Q(paused_remaining__isnull=True),
                name="meeting_running_or_paused",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="live") | ~models.Q(phase=""),
                name="live_meeting_has_phase",
            ),
        ]

    def __str__(self) -> str:
        start = timezone.localtime(self.scheduled_start)
        return f"{self.group} – {start:%Y-%m-%d %H:%M}"

    # --- reading the state -------------------------------------------------

    @property
    def phases(self) -> list[MethodPhase]:
        """The method's phases; one query, then cached on the instance."""
        if not hasattr(self, "_phases"):
            self._phases = list(self.method.phases.all())
        return self._phases

    @property
    def phase_index(self) -> int | None:
        keys = [p.key for p in self.phases]
        return keys.index(self.phase) if self.phase in keys else None

    @property
    def current_phase(self) -> MethodPhase | None:
        index = self.phase_index
        return None if index is None else self.phases[index]

    @property
    def next_phase(self) -> MethodPhase | None:
        index = self.phase_index
        return self.phases[index + 1] if index is not None and index + 1 < len(self.phases) else None

    @property
    def state_key(self) -> str:
        """The key the pages and the socket protocol show: lobby, a phase key, or closed."""
        if self.status == self.Status.SCHEDULED:
            return "lobby"
        if self.status == self.Status.CLOSED:
            return "closed"
        return self.phase

    @property
    def is_upcoming(self) -> bool:
        return (
            self.status in (self.Status.SCHEDULED, self.Status.LIVE) and self.scheduled_end >= timezone.now()
        )

    @property
    def is_live(self) -> bool:
        return self.status == self.Status.LIVE

    @property
    def is_paused(self) -> bool:
        return self.is_live and self.paused_remaining is not None

    def allowed_kinds(self, is_case_owner: bool) -> list[str]:
        """What a member may contribute now; the case owner does not question or advise their own case."""
        phase = self.current_phase
        if not self.is_live or phase is None:
            return []
        if not is_case_owner:
            return list(phase.member_kinds)
        if phase.case_owner_mode != CaseOwnerMode.ANSWERS:
            return []
        about_their_case = (ContributionKind.QUESTION, ContributionKind.ADVICE)
        return [kind for kind in phase.member_kinds if kind not in about_their_case]

    def remaining(self, now=None) -> timedelta | None:
        """Time left in the phase (negative when overrun); None when no timer runs."""
        if self.paused_remaining is not None:
            return self.paused_remaining
        if self.phase_deadline is None:
            return None
        return self.phase_deadline - (now or timezone.now())

    # --- commands ----------------------------------------------------------

    def _apply(self, command: str, expected_version: int, by, **changes) -> None:
        """Write `changes` if the meeting is still at `expected_version`.

        The conditional UPDATE is the guarantee (select_for_update does
        nothing on SQLite): of two concurrent commands on the same version,
        exactly one updates a row.
        """
        if expected_version != self.version:
            raise StaleVersion
        from_phase = self.state_key
        with transaction.atomic():
            updated = Meeting.objects.filter(pk=self.pk, version=expected_version).update(
                version=expected_version + 1, **changes
            )
            if not updated:
                raise StaleVersion
            for field, value in changes.items():
                setattr(self, field, value)
            self.version = expected_version + 1
            PhaseTransition.objects.create(
                meeting=self,
                command=command,
                from_phase=from_phase,
                to_phase=self.state_key,
                by=by if by and by.is_authenticated else None,
                version=self.version,
            )
            from . import broadcast

            broadcast.command_applied(self)

    def _enter_phase(self, phase: MethodPhase, now) -> dict:
        allotted = timedelta(minutes=phase.minutes)
        return {
            "phase": phase.key,
            "phase_started_at": now,
            "phase_deadline": now + allotted,
            "phase_allotted": allotted,
            "paused_remaining": None,
            "turn": None,
        }

    def _require_live(self) -> None:
        if not self.is_live:
            raise CommandNotAllowed(_("De bijeenkomst loopt niet."))
        if self.phase_index is None:  # the method's phases were edited during the meeting
            raise CommandNotAllowed(_("De huidige fase bestaat niet meer in deze werkvorm."))

    def start(self, expected_version: int, by=None) -> None:
        if self.status != self.Status.SCHEDULED:
            raise CommandNotAllowed(_("De bijeenkomst is al begonnen."))
        if not self.phases:
            raise CommandNotAllowed(_("De werkvorm van deze bijeenkomst heeft geen fasen."))
        changes = self._enter_phase(self.phases[0], timezone.now())
        self._apply("start", expected_version, by, status=self.Status.LIVE, **changes)
        # Whoever waits in the lobby is there; a member who facilitates counts as present too.
        fresh_since = timezone.now() - Connection.STALE_AFTER
        waiting = Connection.objects.filter(meeting=self, last_seen__gte=fresh_since).values_list(
            "user_id", flat=True
        )
        self.mark_present({*waiting, self.facilitator_id})

    def mark_present(self, user_ids) -> None:
        """Record members as present (automatically, when they join the live meeting).

        Writes only what changes: a phone that reconnects finds itself present already.
        """
        user_ids = set(user_ids)
        recorded = dict(
            Attendance.objects.filter(meeting=self, user_id__in=user_ids).values_list("user_id", "present")
        )
        if all(recorded.get(user_id) for user_id in user_ids):
            return
        member_ids = set(self.group.members().filter(pk__in=user_ids).values_list("pk", flat=True))
        recorded = {user_id: present for user_id, present in recorded.items() if user_id in member_ids}
        absent = [user_id for user_id, present in recorded.items() if not present]
        if absent:
            Attendance.objects.filter(meeting=self, user_id__in=absent).update(present=True)
        new = member_ids - recorded.keys()
        if new:  # a second socket of the same member may have recorded it meanwhile
            Attendance.objects.bulk_create(
                [Attendance(meeting=self, user_id=user_id, present=True) for user_id in new],
                ignore_conflicts=True,
            )

    def advance(self, expected_version: int, by=None) -> None:
        self._require_live()
        index = self.phase_index
        if index + 1 >= len(self.phases):
            raise CommandNotAllowed(_("Dit is de laatste fase; sluit de bijeenkomst af."))
        changes = self._enter_phase(self.phases[index + 1], timezone.now())
        self._apply("advance", expected_version, by, **changes)

    def go_back(self, expected_version: int, by=None) -> None:
        self._require_live()
        index = self.phase_index
        if index == 0:
            raise CommandNotAllowed(_("Dit is de eerste fase."))
        changes = self._enter_phase(self.phases[index - 1], timezone.now())
        self._apply("go_back", expected_version, by, **changes)

    def pause(self, expected_version: int, by=None) -> None:
        self._require_live()
        if self.is_paused:
            raise CommandNotAllowed(_("De tijd staat al stil."))
        remaining = self.phase_deadline - timezone.now()
        self._apply("pause", expected_version, by, phase_deadline=None, paused_remaining=remaining)

    def resume(self, expected_version: int, by=None) -> None:
        self._require_live()
        if not self.is_paused:
            raise CommandNotAllowed(_("De tijd loopt al."))
        deadline = timezone.now() + self.paused_remaining
        self._apply("resume", expected_version, by, phase_deadline=deadline, paused_remaining=None)

    def extend(self, expected_version: int, by=None, minutes: int = 1) -> None:
        self._require_live()
        extra = timedelta(minutes=minutes)
        changes = {"phase_allotted": self.phase_allotted + extra}
        if self.is_paused:
            changes["paused_remaining"] = self.paused_remaining + extra
        else:
            changes["phase_deadline"] = self.phase_deadline + extra
        self._apply(f"extend_{minutes}", expected_version, by, **changes)

    def next_case(self, expected_version: int, by=None) -> None:
        """A second case: the phases run again from the first, for a new case owner."""
        self._require_live()
        if self.next_phase is not None:
            raise CommandNotAllowed(_("Een tweede casus begint na de laatste fase van de eerste."))
        if self.round >= self.MAX_ROUNDS:
            raise CommandNotAllowed(_("Een bijeenkomst behandelt hoogstens twee casussen."))
        changes = self._enter_phase(self.phases[0], timezone.now())
        self._apply(
            "next_case", expected_version, by, round=self.round + 1, case=None, case_owner=None, **changes
        )

    def turn_order(self) -> list:
        """Who takes a turn in a round: the members present, the case owner and facilitator excepted."""
        members = self.group.members().exclude(pk__in=[self.facilitator_id, self.case_owner_id or 0])
        present = members.filter(attendances__meeting=self, attendances__present=True)
        return list((present if present.exists() else members).order_by("first_name", "last_name", "pk"))

    def next_turn(self, expected_version: int, by=None) -> None:
        """Start a round, or pass the turn on; after the last person the round ends."""
        self._require_live()
        order = self.turn_order()
        ids = [person.pk for person in order]
        if self.turn_id in ids:
            index = ids.index(self.turn_id) + 1
            following = order[index] if index < len(order) else None
        else:
            following = order[0] if order else None
        self._apply("next_turn", expected_version, by, turn=following)

    def end_turns(self, expected_version: int, by=None) -> None:
        self._require_live()
        if self.turn_id is None:
            raise CommandNotAllowed(_("Er loopt geen rondje."))
        self._apply("end_turns", expected_version, by, turn=None)

    def set_method(self, method: "Method", expected_version: int, by=None) -> None:
        """The facilitator chooses the method before the meeting starts."""
        if self.status != self.Status.SCHEDULED:
            raise CommandNotAllowed(_("De werkvorm kies je voordat de bijeenkomst begint."))
        if not method.phases.exists():
            raise CommandNotAllowed(_("Deze werkvorm heeft geen fasen."))
        self._apply("method", expected_version, by, method=method)
        self._phases = list(method.phases.all())

    def close(self, expected_version: int, by=None) -> None:
        if self.status == self.Status.CLOSED:
            raise CommandNotAllowed(_("De bijeenkomst is al afgesloten."))
        self._apply(
            "close",
            expected_version,
            by,
            status=self.Status.CLOSED,
            phase_deadline=None,
            paused_remaining=None,
        )

    def set_case_owner(self, user, expected_version: int, by=None) -> None:
        if self.status == self.Status.CLOSED:
            raise CommandNotAllowed(_("De bijeenkomst is al afgesloten."))
        if user is not None and not self.group.members().filter(pk=user.pk).exists():
            raise CommandNotAllowed(_("De inbrenger moet lid van de groep zijn."))
        if user is not None and user.pk == self.facilitator_id:
            raise CommandNotAllowed(_("Wie deze bijeenkomst begeleidt, brengt geen casus in."))
        dropped = self.case_id if self.case_id and (user is None or self.case.owner_id != user.pk) else None
        changes = {"case_owner": user, **({"case": None} if dropped else {})}
        with transaction.atomic():  # the push goes out after both writes
            self._apply("case_owner", expected_version, by, **changes)
            if dropped:  # somebody else's turn: the chosen case goes back to the list
                Case.objects.filter(pk=dropped).update(status=Case.Status.BROUGHT, round=None)

    # --- the traject's calendar -------------------------------------------

    def overlapping(self):
        """Other meetings of the same facilitator at an overlapping time."""
        return (
            Meeting.objects.filter(
                facilitator_id=self.facilitator_id,
                scheduled_start__lt=self.scheduled_end,
                scheduled_end__gt=self.scheduled_start,
            )
            .exclude(pk=self.pk)
            .exclude(status=self.Status.CANCELLED)
            .select_related("group")
        )

    def _change_plan(self, message, **changes) -> None:
        """Change a meeting that has not started; conditional, so it cannot race a start."""
        updated = Meeting.objects.filter(pk=self.pk, status=self.Status.SCHEDULED).update(
            sequence=models.F("sequence") + 1, **changes
        )
        if not updated:
            raise CommandNotAllowed(message)
        self.refresh_from_db()

    def reschedule(self, start, end, place: str, facilitator) -> bool:
        """Change time, place or facilitator; True when the time changed."""
        moved = (start, end) != (self.scheduled_start, self.scheduled_end)
        changes = {"scheduled_start": start, "scheduled_end": end, "place": place, "facilitator": facilitator}
        if moved:
            changes["reminder_sent_at"] = None  # a moved meeting gets its own reminder
        self._change_plan(_("Alleen een geplande bijeenkomst kan nog verzet worden."), **changes)
        return moved

    def cancel(self) -> None:
        self._change_plan(
            _("Alleen een geplande bijeenkomst kan geannuleerd worden."), status=self.Status.CANCELLED
        )

    def choose_case(self, case, expected_version: int, by=None) -> None:
        """The case of this round, in the lobby or a choosing phase: its owner becomes the case owner."""
        choosing = self.status == self.Status.SCHEDULED or (
            self.is_live and self.current_phase is not None and self.current_phase.step == PhaseStep.CHOOSE
        )
        if not choosing:
            raise CommandNotAllowed(
                _("Een casus kies je in de wachtruimte of in de fase waarin gekozen wordt.")
            )
        if case.meeting_id != self.pk or case.status == Case.Status.DRAFT:
            raise CommandNotAllowed(_("Deze casus is niet ingebracht in deze bijeenkomst."))
        if case.owner_id == self.facilitator_id:
            raise CommandNotAllowed(_("Wie deze bijeenkomst begeleidt, brengt geen casus in."))
        if case.status == Case.Status.CHOSEN and case.round != self.round:
            raise CommandNotAllowed(_("Deze casus is al besproken."))
        with transaction.atomic():  # the push goes out after all three writes
            self._apply("choose_case", expected_version, by, case=case, case_owner=case.owner)
            # The case chosen before in this round goes back to the list.
            Case.objects.filter(meeting=self, round=self.round).exclude(pk=case.pk).update(
                status=Case.Status.BROUGHT, round=None
            )
            Case.objects.filter(pk=case.pk).update(status=Case.Status.CHOSEN, round=self.round)

    def reset_to_lobby(self) -> None:
        """Put a meeting back before its start (the demo data does this)."""
        self._apply(
            "reset",
            self.version,
            None,
            status=self.Status.SCHEDULED,
            phase="",
            phase_started_at=None,
            phase_deadline=None,
            phase_allotted=None,
            paused_remaining=None,
            case_owner=None,
            case=None,
            round=1,
            turn=None,
        )


class PhaseTransition(models.Model):
    """One row per state change: the meeting's history."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="transitions")
    command = models.CharField(max_length=20)
    from_phase = models.SlugField()
    to_phase = models.SlugField()
    version = models.PositiveIntegerField()
    at = models.DateTimeField(default=timezone.now)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("faseovergang")
        verbose_name_plural = _("faseovergangen")
        ordering = ["meeting", "version"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "version"], name="one_transition_per_version")
        ]

    def __str__(self) -> str:
        return f"{self.meeting}: {self.from_phase} → {self.to_phase} (v{self.version})"


class JoinRequest(models.Model):
    """A phone that is not logged in, asking to join as a member.

    Once the facilitator admits it, that device (its session) counts as the
    member for this meeting only, until the meeting closes.
    """

    class Status(models.TextChoices):
        WAITING = "waiting", _("wacht")
        ADMITTED = "admitted", _("toegelaten")
        REFUSED = "refused", _("geweigerd")

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="join_requests")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.WAITING)
    # Shown on the waiting phone and beside its name on the facilitator's screen,
    # so two phones that picked the same name can be told apart.
    check_code = models.CharField(max_length=2, default=new_check_code)
    created_at = models.DateTimeField(auto_now_add=True)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("aanmelding van een telefoon")
        verbose_name_plural = _("aanmeldingen van telefoons")
        ordering = ["created_at"]

    def __str__(self) -> str:
        return f"{self.user.first_name} – {self.meeting} ({self.get_status_display()})"

    def decide(self, admit: bool) -> None:
        self.status = self.Status.ADMITTED if admit else self.Status.REFUSED
        self.decided_at = timezone.now()
        self.save(update_fields=["status", "decided_at"])
        from . import broadcast

        broadcast.presence_changed(self.meeting_id)
        broadcast.access_changed(self.user_id)


class Connection(models.Model):
    """An open socket, so the facilitator sees who is connected right now.

    Rows are refreshed by the clients' clock pings; a row whose process died
    without saying goodbye goes stale and stops counting after a minute.
    """

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="connections")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    audience = models.CharField(max_length=20)
    # What the socket is pushed: its language, and whether it gets case content.
    # A push renders only the variants and languages that are connected.
    language = models.CharField(max_length=8, default="")
    sees_case = models.BooleanField(default=True)
    channel_name = models.CharField(max_length=200, unique=True)
    connected_at = models.DateTimeField(default=timezone.now)
    last_seen = models.DateTimeField(default=timezone.now)

    STALE_AFTER = timedelta(seconds=60)

    class Meta:
        verbose_name = _("verbinding")
        verbose_name_plural = _("verbindingen")

    def __str__(self) -> str:
        return f"{self.user} – {self.meeting} ({self.audience})"


class Attendance(models.Model):
    """A member's answer before a meeting, and whether they were there."""

    class Response(models.TextChoices):
        ATTENDING = "attending", _("ik ben erbij")
        CANCELLED = "cancelled", _("afgemeld")

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendances")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="attendances")

    class ReasonKind(models.TextChoices):
        """What a coordinator sees of a cancellation, counted; the reason itself stays in the group."""

        WORK = "work", _("te druk met werk")
        ILLNESS = "illness", _("ziek")
        LEAVE = "leave", _("vrij of vakantie")
        OTHER = "other", _("iets anders")

    response = models.CharField(_("antwoord"), max_length=10, choices=Response.choices, blank=True)
    reason_kind = models.CharField(_("soort reden"), max_length=10, choices=ReasonKind.choices, blank=True)
    reason = EncryptedTextField(_("reden"), max_length=300, blank=True)  # often about health
    responded_at = models.DateTimeField(null=True, blank=True)
    present = models.BooleanField(_("aanwezig"), null=True, blank=True)

    class Meta:
        verbose_name = _("aanwezigheid")
        verbose_name_plural = _("aanwezigheid")
        constraints = [models.UniqueConstraint(fields=["meeting", "user"], name="one_attendance_per_member")]

    def __str__(self) -> str:
        return f"{self.user} – {self.meeting}: {self.response or '?'}"


def new_feed_token() -> str:
    return secrets.token_urlsafe(32)


class CalendarFeed(models.Model):
    """A member's secret calendar subscription URL; revoking it makes a new token."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feed"
    )
    token = models.CharField(max_length=64, unique=True, default=new_feed_token)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("agendafeed")
        verbose_name_plural = _("agendafeeds")

    def __str__(self) -> str:
        return f"{self.user}"


class Contribution(models.Model):
    """What a member writes in a phase: a question, observation, association, advice or theme.

    Case content: shown only to the meeting's facilitator and to members who
    accepted the group's agreements; never to coordinators, in emails or logs.
    """

    MAX_LENGTH = 2000

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="contributions")
    round = models.PositiveSmallIntegerField(default=1)
    phase = models.SlugField()
    kind = models.CharField(max_length=12, choices=ContributionKind.choices)
    # Empty once the author deleted their account: the group keeps the contribution, anonymised.
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    text = EncryptedTextField(max_length=MAX_LENGTH)
    created_at = models.DateTimeField(default=timezone.now)
    asked_at = models.DateTimeField(null=True, blank=True)  # questions: put to the case owner
    revealed_at = models.DateTimeField(null=True, blank=True)  # write-first phases
    open_question = models.BooleanField(null=True)  # the coach's verdict when it was sent
    fits = models.BooleanField(default=False)  # advice: the case owner marked it as fitting
    # Made by the phone for each text it sends: a text sent again after a lost
    # connection is recognised and stored once.
    client_key = models.CharField(max_length=40, blank=True)

    class Meta:
        verbose_name = _("bijdrage")
        verbose_name_plural = _("bijdragen")
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "author", "client_key"],
                condition=~models.Q(client_key=""),
                name="one_contribution_per_client_key",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} – {self.meeting} ({self.phase})"  # never the text

    @property
    def author_name(self) -> str:
        return self.author.first_name if self.author else _("een oud-deelnemer")


class Case(models.Model):
    """A member's work case (casus): private while a draft, then brought into a meeting.

    Case content: visible to its owner, and once brought in to the meeting's
    facilitator and the members who accepted the agreements; never elsewhere.
    """

    class Status(models.TextChoices):
        DRAFT = "draft", _("concept")
        BROUGHT = "brought", _("ingebracht")
        CHOSEN = "chosen", _("gekozen")

    group = models.ForeignKey(IntervisionGroup, on_delete=models.CASCADE, related_name="cases")
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="cases")
    meeting = models.ForeignKey(
        Meeting, on_delete=models.SET_NULL, null=True, blank=True, related_name="cases"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    title = EncryptedTextField(_("titel"), max_length=120)
    situation = EncryptedTextField(_("de situatie"), max_length=4000)
    question = EncryptedTextField(_("je vraag aan de groep"), max_length=1000)
    tried = EncryptedTextField(_("wat je al geprobeerd hebt"), max_length=2000, blank=True)
    reformulation = EncryptedTextField(_("de vraag achter de vraag"), max_length=1000, blank=True)
    action = EncryptedTextField(_("wat ik ga doen"), max_length=1000, blank=True)
    # Told at the look-back of the next meeting: what came of it.
    follow_up = EncryptedTextField(_("wat ik ermee gedaan heb"), max_length=1000, blank=True)
    round = models.PositiveSmallIntegerField(null=True, blank=True)  # when chosen: the meeting's round
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("casus")
        verbose_name_plural = _("casussen")
        ordering = ["-updated_at"]

    def __str__(self) -> str:
        return f"{_('casus')} {self.pk} – {self.group}"  # never the content


class CaseVote(models.Model):
    """A member's vote for a brought case; the facilitator confirms the choice."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="votes")
    round = models.PositiveSmallIntegerField()
    voter = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="votes")

    class Meta:
        verbose_name = _("stem")
        verbose_name_plural = _("stemmen")
        constraints = [
            models.UniqueConstraint(fields=["meeting", "round", "voter"], name="one_vote_per_round")
        ]

    def __str__(self) -> str:
        return f"{_('stem')} – {self.meeting} ({self.round})"


class Evaluation(models.Model):
    """A member's evaluation of a round: five scores and one take-away.

    The questions counter the pitfalls: shallow questions, unsafety, a
    disguised staff meeting, and advice given with kid gloves.
    """

    SCORES = {
        "helped": _("Heeft het de inbrenger geholpen?"),
        "depth": _("Hebben we diep genoeg doorgevraagd?"),
        "safe": _("Voelde het veilig?"),
        "stayed": _("Bleven we bij intervisie (geen werkoverleg)?"),
        "critical": _("Durfden we kritisch te zijn?"),
    }
    SCALE = range(1, 6)

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="evaluations")
    round = models.PositiveSmallIntegerField(default=1)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    helped = models.PositiveSmallIntegerField(SCORES["helped"])
    depth = models.PositiveSmallIntegerField(SCORES["depth"])
    safe = models.PositiveSmallIntegerField(SCORES["safe"])
    stayed = models.PositiveSmallIntegerField(SCORES["stayed"])
    critical = models.PositiveSmallIntegerField(SCORES["critical"])
    take_away = EncryptedTextField(_("Wat neem ik mee?"), max_length=1000, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("evaluatie")
        verbose_name_plural = _("evaluaties")
        constraints = [
            models.UniqueConstraint(fields=["meeting", "round", "author"], name="one_evaluation_per_round"),
            *(
                models.CheckConstraint(
                    condition=models.Q(**{f"{name}__range": (1, 5)}), name=f"{name}_1_to_5"
                )
                for name in ("helped", "depth", "safe", "stayed", "critical")
            ),
        ]

    def __str__(self) -> str:
        return f"{_('evaluatie')} – {self.meeting} ({self.round})"  # never the take-away


class SignalNotice(models.Model):
    """A pitfall signal a coordinator has been emailed about (each signal once, a digest a day at most)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=100)
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("gemeld signaal")
        verbose_name_plural = _("gemelde signalen")
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="one_notice_per_signal")]

    def __str__(self) -> str:
        return f"{self.user} – {self.key}"
