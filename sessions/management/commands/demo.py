"""Demo data: a group of seven, its facilitator, and today's meeting in the lobby.

Idempotent: running it again keeps the accounts and puts today's meeting
back in the lobby.
"""

from datetime import datetime, time, timedelta

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from groups.models import IntervisionGroup, Membership
from sessions.models import Connection, JoinRequest, Meeting, Method

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

        today = timezone.localdate()
        meeting = group.meetings.filter(scheduled_start__date=today).first()
        if meeting is None:
            start = timezone.make_aware(datetime.combine(today, time(9, 30)))
            meeting = Meeting.objects.create(
                group=group,
                facilitator=facilitator,
                method=Method.objects.get(key="zesfasenmodel"),
                scheduled_start=start,
                scheduled_end=start + timedelta(hours=2),
            )
        else:
            JoinRequest.objects.filter(meeting=meeting).delete()
            Connection.objects.filter(meeting=meeting).delete()
            if meeting.status != Meeting.Status.SCHEDULED or meeting.case_owner_id:
                meeting.reset_to_lobby()

        self.stdout.write(f"facilitator: {reverse('meetings:facilitate', args=[meeting.pk])}")
        self.stdout.write(f"presenter: {reverse('meetings:presenter', args=[meeting.pk])}")
        self.stdout.write(f"join: {reverse('meetings:join', args=[meeting.join_code])}")

    def _user(self, email: str, first_name: str, last_name: str):
        User = get_user_model()
        user, created = User.objects.get_or_create(
            username=email, defaults={"email": email, "first_name": first_name, "last_name": last_name}
        )
        if created:
            user.set_password(PASSWORD)
            user.save(update_fields=["password"])
        return user
