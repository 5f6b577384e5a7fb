"""Contributions during the live meeting, under the rules of the current phase.

The server enforces the rules whatever the client sends: the kind must be
one the phase allows this person, the case owner follows the phase's mode,
and only members who accepted the group's agreements write case content.
"""

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from . import broadcast, coach
from .access import Viewer, sees_case_content
from .models import Contribution, ContributionKind, Meeting
from .views import _get_meeting_for_viewer, login_or_admitted_device


def refusal(meeting: Meeting, viewer: Viewer, kind: str, text: str) -> str:
    """Why this contribution cannot be accepted, or "" when it can."""
    if viewer.is_facilitator:
        return _("De begeleider bewaakt het proces en levert hier geen bijdrage.")
    if not sees_case_content(meeting, viewer.person):
        return _("Ga eerst akkoord met de afspraken van de groep; daarna kun je meedoen.")
    if kind not in meeting.allowed_kinds(is_case_owner=viewer.person.pk == meeting.case_owner_id):
        label = dict(ContributionKind.choices).get(kind, kind)
        return _("In deze fase kun je geen %(kind)s insturen.") % {"kind": label}
    if not text.strip():
        return _("Schrijf eerst iets.")
    if len(text) > Contribution.MAX_LENGTH:
        return _("Dat is te lang: hoogstens %(max)d tekens.") % {"max": Contribution.MAX_LENGTH}
    return ""


def form_context(meeting: Meeting, kind: str, **extra) -> dict:
    return {"meeting": meeting, "kind": kind, "kind_label": dict(ContributionKind.choices)[kind], **extra}


@require_POST
@login_or_admitted_device
def contribute(request: HttpRequest, pk: int) -> HttpResponse:
    meeting, viewer = _get_meeting_for_viewer(request, pk)
    kind = request.POST.get("kind", "")
    text = request.POST.get("text", "")
    problem = refusal(meeting, viewer, kind, text)
    if not problem:
        verdict = coach.judge(text) if kind == ContributionKind.QUESTION else None
        Contribution.objects.create(
            meeting=meeting,
            phase=meeting.phase,
            kind=kind,
            author=viewer.person,
            text=text.strip(),
            open_question=verdict.is_open if verdict else None,
        )
        broadcast.contributions_changed(meeting.pk)
    if not request.htmx:
        return redirect("meetings:participant", pk=pk)
    if kind not in ContributionKind.values:
        return HttpResponse(problem, status=400)
    context = form_context(meeting, kind, sent=not problem, problem=problem, text=text if problem else "")
    html = render_to_string("sessions/participant.html#contribute_form", context, request)
    return HttpResponse(html, status=400 if problem else 200)


@require_POST
@login_or_admitted_device
def coach_hint(request: HttpRequest, pk: int) -> HttpResponse:
    """The coach's hint while a member types a question (POST: the text stays out of URLs and logs)."""
    _get_meeting_for_viewer(request, pk)
    verdict = coach.judge(request.POST.get("text", "")[: Contribution.MAX_LENGTH])
    return HttpResponse(verdict.hint)


@require_POST
def mark_asked(request: HttpRequest, pk: int, contribution_id: int) -> HttpResponse:
    """The facilitator or the case owner marks a question in the queue as asked."""
    meeting, viewer = _get_meeting_for_viewer(request, pk)
    if not (viewer.is_facilitator or viewer.person.pk == meeting.case_owner_id):
        raise Http404
    question = get_object_or_404(meeting.contributions, pk=contribution_id, kind=ContributionKind.QUESTION)
    question.asked_at = None if question.asked_at else timezone.now()
    question.save(update_fields=["asked_at"])
    broadcast.contributions_changed(meeting.pk)
    return HttpResponse(status=204)


@require_POST
def reveal(request: HttpRequest, pk: int) -> HttpResponse:
    """Write first, reveal together: the facilitator shows this phase's contributions at once."""
    meeting, viewer = _get_meeting_for_viewer(request, pk)
    if not viewer.is_facilitator:
        raise Http404
    meeting.contributions.filter(phase=meeting.phase, revealed_at__isnull=True).update(
        revealed_at=timezone.now()
    )
    broadcast.contributions_changed(meeting.pk)
    return HttpResponse(status=204)
