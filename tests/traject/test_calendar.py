"""Scheduling a traject, moving and cancelling meetings, and the calendar files."""

import zoneinfo
from datetime import date, datetime, time, timedelta

import pytest
from django.core import mail
from django.test import TestCase
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from sessions.actions import meeting as meeting_actions
from sessions.models import CalendarFeed, CommandNotAllowed, Meeting
from tests.conftest import client_for

AMSTERDAM = zoneinfo.ZoneInfo("Europe/Amsterdam")


def before_next_dst_change() -> date:
    """A day a week before the clocks change next in Amsterdam, so a fortnightly traject spans it."""
    day = timezone.localdate() + timedelta(days=8)
    offset = datetime.combine(day, time(12), tzinfo=AMSTERDAM).utcoffset()
    while datetime.combine(day, time(12), tzinfo=AMSTERDAM).utcoffset() == offset:
        day += timedelta(days=1)
    return day - timedelta(days=7)


FIRST = before_next_dst_change()


def schedule(client, group, confirm=True, **extra):
    data = {
        "first_date": FIRST.isoformat(),
        "start_time": "19:00",
        "interval": "2w",
        "duration": "120",
        "count": "7",
        "place": "Zaal 3",
        **extra,
    }
    data["confirm" if confirm else "preview"] = "1"
    with TestCase.captureOnCommitCallbacks(execute=True):
        return client.post(reverse("meetings:schedule", args=[group.pk]), data)


def events(body: bytes):
    return [c for c in Calendar.from_ical(body).walk("VEVENT")]


def test_the_preview_shows_the_dates_without_saving(coordinator, group, facilitator, method):
    response = schedule(client_for(coordinator), group, confirm=False)
    html = response.content.decode()
    assert html.count('data-testid="planned"') == 7
    assert html.count(", 19:00–21:00") == 7  # before and after the clocks change
    assert not Meeting.objects.exists()


def test_a_first_date_in_the_past_is_refused(coordinator, group, facilitator, method):
    yesterday = timezone.localdate() - timedelta(days=1)
    response = schedule(client_for(coordinator), group, first_date=yesterday.isoformat())
    assert "Deze datum ligt in het verleden" in response.content.decode()
    assert not Meeting.objects.exists()


def test_the_same_traject_cannot_be_planned_twice(coordinator, group, facilitator, method):
    schedule(client_for(coordinator), group)
    response = schedule(client_for(coordinator), group)
    assert "staan al gepland" in response.content.decode()
    assert group.meetings.count() == 7


def test_confirming_creates_the_meetings_and_mails_everybody_the_ics(
    coordinator, group, facilitator, members, method
):
    schedule(client_for(coordinator), group)
    meetings = list(group.meetings.order_by("scheduled_start"))
    assert len(meetings) == 7
    assert {m.scheduled_start.astimezone(AMSTERDAM).hour for m in meetings} == {19}
    assert len({m.scheduled_start.hour for m in meetings}) == 2  # UTC moves with the clocks
    assert all(m.facilitator == facilitator and m.place == "Zaal 3" for m in meetings)
    assert len(mail.outbox) == len(members) + 1
    attachment = mail.outbox[0].attachments[0]
    calendar = Calendar.from_ical(attachment[1])
    assert calendar["method"] == "REQUEST"
    assert len(events(attachment[1])) == 7


@pytest.mark.parametrize(
    "field,value,message",
    [
        ("count", "5", "Een traject heeft 6 tot 8 bijeenkomsten."),
        ("count", "9", "Een traject heeft 6 tot 8 bijeenkomsten."),
        ("interval", "1w", "Selecteer een geldige keuze"),
        ("duration", "20", "Een bijeenkomst duurt 60 tot 240 minuten."),
        ("first_date", "31-02-2026", "geldige datum"),
    ],
)
def test_bad_schedules_are_refused_with_a_message(
    coordinator, group, facilitator, method, field, value, message
):
    response = schedule(client_for(coordinator), group, **{field: value})
    assert message in response.content.decode()
    assert not Meeting.objects.exists()


def test_a_collision_with_another_meeting_of_the_facilitator_is_warned(
    coordinator, group, facilitator, method
):
    schedule(client_for(coordinator), group)
    response = schedule(client_for(coordinator), group, confirm=False, start_time="20:00")
    assert 'data-testid="collisions"' in response.content.decode()


def test_only_the_coordinator_schedules(member, facilitator, outsider, group, method):
    for user in (member, facilitator, outsider):  # who knows the group gets a 403, others a 404
        assert schedule(client_for(user), group).status_code == (404 if user == outsider else 403)
    assert not Meeting.objects.exists()


def test_a_moved_meeting_keeps_its_uid_and_raises_the_sequence(coordinator, group, meeting, member):
    client = client_for(coordinator)
    before = events(client_for(member).get(reverse("meetings:ics", args=[meeting.pk])).content)[0]
    with TestCase.captureOnCommitCallbacks(execute=True):
        client.post(
            reverse("meetings:edit", args=[meeting.pk]),
            {
                "facilitator": meeting.facilitator_id,
                "date": (timezone.localdate() + timedelta(days=7)).isoformat(),
                "start_time": "10:00",
                "duration": "150",
                "place": "Online",
            },
        )
    meeting.refresh_from_db()
    after = events(client_for(member).get(reverse("meetings:ics", args=[meeting.pk])).content)[0]
    assert str(after["uid"]) == str(before["uid"])
    assert int(after["sequence"]) == int(before["sequence"]) + 1
    assert after.decoded("dtstart") == meeting.scheduled_start
    assert meeting.scheduled_end - meeting.scheduled_start == timedelta(minutes=150)
    assert timezone.localtime(meeting.scheduled_start).hour == 10
    assert "gewijzigd" in mail.outbox[-1].subject


def test_a_cancelled_meeting_is_cancelled_in_calendars(coordinator, meeting):
    with TestCase.captureOnCommitCallbacks(execute=True):
        client_for(coordinator).post(reverse("meetings:cancel", args=[meeting.pk]), {"confirm": "1"})
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.CANCELLED
    calendar = Calendar.from_ical(mail.outbox[-1].attachments[0][1])
    assert calendar["method"] == "CANCEL"
    assert str(events(mail.outbox[-1].attachments[0][1])[0]["status"]) == "CANCELLED"


def test_cancelling_asks_first_and_only_the_confirmation_cancels(coordinator, meeting):
    client = client_for(coordinator)
    edit = client.get(reverse("meetings:edit", args=[meeting.pk])).content.decode()
    assert f'href="{reverse("meetings:cancel", args=[meeting.pk])}"' in edit  # a link, no POST
    page = client.get(reverse("meetings:cancel", args=[meeting.pk]))
    assert "Bijeenkomst annuleren?" in page.content.decode()
    with TestCase.captureOnCommitCallbacks(execute=True):
        client.post(reverse("meetings:cancel", args=[meeting.pk]), {})  # no confirmation
        client.post(reverse("meetings:edit", args=[meeting.pk]), {"cancel_meeting": "1"})  # the old way
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.SCHEDULED
    assert mail.outbox == []


def test_a_live_meeting_cannot_be_cancelled(coordinator, meeting):
    meeting.start(meeting.version)
    response = client_for(coordinator).post(reverse("meetings:cancel", args=[meeting.pk]), {"confirm": "1"})
    assert response.status_code == 409
    assert "Alleen een geplande bijeenkomst" in response.content.decode()


def test_the_feed_has_exactly_the_members_meetings(
    member, meeting, group, facilitator, method, other_group_member
):
    from groups.models import IntervisionGroup

    other = IntervisionGroup.objects.create(name="Andere")
    Meeting.objects.create(
        group=other,
        facilitator=facilitator,
        method=method,
        scheduled_start=meeting.scheduled_start,
        scheduled_end=meeting.scheduled_end,
    )
    client = client_for(member)
    page = client.get(reverse("meetings:traject", args=[group.pk])).content.decode()
    token = CalendarFeed.objects.get(user=member).token
    assert reverse("meetings:feed", args=[token]) in page  # an ordinary link on the member's page
    feed = client_for(None).get(reverse("meetings:feed", args=[token]))
    assert [str(e["uid"]) for e in events(feed.content)] == [f"meeting-{meeting.pk}@intervisie.local"]


def test_a_feed_token_can_be_revoked_and_cannot_be_guessed(member, meeting):
    client = client_for(member)
    client.get(reverse("meetings:traject", args=[meeting.group_id]))
    old = CalendarFeed.objects.get(user=member).token
    assert len(old) >= 40
    client.post(reverse("meetings:feed-reset"), {"next": "https://evil.example/"})
    assert client_for(None).get(reverse("meetings:feed", args=[old])).status_code == 404
    assert CalendarFeed.objects.get(user=member).token != old
    assert client_for(None).get(reverse("meetings:feed", args=["guess"])).status_code == 404


def test_outsiders_get_no_ics_or_group_page(outsider, meeting):
    client = client_for(outsider)
    assert client.get(reverse("meetings:ics", args=[meeting.pk])).status_code == 404
    assert client.get(reverse("meetings:traject", args=[meeting.group_id])).status_code == 404
    assert client.get(reverse("meetings:register", args=[meeting.group_id])).status_code == 404


def test_a_member_can_facilitate_a_meeting_and_the_stage_follows(coordinator, group, meeting, member, method):
    page = client_for(coordinator).get(reverse("meetings:traject", args=[group.pk])).content.decode()
    assert 'data-stage="guided"' in page
    local = timezone.localtime(meeting.scheduled_start)
    client_for(coordinator).post(
        reverse("meetings:edit", args=[meeting.pk]),
        {
            "facilitator": member.pk,
            "date": local.date().isoformat(),
            "start_time": local.strftime("%H:%M"),
            "duration": "120",
            "place": "",
        },
    )
    meeting.refresh_from_db()
    assert meeting.facilitator == member
    page = client_for(member).get(reverse("meetings:traject", args=[group.pk])).content.decode()
    assert 'data-stage="handing_over"' in page
    assert client_for(member).get(reverse("meetings:participant", args=[meeting.pk])).url == reverse(
        "meetings:facilitate", args=[meeting.pk]
    )


def test_only_group_people_can_facilitate(coordinator, meeting, outsider):
    local = timezone.localtime(meeting.scheduled_start)
    response = client_for(coordinator).post(
        reverse("meetings:edit", args=[meeting.pk]),
        {
            "facilitator": outsider.pk,
            "date": local.date().isoformat(),
            "start_time": "10:00",
            "duration": "120",
        },
    )
    assert response.status_code == 200
    meeting.refresh_from_db()
    assert meeting.facilitator != outsider


def test_moving_onto_another_meeting_of_the_facilitator_asks_first(
    coordinator, meeting, group, facilitator, method
):
    other_group = group.__class__.objects.create(name="Tweede groep")
    other = Meeting.objects.create(
        group=other_group,
        facilitator=facilitator,
        method=method,
        scheduled_start=meeting.scheduled_start + timedelta(days=3),
        scheduled_end=meeting.scheduled_end + timedelta(days=3),
    )
    local = timezone.localtime(other.scheduled_start)
    data = {
        "facilitator": facilitator.pk,
        "date": local.date().isoformat(),
        "start_time": local.strftime("%H:%M"),
        "duration": "120",
    }
    url = reverse("meetings:edit", args=[meeting.pk])
    response = client_for(coordinator).post(url, data)
    assert 'data-testid="collisions"' in response.content.decode()
    meeting.refresh_from_db()
    assert meeting.sequence == 0
    client_for(coordinator).post(url, {**data, "despite_collision": "1"})
    meeting.refresh_from_db()
    assert meeting.scheduled_start == other.scheduled_start.replace(second=0)


def test_the_facilitator_of_a_meeting_brings_no_case(meeting, member):
    Meeting.objects.filter(pk=meeting.pk).update(facilitator=member)
    meeting.refresh_from_db()
    with pytest.raises(CommandNotAllowed):
        meeting_actions.set_case_owner(meeting, member, meeting.version, None)


def test_emailed_calendars_name_organizer_and_attendee(coordinator, meeting, members, settings):
    settings.SITE_URL = "https://intervisie.example.org"
    with TestCase.captureOnCommitCallbacks(execute=True):
        client_for(coordinator).post(reverse("meetings:cancel", args=[meeting.pk]), {"confirm": "1"})
    message = mail.outbox[0]
    filename, content, mimetype = message.attachments[0]
    assert mimetype.startswith("text/calendar")
    item = events(content)[0]
    assert str(item["organizer"]) == f"mailto:{settings.DEFAULT_FROM_EMAIL}"
    assert str(item["attendee"]) == f"mailto:{message.to[0]}"
    assert str(item["uid"]) == f"meeting-{meeting.pk}@intervisie.example.org"
    assert 'text/calendar; method="CANCEL"' in message.message().as_string()


@pytest.mark.parametrize(
    "day, message",
    [
        (timezone.localdate() - timedelta(days=1), "Deze datum ligt in het verleden"),
        (timezone.localdate() + timedelta(days=2 * 365 + 1), "Plan hoogstens twee jaar vooruit"),
        (date(9999, 12, 31), "Plan hoogstens twee jaar vooruit"),
    ],
)
def test_a_meeting_moved_out_of_bounds_gets_a_field_error_and_nothing_is_stored(
    coordinator, meeting, day, message
):
    before = (meeting.scheduled_start, meeting.scheduled_end, meeting.sequence)
    data = {
        "facilitator": meeting.facilitator_id,
        "date": day.isoformat(),
        "start_time": "23:30",
        "duration": "240",
        "place": "Zaal 9",
    }
    response = client_for(coordinator).post(reverse("meetings:edit", args=[meeting.pk]), data)
    assert response.status_code == 200
    html = response.content.decode()
    assert f'<div class="error" id="id_date-error">{message}' in html
    assert 'value="Zaal 9"' in html  # what was typed is kept
    meeting.refresh_from_db()
    assert (meeting.scheduled_start, meeting.scheduled_end, meeting.sequence) == before
    assert mail.outbox == []


def test_a_traject_in_year_9999_gets_a_field_error(coordinator, group, facilitator, method):
    response = schedule(client_for(coordinator), group, first_date="9999-12-31")
    assert response.status_code == 200
    assert '<div class="error" id="id_first_date-error">Plan hoogstens twee jaar vooruit' in (
        response.content.decode()
    )
    assert not Meeting.objects.exists()


def test_planning_warns_how_many_meetings_are_already_coming(coordinator, group, meeting):
    later = meeting.scheduled_start + timedelta(days=14)
    for days, status in [(14, Meeting.Status.SCHEDULED), (28, Meeting.Status.CANCELLED)]:
        Meeting.objects.create(
            group=group,
            facilitator=meeting.facilitator,
            method=meeting.method,
            scheduled_start=meeting.scheduled_start + timedelta(days=days),
            scheduled_end=later + timedelta(days=days - 14, hours=2),
            status=status,
        )
    html = client_for(coordinator).get(reverse("meetings:schedule", args=[group.pk])).content.decode()
    assert 'data-testid="upcoming-warning"' in html
    assert "deze groep heeft al 2 komende bijeenkomsten" in html  # the cancelled one does not count


def test_planning_a_first_traject_warns_of_nothing(coordinator, group, facilitator):
    html = client_for(coordinator).get(reverse("meetings:schedule", args=[group.pk])).content.decode()
    assert 'data-testid="upcoming-warning"' not in html


def add(client, group, **extra):
    data = {
        "date": (timezone.localdate() + timedelta(days=10)).isoformat(),
        "start_time": "19:30",
        "duration": "150",
        "place": "Zaal 7",
        **extra,
    }
    with TestCase.captureOnCommitCallbacks(execute=True):
        return client.post(reverse("meetings:add-meeting", args=[group.pk]), data)


def test_a_coordinator_adds_one_meeting_and_the_group_gets_it_in_their_calendars(
    coordinator, group, facilitator, members, method
):
    response = add(client_for(coordinator), group, facilitator=facilitator.pk)
    assert response.status_code == 302
    (meeting,) = group.meetings.all()
    local = timezone.localtime(meeting.scheduled_start, AMSTERDAM)
    assert (local.date(), local.hour, local.minute) == (timezone.localdate() + timedelta(days=10), 19, 30)
    assert meeting.scheduled_end - meeting.scheduled_start == timedelta(minutes=150)
    assert (meeting.place, meeting.facilitator, meeting.status) == ("Zaal 7", facilitator, "scheduled")
    assert {message.to[0] for message in mail.outbox} == {m.email for m in [facilitator, *members]}
    message = mail.outbox[0]
    assert "Extra bijeenkomst" in message.subject
    calendar = Calendar.from_ical(message.attachments[0][1])
    assert calendar["method"] == "REQUEST"
    assert events(message.attachments[0][1])[0].decoded("dtstart") == meeting.scheduled_start


@pytest.mark.parametrize(
    "day, message",
    [
        (timezone.localdate() - timedelta(days=1), "Deze datum ligt in het verleden"),
        (timezone.localdate() + timedelta(days=2 * 365 + 1), "Plan hoogstens twee jaar vooruit"),
        (date(9999, 12, 31), "Plan hoogstens twee jaar vooruit"),
    ],
)
def test_an_added_meeting_out_of_bounds_gets_a_field_error_and_keeps_the_input(
    coordinator, group, facilitator, day, message
):
    response = add(client_for(coordinator), group, facilitator=facilitator.pk, date=day.isoformat())
    html = response.content.decode()
    assert f'<div class="error" id="id_date-error">{message}' in html
    assert 'value="Zaal 7"' in html and 'value="19:30"' in html
    assert not Meeting.objects.exists()
    assert mail.outbox == []


def test_a_meeting_cannot_be_added_twice_at_the_same_moment(coordinator, group, facilitator, method):
    add(client_for(coordinator), group, facilitator=facilitator.pk)
    response = add(client_for(coordinator), group, facilitator=facilitator.pk)
    assert "Op dat moment staat al een bijeenkomst van deze groep gepland" in response.content.decode()
    assert group.meetings.count() == 1


def test_only_the_coordinator_adds_meetings(group, facilitator, member, method):
    assert add(client_for(facilitator), group, facilitator=facilitator.pk).status_code == 403
    assert add(client_for(member), group, facilitator=facilitator.pk).status_code == 403
    assert not Meeting.objects.exists()
