"""Email each coordinator the new pitfall signals of their groups: at most one digest a day.

Safe to run from cron as often as you like. A run first claims the day's
digest for a coordinator (a unique row), then each new signal (a unique row
per signal), so two runs at once never send twice, and nobody hears of a
signal twice. A digest that could not be sent gives its claims back, so the
next run tries again. Signals carry no case content.
"""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from groups.models import IntervisionGroup
from intervisie import emails
from sessions.insight.health import group_health
from sessions.models import SignalNotice


def claim(user, key: str, now) -> bool:
    try:
        with transaction.atomic():
            SignalNotice.objects.create(user=user, key=key, sent_at=now)
    except IntegrityError:
        return False  # claimed before, or by another run just now
    return True


class Command(BaseCommand):
    help = "Email coordinators the new pitfall signals of their groups (one digest a day at most)."

    def handle(self, *args, **options):
        if not settings.SITE_URL:  # no request to take the address from: the links would not work
            raise CommandError(
                "Set SITE_URL (e.g. https://intervisie.example.org): emails need absolute links."
            )
        now = timezone.now()
        day_key = f"digest:{timezone.localdate(now).isoformat()}"
        sent = 0
        for coordinator in get_user_model().objects.filter(coordinated_groups__isnull=False).distinct():
            if not coordinator.has_perm("groups.coordinate") or not claim(coordinator, day_key, now):
                continue
            known = set(SignalNotice.objects.filter(user=coordinator).values_list("key", flat=True))
            news, claimed = [], [day_key]
            for health in group_health(IntervisionGroup.objects.filter(coordinators=coordinator)):
                fresh = [s for s in health.signals if s.key not in known and claim(coordinator, s.key, now)]
                claimed += [s.key for s in fresh]
                if fresh:
                    news.append((health.group, fresh))
            link = emails.absolute(reverse("meetings:dashboard"))
            if news and emails.send("signal_digest", [coordinator.email], {"news": news, "link": link}):
                sent += 1
            else:  # nothing new, or the mail server failed: give the claims back
                SignalNotice.objects.filter(user=coordinator, key__in=claimed, sent_at=now).delete()
        self.stdout.write(f"{sent} digest(s) sent")
