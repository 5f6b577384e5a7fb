"""Agreements (afspraken): proposed from templates, edited by the facilitator, accepted by members.

Every saved change raises the group's `agreements_version`, so everybody must
accept again; `IntervisionGroup.has_accepted_agreements(user)` is the check
that later pages use to hide case content.
"""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import F, Max
from django.dispatch import Signal
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import HttpResponseClientRefresh

from .models import Agreement, AgreementAcceptance, IntervisionGroup, Membership

# Sent when a group's agreements get a new version: nobody has accepted that one yet.
agreements_changed = Signal()

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


# --- who may see what -----------------------------------------------------------


def _get_group_for_member(request: HttpRequest, pk: int) -> tuple[IntervisionGroup, Membership]:
    """The group and the asker's membership (member or facilitator); anyone else gets a 404."""
    membership = (
        Membership.objects.select_related("group").filter(group_id=pk, user_id=request.user.pk).first()
    )
    if membership is None:
        raise Http404
    return membership.group, membership


def _get_group_for_facilitator(request: HttpRequest, pk: int) -> IntervisionGroup:
    group, membership = _get_group_for_member(request, pk)
    if membership.role != Membership.Role.FACILITATOR:
        raise PermissionDenied
    return group


# --- the agreements page -----------------------------------------------------------


def _acceptance_context(group: IntervisionGroup, user) -> dict:
    """What the acceptance block shows: the asker's acceptance of this version, or of an earlier one."""
    latest = AgreementAcceptance.objects.filter(group=group, user=user).order_by("-version").first()
    current = latest is not None and latest.version == group.agreements_version
    return {
        "group": group,
        "accepted": latest if current else None,
        "earlier": None if current else latest,
    }


def _members_with_acceptance(group: IntervisionGroup) -> list[tuple]:
    """(member, accepted_at or None) for the current version, in two queries."""
    accepted = dict(
        AgreementAcceptance.objects.filter(group=group, version=group.agreements_version).values_list(
            "user_id", "accepted_at"
        )
    )
    people = group.members().order_by("first_name", "last_name", "pk")
    return [(person, accepted.get(person.pk)) for person in people]


@require_GET
@login_required
def agreements_page(request: HttpRequest, pk: int) -> HttpResponse:
    group, membership = _get_group_for_member(request, pk)
    is_facilitator = membership.role == Membership.Role.FACILITATOR
    context = {
        **_acceptance_context(group, request.user),
        "agreements": list(group.agreements.all()),
        "is_facilitator": is_facilitator,
    }
    if is_facilitator and group.agreements_version:
        people = _members_with_acceptance(group)
        context["people"] = people
        context["accepted_count"] = sum(1 for _person, accepted_at in people if accepted_at)
    return render(request, "groups/agreements.html", context)


@require_POST
@login_required
def accept_agreements(request: HttpRequest, pk: int) -> HttpResponse:
    """Accept the version the asker's screen showed; accepting twice changes nothing."""
    group, _membership = _get_group_for_member(request, pk)
    version = group.agreements_version
    if version and request.POST.get("version") != str(version):
        # The facilitator changed the text after this page was loaded: read it first.
        messages.warning(
            request, _("De afspraken zijn intussen gewijzigd. Lees ze opnieuw en ga dan akkoord.")
        )
        if request.htmx:
            return HttpResponseClientRefresh()
        return redirect("groups:agreements", pk=pk)
    if version:
        AgreementAcceptance.objects.get_or_create(group=group, user=request.user, version=version)
    if request.htmx:
        context = _acceptance_context(group, request.user)
        return HttpResponse(render_to_string("groups/agreements.html#acceptance", context, request))
    return redirect("groups:agreements", pk=pk)


# --- editing -----------------------------------------------------------------------


class TextField(forms.CharField):
    """A textarea's text with the browser's \\r\\n line ends made \\n, so an
    unchanged text compares equal to the stored one."""

    def to_python(self, value):
        value = super().to_python(value)
        return value.replace("\r\n", "\n").replace("\r", "\n") if value else value


class AgreementForm(forms.ModelForm):
    class Meta:
        model = Agreement
        fields = ["title", "text"]
        field_classes = {"text": TextField}
        widgets = {"text": forms.Textarea(attrs={"rows": 6})}
        error_messages = {
            "title": {"required": gettext_lazy("Geef deze afspraak een titel.")},
            "text": {"required": gettext_lazy("Schrijf op wat jullie afspreken.")},
        }


class BaseAgreementFormSet(forms.BaseModelFormSet):
    def add_fields(self, form, index):
        super().add_fields(form, index)
        # Only this group's agreements; Django's default would accept any agreement's id.
        form.fields["id"].queryset = self.get_queryset()
        form.fields["id"].error_messages["invalid_choice"] = gettext_lazy(
            "Deze afspraak bestaat niet meer; misschien is ze net verwijderd. Laad de pagina opnieuw."
        )
        if "DELETE" in form.fields:
            form.fields["DELETE"].label = gettext_lazy("Deze afspraak verwijderen")


AgreementFormSet = forms.modelformset_factory(
    Agreement,
    form=AgreementForm,
    formset=BaseAgreementFormSet,
    extra=1,
    can_delete=True,
    can_delete_extra=False,
    max_num=20,
    validate_max=True,
)


def _save_changes(formset, group: IntervisionGroup) -> None:
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


@require_http_methods(["GET", "POST"])
@login_required
def edit_agreements(request: HttpRequest, pk: int) -> HttpResponse:
    """The facilitator edits, adds and deletes; a real change is a new version."""
    group = _get_group_for_facilitator(request, pk)
    if request.method == "POST" and "propose" in request.POST:
        if propose_agreements(group):
            messages.success(request, _("Het voorstel staat klaar. Pas het gerust aan."))
        return redirect("groups:edit-agreements", pk=pk)

    data = request.POST if request.method == "POST" else None
    formset = AgreementFormSet(data, queryset=group.agreements.all(), prefix="agreements")
    if data is not None and formset.is_valid():
        if formset.has_changed():
            _save_changes(formset, group)
            saved = _("Opgeslagen als versie %(version)s. Iedereen gaat er opnieuw mee akkoord.")
            messages.success(request, saved % {"version": group.agreements_version})
        else:
            messages.info(request, _("Er was niets gewijzigd."))
        return redirect("groups:agreements", pk=pk)
    context = {
        "group": group,
        "formset": formset,
        "has_agreements": group.agreements.exists(),
    }
    return render(request, "groups/agreements_edit.html", context)


urlpatterns = [
    path("<int:pk>/agreements/", agreements_page, name="agreements"),
    path("<int:pk>/agreements/accept/", accept_agreements, name="accept-agreements"),
    path("<int:pk>/agreements/edit/", edit_agreements, name="edit-agreements"),
]
