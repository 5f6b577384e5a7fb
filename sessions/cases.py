"""Cases (casussen): prepared on the phone, brought into a meeting, chosen, reformulated."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from groups.models import IntervisionGroup, Membership

from . import broadcast
from .access import sees_case_content
from .models import Case, CommandNotAllowed, ContributionKind, Meeting, StaleVersion
from .rounds import case_owner_writes, look_back
from .views import _get_meeting_for_facilitator, _get_meeting_for_viewer, posted_number


class CaseForm(forms.ModelForm):
    class Meta:
        model = Case
        fields = ["title", "situation", "question", "tried"]
        widgets = {
            "title": forms.TextInput(),
            "situation": forms.Textarea(attrs={"rows": 5}),
            "question": forms.Textarea(attrs={"rows": 2}),
            "tried": forms.Textarea(attrs={"rows": 3}),
        }


def _get_group_for_member(request: HttpRequest, pk: int) -> IntervisionGroup:
    """Only the group's members prepare cases (not its external facilitator, not coordinators)."""
    return get_object_or_404(
        IntervisionGroup, pk=pk, memberships__user=request.user, memberships__role=Membership.Role.MEMBER
    )


def _get_own_case(request: HttpRequest, case_id: int) -> Case:
    return get_object_or_404(Case.objects.select_related("group", "meeting"), pk=case_id, owner=request.user)


def next_meeting(group: IntervisionGroup) -> Meeting | None:
    return next((m for m in group.meetings.order_by("scheduled_start") if m.is_upcoming), None)


@login_required
def my_cases(request: HttpRequest, pk: int) -> HttpResponse:
    """My cases for this group, and a new one. Drafts are seen by nobody else."""
    group = _get_group_for_member(request, pk)
    form = CaseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        case = form.save(commit=False)
        case.group, case.owner = group, request.user
        case.save()
        messages.success(request, _("Je casus is bewaard. Alleen jij ziet hem, tot je hem inbrengt."))
        return redirect("meetings:cases", pk=group.pk)
    cases = Case.objects.filter(group=group, owner=request.user).select_related("meeting")
    context = {"group": group, "form": form, "cases": cases, "next_meeting": next_meeting(group)}
    return render(request, "sessions/cases.html", context)


@login_required
def case_edit(request: HttpRequest, case_id: int) -> HttpResponse:
    case = _get_own_case(request, case_id)
    form = CaseForm(request.POST or None, instance=case)
    if request.method == "POST" and form.is_valid():
        form.save()
        if case.meeting_id:
            broadcast.meeting_changed(case.meeting_id)
        return redirect("meetings:cases", pk=case.group_id)
    return render(request, "sessions/case_edit.html", {"case": case, "form": form})


@login_required
@require_POST
def bring(request: HttpRequest, case_id: int) -> HttpResponse:
    """Bring a case into the group's next meeting, or take it back before it is chosen."""
    case = _get_own_case(request, case_id)
    if case.status == Case.Status.CHOSEN:
        messages.error(request, _("Deze casus is al gekozen en besproken."))
    elif case.status == Case.Status.BROUGHT:
        meeting_id = case.meeting_id
        case.status, case.meeting = Case.Status.DRAFT, None
        case.save(update_fields=["status", "meeting"])
        broadcast.meeting_changed(meeting_id)
    else:
        meeting = next_meeting(case.group)
        if meeting is None:
            messages.error(request, _("Er is nog geen bijeenkomst gepland om de casus in te brengen."))
        else:
            case.status, case.meeting = Case.Status.BROUGHT, meeting
            case.save(update_fields=["status", "meeting"])
            broadcast.meeting_changed(meeting.pk)
            messages.success(request, _("Je casus is ingebracht voor de volgende bijeenkomst."))
    return redirect("meetings:cases", pk=case.group_id)


@require_POST
def choose(request: HttpRequest, pk: int, case_id: int) -> HttpResponse:
    """The facilitator chooses the case of this round."""
    meeting = _get_meeting_for_facilitator(request, pk)
    case = get_object_or_404(Case, pk=case_id, meeting=meeting)
    version = posted_number(request.POST.get("version", ""))
    try:
        meeting.choose_case(case, -1 if version is None else version, request.user)
    except (StaleVersion, CommandNotAllowed):
        return HttpResponse(status=409)
    return HttpResponse(status=204)


def _case_owner_writes(request: HttpRequest, pk: int, field: str) -> HttpResponse:
    """The case owner writes one text of their case: the reformulation, or their action."""
    meeting, viewer = _get_meeting_for_viewer(request, pk)
    if viewer.person.pk != meeting.case_owner_id or not sees_case_content(meeting, viewer.person):
        raise Http404
    if not case_owner_writes(meeting, field):
        return HttpResponse(_("Dat kan in deze fase niet (meer)."), status=409)
    Case.objects.filter(pk=meeting.case_id).update(**{field: request.POST.get(field, "").strip()[:1000]})
    broadcast.meeting_changed(meeting.pk)
    return HttpResponse(status=204)


@require_POST
def reformulate(request: HttpRequest, pk: int) -> HttpResponse:
    """The question behind the question."""
    return _case_owner_writes(request, pk, "reformulation")


@require_POST
def follow_up(request: HttpRequest, pk: int, case_id: int) -> HttpResponse:
    """At the look-back, the previous case owner writes what they did with it."""
    meeting, viewer = _get_meeting_for_viewer(request, pk)
    case = next((c for c in look_back(meeting) if c.pk == case_id), None)
    if case is None or case.owner_id != viewer.person.pk or not sees_case_content(meeting, viewer.person):
        raise Http404
    if not (meeting.is_live and meeting.phase_index == 0 and meeting.round == 1):
        return HttpResponse(_("De terugblik is voorbij."), status=409)
    case.follow_up = request.POST.get("follow_up", "").strip()[:1000]
    case.save(update_fields=["follow_up"])
    broadcast.contributions_changed(meeting.pk)
    return HttpResponse(status=204)


@require_POST
def mark_fits(request: HttpRequest, pk: int, contribution_id: int) -> HttpResponse:
    """The case owner marks revealed advice that fits."""
    meeting, viewer = _get_meeting_for_viewer(request, pk)
    if viewer.person.pk != meeting.case_owner_id or not sees_case_content(meeting, viewer.person):
        raise Http404
    if not meeting.is_live:
        return HttpResponse(_("Dat kan in deze fase niet (meer)."), status=409)
    advice = get_object_or_404(
        meeting.contributions,
        pk=contribution_id,
        kind=ContributionKind.ADVICE,
        round=meeting.round,
        revealed_at__isnull=False,
    )
    advice.fits = not advice.fits
    advice.save(update_fields=["fits"])
    broadcast.contributions_changed(meeting.pk)
    return HttpResponse(status=204)


@require_POST
def action(request: HttpRequest, pk: int) -> HttpResponse:
    """What the case owner is going to do."""
    return _case_owner_writes(request, pk, "action")
