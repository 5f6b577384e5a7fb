"""The groups' pages: the coordinator's side (create, edit, invite), accepting an invitation,
and the group's agreements (read and accept; the facilitator edits them)."""

from django.contrib import messages
from django.contrib.auth import get_user_model, login
from django.contrib.auth.decorators import login_required, permission_required
from django.contrib.auth.forms import SetPasswordForm
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import HttpResponseClientRefresh

from intervisie import emails

from . import actions
from .forms import AgreementFormSet, GroupForm
from .models import AgreementAcceptance, IntervisionGroup, Invitation, Membership
from .policy import (
    coordinated_groups,
    get_group_for_coordinator,
    get_group_for_facilitator,
    get_group_for_insider,
)


def absolute_for(request: HttpRequest):
    """Paths made into the absolute links emails need (SITE_URL, else this request's address)."""
    return lambda path: emails.absolute(path, request)


@login_required
@permission_required("groups.coordinate", raise_exception=True)
def group_list(request: HttpRequest) -> HttpResponse:
    groups = coordinated_groups(request.user).annotate(
        member_count=Count("memberships", filter=Q(memberships__role=Membership.Role.MEMBER), distinct=True),
        invited_count=Count("invitations", filter=Q(invitations__accepted_at__isnull=True), distinct=True),
    )
    return render(request, "groups/group_list.html", {"groups": groups})


def _people_text(group: IntervisionGroup) -> tuple[str, str, str]:
    """The form's initial facilitator name, email and member lines (invited people are members too)."""
    facilitator_name = facilitator_email = ""
    lines = []
    for membership in group.memberships.select_related("user").order_by("user__first_name"):
        user = membership.user
        if membership.role == Membership.Role.FACILITATOR:
            facilitator_name, facilitator_email = user.get_full_name(), user.email
        else:
            lines.append(f"{user.get_full_name()} <{user.email}>")
    return facilitator_name, facilitator_email, "\n".join(lines)


def _edit(request: HttpRequest, group: IntervisionGroup | None) -> HttpResponse:
    # Only a group nobody was told of yet can be (or stay) a draft.
    draft = "save_draft" in request.POST and (group is None or group.draft)
    initial = {}
    if group is not None:
        name, email, lines = _people_text(group)
        initial = {"facilitator_name": name, "facilitator_email": email, "members_text": lines}
    form = GroupForm(
        request.POST or None, instance=group, initial=initial, draft=draft, coordinator=request.user
    )
    if request.method == "POST" and form.is_valid():
        saved = actions.save_group(form, request.user, draft, absolute_for(request))
        if draft:
            messages.info(
                request, _("De groep is als concept opgeslagen; er gaan nog geen uitnodigingen uit.")
            )
        else:
            messages.success(request, _("De groep is opgeslagen; nieuwe mensen krijgen een uitnodiging."))
        return redirect("meetings:traject", pk=saved.pk)
    return render(request, "groups/group_form.html", {"form": form, "group": group})


@login_required
@permission_required("groups.coordinate", raise_exception=True)
def group_create(request: HttpRequest) -> HttpResponse:
    return _edit(request, None)


@login_required
def group_edit(request: HttpRequest, pk: int) -> HttpResponse:
    return _edit(request, get_group_for_coordinator(request, pk))


@login_required
@require_POST
def resend_invitation(request: HttpRequest, pk: int, invitation_id: int) -> HttpResponse:
    group = get_group_for_coordinator(request, pk)
    invitation = get_object_or_404(group.invitations, pk=invitation_id, accepted_at__isnull=True)
    if group.draft:
        messages.error(request, _("Een concept stuurt nog geen uitnodigingen; sla de groep eerst op."))
        return redirect("meetings:traject", pk=group.pk)
    actions.resend_invitation(invitation, absolute_for(request))
    messages.success(
        request, _("De uitnodiging is opnieuw verstuurd naar %(email)s.") % {"email": invitation.email}
    )
    return redirect("meetings:traject", pk=group.pk)


def accept_invitation(request: HttpRequest, token: str) -> HttpResponse:
    """The link in the invitation: choose a password and be logged in at once."""
    invitation = Invitation.objects.filter(token=token).select_related("group").first()
    if invitation is None:
        raise Http404
    user = get_user_model().objects.filter(email__iexact=invitation.email).order_by("-pk").first()
    if invitation.accepted_at is not None or user is None or user.has_usable_password():
        messages.info(request, _("Je hebt al een account; log in om verder te gaan."))
        return redirect(reverse("login") + "?next=/")
    if invitation.is_expired:
        return render(request, "groups/invitation_expired.html", {"invitation": invitation}, status=410)
    form = SetPasswordForm(user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = actions.accept_invitation(invitation, form)
        login(request, user, backend="intervisie.auth.EmailBackend")
        messages.success(request, _("Welkom bij %(group)s!") % {"group": invitation.group.name})
        return redirect("home")
    return render(request, "groups/invitation_accept.html", {"invitation": invitation, "form": form})


# --- agreements ----------------------------------------------------------------------


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
    group, access = get_group_for_insider(request, pk)
    context = {
        **_acceptance_context(group, request.user),
        "agreements": list(group.agreements.all()),
        "is_facilitator": access.is_facilitator,
    }
    if access.is_facilitator and group.agreements_version:
        people = _members_with_acceptance(group)
        context["people"] = people
        context["accepted_count"] = sum(1 for _person, accepted_at in people if accepted_at)
    return render(request, "groups/agreements.html", context)


@require_POST
@login_required
def accept_agreements(request: HttpRequest, pk: int) -> HttpResponse:
    """Accept the version the asker's screen showed; accepting twice changes nothing."""
    group, _access = get_group_for_insider(request, pk)
    version = group.agreements_version
    if version and request.POST.get("version") != str(version):
        # The facilitator changed the text after this page was loaded: read it first.
        messages.warning(
            request, _("De afspraken zijn intussen gewijzigd. Lees ze opnieuw en ga dan akkoord.")
        )
        if request.htmx:
            return HttpResponseClientRefresh()
        return redirect("groups:agreements", pk=pk)
    actions.accept_agreements(group, request.user)
    if request.htmx:
        context = _acceptance_context(group, request.user)
        return HttpResponse(render_to_string("groups/agreements.html#acceptance", context, request))
    return redirect("groups:agreements", pk=pk)


@require_http_methods(["GET", "POST"])
@login_required
def edit_agreements(request: HttpRequest, pk: int) -> HttpResponse:
    """The facilitator edits, adds and deletes; a real change is a new version."""
    group = get_group_for_facilitator(request, pk)
    if request.method == "POST" and "propose" in request.POST:
        if actions.propose_agreements(group):
            messages.success(request, _("Het voorstel staat klaar. Pas het gerust aan."))
        return redirect("groups:edit-agreements", pk=pk)

    data = request.POST if request.method == "POST" else None
    formset = AgreementFormSet(data, queryset=group.agreements.all(), prefix="agreements")
    if data is not None and formset.is_valid():
        if formset.has_changed():
            actions.save_agreements(formset, group)
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
