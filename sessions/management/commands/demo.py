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

from groups.agreements import propose_agreements
from groups.models import AgreementAcceptance, IntervisionGroup, Membership
from sessions.models import Attendance, Connection, JoinRequest, Meeting, Method

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


class Command(BaseCommand):
    help = "Create the demo accounts, group and today's meeting (idempotent)."

    @transaction.atomic
    def handle(self, *args, **options):
        users = {email: self._user(email, first, last) for email, first, last in PEOPLE}
        group, _ = IntervisionGroup.objects.get_or_create(
            name=GROUP_NAME,
            defaults={"description": "Een demogroep van zeven professionals uit zorg en welzijn."},
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
            elif offset == 0:
                today_meeting = meeting
        JoinRequest.objects.filter(meeting=today_meeting).delete()
        Connection.objects.filter(meeting=today_meeting).delete()
        if today_meeting.status != Meeting.Status.SCHEDULED or today_meeting.case_owner_id:
            today_meeting.reset_to_lobby()
        return today_meeting

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
                    "reason": "Ziek" if cancelled else "",
                    "present": not (cancelled or absent),
                },
            )

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
