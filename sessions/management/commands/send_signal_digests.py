"""Email each coordinator the new pitfall signals of their groups: at most one digest a day.

Safe to run from cron as often as you like: a signal is claimed per
coordinator (a unique row) before the email goes out, so nobody hears of a
signal twice, even from two runs at once; a coordinator emailed in the last
24 hours waits until the next day. Signals carry no case content.
"""

from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from groups.models import IntervisionGroup
from intervisie import emails
from sessions.health import group_health
from sessions.models import SignalNotice


class Command(BaseCommand):
    help = "Email coordinators the new pitfall signals of their groups (one digest a day at most)."

    def handle(self, *args, **options):
        now = timezone.now()
        coordinators = get_user_model().objects.filter(coordinated_groups__isnull=False).distinct()
        sent = 0
        for coordinator in coordinators:
            if not coordinator.has_perm("groups.coordinate"):
                continue
            if SignalNotice.objects.filter(user=coordinator, sent_at__gt=now - timedelta(days=1)).exists():
                continue
            known = set(SignalNotice.objects.filter(user=coordinator).values_list("key", flat=True))
            news = []
            for health in group_health(IntervisionGroup.objects.filter(coordinators=coordinator)):
                fresh = [
                    s for s in health.signals if s.key not in known and self._claim(coordinator, s.key, now)
                ]
                if fresh:
                    news.append((health.group, fresh))
            if news:
                link = (settings.SITE_URL or "") + reverse("meetings:dashboard")
                sent += emails.send("signal_digest", [coordinator.email], {"news": news, "link": link})
        self.stdout.write(f"{sent} digest(s) sent")

    def _claim(self, coordinator, key: str, now) -> bool:
        try:
            with transaction.atomic():
                SignalNotice.objects.create(user=coordinator, key=key, sent_at=now)
        except IntegrityError:
            return False  # another run claimed it
        return True
