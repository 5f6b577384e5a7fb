"""Email the members of every meeting that starts within REMINDER_DAYS_BEFORE days.

Safe to run from cron as often as you like: each meeting is claimed with a
conditional UPDATE before its emails go out, so no reminder is sent twice,
even by two runs at once. A moved meeting is reminded again.
"""

from datetime import timedelta

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.urls import reverse
from django.utils import timezone

from intervisie import emails
from sessions.models import Meeting


class Command(BaseCommand):
    help = "Send the reminder emails of meetings coming up soon (never twice)."

    def handle(self, *args, **options):
        if not settings.SITE_URL:  # no request to take the address from: the links would not work
            raise CommandError(
                "Set SITE_URL (e.g. https://intervisie.example.org): emails need absolute links."
            )
        now = timezone.now()
        due = Meeting.objects.filter(
            status=Meeting.Status.SCHEDULED,
            reminder_sent_at__isnull=True,
            scheduled_start__gt=now,
            scheduled_start__lte=now + timedelta(days=settings.REMINDER_DAYS_BEFORE),
        ).select_related("group", "facilitator")
        sent = 0
        for meeting in due:
            claimed = Meeting.objects.filter(pk=meeting.pk, reminder_sent_at__isnull=True).update(
                reminder_sent_at=now
            )
            if not claimed:
                continue
            link = emails.absolute(reverse("meetings:traject", args=[meeting.group_id]))
            cancelled = meeting.attendances.filter(response="cancelled").values_list("user_id", flat=True)
            people = meeting.group.members().exclude(pk__in=list(cancelled)).values_list("email", flat=True)
            addresses = [*people, meeting.facilitator.email]
            sent += emails.send(
                "reminder", addresses, {"meeting": meeting, "group": meeting.group, "link": link}
            )
        self.stdout.write(f"reminders sent: {sent}")
