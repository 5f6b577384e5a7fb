"""Cases and what the group makes of them: a member's cases (prepared privately, brought in),
contributions, votes and evaluations during the live meeting, the case owner's texts, and the
summary afterwards. Everything here is case content: policy decides who sees it."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from groups.policy import get_group_for_member, shares_case_content_with
from intervisie.parsing import posted_number

from .. import policy
from ..actions import cases as case_actions
from ..actions import contributions as actions
from ..actions import meeting as meeting_actions
from ..models import (
    Case,
    CommandNotAllowed,
    Contribution,
    ContributionKind,
    Evaluation,
    Meeting,
    StaleVersion,
)
from ..policy import login_or_admitted_device
from . import coach
from .forms import CaseForm, EvaluationForm, new_case_form
from .rounds import brought_cases, look_back
from .rounds import summary as rounds_of


def _done(write) -> HttpResponse:
    """Run one write action: 204 when done; the right person at the wrong moment (the phase moved
    on, the meeting ended) gets a 409, too long a text a 400, each with the reason."""
    try:
        write()
    except CommandNotAllowed as error:
        return HttpResponse(str(error), status=409)
    except ValidationError as error:
        return HttpResponse(error.messages[0], status=400)
    return HttpResponse(status=204)


# --- a member's cases ----------------------------------------------------------------


@login_required
def my_cases(request: HttpRequest, pk: int) -> HttpResponse:
    """My cases for this group, and a new one. Drafts are seen by nobody else."""
    group = get_group_for_member(request, pk)
    form = new_case_form(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if case_actions.save_case(form, group, request.user):
            messages.success(request, _("Je casus is bewaard. Alleen jij ziet hem, tot je hem inbrengt."))
        return redirect("meetings:cases", pk=group.pk)
    cases = Case.objects.filter(group=group, owner=request.user).select_related("meeting")
    context = {"group": group, "form": form, "cases": cases, "next_meeting": Meeting.next_for(group)}
    return render(request, "sessions/cases.html", context)


@login_required
def case_edit(request: HttpRequest, case_id: int) -> HttpResponse:
    case = policy.get_own_case(request, case_id)
    form = CaseForm(request.POST or None, instance=case)
    if request.method == "POST" and form.is_valid():
        case_actions.edit_case(form)
        return redirect("meetings:cases", pk=case.group_id)
    return render(request, "sessions/case_edit.html", {"case": case, "form": form})


@login_required
@require_POST
def bring(request: HttpRequest, case_id: int) -> HttpResponse:
    """Bring a case into the group's next meeting, or take it back before it is chosen."""
    case = policy.get_own_case(request, case_id)
    try:
        if done := case_actions.bring_case(case):
            messages.success(request, done)
    except CommandNotAllowed as error:
        messages.error(request, str(error))
    return redirect("meetings:cases", pk=case.group_id)


# --- the live meeting: contributions --------------------------------------------------


def _form_context(meeting: Meeting, kind: str, **extra) -> dict:
    return {"meeting": meeting, "kind": kind, "kind_label": dict(ContributionKind.choices)[kind], **extra}


@require_POST
@login_or_admitted_device
def contribute(request: HttpRequest, pk: int) -> HttpResponse:
    meeting, viewer = policy.get_meeting_for_viewer(request, pk)
    kind = request.POST.get("kind", "")
    text = request.POST.get("text", "")
    problem = actions.contribute(meeting, viewer, kind, text, request.POST.get("client_key", "")[:40])
    if not request.htmx:
        return redirect("meetings:participant", pk=pk)
    if kind not in ContributionKind.values:
        return HttpResponse(problem, status=400)
    context = _form_context(meeting, kind, sent=not problem, problem=problem, text=text if problem else "")
    html = render_to_string("sessions/participant.html#contribute_form", context, request)
    return HttpResponse(html, status=400 if problem else 200)  # htmx swaps 400: the text stays


@require_POST
@login_or_admitted_device
def coach_hint(request: HttpRequest, pk: int) -> HttpResponse:
    """The coach's hint while a member types a question (POST: the text stays out of URLs and logs)."""
    policy.get_meeting_for_viewer(request, pk)
    verdict = coach.judge(request.POST.get("text", "")[: Contribution.MAX_LENGTH])
    return HttpResponse(verdict.hint)


@require_POST
@login_or_admitted_device
def mark_asked(request: HttpRequest, pk: int, contribution_id: int) -> HttpResponse:
    """The facilitator or the case owner marks a question in the queue as asked."""
    meeting, viewer = policy.get_meeting_for_viewer(request, pk)
    if not (viewer.is_facilitator or policy.is_case_owner(meeting, viewer)):
        raise PermissionDenied
    question = get_object_or_404(
        meeting.round_contributions(), pk=contribution_id, kind=ContributionKind.QUESTION
    )
    return _done(lambda: actions.mark_asked(meeting, question))


@require_POST
@login_or_admitted_device
def reveal(request: HttpRequest, pk: int) -> HttpResponse:
    """Write first, reveal together: the facilitator shows this phase's contributions at once."""
    meeting = policy.get_meeting_for_facilitator(request, pk)
    actions.reveal(meeting)
    return HttpResponse(status=204)


@require_POST
@login_or_admitted_device
def vote(request: HttpRequest, pk: int, case_id: int) -> HttpResponse:
    """A member's vote for a brought case; voting again moves the vote."""
    meeting, viewer = policy.get_meeting_for_case_content(request, pk)
    case = next((case for case in brought_cases(meeting) if case.pk == case_id), None)
    if case is None:
        raise Http404
    return _done(lambda: actions.vote(meeting, viewer, case))


@require_POST
@login_or_admitted_device
def evaluate(request: HttpRequest, pk: int) -> HttpResponse:
    """The evaluation form on the phone; sending it again replaces the earlier answers."""
    meeting, viewer = policy.get_meeting_for_case_content(request, pk)
    existing = Evaluation.objects.filter(meeting=meeting, round=meeting.round, author=viewer.person).first()
    form = EvaluationForm(request.POST, instance=existing)
    try:
        evaluated = actions.evaluate(meeting, viewer, form)
    except CommandNotAllowed as error:
        return HttpResponse(str(error), status=409)
    context = {"meeting": meeting, "evaluation_form": form, "evaluated": evaluated}
    html = render_to_string("sessions/participant.html#evaluation_form", context, request)
    return HttpResponse(html, status=200 if evaluated else 400)


# --- the live meeting: the case and its owner ---------------------------------------


@require_POST
@login_or_admitted_device
def choose(request: HttpRequest, pk: int, case_id: int) -> HttpResponse:
    """The facilitator chooses the case of this round."""
    meeting = policy.get_meeting_for_facilitator(request, pk)
    case = get_object_or_404(Case, pk=case_id, meeting=meeting)
    version = posted_number(request.POST.get("version", ""))
    try:
        meeting_actions.choose_case(meeting, case, -1 if version is None else version, request.user)
    except (StaleVersion, CommandNotAllowed):
        return HttpResponse(status=409)
    return HttpResponse(status=204)


def _case_owner_writes(request: HttpRequest, pk: int, field: str) -> HttpResponse:
    """The case owner writes one text of their case: the reformulation, or their action."""
    meeting, _viewer = policy.get_meeting_for_case_owner(request, pk)
    return _done(lambda: case_actions.write_case_text(meeting, field, request.POST.get(field, "")))


@require_POST
@login_or_admitted_device
def reformulate(request: HttpRequest, pk: int) -> HttpResponse:
    """The question behind the question."""
    return _case_owner_writes(request, pk, "reformulation")


@require_POST
@login_or_admitted_device
def action(request: HttpRequest, pk: int) -> HttpResponse:
    """What the case owner is going to do."""
    return _case_owner_writes(request, pk, "action")


@require_POST
@login_or_admitted_device
def follow_up(request: HttpRequest, pk: int, case_id: int) -> HttpResponse:
    """At the look-back, the previous case owner writes what they did with it."""
    meeting, viewer = policy.get_meeting_for_viewer(request, pk)
    case = next((c for c in look_back(meeting) if c.pk == case_id), None)
    if (
        case is None
        or case.owner_id != viewer.person.pk
        or not policy.sees_case_content(meeting, viewer.person)
    ):
        raise Http404
    return _done(lambda: case_actions.write_follow_up(meeting, case, request.POST.get("follow_up", "")))


@require_POST
@login_or_admitted_device
def mark_fits(request: HttpRequest, pk: int, contribution_id: int) -> HttpResponse:
    """The case owner marks revealed advice that fits."""
    meeting, _viewer = policy.get_meeting_for_case_owner(request, pk)
    advice = get_object_or_404(
        meeting.round_contributions(),
        pk=contribution_id,
        kind=ContributionKind.ADVICE,
        revealed_at__isnull=False,
    )
    return _done(lambda: case_actions.mark_fits(meeting, advice))


# --- afterwards ----------------------------------------------------------------------


@login_required
@require_GET
def summary(request: HttpRequest, pk: int) -> HttpResponse:
    """The question, reformulation, advice with the owner's choices, action, themes and evaluation."""
    meeting, viewer = policy.get_meeting_for_viewer(request, pk)
    if not policy.sees_case_content(meeting, viewer.person):
        # In the group now, yet not then: the meeting stays with who was there; else: accept first.
        joined_later = shares_case_content_with(meeting.group, viewer.person)
        context = {"meeting": meeting, "pending": not joined_later, "joined_later": joined_later}
        return render(request, "sessions/summary.html", context, status=403)
    context = {"meeting": meeting, "rounds": rounds_of(meeting), "viewer": viewer}
    return render(request, "sessions/summary.html", context)
