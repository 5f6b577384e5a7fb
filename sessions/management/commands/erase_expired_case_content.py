"""Erase the case content of trajects that ended RETENTION_DAYS ago.

A traject has ended when its group has no meeting still to come and its last
meeting ended (by its schedule, also when nobody closed it) more than
RETENTION_DAYS days ago. Erased: cases, contributions
(questions, advice, themes…), the take-aways of evaluations and the reasons of
cancellations. Kept: dates, attendance, scores and counts, which hold no case
content. Idempotent: run it daily from cron.
"""

from datetime import timedelta

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from groups.models import IntervisionGroup
from sessions.models import Attendance, Case, Contribution, Evaluation, Meeting


class Command(BaseCommand):
    help = "Erase the case content of trajects that ended RETENTION_DAYS (default 30) days ago."

    def handle(self, *args, **options):
        now = timezone.now()
        cutoff = now - timedelta(days=settings.RETENTION_DAYS)
        still_going = Meeting.objects.filter(
            status__in=[Meeting.Status.SCHEDULED, Meeting.Status.LIVE], scheduled_end__gte=now
        ).values("group_id")
        ended = (
            IntervisionGroup.objects.exclude(pk__in=still_going)
            .annotate(last_end=Max("meetings__scheduled_end"))
            .filter(last_end__lt=cutoff)
        )
        erased = 0
        for group in ended:
            with transaction.atomic():
                Meeting.objects.filter(group=group).update(case=None)
                Case.objects.filter(group=group).delete()
                Contribution.objects.filter(meeting__group=group).delete()
                Evaluation.objects.filter(meeting__group=group).exclude(take_away="").update(take_away="")
                Attendance.objects.filter(meeting__group=group).exclude(reason="").update(reason="")
                if group.case_content_erased_at is None:
                    IntervisionGroup.objects.filter(pk=group.pk).update(case_content_erased_at=now)
                    erased += 1
        self.stdout.write(f"case content of {erased} ended traject(s) erased")
