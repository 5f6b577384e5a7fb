"""The traject around the live meetings: planning, adding, moving and cancelling meetings (the
group is mailed an .ics that updates their calendars), answers, attendance, shared themes, calendar links."""

from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from intervisie import emails

from ..models import Attendance, CalendarFeed, Meeting, Method
from ..traject import ics


def _mail_meetings(base: str, group, meetings, template: str, method: str) -> None:
    """The schedule, a change or a cancellation, with an .ics per person that updates their calendar.

    A draft group tells nobody yet: its upcoming meetings go out when it starts (mail_schedule)."""
    if group.draft or not meetings:
        return
    context = {
        "group": group,
        "meetings": meetings,
        "link": base + reverse("meetings:traject", args=[group.pk]),
    }
    for address in group.memberships.values_list("user__email", flat=True):
        body = ics.calendar(meetings, base, method=method, attendee=address)
        attachment = ("intervisie.ics", body, f"text/calendar; method={method}")
        emails.send(template, [address], context, attachments=[attachment])


def plan_traject(group, facilitator, planned, place: str, base: str) -> list[Meeting]:
    """The traject's meetings (from traject.schedule.plan), mailed to the group after the commit."""
    method = Method.objects.get(key="zesfasenmodel")
    with transaction.atomic():
        created = [
            Meeting.objects.create(
                group=group,
                facilitator=facilitator,
                method=method,
                scheduled_start=item.start,
                scheduled_end=item.end,
                place=place,
            )
            for item in planned
        ]
        transaction.on_commit(lambda: _mail_meetings(base, group, created, "schedule", "REQUEST"))
    return created


def mail_schedule(group, base: str) -> None:
    """The group's upcoming meetings, to everybody in it (a draft group that has just started)."""
    upcoming = [meeting for meeting in group.meetings.order_by("scheduled_start") if meeting.is_upcoming]
    _mail_meetings(base, group, upcoming, "schedule", "REQUEST")


def add_meeting(group, facilitator, start, end, place: str, base: str) -> Meeting:
    """One extra meeting, or one in place of a cancelled one; the group gets it for their calendars."""
    with transaction.atomic():
        meeting = Meeting.objects.create(
            group=group,
            facilitator=facilitator,
            method=Method.objects.get(key="zesfasenmodel"),
            scheduled_start=start,
            scheduled_end=end,
            place=place,
        )
        transaction.on_commit(lambda: _mail_meetings(base, group, [meeting], "added", "REQUEST"))
    return meeting


def reschedule_meeting(meeting: Meeting, start, end, place: str, facilitator, base: str) -> None:
    """Move a meeting that has not started, or change its place or facilitator; the group is told."""
    with transaction.atomic():
        meeting.reschedule(start, end, place, facilitator)
        transaction.on_commit(lambda: _mail_meetings(base, meeting.group, [meeting], "changed", "REQUEST"))


def cancel_meeting(meeting: Meeting, base: str) -> None:
    with transaction.atomic():
        meeting.cancel()
        transaction.on_commit(lambda: _mail_meetings(base, meeting.group, [meeting], "cancelled", "CANCEL"))


def hand_over_meetings(group, leaver_id: int) -> None:
    """Planned meetings of somebody who left the group go to the group's facilitator."""
    facilitator = group.facilitator
    if facilitator is not None and facilitator.pk != leaver_id:
        Meeting.objects.filter(
            group_id=group.pk, facilitator_id=leaver_id, status=Meeting.Status.SCHEDULED
        ).update(facilitator=facilitator, sequence=F("sequence") + 1)


def rsvp(meeting: Meeting, user, answer: dict) -> None:
    """ "I'll be there", or cancelled with a reason (RsvpForm's cleaned data)."""
    Attendance.objects.update_or_create(
        meeting=meeting,
        user=user,
        defaults={
            "response": answer["response"],
            "reason_kind": answer["reason_kind"],
            "reason": answer["reason"].strip(),
            "responded_at": timezone.now(),
        },
    )


def set_presence(meeting: Meeting, member, present: bool | None) -> None:
    """The facilitator's correction of whether a member was there (None: unknown)."""
    Attendance.objects.update_or_create(meeting=meeting, user=member, defaults={"present": present})


def share_themes(group, share: bool) -> None:
    """The group's choice to share its themes with the coordinator, or not."""
    group.share_themes = share
    group.save(update_fields=["share_themes"])


def calendar_feed(user) -> CalendarFeed:
    """The person's secret calendar link, made the first time they see their group's page."""
    return CalendarFeed.objects.get_or_create(user=user)[0]


def renew_feed(user) -> CalendarFeed:
    """A new secret calendar link; the old one stops working."""
    CalendarFeed.objects.filter(user=user).delete()
    return CalendarFeed.objects.create(user=user)
