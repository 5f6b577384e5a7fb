import secrets
import zoneinfo
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

MIN_MEMBERS = 4
MAX_MEMBERS = 8
TIME_ZONES = sorted(zoneinfo.available_timezones())


class IntervisionGroup(models.Model):
    name = models.CharField(_("naam"), max_length=120)
    description = models.TextField(_("beschrijving"), blank=True)
    coordinators = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("coördinatoren"),
        related_name="coordinated_groups",
        blank=True,
    )
    # Validated against zoneinfo by the forms; no choices here, since the list of
    # zones differs between machines and would change the migrations.
    time_zone = models.CharField(_("tijdzone"), max_length=64, default="Europe/Amsterdam")
    draft = models.BooleanField(
        _("concept"), default=False, help_text=_("Nog niet compleet: 4 tot 8 deelnemers en een begeleider.")
    )
    agreements_version = models.PositiveIntegerField(default=0)
    anonymous_contributions = models.BooleanField(
        _("bijdragen anoniem"),
        default=False,
        help_text=_("Vragen, adviezen en andere bijdragen tonen dan niet wie ze schreef."),
    )
    share_themes = models.BooleanField(
        _("thema's delen met de coördinator"),
        default=False,
        help_text=_(
            "De groepsthema's (nooit de casussen) verschijnen dan op het overzicht en in het eindverslag."
        ),
    )
    # Set by `erase_expired_case_content`, RETENTION_DAYS after the traject's last meeting.
    case_content_erased_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("intervisiegroep")
        verbose_name_plural = _("intervisiegroepen")
        ordering = ["name"]
        permissions = [("coordinate", _("Kan intervisiegroepen opzetten en coördineren"))]

    def __str__(self) -> str:
        return self.name

    def called(self, phrase) -> str:
        """The group's name inside `phrase` (with %(name)s), or the name alone when it already says
        what the group is: "intervisiegroep Noord", but never "intervisiegroep Intervisiegroep Noord"
        or "Intervisie: Intervisie Wijkteams". The one place that decides how a group is titled."""
        if "intervisi" in self.name.casefold():  # intervisie, intervisiegroep, intervision
            return self.name
        return phrase % {"name": self.name}

    @property
    def in_sentence(self) -> str:
        """The group within a sentence: "aan intervisiegroep Noord", "aan Intervisie Wijkteams"."""
        return self.called(_("intervisiegroep %(name)s"))

    @property
    def calendar_title(self) -> str:
        """A meeting's title in a calendar: "Intervisie: Noord", or "Intervisie Wijkteams"."""
        return self.called(_("Intervisie: %(name)s"))

    def members(self):
        """The participants (deelnemers); an external facilitator is not one of them."""
        from django.contrib.auth import get_user_model

        return get_user_model().objects.filter(
            memberships__group=self, memberships__role=Membership.Role.MEMBER
        )

    @property
    def facilitator(self):
        membership = self.memberships.filter(role=Membership.Role.FACILITATOR).select_related("user").first()
        return membership.user if membership else None

    def set_people(self, people: list[tuple[str, str, str]], by=None):
        """Make the group's people exactly `people` (name, email, role).

        Everybody becomes a membership at once, so meetings can be planned
        before anyone answered. An address without an account gets one
        without a password, and an invitation to choose it. With `by` (a
        change to an existing group), every addition, removal and change of
        role is logged as a MembershipChange, which the group sees. Returns
        the new invitations, the existing accounts added and the changes logged, for the emails.
        """
        from django.contrib.auth import get_user_model

        User = get_user_model()
        wanted = {email.lower(): (name, role) for name, email, role in people}
        found = User.objects.annotate(address=Lower("email")).filter(address__in=list(wanted)).order_by("pk")
        accounts = {user.address: user for user in found}
        memberships = {m.user.email.lower(): m for m in self.memberships.select_related("user")}
        new_invitations, new_memberships, changes = [], [], []
        for email, (name, role) in wanted.items():
            if email in memberships:
                membership = memberships[email]
                if membership.role != role:
                    membership.role = role
                    membership.save(update_fields=["role"])
                    changes.append(MembershipChange(kind=MembershipChange.Kind.ROLE, name=name, role=role))
                continue
            user = accounts.get(email)
            if user is None:
                first, _space, last = name.partition(" ")
                taken = User.objects.filter(username=email).exists()  # someone changed their address
                username = f"{email}-{secrets.token_hex(4)}" if taken else email
                user = User(username=username, email=email, first_name=first[:150], last_name=last[:150])
                user.set_unusable_password()
                user.save()
            Membership.objects.create(group=self, user=user, role=role)
            changes.append(MembershipChange(kind=MembershipChange.Kind.ADDED, name=name, role=role))
            if user.has_usable_password():
                new_memberships.append(user)
            else:  # no password yet, so no way in but an invitation
                invitation, _created = Invitation.objects.update_or_create(
                    group=self, email=email, defaults={"name": name, "role": role, "accepted_at": None}
                )
                invitation.renew()
                new_invitations.append(invitation)
        for email, membership in memberships.items():
            if email not in wanted:
                membership.delete()
                self.invitations.filter(email=email, accepted_at__isnull=True).delete()
                name = membership.user.get_full_name() or email
                changes.append(
                    MembershipChange(kind=MembershipChange.Kind.REMOVED, name=name, role=membership.role)
                )
        if by is None:
            changes = []
        for change in changes:
            change.group, change.by = self, by
        MembershipChange.objects.bulk_create(changes)
        return new_invitations, new_memberships, changes

    @property
    def tz(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.time_zone)

    def has_accepted_agreements(self, user) -> bool:
        """Whether `user` accepted the group's current agreements (groups.policy gates case content on it)."""
        return AgreementAcceptance.objects.filter(
            group=self, user=user, version=self.agreements_version
        ).exists()


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
    # Who sees a meeting's content depends on it (groups.policy.case_content_since).
    joined_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("lidmaatschap")
        verbose_name_plural = _("lidmaatschappen")
        constraints = [models.UniqueConstraint(fields=["group", "user"], name="one_membership_per_group")]

    def __str__(self) -> str:
        return f"{self.user} – {self.group} ({self.get_role_display()})"


class MembershipChange(models.Model):
    """Somebody added to or removed from a group, or given another role: by whom and when.

    No hierarchy and no secret joining: the group sees these (its page, the next lobby) and
    its facilitator is mailed them, so nobody around the group slips in unnoticed.
    """

    class Kind(models.TextChoices):
        ADDED = "added", _("toegevoegd")
        REMOVED = "removed", _("verwijderd")
        ROLE = "role", _("andere rol")

    group = models.ForeignKey(IntervisionGroup, on_delete=models.CASCADE, related_name="membership_changes")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    # The name as it was: the account may change or go.
    name = models.CharField(max_length=300)
    role = models.CharField(max_length=20, choices=Membership.Role.choices)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("wijziging in de groep")
        verbose_name_plural = _("wijzigingen in de groep")
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.group}: {self.name} {self.get_kind_display()}"


class Agreement(models.Model):
    """One of a group's agreements (afspraken); any change raises the group's version."""

    class Kind(models.TextChoices):
        CONFIDENTIALITY = "confidentiality", _("vertrouwelijkheid")
        ATTENDANCE = "attendance", _("aanwezigheid")
        TGI = "tgi", _("TGI-hulpregels")
        OTHER = "other", _("overig")

    group = models.ForeignKey(IntervisionGroup, on_delete=models.CASCADE, related_name="agreements")
    kind = models.CharField(_("soort"), max_length=20, choices=Kind.choices, default=Kind.OTHER)
    title = models.CharField(_("titel"), max_length=120)
    text = models.TextField(_("tekst"), max_length=4000)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("afspraak")
        verbose_name_plural = _("afspraken")
        ordering = ["group", "order", "pk"]

    def __str__(self) -> str:
        return f"{self.group}: {self.title}"


class AgreementAcceptance(models.Model):
    """A member accepted the group's agreements as they were at `version`."""

    group = models.ForeignKey(IntervisionGroup, on_delete=models.CASCADE, related_name="acceptances")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    version = models.PositiveIntegerField()
    accepted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("akkoord met de afspraken")
        verbose_name_plural = _("akkoorden met de afspraken")
        constraints = [
            models.UniqueConstraint(fields=["group", "user", "version"], name="one_acceptance_per_version")
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.group} (v{self.version})"


def new_invitation_token() -> str:
    return secrets.token_urlsafe(32)


class Invitation(models.Model):
    """A personal link to join a group: set a password, or sign in at once."""

    VALID_FOR = timedelta(days=14)

    group = models.ForeignKey(IntervisionGroup, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField(_("e-mailadres"))
    name = models.CharField(_("naam"), max_length=150)
    role = models.CharField(max_length=20, choices=Membership.Role.choices, default=Membership.Role.MEMBER)
    token = models.CharField(max_length=64, unique=True, default=new_invitation_token)
    sent_at = models.DateTimeField(default=timezone.now)
    accepted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("uitnodiging")
        verbose_name_plural = _("uitnodigingen")
        constraints = [models.UniqueConstraint(fields=["group", "email"], name="one_invitation_per_address")]

    def __str__(self) -> str:
        return f"{self.email} – {self.group}"

    def renew(self) -> None:
        """A fresh link, valid for another period; an old, perhaps leaked link stops working."""
        self.token = new_invitation_token()
        self.sent_at = timezone.now()
        self.save(update_fields=["token", "sent_at"])

    @property
    def expires_at(self):
        return self.sent_at + self.VALID_FOR

    @property
    def is_expired(self) -> bool:
        return timezone.now() > self.expires_at
