"""Members say they come or cancel with a reason; presence is recorded; reminders go once."""

import re
from datetime import timedelta
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from sessions.actions import meeting as meeting_actions
from sessions.models import Attendance, Connection, Meeting
from tests.conftest import client_for


@pytest.fixture(autouse=True)
def site_url(settings):
    """Commands run from cron make their links from SITE_URL (there is no request)."""
    settings.SITE_URL = "https://intervisie.example.org"


def future(meeting, days=2):
    start = timezone.now() + timedelta(days=days)
    Meeting.objects.filter(pk=meeting.pk).update(
        scheduled_start=start, scheduled_end=start + timedelta(hours=2)
    )
    meeting.refresh_from_db()
    return meeting


def test_a_member_says_they_come(member, meeting):
    future(meeting)
    client_for(member).post(reverse("meetings:rsvp", args=[meeting.pk]), {"response": "attending"})
    assert Attendance.objects.get(meeting=meeting, user=member).response == "attending"


def test_cancelling_needs_a_reason(member, meeting):
    future(meeting)
    client = client_for(member)
    response = client.post(
        reverse("meetings:rsvp", args=[meeting.pk]), {"response": "cancelled", "reason": " "}
    )
    assert response.status_code == 400
    assert "waarom je er niet bij kunt zijn" in response.content.decode()
    response = client.post(
        reverse("meetings:rsvp", args=[meeting.pk]), {"response": "cancelled", "reason": "Ziek"}
    )
    assert response.status_code == 400 and "Kies wat voor reden het is." in response.content.decode()
    assert "Ziek" in response.content.decode()  # what was typed stays
    client.post(
        reverse("meetings:rsvp", args=[meeting.pk]),
        {"response": "cancelled", "reason_kind": "illness", "reason": "Ziek"},
    )
    record = Attendance.objects.get(meeting=meeting, user=member)
    assert (record.response, record.reason_kind, record.reason) == ("cancelled", "illness", "Ziek")


def test_the_cancel_form_asks_in_the_browser_for_what_the_server_needs(member, meeting):
    """Kind and reason are both required when cancelling: the browser says so before sending."""
    future(meeting)
    html = client_for(member).get(reverse("meetings:traject", args=[meeting.group_id])).content.decode()
    for name in ("reason_kind", "reason"):
        assert re.search(rf'<(select|input)[^>]* name="{name}"[^>]* required', html), name
    assert re.search(r'value="attending"[^>]*formnovalidate', html)  # "Ik ben erbij" needs neither


def test_the_facilitator_sees_cancellations_in_the_register(member, facilitator, meeting):
    future(meeting)
    client_for(member).post(
        reverse("meetings:rsvp", args=[meeting.pk]),
        {"response": "cancelled", "reason_kind": "work", "reason": "Op cursus"},
    )
    html = client_for(facilitator).get(reverse("meetings:register", args=[meeting.group_id])).content.decode()
    assert "afgemeld" in html and "Op cursus" in html


def test_outsiders_cannot_answer(outsider, facilitator, meeting):
    future(meeting)
    for user in (outsider, facilitator):
        response = client_for(user).post(
            reverse("meetings:rsvp", args=[meeting.pk]), {"response": "attending"}
        )
        assert response.status_code == (404 if user == outsider else 403)  # the facilitator is no member
    assert not Attendance.objects.exists()


def test_members_who_wait_in_the_lobby_are_present_when_the_meeting_starts(
    meeting, member, case_owner, facilitator
):
    Connection.objects.create(meeting=meeting, user=member, audience="member", channel_name="a")
    meeting_actions.run_command(meeting, "start", meeting.version, facilitator)
    assert Attendance.objects.get(meeting=meeting, user=member).present is True
    assert not Attendance.objects.filter(meeting=meeting, user=case_owner).exists()


def test_the_facilitator_corrects_presence(meeting, member, facilitator):
    meeting.start(meeting.version)
    client_for(facilitator).post(
        reverse("meetings:set-presence", args=[meeting.pk, member.pk]), {"present": "yes"}
    )
    assert Attendance.objects.get(meeting=meeting, user=member).present is True
    client_for(facilitator).post(
        reverse("meetings:set-presence", args=[meeting.pk, member.pk]), {"present": "no"}
    )
    assert Attendance.objects.get(meeting=meeting, user=member).present is False
    response = client_for(member).post(
        reverse("meetings:set-presence", args=[meeting.pk, member.pk]), {"present": "yes"}
    )
    assert response.status_code == 403


def test_reminders_go_out_once_and_not_to_who_cancelled(meeting, members, facilitator, settings):
    settings.SITE_URL = "https://intervisie.example.org"
    future(meeting, days=2)
    Attendance.objects.create(meeting=meeting, user=members[0], response="cancelled", reason="Ziek")
    call_command("send_reminders", stdout=StringIO())
    call_command("send_reminders", stdout=StringIO())
    recipients = [message.to[0] for message in mail.outbox]
    assert sorted(recipients) == sorted([m.email for m in members[1:]] + [facilitator.email])
    assert "Herinnering" in mail.outbox[0].subject
    assert f"https://intervisie.example.org/groups/{meeting.group_id}/traject/" in mail.outbox[0].body


def test_a_moved_meeting_is_reminded_again_but_not_for_a_new_place(meeting, facilitator, members):
    future(meeting, days=2)
    call_command("send_reminders", stdout=StringIO())
    sent = len(mail.outbox)
    meeting.reschedule(meeting.scheduled_start, meeting.scheduled_end, "Andere zaal", facilitator)
    call_command("send_reminders", stdout=StringIO())
    assert len(mail.outbox) == sent
    later = meeting.scheduled_start + timedelta(hours=3)
    meeting.reschedule(later, later + timedelta(hours=2), "Andere zaal", facilitator)
    call_command("send_reminders", stdout=StringIO())
    assert len(mail.outbox) == 2 * sent


def test_no_reminder_for_far_or_cancelled_meetings(meeting):
    future(meeting, days=10)
    call_command("send_reminders", stdout=StringIO())
    future(meeting, days=1)
    meeting.cancel()
    call_command("send_reminders", stdout=StringIO())
    assert mail.outbox == []
