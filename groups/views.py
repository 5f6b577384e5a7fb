"""The coordinator's side of groups (create, edit, invite) and accepting an invitation."""

from django.contrib import messages
from django.contrib.auth import get_user_model, login
from django.contrib.auth.decorators import login_required, permission_required
from django.contrib.auth.forms import SetPasswordForm
from django.db import transaction
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from intervisie import emails

from .agreements import propose_agreements
from .forms import GroupForm, Person
from .models import IntervisionGroup, Invitation, Membership


def coordinated_groups(user):
    return IntervisionGroup.objects.filter(coordinators=user)


def _get_group_for_coordinator(request: HttpRequest, pk: int) -> IntervisionGroup:
    """A group the asking coordinator coordinates; any other group is a 404."""
    return get_object_or_404(coordinated_groups(request.user), pk=pk)


@login_required
@permission_required("groups.coordinate", raise_exception=True)
def group_list(request: HttpRequest) -> HttpResponse:
    groups = coordinated_groups(request.user).annotate(
        member_count=Count("memberships", filter=Q(memberships__role=Membership.Role.MEMBER), distinct=True),
        invited_count=Count("invitations", filter=Q(invitations__accepted_at__isnull=True), distinct=True),
    )
    return render(request, "groups/group_list.html", {"groups": groups})


def _send_invitations(request: HttpRequest, group, invitations, added_users) -> None:
    for invitation in invitations:
        link = request.build_absolute_uri(reverse("groups:accept-invitation", args=[invitation.token]))
        emails.send(
            "invitation", [invitation.email], {"invitation": invitation, "group": group, "link": link}
        )
    for user in added_users:
        link = request.build_absolute_uri(reverse("home"))
        emails.send("added_to_group", [user.email], {"user": user, "group": group, "link": link})


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
    draft = "save_draft" in request.POST
    initial = {}
    if group is not None:
        name, email, lines = _people_text(group)
        initial = {"facilitator_name": name, "facilitator_email": email, "members_text": lines}
    form = GroupForm(request.POST or None, instance=group, initial=initial, draft=draft)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            saved = form.save(commit=False)
            members: list[Person] = form.cleaned_data["members_text"]
            saved.draft = draft
            saved.save()
            saved.coordinators.add(request.user)
            people = [(person.name, person.email, Membership.Role.MEMBER) for person in members]
            if form.cleaned_data["facilitator_email"]:
                people.append(
                    (
                        form.cleaned_data["facilitator_name"],
                        form.cleaned_data["facilitator_email"],
                        Membership.Role.FACILITATOR,
                    )
                )
            invitations, added_users = saved.set_people(people)
            if group is None:
                propose_agreements(saved)  # every new group starts from the proposed agreements
            transaction.on_commit(lambda: _send_invitations(request, saved, invitations, added_users))
        if draft:
            messages.info(request, _("De groep is als concept opgeslagen."))
        else:
            messages.success(request, _("De groep is opgeslagen; nieuwe mensen krijgen een uitnodiging."))
        return redirect("meetings:traject", pk=saved.pk)
    return render(request, "groups/group_form.html", {"form": form, "group": group})


@login_required
@permission_required("groups.coordinate", raise_exception=True)
def group_create(request: HttpRequest) -> HttpResponse:
    return _edit(request, None)


@login_required
@permission_required("groups.coordinate", raise_exception=True)
def group_edit(request: HttpRequest, pk: int) -> HttpResponse:
    return _edit(request, _get_group_for_coordinator(request, pk))


@login_required
@permission_required("groups.coordinate", raise_exception=True)
@require_POST
def resend_invitation(request: HttpRequest, pk: int, invitation_id: int) -> HttpResponse:
    group = _get_group_for_coordinator(request, pk)
    invitation = get_object_or_404(group.invitations, pk=invitation_id, accepted_at__isnull=True)
    invitation.renew()
    _send_invitations(request, group, [invitation], [])
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
        with transaction.atomic():
            user = form.save()
            invitation.accepted_at = timezone.now()
            invitation.save(update_fields=["accepted_at"])
        login(request, user, backend="intervisie.auth.EmailBackend")
        messages.success(request, _("Welkom bij %(group)s!") % {"group": invitation.group.name})
        return redirect("home")
    return render(request, "groups/invitation_accept.html", {"invitation": invitation, "form": form})
