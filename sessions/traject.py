"""The traject around the live meetings: scheduling, calendars and attendance."""

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from groups.models import IntervisionGroup, Membership
from intervisie import emails

from . import ics
from .forms import MeetingEditForm, RsvpForm, ScheduleForm
from .health import attendance_chart, group_health
from .models import Attendance, CalendarFeed, CommandNotAllowed, Meeting, Method
from .rounds import group_themes, turn_taking
from .schedule import plan, to_utc


def group_roles(group: IntervisionGroup, user) -> set[str]:
    """What the person is to the group: "coordinator", "facilitator", "member" (one or more)."""
    roles = set()
    if not user.is_authenticated:
        return roles
    if user.has_perm("groups.coordinate") and group.coordinators.filter(pk=user.pk).exists():
        roles.add("coordinator")
    membership = Membership.objects.filter(group=group, user=user).first()
    if membership:
        roles.add(membership.role)
    return roles


def get_group_for_viewer(request: HttpRequest, pk: int) -> tuple[IntervisionGroup, set[str]]:
    group = get_object_or_404(IntervisionGroup, pk=pk)
    roles = group_roles(group, request.user)
    if not roles:
        raise Http404
    return group, roles


def _get_meeting_for_planner(request: HttpRequest, pk: int) -> Meeting:
    """A meeting its group's coordinator or facilitator may move or cancel."""
    meeting = get_object_or_404(Meeting.objects.select_related("group"), pk=pk)
    if not group_roles(meeting.group, request.user) & {"coordinator", "facilitator"}:
        raise Http404
    return meeting


def _recipients(group: IntervisionGroup) -> list[str]:
    return list(group.memberships.values_list("user__email", flat=True))


def _mail_meetings(request, group, meetings, template: str, method: str) -> None:
    """The schedule, a change or a cancellation, with an .ics per person that updates their calendar."""
    base = ics.base_url(request)
    context = {"group": group, "meetings": meetings, "link": base + "/"}
    for address in _recipients(group):
        body = ics.calendar(meetings, base, method=method, attendee=address)
        attachment = ("intervisie.ics", body, f"text/calendar; method={method}")
        emails.send(template, [address], context, attachments=[attachment])


STAGES = {
    "guided": gettext_lazy("Begeleid: de begeleider van de groep leidt de bijeenkomsten."),
    "handing_over": gettext_lazy("Overdracht: deelnemers begeleiden om beurten een bijeenkomst."),
    "autonomous": gettext_lazy("Zelfstandig: de groep begeleidt zichzelf."),
}


def traject_stage(group: IntervisionGroup, meetings: list[Meeting], member_ids=None) -> dict:
    """Where the group is on the path from guided to autonomous meetings.

    Counts the meetings held and the next one: autonomous once the last two of
    those are facilitated by members; handing over once any is; guided before.
    """
    if member_ids is None:
        member_ids = set(group.members().values_list("pk", flat=True))
    held = [m for m in meetings if m.status in (Meeting.Status.LIVE, Meeting.Status.CLOSED)]
    upcoming = [m for m in meetings if m.status == Meeting.Status.SCHEDULED and m.is_upcoming]
    current = held + upcoming[:1]
    by_members = [m for m in current if m.facilitator_id in member_ids]
    if len(current) >= 2 and all(m.facilitator_id in member_ids for m in current[-2:]):
        key = "autonomous"
    elif by_members:
        key = "handing_over"
    else:
        key = "guided"
    return {"key": key, "text": STAGES[key], "by_members": len(by_members), "total": len(current)}


@login_required
@require_GET
def traject(request: HttpRequest, pk: int) -> HttpResponse:
    """The group's page: its meetings with attendance, and for the coordinator its people."""
    group, roles = get_group_for_viewer(request, pk)
    meetings = list(group.meetings.select_related("facilitator").order_by("scheduled_start"))
    answers = {a.meeting_id: a for a in Attendance.objects.filter(meeting__group=group, user=request.user)}
    for meeting in meetings:
        meeting.my_answer = answers.get(meeting.pk)
    (health,) = group_health([group])
    context = {
        "group": group,
        "roles": roles,
        "stage": traject_stage(group, meetings, member_ids=set(health.members)),
        "attendance_chart": attendance_chart(health, "attendance"),
        "upcoming": [m for m in meetings if m.is_upcoming],
        "past": [m for m in meetings if not m.is_upcoming],
        "feed": CalendarFeed.objects.get_or_create(user=request.user)[0],
        "accepted": group.has_accepted_agreements(request.user),
        "reason_kinds": Attendance.ReasonKind.choices,
    }
    context["sees_case"] = group.shares_case_content_with(request.user)  # themes, summaries
    if context["sees_case"]:
        context["themes"] = group_themes(group)
    if roles & {"member", "facilitator"}:
        context["turns"] = turn_taking(group, context["upcoming"][0] if context["upcoming"] else None)
        context["facilitated"] = [(m, m.facilitator) for m in meetings if m.status == Meeting.Status.CLOSED]
    if "coordinator" in roles:
        pending = {i.email.lower(): i for i in group.invitations.filter(accepted_at__isnull=True)}
        memberships = group.memberships.select_related("user").order_by("role", "user__first_name")
        context["people"] = [(m, pending.get(m.user.email.lower())) for m in memberships]
    return render(request, "sessions/traject.html", context)


@login_required
def schedule(request: HttpRequest, pk: int) -> HttpResponse:
    """Generate the meetings of a traject: preview first, then save."""
    group, roles = get_group_for_viewer(request, pk)
    if "coordinator" not in roles:
        raise Http404
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
            method = Method.objects.get(key="zesfasenmodel")
            with transaction.atomic():
                created = [
                    Meeting.objects.create(
                        group=group,
                        facilitator=facilitator,
                        method=method,
                        scheduled_start=item.start,
                        scheduled_end=item.end,
                        place=data["place"],
                    )
                    for item in planned
                ]
                transaction.on_commit(lambda: _mail_meetings(request, group, created, "schedule", "REQUEST"))
            messages.success(
                request,
                _("%(count)d bijeenkomsten gepland; de deelnemers krijgen ze per e-mail.")
                % {"count": len(created)},
            )
            return redirect("meetings:traject", pk=group.pk)
    context = {"group": group, "form": form, "planned": planned, "collisions": collisions, "tz": group.tz}
    return render(request, "sessions/schedule.html", context)


@login_required
def meeting_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Move, reschedule or cancel one meeting that has not started."""
    meeting = _get_meeting_for_planner(request, pk)
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
            if "cancel_meeting" in request.POST:
                meeting.cancel()
                transaction.on_commit(
                    lambda: _mail_meetings(request, meeting.group, [meeting], "cancelled", "CANCEL")
                )
                messages.success(request, _("De bijeenkomst is geannuleerd; de groep krijgt bericht."))
                return redirect("meetings:traject", pk=meeting.group_id)
            if form.is_valid():
                data = form.cleaned_data
                start = to_utc(data["date"], data["start_time"], tz)
                end = start + timedelta(minutes=data["duration"])
                probe = Meeting(
                    pk=meeting.pk, facilitator=data["facilitator"], scheduled_start=start, scheduled_end=end
                )
                collisions = list(probe.overlapping())
                if not collisions or "despite_collision" in request.POST:
                    meeting.reschedule(start, end, data["place"], data["facilitator"])
                    transaction.on_commit(
                        lambda: _mail_meetings(request, meeting.group, [meeting], "changed", "REQUEST")
                    )
                    messages.success(request, _("De bijeenkomst is gewijzigd; de groep krijgt bericht."))
                    return redirect("meetings:traject", pk=meeting.group_id)
        except CommandNotAllowed as error:
            form.add_error(None, str(error))
    context = {"meeting": meeting, "form": form, "collisions": collisions}
    return render(request, "sessions/meeting_edit.html", context)


def _visible_meetings(user):
    """Meetings of every group the person belongs to or coordinates."""
    return (
        Meeting.objects.filter(Q(group__memberships__user=user) | Q(group__coordinators=user))
        .distinct()
        .select_related("group")
    )


@login_required
@require_GET
def meeting_ics(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = get_object_or_404(_visible_meetings(request.user), pk=pk)
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
    meetings = _visible_meetings(subscription.user).order_by("scheduled_start")
    body = ics.calendar(meetings, ics.base_url(request), name=_("Intervisie"))
    return HttpResponse(body, content_type="text/calendar; charset=utf-8")


@login_required
@require_POST
def feed_reset(request: HttpRequest) -> HttpResponse:
    CalendarFeed.objects.filter(user=request.user).delete()
    CalendarFeed.objects.create(user=request.user)
    messages.success(request, _("Je agenda-link is vernieuwd; de oude werkt niet meer."))
    next_url = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        next_url = reverse("home")
    return redirect(next_url)


@login_required
@require_POST
def rsvp(request: HttpRequest, pk: int) -> HttpResponse:
    """A member says "I'll be there", or cancels with a reason."""
    meeting = get_object_or_404(Meeting.objects.select_related("group"), pk=pk)
    if "member" not in group_roles(meeting.group, request.user):
        raise Http404
    form = RsvpForm(request.POST)
    if not meeting.is_upcoming:
        messages.error(request, _("Deze bijeenkomst is al voorbij of geannuleerd."))
    elif form.is_valid():
        Attendance.objects.update_or_create(
            meeting=meeting,
            user=request.user,
            defaults={
                "response": form.cleaned_data["response"],
                "reason_kind": form.cleaned_data["reason_kind"],
                "reason": form.cleaned_data["reason"].strip(),
                "responded_at": timezone.now(),
            },
        )
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
    group, roles = get_group_for_viewer(request, pk)
    if "facilitator" not in roles:
        raise Http404
    group.share_themes = request.POST.get("share") == "yes"
    group.save(update_fields=["share_themes"])
    if group.share_themes:
        messages.success(request, _("De coördinator ziet nu de thema's van de groep, nooit de casussen."))
    else:
        messages.success(request, _("De thema's blijven binnen de groep."))
    return redirect(reverse("meetings:traject", args=[group.pk]) + "#themes-title")


@login_required
@require_GET
def register(request: HttpRequest, pk: int) -> HttpResponse:
    """Attendance per member per meeting; the group's facilitator can correct it."""
    group, roles = get_group_for_viewer(request, pk)
    members = list(group.members().order_by("first_name", "last_name"))
    meetings = list(group.meetings.exclude(status=Meeting.Status.CANCELLED).order_by("scheduled_start"))
    records = {(a.meeting_id, a.user_id): a for a in Attendance.objects.filter(meeting__group=group)}
    rows = [
        (member, [(meeting, records.get((meeting.pk, member.pk))) for meeting in meetings])
        for member in members
    ]
    # Reasons for cancelling are often about health: the group sees them, a coordinator does not.
    show_reasons = bool(roles & {"member", "facilitator"})
    context = {
        "group": group,
        "roles": roles,
        "meetings": meetings,
        "rows": rows,
        "show_reasons": show_reasons,
    }
    return render(request, "sessions/register.html", context)


@login_required
@require_POST
def set_presence(request: HttpRequest, pk: int, user_id: int) -> HttpResponse:
    """The facilitator corrects whether a member was there."""
    meeting = get_object_or_404(Meeting.objects.select_related("group"), pk=pk)
    roles = group_roles(meeting.group, request.user)
    if "facilitator" not in roles and not (roles and meeting.facilitator_id == request.user.pk):
        raise Http404
    if meeting.status not in (Meeting.Status.LIVE, Meeting.Status.CLOSED):
        messages.error(request, _("Aanwezigheid kun je pas bijhouden als de bijeenkomst begonnen is."))
        return redirect("meetings:register", pk=meeting.group_id)
    member = get_object_or_404(meeting.group.members(), pk=user_id)
    present = {"yes": True, "no": False}.get(request.POST.get("present", ""))
    Attendance.objects.update_or_create(meeting=meeting, user=member, defaults={"present": present})
    return redirect("meetings:register", pk=meeting.group_id)
