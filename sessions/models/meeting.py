"""Meetings (bijeenkomsten) and their live state machine.

The live state lives in the Meeting row, never in a process. Every command
is a conditional UPDATE on the version the facilitator saw, so a double
click or a replayed request changes nothing twice, and every change writes a
PhaseTransition row. Pushing the change to the screens is the caller's part
(sessions/actions/): nothing here renders or touches the channel layer.
"""

import secrets
from datetime import timedelta

from django.conf import settings
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from groups.models import IntervisionGroup

from .cases import Case
from .methods import Method, MethodPhase
from .traject import Attendance

JOIN_CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I
JOIN_CODE_LENGTH = 6


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
    # When the facilitator's laptop fails: a member steers. Handed over by the facilitator, or
    # taken once the facilitator has been away TAKE_OVER_AFTER (and given back on their return).
    controller = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    controls_taken = models.BooleanField(default=False)
    facilitator_away_since = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=0)

    MAX_ROUNDS = 2
    TAKE_OVER_AFTER = timedelta(minutes=2)

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

    @classmethod
    def load(cls, meeting_id: int) -> "Meeting":
        """The meeting with everything a page or a push renders, in a fixed number of queries."""
        meeting = cls.objects.select_related(
            "group", "method", "case_owner", "facilitator", "case", "turn", "controller"
        ).get(pk=meeting_id)
        meeting.phases  # noqa: B018 -- loads and caches the method's phases
        return meeting

    @classmethod
    def next_for(cls, group) -> "Meeting | None":
        """The group's next meeting that has not ended (live or scheduled)."""
        return next((m for m in group.meetings.order_by("scheduled_start") if m.is_upcoming), None)

    def membership_changes_since_the_last(self) -> list:
        """Who was added to or removed from the group since its previous meeting (told in the lobby)."""
        previous = (
            Meeting.objects.filter(group_id=self.group_id, scheduled_start__lt=self.scheduled_start)
            .exclude(status=self.Status.CANCELLED)
            .order_by("-scheduled_start")
            .values_list("scheduled_start", flat=True)
            .first()
        )
        changes = self.group.membership_changes.select_related("by")
        return list(changes.filter(at__gt=previous) if previous else changes[:10])

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
    def minutes_after_current(self) -> int:
        """The planned minutes of this round's phases after the current one (a second case that
        may follow is not counted: the facilitator decides on it at the end)."""
        index = self.phase_index
        return sum(phase.minutes for phase in self.phases[index + 1 :]) if index is not None else 0

    @property
    def may_take_second_case(self) -> bool:
        """After the last phase of the first case, the phases can run again for a second one."""
        return self.is_live and self.next_phase is None and self.round < self.MAX_ROUNDS

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
    def is_today(self) -> bool:
        """Whether it is scheduled for today, in the group's time zone."""
        tz = self.group.tz
        return timezone.localdate(self.scheduled_start, tz) == timezone.localdate(timezone=tz)

    @property
    def is_paused(self) -> bool:
        return self.is_live and self.paused_remaining is not None

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

    def mark_lobby_present(self) -> None:
        """At the start: whoever waits in the lobby is there, and a member who facilitates."""
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

    def record_absentees(self) -> None:
        """At the close, a row (present unknown) for every member without one: the meeting's
        figures then keep them even when an account goes later (its rows stay, without it)."""
        recorded = set(Attendance.objects.filter(meeting=self).values_list("user_id", flat=True))
        members = self.group.members().values_list("pk", flat=True)
        Attendance.objects.bulk_create(
            [Attendance(meeting=self, user_id=pk) for pk in members if pk not in recorded],
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
        if not self.may_take_second_case:
            if self.next_phase is not None:
                raise CommandNotAllowed(_("Een tweede casus begint na de laatste fase van de eerste."))
            raise CommandNotAllowed(_("Een bijeenkomst behandelt hoogstens twee casussen."))
        changes = self._enter_phase(self.phases[0], timezone.now())
        with transaction.atomic():
            self._apply(
                "next_case", expected_version, by, round=self.round + 1, case=None, case_owner=None, **changes
            )
            # Cases left in the first round can be chosen in the second.
            Case.objects.filter(meeting=self, status=Case.Status.BROUGHT).update(round=None)

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
            controller=None,
            controls_taken=False,
        )

    def case_owner_problem(self, user) -> str:
        """Why this person cannot be the round's case owner, or "" (nobody, `None`, always can)."""
        if self.status == self.Status.CLOSED:
            return _("De bijeenkomst is al afgesloten.")
        if user is not None and not self.group.members().filter(pk=user.pk).exists():
            return _("De inbrenger moet lid van de groep zijn.")
        if user is not None and user.pk == self.facilitator_id:
            return _("Wie deze bijeenkomst begeleidt, brengt geen casus in.")
        return ""

    def set_case_owner(self, user, expected_version: int, by=None) -> None:
        """The round's case owner. Somebody else's chosen case goes back to the list; choosing back
        a person whose case this round treated before brings that case back, and with it the
        round's work (contributions belong to the case and case owner they were written for)."""
        if problem := self.case_owner_problem(user):
            raise CommandNotAllowed(problem)
        keeps = self.case_id is not None and user is not None and self.case.owner_id == user.pk
        case = self.case if keeps else self._case_left_this_round(user)
        with transaction.atomic():  # all writes or none
            self._choose(case, expected_version, by, command="case_owner", case_owner=user)

    def _case_left_this_round(self, user):
        """The case of `user` chosen earlier in this round and left for another one, if any."""
        if user is None:
            return None
        left = Case.objects.filter(meeting=self, round=self.round, status=Case.Status.BROUGHT, owner=user)
        return left.first()

    def _choose(self, case, expected_version: int, by, command: str, case_owner) -> None:
        """Make `case` (or none) this round's case. A case left goes back to the list but keeps
        the round's number, so that choosing its owner again can bring it back."""
        self._apply(command, expected_version, by, case=case, case_owner=case_owner)
        chosen_before = Case.objects.filter(meeting=self, round=self.round, status=Case.Status.CHOSEN)
        if case is not None:
            chosen_before = chosen_before.exclude(pk=case.pk)
            Case.objects.filter(pk=case.pk).update(status=Case.Status.CHOSEN, round=self.round)
        chosen_before.update(status=Case.Status.BROUGHT)

    def round_contributions(self):
        """This round's contributions: its number, with the case and case owner treated now."""
        return self.contributions.filter(round=self.round, case=self.case_id, case_owner=self.case_owner_id)

    # --- who steers -----------------------------------------------------------

    def hand_controls(self, person, expected_version: int, by=None) -> None:
        """The facilitator lets a member steer (None: the facilitator steers alone again)."""
        self._require_live()
        if person is not None and not self.group.members().filter(pk=person.pk).exists():
            raise CommandNotAllowed(_("De bediening gaat alleen naar een lid van de groep."))
        if person is not None and person.pk == self.facilitator_id:
            person = None
        self._apply("hand_controls", expected_version, by, controller=person, controls_taken=False)

    def take_controls(self, person, expected_version: int, now=None) -> None:
        """A member takes the controls while the facilitator has been away long enough."""
        self._require_live()
        away = self.facilitator_away_since
        if away is None or (now or timezone.now()) - away < self.TAKE_OVER_AFTER:
            raise CommandNotAllowed(
                _("De bediening overnemen kan pas als de begeleider twee minuten weg is.")
            )
        if self.controller_id is not None:
            raise CommandNotAllowed(_("Iemand anders heeft de bediening al."))
        self._apply("take_controls", expected_version, person, controller=person, controls_taken=True)

    def facilitator_left(self) -> bool:
        """The facilitator's last socket closed: from now on they are away. True if that is news."""
        if not self.is_live or self.facilitator_away_since is not None:
            return False
        return self._note(facilitator_away_since=timezone.now())

    def facilitator_back(self) -> bool:
        """The facilitator is connected again: controls a member took come back (a logged
        command). True if anything changed."""
        if self.controls_taken:
            back = {"controller": None, "controls_taken": False, "facilitator_away_since": None}
            self._apply("controls_back", self.version, None, **back)
            return True
        return self.facilitator_away_since is not None and self._note(facilitator_away_since=None)

    def _note(self, **changes) -> bool:
        """Whether the facilitator is there: written without raising the version, so that a
        facilitator who reloads keeps valid buttons (nobody pressed anything)."""
        if not Meeting.objects.filter(pk=self.pk, status=self.Status.LIVE).update(**changes):
            return False
        for field, value in changes.items():
            setattr(self, field, value)
        return True

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

    def case_problem(self, case) -> str:
        """Why this case cannot be this round's case, or "" (when in the meeting it may be
        chosen is a phase rule: sessions.policy.case_choice_refusal)."""
        if case.meeting_id != self.pk or case.status == Case.Status.DRAFT:
            return _("Deze casus is niet ingebracht in deze bijeenkomst.")
        if case.owner_id == self.facilitator_id:
            return _("Wie deze bijeenkomst begeleidt, brengt geen casus in.")
        if case.status == Case.Status.CHOSEN and case.round != self.round:
            return _("Deze casus is al besproken.")
        return ""

    def choose_case(self, case, expected_version: int, by=None) -> None:
        """The case of this round: its owner becomes the case owner."""
        if problem := self.case_problem(case):
            raise CommandNotAllowed(problem)
        with transaction.atomic():  # all writes or none
            self._choose(case, expected_version, by, command="choose_case", case_owner=case.owner)

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
            controller=None,
            controls_taken=False,
            facilitator_away_since=None,
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
