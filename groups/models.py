from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class IntervisionGroup(models.Model):
    name = models.CharField(_("naam"), max_length=120)
    description = models.TextField(_("beschrijving"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("intervisiegroep")
        verbose_name_plural = _("intervisiegroepen")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def members(self):
        """The participants (deelnemers); an external facilitator is not one of them."""
        from django.contrib.auth import get_user_model

        return get_user_model().objects.filter(
            memberships__group=self, memberships__role=Membership.Role.MEMBER
        )


class Membership(models.Model):
    class Role(models.TextChoices):
        MEMBER = "member", _("deelnemer")
        FACILITATOR = "facilitator", _("begeleider")

    group = models.ForeignKey(
        IntervisionGroup,
        verbose_name=_("groep"),
        on_delete=models.CASCADE,
        related_name="memberships",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("gebruiker"),
        on_delete=models.CASCADE,
        related_name="memberships",
    )
    role = models.CharField(_("rol"), max_length=20, choices=Role.choices, default=Role.MEMBER)
    joined_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("lidmaatschap")
        verbose_name_plural = _("lidmaatschappen")
        constraints = [models.UniqueConstraint(fields=["group", "user"], name="one_membership_per_group")]

    def __str__(self) -> str:
        return f"{self.user} – {self.group} ({self.get_role_display()})"
