"""The traject around the live meetings: scheduling, calendars and attendance."""

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from groups.policy import (
    case_content_since,
    get_group_for_coordinator,
    get_group_for_facilitator,
    get_group_for_viewer,
)

from .. import policy
from ..actions import traject as actions
from ..cases.rounds import group_themes, turn_taking
from ..insight.health import attendance_chart, group_health, traject_stage
from ..models import Attendance, CalendarFeed, CommandNotAllowed, Meeting
from . import ics
from .forms import MeetingEditForm, RsvpForm, ScheduleForm
from .schedule import plan, to_utc


@login_required
@require_GET
def traject(request: HttpRequest, pk: int) -> HttpResponse:
    """The group's page: its meetings with attendance, and for the coordinator its people."""
    group, access = get_group_for_viewer(request, pk)
    meetings = list(group.meetings.select_related("facilitator").order_by("scheduled_start"))
    answers = {a.meeting_id: a for a in Attendance.objects.filter(meeting__group=group, user=request.user)}
    for meeting in meetings:
        meeting.my_answer = answers.get(meeting.pk)
    (health,) = group_health([group])
    context = {
        "group": group,
        "access": access,
        "stage": traject_stage(group, meetings, member_ids=set(health.members)),
        "attendance_chart": attendance_chart(health, "attendance"),
        "upcoming": [m for m in meetings if m.is_upcoming],
        # Held (or past and never started); cancelled meetings are listed apart, marked.
        "past": [m for m in meetings if not m.is_upcoming and m.status != Meeting.Status.CANCELLED],
        "cancelled": [m for m in meetings if m.status == Meeting.Status.CANCELLED],
        "cancelled_ahead": any(
            m.status == Meeting.Status.CANCELLED and m.scheduled_end >= timezone.now() for m in meetings
        ),
        "feed": actions.calendar_feed(request.user),
        "accepted": group.has_accepted_agreements(request.user),
        "reason_kinds": Attendance.ReasonKind.choices,
        # Who was added or removed, by whom: shown to everybody who sees the group (no secret joining).
        "membership_changes": list(group.membership_changes.select_related("by")[:10]),
    }
    # Themes and summaries: of the meetings held since the person joined (and accepted).
    since = case_content_since(group, request.user)
    for meeting in meetings:
        meeting.sees_content = policy.content_visible(meeting, request.user, since)
    context["sees_case"] = since is not None
    if context["sees_case"]:
        context["themes"] = group_themes(group, visible_to=request.user)
    if access.in_group:
        context["turns"] = turn_taking(group, context["upcoming"][0] if context["upcoming"] else None)
        context["facilitated"] = [(m, m.facilitator) for m in meetings if m.status == Meeting.Status.CLOSED]
    if access.is_coordinator:
        pending = {i.email.lower(): i for i in group.invitations.filter(accepted_at__isnull=True)}
        memberships = group.memberships.select_related("user").order_by("role", "user__first_name")
        context["people"] = [(m, pending.get(m.user.email.lower())) for m in memberships]
    return render(request, "sessions/traject.html", context)


@login_required
def schedule(request: HttpRequest, pk: int) -> HttpResponse:
    """Generate the meetings of a traject: preview first, then save."""
    group = get_group_for_coordinator(request, pk)
    facilitator = group.facilitator
    form = ScheduleForm(request.POST or None)
    planned, collisions = [], []
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        planned = plan(
            data["first_date"],
            data["start_time"],
            data["interval"],
            data["count"],
            form.duration_delta,
            group.tz,
        )
        if facilitator is None:
            form.add_error(None, _("Deze groep heeft nog geen begeleider; vul die eerst in bij de groep."))
        else:
            for item in planned:
                probe = Meeting(facilitator=facilitator, scheduled_start=item.start, scheduled_end=item.end)
                collisions.extend((item, other) for other in probe.overlapping())
        starts = [item.start for item in planned]
        if (
            group.meetings.filter(scheduled_start__in=starts)
            .exclude(status=Meeting.Status.CANCELLED)
            .exists()
        ):
            form.add_error(None, _("Deze bijeenkomsten staan al gepland."))
        if "confirm" in request.POST and form.is_valid():
            created = actions.plan_traject(group, facilitator, planned, data["place"], ics.base_url(request))
            messages.success(
                request,
                _("%(count)d bijeenkomsten gepland; de deelnemers krijgen ze per e-mail.")
                % {"count": len(created)},
            )
            return redirect("meetings:traject", pk=group.pk)
    context = {
        "group": group,
        "form": form,
        "planned": planned,
        "collisions": collisions,
        "tz": group.tz,
        # A second traject is rarely meant: say what is planned already, before anything is saved.
        "upcoming_count": upcoming_meetings(group).count(),
    }
    return render(request, "sessions/schedule.html", context)


def upcoming_meetings(group):
    return group.meetings.filter(
        status__in=[Meeting.Status.SCHEDULED, Meeting.Status.LIVE], scheduled_end__gte=timezone.now()
    )


@login_required
def meeting_add(request: HttpRequest, pk: int) -> HttpResponse:
    """One extra meeting for the group, or one in place of a cancelled one."""
    group = get_group_for_coordinator(request, pk)
    initial = {"facilitator": group.facilitator, "start_time": "19:00", "duration": 120}
    latest = group.meetings.exclude(status=Meeting.Status.CANCELLED).order_by("-scheduled_start").first()
    if latest is not None:  # like the meetings before it
        initial.update(
            start_time=latest.scheduled_start.astimezone(group.tz).time(),
            duration=int((latest.scheduled_end - latest.scheduled_start).total_seconds() // 60),
            place=latest.place,
        )
    form = MeetingEditForm(request.POST or None, initial=initial, group=group)
    collisions = []
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        start = to_utc(data["date"], data["start_time"], group.tz)
        end = start + timedelta(minutes=data["duration"])
        if group.meetings.filter(scheduled_start=start).exclude(status=Meeting.Status.CANCELLED).exists():
            form.add_error("start_time", _("Op dat moment staat al een bijeenkomst van deze groep gepland."))
        else:
            probe = Meeting(facilitator=data["facilitator"], scheduled_start=start, scheduled_end=end)
            collisions = list(probe.overlapping())
            if not collisions or "despite_collision" in request.POST:
                actions.add_meeting(
                    group, data["facilitator"], start, end, data["place"], ics.base_url(request)
                )
                messages.success(request, _("De bijeenkomst is toegevoegd; de groep krijgt bericht."))
                return redirect("meetings:traject", pk=group.pk)
    context = {"group": group, "form": form, "collisions": collisions}
    return render(request, "sessions/meeting_add.html", context)


@login_required
def meeting_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Move or reschedule one meeting that has not started (cancelling it: meeting_cancel)."""
    meeting = policy.get_meeting_for_planner(request, pk)
    tz = meeting.group.tz
    local_start = meeting.scheduled_start.astimezone(tz)
    initial = {
        "facilitator": meeting.facilitator_id,
        "date": local_start.date(),
        "start_time": local_start.time(),
        "duration": int((meeting.scheduled_end - meeting.scheduled_start).total_seconds() // 60),
        "place": meeting.place,
    }
    form = MeetingEditForm(request.POST or None, initial=initial, group=meeting.group)
    collisions = list(meeting.overlapping())
    if request.method == "POST":
        try:
            if form.is_valid():
                data = form.cleaned_data
                start = to_utc(data["date"], data["start_time"], tz)
                end = start + timedelta(minutes=data["duration"])
                probe = Meeting(
                    pk=meeting.pk, facilitator=data["facilitator"], scheduled_start=start, scheduled_end=end
                )
                collisions = list(probe.overlapping())
                if not collisions or "despite_collision" in request.POST:
                    actions.reschedule_meeting(
                        meeting, start, end, data["place"], data["facilitator"], ics.base_url(request)
                    )
                    messages.success(request, _("De bijeenkomst is gewijzigd; de groep krijgt bericht."))
                    return redirect("meetings:traject", pk=meeting.group_id)
        except CommandNotAllowed as error:
            form.add_error(None, str(error))
    context = {"meeting": meeting, "form": form, "collisions": collisions}
    return render(request, "sessions/meeting_edit.html", context)


@login_required
def meeting_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    """Cancel one meeting that has not started: the page asks first, the confirmation POSTs."""
    meeting = policy.get_meeting_for_planner(request, pk)
    error = ""
    if meeting.status != Meeting.Status.SCHEDULED:
        error = _("Alleen een geplande bijeenkomst kan geannuleerd worden.")
    elif request.method == "POST" and "confirm" in request.POST:
        try:
            actions.cancel_meeting(meeting, ics.base_url(request))
        except CommandNotAllowed as refusal:  # it started meanwhile
            error = str(refusal)
        else:
            messages.success(request, _("De bijeenkomst is geannuleerd; de groep krijgt bericht."))
            return redirect("meetings:traject", pk=meeting.group_id)
    context = {"meeting": meeting, "error": error}
    return render(request, "sessions/meeting_cancel.html", context, status=409 if error else 200)


@login_required
@require_GET
def meeting_ics(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = get_object_or_404(policy.visible_meetings(request.user), pk=pk)
    body = ics.calendar([meeting], ics.base_url(request))
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="intervisie-{meeting.pk}.ics"'
    return response


@require_GET
def feed(request: HttpRequest, token: str) -> HttpResponse:
    """A member's subscription feed: all their meetings, behind a secret, revocable URL."""
    subscription = get_object_or_404(
        CalendarFeed.objects.select_related("user"), token=token, user__is_active=True
    )
    meetings = policy.visible_meetings(subscription.user).order_by("scheduled_start")
    body = ics.calendar(meetings, ics.base_url(request), name=_("Intervisie"))
    return HttpResponse(body, content_type="text/calendar; charset=utf-8")


@login_required
@require_POST
def feed_reset(request: HttpRequest) -> HttpResponse:
    actions.renew_feed(request.user)
    messages.success(request, _("Je agenda-link is vernieuwd; de oude werkt niet meer."))
    next_url = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        next_url = reverse("home")
    return redirect(next_url)


@login_required
@require_POST
def rsvp(request: HttpRequest, pk: int) -> HttpResponse:
    """A member says "I'll be there", or cancels with a reason."""
    meeting = policy.get_meeting_for_group_member(request, pk)
    form = RsvpForm(request.POST)
    if not meeting.is_upcoming:
        messages.error(request, _("Deze bijeenkomst is al voorbij of geannuleerd."))
    elif form.is_valid():
        actions.rsvp(meeting, request.user, form.cleaned_data)
        if form.cleaned_data["response"] == Attendance.Response.ATTENDING:
            messages.success(request, _("Fijn, je bent erbij."))
        else:
            messages.success(request, _("Je bent afgemeld. De groep ziet je reden."))
    else:
        return render(request, "sessions/rsvp_error.html", {"meeting": meeting, "form": form}, status=400)
    return redirect(reverse("meetings:traject", args=[meeting.group_id]) + f"#meeting-{meeting.pk}")


@login_required
@require_POST
def share_themes(request: HttpRequest, pk: int) -> HttpResponse:
    """The group's facilitator records the group's choice to share its themes with the coordinator, or not."""
    group = get_group_for_facilitator(request, pk)
    actions.share_themes(group, request.POST.get("share") == "yes")
    if group.share_themes:
        messages.success(request, _("De coördinator ziet nu de thema's van de groep, nooit de casussen."))
    else:
        messages.success(request, _("De thema's blijven binnen de groep."))
    return redirect(reverse("meetings:traject", args=[group.pk]) + "#themes-title")


@login_required
@require_GET
def register(request: HttpRequest, pk: int) -> HttpResponse:
    """Attendance per member per meeting; the group's facilitator can correct it."""
    group, access = get_group_for_viewer(request, pk)
    members = list(group.members().order_by("first_name", "last_name"))
    meetings = list(group.meetings.exclude(status=Meeting.Status.CANCELLED).order_by("scheduled_start"))
    records = {(a.meeting_id, a.user_id): a for a in Attendance.objects.filter(meeting__group=group)}
    rows = [
        (member, [(meeting, records.get((meeting.pk, member.pk))) for meeting in meetings])
        for member in members
    ]
    context = {"group": group, "access": access, "meetings": meetings, "rows": rows}
    return render(request, "sessions/register.html", context)


@login_required
@require_POST
def set_presence(request: HttpRequest, pk: int, user_id: int) -> HttpResponse:
    """The facilitator corrects whether a member was there."""
    meeting = policy.get_meeting_for_attendance(request, pk)
    if meeting.status not in (Meeting.Status.LIVE, Meeting.Status.CLOSED):
        messages.error(request, _("Aanwezigheid kun je pas bijhouden als de bijeenkomst begonnen is."))
        return redirect("meetings:register", pk=meeting.group_id)
    member = get_object_or_404(meeting.group.members(), pk=user_id)
    present = {"yes": True, "no": False}.get(request.POST.get("present", ""))
    actions.set_presence(meeting, member, present)
    return redirect("meetings:register", pk=meeting.group_id)
