"""Contributions during the live meeting, under the rules of the current phase.

The server enforces the rules whatever the client sends: the kind must be
one the phase allows this person, the case owner follows the phase's mode,
and only members who accepted the group's agreements write case content.
"""

from functools import wraps

from django.conf import settings
from django.db import IntegrityError, transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from intervisie.limits import over_limit

from . import broadcast, coach
from .access import Viewer, sees_case_content
from .forms import EvaluationForm
from .models import CaseVote, Contribution, ContributionKind, Evaluation, Meeting, PhaseStep
from .rounds import brought_cases
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
    client_key = request.POST.get("client_key", "")[:40]
    mine = meeting.contributions.filter(author=viewer.person)
    # A phone resending what it kept while offline: stored once, counted once.
    already_sent = bool(client_key) and mine.filter(client_key=client_key).exists()
    problem = "" if already_sent else refusal(meeting, viewer, kind, text)
    limit_key = f"contribute:{meeting.pk}:{viewer.person.pk}"
    if not problem and not already_sent and over_limit(limit_key, *settings.CONTRIBUTION_LIMIT):
        problem = _("Je stuurt veel achter elkaar. Wacht een minuut; je tekst blijft staan.")
    if not problem and not already_sent:
        verdict = coach.judge(text) if kind == ContributionKind.QUESTION else None
        now = timezone.now()
        try:
            with transaction.atomic():
                Contribution.objects.create(
                    meeting=meeting,
                    round=meeting.round,
                    phase=meeting.phase,
                    kind=kind,
                    author=viewer.person,
                    text=text.strip(),
                    created_at=now,
                    # Shared with the group at once, unless the phase writes first and reveals together.
                    revealed_at=None if meeting.current_phase.reveal_together else now,
                    open_question=verdict.is_open if verdict else None,
                    client_key=client_key,
                )
        except IntegrityError:
            pass  # the same text sent twice at once (a phone back online): stored once
        broadcast.contributions_changed(meeting.pk)
    if not request.htmx:
        return redirect("meetings:participant", pk=pk)
    if kind not in ContributionKind.values:
        return HttpResponse(problem, status=400)
    context = form_context(meeting, kind, sent=not problem, problem=problem, text=text if problem else "")
    html = render_to_string("sessions/participant.html#contribute_form", context, request)
    return HttpResponse(html, status=400 if problem else 200)  # htmx swaps 400: the text stays


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
    is_case_owner = viewer.person.pk == meeting.case_owner_id and sees_case_content(meeting, viewer.person)
    if not (viewer.is_facilitator or is_case_owner):
        raise Http404
    question = get_object_or_404(
        meeting.contributions, pk=contribution_id, kind=ContributionKind.QUESTION, round=meeting.round
    )
    if not meeting.is_live:
        return HttpResponse(_("De bijeenkomst loopt niet."), status=409)
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
    meeting.contributions.filter(round=meeting.round, phase=meeting.phase, revealed_at__isnull=True).update(
        revealed_at=timezone.now()
    )
    broadcast.contributions_changed(meeting.pk)
    return HttpResponse(status=204)


def in_step(step: str):
    """For members who see case content, in a phase with this step; others get a 404, a wrong phase a 409."""

    def decorate(view):
        @wraps(view)
        def wrapper(request: HttpRequest, pk: int, *args, **kwargs) -> HttpResponse:
            meeting, viewer = _get_meeting_for_viewer(request, pk)
            if viewer.is_facilitator or not sees_case_content(meeting, viewer.person):
                raise Http404
            if not meeting.is_live or meeting.current_phase is None or meeting.current_phase.step != step:
                return HttpResponse(_("Dat kan in deze fase niet (meer)."), status=409)
            return view(request, meeting, viewer, *args, **kwargs)

        return require_POST(login_or_admitted_device(wrapper))

    return decorate


@in_step(PhaseStep.CHOOSE)
def vote(request: HttpRequest, meeting: Meeting, viewer: Viewer, case_id: int) -> HttpResponse:
    """A member's vote for a brought case; voting again moves the vote."""
    case = next((case for case in brought_cases(meeting) if case.pk == case_id), None)
    if case is None:
        raise Http404
    CaseVote.objects.update_or_create(
        meeting=meeting, round=meeting.round, voter=viewer.person, defaults={"case": case}
    )
    broadcast.contributions_changed(meeting.pk)
    return HttpResponse(status=204)


@in_step(PhaseStep.EVALUATE)
def evaluate(request: HttpRequest, meeting: Meeting, viewer: Viewer) -> HttpResponse:
    """The evaluation form on the phone; sending it again replaces the earlier answers."""
    existing = Evaluation.objects.filter(meeting=meeting, round=meeting.round, author=viewer.person).first()
    form = EvaluationForm(request.POST, instance=existing)
    if form.is_valid():
        evaluation = form.save(commit=False)
        evaluation.meeting, evaluation.round, evaluation.author = meeting, meeting.round, viewer.person
        evaluation.save()
        broadcast.contributions_changed(meeting.pk)
    context = {"meeting": meeting, "evaluation_form": form, "evaluated": form.is_valid()}
    html = render_to_string("sessions/participant.html#evaluation_form", context, request)
    return HttpResponse(html, status=200 if form.is_valid() else 400)
