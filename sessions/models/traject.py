"""Around the meetings: attendance, calendar subscriptions, and signals a coordinator was told of."""

import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from intervisie.crypto import EncryptedTextField


class Attendance(models.Model):
    """A member's answer before a meeting, and whether they were there."""

    class Response(models.TextChoices):
        ATTENDING = "attending", _("ik ben erbij")
        CANCELLED = "cancelled", _("afgemeld")

    meeting = models.ForeignKey("Meeting", on_delete=models.CASCADE, related_name="attendances")
    # Empty once the person deleted their account: a held meeting's attendance never changes after the fact.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="attendances"
    )

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
