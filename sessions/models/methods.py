"""Methods (werkvormen) and their phases: the rules each phase brings to a live meeting."""

import secrets

from django.conf import settings
from django.db import models, transaction
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


def localized(obj, field: str) -> str:
    """The `field_<language>` value for the active language, Dutch as fallback."""
    language = (get_language() or settings.LANGUAGE_CODE)[:2]
    return getattr(obj, f"{field}_{language}", "") or getattr(obj, f"{field}_nl")


class Method(models.Model):
    """A werkvorm: an ordered list of phases. The zesfasenmodel is created by a migration."""

    key = models.SlugField(unique=True)
    name_nl = models.CharField(_("naam (Nederlands)"), max_length=100)
    name_en = models.CharField(_("naam (Engels)"), max_length=100)
    description_nl = models.TextField(_("beschrijving (Nederlands)"), blank=True)
    description_en = models.TextField(_("beschrijving (Engels)"), blank=True)
    # Built-in methods come from migrations; a facilitator's adjusted copy belongs
    # to that facilitator (and stays, for its meetings, when they leave).
    builtin = models.BooleanField(default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="methods"
    )
    based_on = models.ForeignKey("self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")

    class Meta:
        verbose_name = _("werkvorm")
        verbose_name_plural = _("werkvormen")
        ordering = ["name_nl"]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return localized(self, "name")

    @property
    def description(self) -> str:
        return localized(self, "description")

    @property
    def total_minutes(self) -> int:
        return sum(phase.minutes for phase in self.phases.all())  # uses a prefetch when there is one

    @classmethod
    def available_to(cls, user):
        """The built-in methods and the person's own copies."""
        return cls.objects.filter(models.Q(builtin=True) | models.Q(created_by=user))

    def copy_for(self, user) -> "Method":
        """A copy the person can adjust; the phases keep their keys and rules."""
        with transaction.atomic():
            copy = Method.objects.create(
                key=f"{self.key[:30]}-{secrets.token_hex(4)}",
                name_nl=f"{self.name_nl} (aangepast)"[:100],
                name_en=f"{self.name_en} (adjusted)"[:100],
                description_nl=self.description_nl,
                description_en=self.description_en,
                builtin=False,
                created_by=user,
                based_on=self,
            )
            for phase in self.phases.all():
                phase.pk, phase.method = None, copy
                phase.save()
        return copy


class ContributionKind(models.TextChoices):
    QUESTION = "question", _("vraag")
    OBSERVATION = "observation", _("observatie")
    ASSOCIATION = "association", _("associatie")
    ADVICE = "advice", _("advies")
    THEME = "theme", _("thema")


class CaseOwnerMode(models.TextChoices):
    ANSWERS = "answers", _("beantwoordt")
    LISTENS = "listens", _("luistert alleen")
    OUTSIDE = "outside", _("buiten de kring")


class PhaseStep(models.TextChoices):
    """What a phase is for, beyond contributions: the screens show the matching tools."""

    NONE = "", _("geen")
    CHOOSE = "choose", _("casus kiezen")
    REFORMULATE = "reformulate", _("vraag herformuleren")
    EVALUATE = "evaluate", _("evalueren")


class MethodPhase(models.Model):
    class Role(models.TextChoices):
        FACILITATOR = "facilitator", _("begeleider")
        CASE_OWNER = "case_owner", _("inbrenger")
        MEMBER = "member", _("deelnemer")

    method = models.ForeignKey(Method, on_delete=models.CASCADE, related_name="phases")
    order = models.PositiveSmallIntegerField()
    key = models.SlugField()
    minutes = models.PositiveSmallIntegerField(_("minuten"))
    name_nl = models.CharField(_("naam (Nederlands)"), max_length=100)
    name_en = models.CharField(_("naam (Engels)"), max_length=100)
    facilitator_nl = models.TextField(_("instructie begeleider (Nederlands)"))
    facilitator_en = models.TextField(_("instructie begeleider (Engels)"))
    case_owner_nl = models.TextField(_("instructie inbrenger (Nederlands)"))
    case_owner_en = models.TextField(_("instructie inbrenger (Engels)"))
    member_nl = models.TextField(_("instructie deelnemers (Nederlands)"))
    member_en = models.TextField(_("instructie deelnemers (Engels)"))
    # The phase's rules: what members may contribute, what the case owner does,
    # and whether contributions stay hidden until the facilitator reveals them.
    member_kinds = models.JSONField(_("bijdragen van deelnemers"), default=list, blank=True)
    case_owner_mode = models.CharField(
        _("rol van de inbrenger"), max_length=10, choices=CaseOwnerMode.choices, default=CaseOwnerMode.ANSWERS
    )
    reveal_together = models.BooleanField(_("eerst schrijven, samen onthullen"), default=False)
    step = models.CharField(_("stap"), max_length=12, choices=PhaseStep.choices, blank=True, default="")

    class Meta:
        verbose_name = _("fase")
        verbose_name_plural = _("fasen")
        ordering = ["method", "order"]
        constraints = [
            models.UniqueConstraint(fields=["method", "key"], name="phase_key_unique_in_method"),
            models.UniqueConstraint(fields=["method", "order"], name="phase_order_unique_in_method"),
            models.CheckConstraint(condition=models.Q(minutes__gte=1), name="phase_has_minutes"),
        ]

    def __str__(self) -> str:
        return f"{self.method}: {self.name}"

    @property
    def name(self) -> str:
        return localized(self, "name")

    def instruction(self, role: str) -> str:
        return localized(self, role)
