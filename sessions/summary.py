"""After the meeting: what it produced, for the group and its facilitator only."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from .access import sees_case_content
from .rounds import summary as rounds_of
from .views import _get_meeting_for_viewer


@login_required
@require_GET
def summary(request: HttpRequest, pk: int) -> HttpResponse:
    """The question, reformulation, advice with the owner's choices, action, themes and evaluation."""
    meeting, viewer = _get_meeting_for_viewer(request, pk)
    if not sees_case_content(meeting, viewer.person):
        return render(request, "sessions/summary.html", {"meeting": meeting, "pending": True}, status=403)
    context = {"meeting": meeting, "rounds": rounds_of(meeting), "viewer": viewer}
    return render(request, "sessions/summary.html", context)
