"""Demo data: a group of seven, its facilitator and coordinator, a traject of
seven fortnightly meetings (three held, with attendance; today's in the lobby;
three to come), and the group's agreements accepted by everybody.

Idempotent: running it again keeps everything and puts today's meeting back
in the lobby.
"""

from datetime import datetime, time, timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core.management.base import BaseCommand
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from groups.actions import propose_agreements
from groups.models import AgreementAcceptance, IntervisionGroup, Membership
from sessions.actions import meeting as meeting_actions
from sessions.models import (
    Attendance,
    Case,
    CaseVote,
    Connection,
    Contribution,
    Evaluation,
    JoinRequest,
    Meeting,
    Method,
)

PASSWORD = "intervisie-demo"
GROUP_NAME = "Intervisiegroep Zorg & Welzijn"
PEOPLE = [
    ("coordinator@example.org", "Corinne", "Peeters"),
    ("begeleider@example.org", "Marieke", "Hoekstra"),
    ("lid1@example.org", "Anna", "de Vries"),
    ("lid2@example.org", "Bram", "Jansen"),
    ("lid3@example.org", "Chantal", "Bakker"),
    ("lid4@example.org", "Daan", "Visser"),
    ("lid5@example.org", "Eva", "Smit"),
    ("lid6@example.org", "Fatima", "El Amrani"),
    ("lid7@example.org", "Gert", "Mulder"),
    ("buiten@example.org", "Bas", "Buitenhof"),
]

TODAYS_CASES = [
    {
        "title": "Een cliënt die steeds later komt",
        "situation": "Een cliënt komt al weken een half uur te laat. "
        "Ik begin dan toch, en loop de rest van de dag uit.",
        "question": "Hoe bespreek ik het te laat komen zonder de relatie te beschadigen?",
        "tried": "Ik heb het één keer luchtig benoemd.",
    },
    {
        "title": "Overdracht die niet gelezen wordt",
        "situation": "Mijn overdracht aan de avonddienst wordt vaak niet gelezen; dingen gaan mis.",
        "question": "Wat kan ik doen zodat mijn overdracht echt aankomt?",
        "tried": "",
    },
]

PAST_CASES = [
    {
        "owner": "lid3@example.org",
        "case": {
            "title": "Een collega die alles overneemt",
            "situation": "Een ervaren collega neemt in gesprekken met families steeds het woord over.",
            "question": "Hoe zeg ik dat ik het gesprek zelf wil voeren?",
            "tried": "",
            "reformulation": "Waarom vind ik het zo moeilijk om ruimte in te nemen "
            "naast iemand met meer ervaring?",
            "action": "Ik spreek vooraf met mijn collega af wie het gesprek leidt.",
            "follow_up": "Gedaan: we spreken nu vooraf de rollen af, en dat werkt.",
        },
        "contributions": [
            ("analyse", "question", "Wat gebeurt er bij jou op het moment dat ze het overneemt?"),
            ("analyse", "question", "Hoe reageren de families daarop?"),
            (
                "advies",
                "advice",
                "Als ik jou was, zou ik het vooraf bespreken, niet tijdens het gesprek.",
                True,
            ),
            ("advies", "advice", "Vraag haar om feedback na afloop; dan wordt het gewoon een werkafspraak."),
            ("groepsthema", "theme", "Ruimte innemen naast ervaren collega's"),
        ],
        "take_aways": ["Vooraf afspreken in plaats van achteraf balen."],
    },
    {
        "owner": "lid2@example.org",
        "case": {
            "title": "Nee zeggen tegen extra diensten",
            "situation": "Ik word bijna elke week gebeld voor een extra dienst, en ik zeg steeds ja.",
            "question": "Hoe zeg ik vaker nee zonder me schuldig te voelen?",
            "tried": "Mijn telefoon uitzetten op vrije dagen; dat hield ik niet vol.",
            "reformulation": "Wat zegt het over mij dat ik bang ben om als onbetrouwbaar gezien te worden?",
            "action": "Ik bespreek met mijn leidinggevende een vaste grens van één extra dienst per maand.",
            "follow_up": "",
        },
        "contributions": [
            ("analyse", "question", "Wat voel je op het moment dat de telefoon gaat?"),
            ("analyse", "question", "Heb je al geprobeerd om gewoon nee te zeggen?"),
            ("analyse", "question", "Wie zou het merken als je een keer nee zegt?"),
            ("bewustwording", "observation", "Je sprak drie keer over 'het team niet laten vallen'."),
            (
                "advies",
                "advice",
                "Spreek een vaste grens af met je leidinggevende, dan hoef je niet elke keer te kiezen.",
                True,
            ),
            (
                "advies",
                "advice",
                "Laat de telefoon een dag liggen en bel pas terug als je zelf hebt besloten.",
            ),
            ("advies", "advice", "Vraag een collega die vaak nee zegt hoe zij dat doet.", True),
            ("groepsthema", "theme", "Grenzen stellen in een krap team"),
            ("groepsthema", "theme", "Loyaliteit aan collega's tegenover zorg voor jezelf"),
        ],
        "take_aways": [
            "Mijn eigen grens is ook zorg voor het team.",
            "Ik vraag vaker door in plaats van meteen te adviseren.",
        ],
    },
]

# Two more groups for the coordinator's overview: one fading, one drifting into a staff meeting.
# Per held meeting: who was away ("-" absent without a word, otherwise the kind of reason).
OTHER_GROUPS = [
    {
        "name": "Intervisie Jeugdteam Noord",
        "facilitator": ("hans@example.org", "Hans", "de Boer"),
        "members": [
            ("Iris", "Kok"),
            ("Kees", "Mol"),
            ("Lotte", "Vos"),
            ("Mo", "Amrani"),
            ("Nina", "Post"),
            ("Otto", "Rijn"),
        ],
        "away": [
            {},
            {"Kees": "work"},
            {"Kees": "-", "Lotte": "work"},
            {"Kees": "-", "Lotte": "work", "Mo": "illness"},
        ],
        "scores": {"helped": 4, "depth": 3.5, "safe": 4.5, "stayed": 4, "critical": 3.5},
        "share_themes": False,
    },
    {
        "name": "Intervisie Teamleiders Zuid",
        "facilitator": ("ruud@example.org", "Ruud", "Smits"),
        "members": [("Sanne", "Tol"), ("Tom", "Wit"), ("Umar", "Yilmaz"), ("Vera", "Zijl"), ("Wim", "Aalst")],
        "away": [{}, {"Wim": "leave"}, {}],
        "scores": {"helped": 3.6, "depth": 3.5, "safe": 4, "stayed": 2.2, "critical": 2.4},
        "share_themes": True,
    },
]


class Command(BaseCommand):
    help = "Create the demo accounts, group and today's meeting (idempotent)."

    @transaction.atomic
    def handle(self, *args, **options):
        users = {email: self._user(email, first, last) for email, first, last in PEOPLE}
        group, _ = IntervisionGroup.objects.get_or_create(
            name=GROUP_NAME,
            defaults={
                "description": "Een demogroep van zeven professionals uit zorg en welzijn.",
                "share_themes": True,
            },
        )
        facilitator = users["begeleider@example.org"]
        Membership.objects.get_or_create(
            group=group, user=facilitator, defaults={"role": Membership.Role.FACILITATOR}
        )
        for number in range(1, 8):
            Membership.objects.get_or_create(group=group, user=users[f"lid{number}@example.org"])

        coordinator = users["coordinator@example.org"]
        coordinator.user_permissions.add(Permission.objects.get(codename="coordinate"))
        group.coordinators.add(coordinator)
        meeting = self._traject(group, facilitator, users)
        self._agreements(group, [facilitator, *group.members()])
        self._in_the_group_from_the_start(group)
        for spec in OTHER_GROUPS:
            self._other_group(spec, coordinator)

        self.stdout.write(f"facilitator: {reverse('meetings:facilitate', args=[meeting.pk])}")
        self.stdout.write(f"presenter: {reverse('meetings:presenter', args=[meeting.pk])}")
        self.stdout.write(f"join: {reverse('meetings:join', args=[meeting.join_code])}")

    def _traject(self, group, facilitator, users) -> Meeting:
        """Seven fortnightly meetings around today: three held, today's in the lobby, three to come."""
        method = Method.objects.get(key="zesfasenmodel")
        today = timezone.localdate()
        members = [users[f"lid{number}@example.org"] for number in range(1, 8)]
        for offset in range(-3, 4):
            day = today + timedelta(weeks=2 * offset)
            start = timezone.make_aware(datetime.combine(day, time(9, 30)))
            meeting = group.meetings.filter(scheduled_start__date=day).first() or Meeting.objects.create(
                group=group,
                facilitator=facilitator,
                method=method,
                scheduled_start=start,
                scheduled_end=start + timedelta(hours=2),
                place="Vergaderzaal De Linde",
                status=Meeting.Status.CLOSED if offset < 0 else Meeting.Status.SCHEDULED,
            )
            if offset < 0:
                self._past_attendance(meeting, members, offset)
            if offset in (-2, -1):
                self._past_case(meeting, users, offset + 2)
            elif offset == 0:
                today_meeting = meeting
        if today_meeting.scheduled_end <= timezone.now():  # run later in the day: still today, not over
            start = timezone.localtime().replace(minute=0, second=0, microsecond=0)
            today_meeting.scheduled_start, today_meeting.scheduled_end = start, start + timedelta(hours=2)
            today_meeting.save(update_fields=["scheduled_start", "scheduled_end"])
        for model in (JoinRequest, Connection, Contribution, CaseVote, Evaluation):
            model.objects.filter(meeting=today_meeting).delete()
        meeting_actions.reset_to_lobby(today_meeting)
        self._todays_cases(today_meeting, users)
        return today_meeting

    def _case(self, meeting, owner, status, data: dict) -> Case:
        # One demo case per person per meeting (titles are encrypted: no lookups on them).
        case, _ = Case.objects.update_or_create(
            group=meeting.group, owner=owner, meeting=meeting, defaults={"status": status, **data}
        )
        return case

    def _todays_cases(self, meeting, users) -> None:
        """Anna's case is brought and already chosen, so the phases can be run at once; Chantal's waits."""
        anna = self._case(meeting, users["lid1@example.org"], Case.Status.BROUGHT, TODAYS_CASES[0])
        self._case(meeting, users["lid3@example.org"], Case.Status.BROUGHT, TODAYS_CASES[1])
        Case.objects.filter(pk=anna.pk).update(reformulation="", action="", follow_up="", round=None)
        meeting_actions.choose_case(meeting, anna, meeting.version, None)

    def _past_case(self, meeting, users, number: int) -> None:
        """A held meeting's case with its questions, advice, themes and evaluations."""
        data = PAST_CASES[number]
        owner = users[data["owner"]]
        case = self._case(meeting, owner, Case.Status.CHOSEN, {**data["case"], "round": 1})
        Meeting.objects.filter(pk=meeting.pk).update(case=case, case_owner=owner, phase="evaluatie")
        if meeting.contributions.exists():
            return
        others = [u for email, u in users.items() if email.startswith("lid") and u != owner]
        for index, (phase, kind, text, *fits) in enumerate(data["contributions"]):
            Contribution.objects.create(
                meeting=meeting,
                case=case,
                case_owner=owner,
                phase=phase,
                kind=kind,
                author=others[index % len(others)],
                text=text,
                created_at=meeting.scheduled_start,
                revealed_at=meeting.scheduled_start,
                open_question=(not text.startswith("Heb je")) if kind == "question" else None,
                asked_at=meeting.scheduled_start if kind == "question" else None,
                fits=bool(fits),
            )
        for index, person in enumerate(others[:5]):
            Evaluation.objects.create(
                meeting=meeting,
                author=person,
                helped=5 - index % 2,
                depth=3 + index % 3,
                safe=5,
                stayed=4 + index % 2,
                critical=3 + index % 2,
                take_away=data["take_aways"][index] if index < len(data["take_aways"]) else "",
            )

    def _other_group(self, spec: dict, coordinator) -> None:
        """A group with only its numbers: meetings held fortnightly up to last week, two to come."""
        group, _ = IntervisionGroup.objects.get_or_create(
            name=spec["name"], defaults={"share_themes": spec["share_themes"]}
        )
        group.coordinators.add(coordinator)
        facilitator = self._user(*spec["facilitator"])
        Membership.objects.get_or_create(
            group=group, user=facilitator, defaults={"role": Membership.Role.FACILITATOR}
        )
        members = {}
        for first, last in spec["members"]:
            email = f"{first.lower()}@example.org"
            members[first] = self._user(email, first, last)
            Membership.objects.get_or_create(group=group, user=members[first])
        if group.meetings.exists():
            return
        method = Method.objects.get(key="zesfasenmodel")
        held = len(spec["away"])
        last_week = timezone.localdate() - timedelta(days=6)
        for index in range(held + 2):
            day = last_week + timedelta(weeks=2 * (index - held + 1))
            start = timezone.make_aware(datetime.combine(day, time(14, 0)))
            meeting = Meeting.objects.create(
                group=group,
                facilitator=facilitator,
                method=method,
                scheduled_start=start,
                scheduled_end=start + timedelta(hours=2),
                status=Meeting.Status.CLOSED if index < held else Meeting.Status.SCHEDULED,
            )
            if index >= held:
                continue
            away = spec["away"][index]
            for first, person in members.items():
                kind = away.get(first)
                Attendance.objects.create(
                    meeting=meeting,
                    user=person,
                    response=Attendance.Response.CANCELLED
                    if kind not in (None, "-")
                    else Attendance.Response.ATTENDING,
                    reason_kind=kind if kind not in (None, "-") else "",
                    reason="Afgemeld" if kind not in (None, "-") else "",
                    # The app records who was there; the facilitator marked the no-show.
                    present=True if kind is None else (False if kind == "-" else None),
                )
            present = [person for first, person in members.items() if first not in away]
            for number, person in enumerate(present):
                # The last meeting's scores are the group's pattern; earlier ones a little better.
                lift = 0 if index == held - 1 else 0.6
                Evaluation.objects.create(
                    meeting=meeting,
                    author=person,
                    **{
                        name: max(1, min(5, round(score + lift + (0.5 if number % 2 else -0.5))))
                        for name, score in spec["scores"].items()
                    },
                )
        self._in_the_group_from_the_start(group)

    def _past_attendance(self, meeting, members, offset: int) -> None:
        """Most were there; Fatima cancelled once, Gert missed one without a word."""
        for person in members:
            cancelled = person.first_name == "Fatima" and offset == -2
            absent = person.first_name == "Gert" and offset == -1
            Attendance.objects.get_or_create(
                meeting=meeting,
                user=person,
                defaults={
                    "response": Attendance.Response.CANCELLED if cancelled else Attendance.Response.ATTENDING,
                    "reason_kind": Attendance.ReasonKind.ILLNESS if cancelled else "",
                    "reason": "Ziek" if cancelled else "",
                    "present": None if cancelled else not absent,
                },
            )

    def _in_the_group_from_the_start(self, group) -> None:
        """Everybody joined, and accepted the agreements, a week before the first meeting: so each
        sees the content of every meeting (policy.sees_case_content holds membership at the time)."""
        first = group.meetings.order_by("scheduled_start").values_list("scheduled_start", flat=True).first()
        if first is not None:
            since = first - timedelta(days=7)
            group.memberships.filter(joined_at__gt=since).update(joined_at=since)
            group.acceptances.filter(accepted_at__gt=since).update(accepted_at=since)

    def _agreements(self, group, people) -> None:
        propose_agreements(group)
        group.refresh_from_db()
        for person in people:
            AgreementAcceptance.objects.get_or_create(
                group=group, user=person, version=group.agreements_version
            )

    def _user(self, email: str, first_name: str, last_name: str):
        User = get_user_model()
        user, created = User.objects.get_or_create(
            username=email, defaults={"email": email, "first_name": first_name, "last_name": last_name}
        )
        if created:
            user.set_password(PASSWORD)
            user.save(update_fields=["password"])
        return user
