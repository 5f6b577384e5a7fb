"""Whether trajects live: the coordinator's overview, the end-of-traject report and proofs of attendance.

Coordinators see counts, rates, scores and signals, and themes only where the
group chose to share them: never case content.
"""

from django.contrib.auth.decorators import login_required, permission_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from groups.policy import coordinated_groups, get_group_for_viewer, refuse, shares_case_content_with

from ..cases.rounds import group_themes
from ..models import Attendance, Meeting
from .health import attendance_chart, evaluation_chart, group_health, traject_stage


@login_required
@permission_required("groups.coordinate", raise_exception=True)
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    """Every coordinated group at a glance: those with signals first."""
    groups = coordinated_groups(request.user)
    cards = []
    for health in group_health(groups):
        meetings = [s.meeting for s in health.meetings]
        health.stage = traject_stage(health.group, meetings, member_ids=set(health.members))
        health.attendance_chart = attendance_chart(health, f"attendance-{health.group.pk}")
        health.evaluation_chart = evaluation_chart(health, f"evaluation-{health.group.pk}")
        cards.append(health)
    cards.sort(key=lambda h: (not h.signals, h.group.name.lower()))
    return render(request, "sessions/dashboard.html", {"cards": cards})


@login_required
@require_GET
def report(request: HttpRequest, pk: int) -> HttpResponse:
    """The end-of-traject report, printable: attendance, evaluation trends and shared themes."""
    group, access = get_group_for_viewer(request, pk)
    (health,) = group_health([group])
    in_group = shares_case_content_with(group, request.user)
    context = {
        "group": group,
        "access": access,
        "health": health,
        "stage": traject_stage(group, [s.meeting for s in health.meetings], member_ids=set(health.members)),
        "attendance_chart": attendance_chart(health, "report-attendance"),
        "evaluation_chart": evaluation_chart(health, "report-evaluation"),
        # The group's own people see its themes; a coordinator only when the group shares them.
        "themes": [t.text for t in group_themes(group, visible_to=request.user)]
        if in_group
        else health.themes,
        "first": health.meetings[0].meeting if health.meetings else None,
        "last": health.meetings[-1].meeting if health.meetings else None,
    }
    return render(request, "sessions/report.html", context)


@login_required
@require_GET
def attendance_proof(request: HttpRequest, pk: int, user_id: int) -> HttpResponse:
    """A member's proof of attendance: dates and presence only, never content."""
    group, access = get_group_for_viewer(request, pk)
    person = get_object_or_404(group.members(), pk=user_id)
    if request.user.pk != person.pk and not access.oversees:
        raise refuse(access)
    meetings = list(group.meetings.filter(status=Meeting.Status.CLOSED).order_by("scheduled_start"))
    present = set(
        Attendance.objects.filter(meeting__in=meetings, user=person, present=True).values_list(
            "meeting_id", flat=True
        )
    )
    rows = [(meeting, meeting.pk in present) for meeting in meetings]
    context = {"group": group, "person": person, "rows": rows, "present": len(present), "total": len(rows)}
    return render(request, "sessions/attendance_proof.html", context)
