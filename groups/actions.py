"""Every write people make to groups: one function per thing a person does.

Each checks what the model cannot and writes; emails of a write in a transaction go out
after its commit. Who may call them is groups.policy's part, asked by the views.
"""

from collections.abc import Callable
from functools import partial

from django.db import transaction
from django.db.models import F, Max
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy

from intervisie import emails

from .models import Agreement, AgreementAcceptance, IntervisionGroup, Invitation, Membership
from .signals import agreements_changed, group_started

Absolute = Callable[[str], str]  # a path made into an absolute URL (request.build_absolute_uri)

# The proposal for a new group: (kind, title, text). Saved in the language that
# is active when proposing, so a group's agreements never change language later.
AGREEMENT_TEMPLATES = (
    (
        Agreement.Kind.CONFIDENTIALITY,
        gettext_lazy("Vertrouwelijkheid"),
        gettext_lazy(
            "Wat we in de groep bespreken, blijft in de groep. We vertellen het niet verder, "
            "ook niet aan collega's of leidinggevenden.\n"
            "We brengen casussen anoniem in: we noemen geen namen van cliënten en geven geen "
            "details waaraan iemand te herkennen is.\n"
            "Wat je zelf hebt geleerd, mag je meenemen; het verhaal van een ander niet."
        ),
    ),
    (
        Agreement.Kind.ATTENDANCE,
        gettext_lazy("Aanwezigheid"),
        gettext_lazy(
            "We zijn er elke bijeenkomst bij: de groep werkt alleen als iedereen er is. "
            "We zijn op tijd en blijven tot het einde.\n"
            "Afmelden doe je alleen als het echt niet anders kan, zo ruim mogelijk van tevoren "
            "en met een reden."
        ),
    ),
    (
        Agreement.Kind.TGI,
        gettext_lazy("Zo gaan we met elkaar om"),
        gettext_lazy(
            "We houden ons aan de hulpregels van de themagecentreerde interactie (TGI) "
            "van Ruth Cohn:\n"
            "- Spreek voor jezelf: zeg ‘ik’ en niet ‘men’ of ‘we’.\n"
            "- Storingen gaan voor: zit iets je dwars of ben je afgeleid, zeg het dan.\n"
            "- Eén tegelijk: er is steeds één persoon aan het woord.\n"
            "- Wees je eigen voorzitter: jij bepaalt wat je inbrengt en wat je meeneemt."
        ),
    ),
)


def _raise_version(group: IntervisionGroup) -> None:
    IntervisionGroup.objects.filter(pk=group.pk).update(agreements_version=F("agreements_version") + 1)
    group.refresh_from_db(fields=["agreements_version"])
    agreements_changed.send(sender=IntervisionGroup, group=group)


def propose_agreements(group: IntervisionGroup) -> list[Agreement]:
    """Create the proposed agreements for a group that has none, as a new version.

    A new group goes to version 1. A group that once had agreements (and deleted
    them all) goes one higher, so that old acceptances do not count for the
    proposal. A group that has agreements is left alone (returns []).
    """
    with transaction.atomic():
        # Locks the group's row on PostgreSQL; SQLite's IMMEDIATE transactions serialise anyway.
        IntervisionGroup.objects.select_for_update().filter(pk=group.pk).first()
        if Agreement.objects.filter(group=group).exists():
            return []
        created = Agreement.objects.bulk_create(
            [
                Agreement(group=group, kind=kind, title=str(title), text=str(text), order=number)
                for number, (kind, title, text) in enumerate(AGREEMENT_TEMPLATES, start=1)
            ]
        )
        _raise_version(group)
    return created


def save_agreements(formset, group: IntervisionGroup) -> None:
    """The facilitator's edits, additions and deletions: a new version everybody accepts again."""
    with transaction.atomic():
        instances = formset.save(commit=False)
        for agreement in formset.deleted_objects:
            agreement.delete()
        next_order = (group.agreements.aggregate(last=Max("order"))["last"] or 0) + 1
        for agreement in instances:
            if agreement.pk is None:
                agreement.group = group
                agreement.order = next_order
                next_order += 1
            agreement.save()
        _raise_version(group)


def accept_agreements(group: IntervisionGroup, user) -> None:
    """Accept the current version; accepting twice changes nothing."""
    if group.agreements_version:
        AgreementAcceptance.objects.get_or_create(group=group, user=user, version=group.agreements_version)


def _send_invitations(absolute: Absolute, group, invitations, added_users) -> None:
    for invitation in invitations:
        link = absolute(reverse("groups:accept-invitation", args=[invitation.token]))
        emails.send(
            "invitation", [invitation.email], {"invitation": invitation, "group": group, "link": link}
        )
    for user in added_users:
        link = absolute(reverse("home"))
        emails.send("added_to_group", [user.email], {"user": user, "group": group, "link": link})


def save_group(form, coordinator, draft: bool, absolute: Absolute) -> IntervisionGroup:
    """A new or edited group with its people (a draft may be incomplete).

    A draft tells nobody: its people are stored, but invitations and emails go out only when
    the group stops being a draft, to everybody in it at once. A group that is no draft any
    more stays one (its people were told)."""
    is_new = form.instance.pk is None
    was_draft = not is_new and form.instance.draft
    draft = draft and (is_new or was_draft)
    with transaction.atomic():
        group = form.save(commit=False)
        group.draft = draft
        group.save()
        group.coordinators.add(coordinator)
        members = form.cleaned_data["members_text"]
        people = [(person.name, person.email, Membership.Role.MEMBER) for person in members]
        if form.cleaned_data["facilitator_email"]:
            people.append(
                (
                    form.cleaned_data["facilitator_name"],
                    form.cleaned_data["facilitator_email"],
                    Membership.Role.FACILITATOR,
                )
            )
        # Until the group starts (new, or a draft), its people are its start; changes after
        # that are shown to the group.
        starting = is_new or was_draft or draft
        invitations, added_users, changes = group.set_people(people, by=None if starting else coordinator)
        if is_new:
            propose_agreements(group)  # every new group starts from the proposed agreements
        if draft:
            return group
        if was_draft:  # the group starts now: everybody in it hears of it
            invitations = list(group.invitations.filter(accepted_at__isnull=True))
            for invitation in invitations:
                invitation.renew()  # valid from today
            added_users = [
                m.user for m in group.memberships.select_related("user") if m.user.has_usable_password()
            ]
        transaction.on_commit(lambda: _send_invitations(absolute, group, invitations, added_users))
        if was_draft:
            started = partial(group_started.send, IntervisionGroup, group=group, absolute=absolute)
            transaction.on_commit(started)
        if changes:
            transaction.on_commit(lambda: _tell_the_facilitator(absolute, group, changes))
    return group


def _tell_the_facilitator(absolute: Absolute, group: IntervisionGroup, changes) -> None:
    """Mail the group's facilitator who was added, removed or given another role, and by whom."""
    facilitator = group.facilitator
    if facilitator is not None:
        link = absolute(reverse("meetings:traject", args=[group.pk]))
        context = {"group": group, "changes": changes, "facilitator": facilitator, "link": link}
        emails.send("membership_changed", [facilitator.email], context)


def resend_invitation(invitation: Invitation, absolute: Absolute) -> None:
    """A fresh link (the old one stops working), sent again."""
    invitation.renew()
    _send_invitations(absolute, invitation.group, [invitation], [])


def accept_invitation(invitation: Invitation, password_form):
    """The invited person's chosen password; returns the account, ready to log in."""
    with transaction.atomic():
        user = password_form.save()
        invitation.accepted_at = timezone.now()
        invitation.save(update_fields=["accepted_at"])
    return user
