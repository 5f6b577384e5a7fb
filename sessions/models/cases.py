"""What a group's meetings produce: cases, votes, contributions and evaluations.

All of it is case content, shown only where sessions/policy.py says so.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from groups.models import IntervisionGroup
from intervisie.crypto import EncryptedTextField

from .methods import ContributionKind


class Contribution(models.Model):
    """What a member writes in a phase: a question, observation, association, advice or theme.

    Case content: shown only to the meeting's facilitator and to members who
    accepted the group's agreements; never to coordinators, in emails or logs.
    """

    MAX_LENGTH = 2000

    meeting = models.ForeignKey("Meeting", on_delete=models.CASCADE, related_name="contributions")
    # The round it was written in: its number, and the case and case owner treated then. Choosing
    # another case or case owner mid-round starts afresh; choosing back brings these back.
    round = models.PositiveSmallIntegerField(default=1)
    case = models.ForeignKey(
        "Case", on_delete=models.SET_NULL, null=True, blank=True, related_name="contributions"
    )
    case_owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    phase = models.SlugField()
    kind = models.CharField(max_length=12, choices=ContributionKind.choices)
    # Empty once the author deleted their account: the group keeps the contribution, anonymised.
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    text = EncryptedTextField(max_length=MAX_LENGTH)
    created_at = models.DateTimeField(default=timezone.now)
    asked_at = models.DateTimeField(null=True, blank=True)  # questions: put to the case owner
    revealed_at = models.DateTimeField(null=True, blank=True)  # write-first phases
    open_question = models.BooleanField(null=True)  # the coach's verdict when it was sent
    fits = models.BooleanField(default=False)  # advice: the case owner marked it as fitting
    # Made by the phone for each text it sends: a text sent again after a lost
    # connection is recognised and stored once.
    client_key = models.CharField(max_length=40, blank=True)

    class Meta:
        verbose_name = _("bijdrage")
        verbose_name_plural = _("bijdragen")
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "author", "client_key"],
                condition=~models.Q(client_key=""),
                name="one_contribution_per_client_key",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} – {self.meeting} ({self.phase})"  # never the text

    @property
    def author_name(self) -> str:
        return self.author.first_name if self.author else _("een oud-deelnemer")


class Case(models.Model):
    """A member's work case (casus): private while a draft, then brought into a meeting.

    Case content: visible to its owner, and once brought in to the meeting's
    facilitator and the members who accepted the agreements; never elsewhere.
    """

    class Status(models.TextChoices):
        DRAFT = "draft", _("concept")
        BROUGHT = "brought", _("ingebracht")
        CHOSEN = "chosen", _("gekozen")

    group = models.ForeignKey(IntervisionGroup, on_delete=models.CASCADE, related_name="cases")
    # Empty once the owner deleted their account: a discussed case stays in the group's history
    # (their drafts and brought cases go with the account: intervisie/account.py).
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="cases"
    )
    meeting = models.ForeignKey(
        "Meeting", on_delete=models.SET_NULL, null=True, blank=True, related_name="cases"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    title = EncryptedTextField(_("titel"), max_length=120)
    situation = EncryptedTextField(_("de situatie"), max_length=4000)
    question = EncryptedTextField(_("je vraag aan de groep"), max_length=1000)
    tried = EncryptedTextField(_("wat je al geprobeerd hebt"), max_length=2000, blank=True)
    reformulation = EncryptedTextField(_("de vraag achter de vraag"), max_length=1000, blank=True)
    action = EncryptedTextField(_("wat ik ga doen"), max_length=1000, blank=True)
    # Told at the look-back of the next meeting: what came of it.
    follow_up = EncryptedTextField(_("wat ik ermee gedaan heb"), max_length=1000, blank=True)
    round = models.PositiveSmallIntegerField(null=True, blank=True)  # when chosen: the meeting's round
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("casus")
        verbose_name_plural = _("casussen")
        ordering = ["-updated_at"]

    def __str__(self) -> str:
        return f"{_('casus')} {self.pk} – {self.group}"  # never the content

    @property
    def owner_name(self) -> str:
        return self.owner.first_name if self.owner else _("een oud-deelnemer")


class CaseVote(models.Model):
    """A member's vote for a brought case; the facilitator confirms the choice."""

    meeting = models.ForeignKey("Meeting", on_delete=models.CASCADE, related_name="votes")
    round = models.PositiveSmallIntegerField()
    voter = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="votes")

    class Meta:
        verbose_name = _("stem")
        verbose_name_plural = _("stemmen")
        constraints = [
            models.UniqueConstraint(fields=["meeting", "round", "voter"], name="one_vote_per_round")
        ]

    def __str__(self) -> str:
        return f"{_('stem')} – {self.meeting} ({self.round})"


class Evaluation(models.Model):
    """A member's evaluation of a round: five scores and one take-away.

    The questions counter the pitfalls: shallow questions, unsafety, a
    disguised staff meeting, and advice given with kid gloves.
    """

    SCORES = {
        "helped": _("Heeft het de inbrenger geholpen?"),
        "depth": _("Hebben we diep genoeg doorgevraagd?"),
        "safe": _("Voelde het veilig?"),
        "stayed": _("Bleven we bij intervisie (geen werkoverleg)?"),
        "critical": _("Durfden we kritisch te zijn?"),
    }
    SCALE = range(1, 6)

    meeting = models.ForeignKey("Meeting", on_delete=models.CASCADE, related_name="evaluations")
    round = models.PositiveSmallIntegerField(default=1)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    helped = models.PositiveSmallIntegerField(SCORES["helped"])
    depth = models.PositiveSmallIntegerField(SCORES["depth"])
    safe = models.PositiveSmallIntegerField(SCORES["safe"])
    stayed = models.PositiveSmallIntegerField(SCORES["stayed"])
    critical = models.PositiveSmallIntegerField(SCORES["critical"])
    take_away = EncryptedTextField(_("Wat neem ik mee?"), max_length=1000, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("evaluatie")
        verbose_name_plural = _("evaluaties")
        constraints = [
            models.UniqueConstraint(fields=["meeting", "round", "author"], name="one_evaluation_per_round"),
            *(
                models.CheckConstraint(
                    condition=models.Q(**{f"{name}__range": (1, 5)}), name=f"{name}_1_to_5"
                )
                for name in ("helped", "depth", "safe", "stayed", "critical")
            ),
        ]

    def __str__(self) -> str:
        return f"{_('evaluatie')} – {self.meeting} ({self.round})"  # never the take-away
