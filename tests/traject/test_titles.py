"""A group's name reads naturally wherever it is titled: calendars, proofs of attendance, emails."""

import pytest
from django.core import mail
from django.test import TestCase
from django.urls import reverse
from icalendar import Calendar

from groups.models import IntervisionGroup
from sessions.models import Attendance, Meeting
from tests.conftest import client_for


@pytest.mark.parametrize(
    "name, sentence, calendar",
    [
        ("Noord", "intervisiegroep Noord", "Intervisie: Noord"),
        ("Intervisie Wijkteams", "Intervisie Wijkteams", "Intervisie Wijkteams"),
        ("Intervisiegroep Zorg", "Intervisiegroep Zorg", "Intervisiegroep Zorg"),
        ("Team INTERVISIE 3", "Team INTERVISIE 3", "Team INTERVISIE 3"),
    ],
)
def test_one_helper_says_intervisie_only_when_the_name_does_not(name, sentence, calendar):
    group = IntervisionGroup(name=name)
    assert group.in_sentence == sentence
    assert group.calendar_title == calendar


def test_the_calendar_title_does_not_repeat_intervisie(group, meeting, member):
    group.name = "Intervisie Wijkteams"
    group.save()
    body = client_for(member).get(reverse("meetings:ics", args=[meeting.pk])).content
    (event,) = Calendar.from_ical(body).walk("VEVENT")
    assert str(event["summary"]) == "Intervisie Wijkteams"


def test_the_proof_of_attendance_does_not_repeat_intervisiegroep(group, meeting, member):
    group.name = "Intervisiegroep Zorg & Welzijn"
    group.save()
    meeting.status = Meeting.Status.CLOSED
    meeting.save()
    Attendance.objects.create(meeting=meeting, user=member, present=True)
    html = client_for(member).get(reverse("meetings:attendance-proof", args=[group.pk, member.pk])).content
    text = html.decode()
    assert "nam deel aan Intervisiegroep Zorg &amp; Welzijn: aanwezig bij 1 van de 1" in text
    assert "intervisiegroep Intervisiegroep" not in text


def test_emails_name_a_group_once(group, facilitator, members, coordinator, method):
    group.name = "Intervisiegroep Noord"
    group.save()
    group.coordinators.add(coordinator)
    meeting = Meeting.objects.create(
        group=group,
        facilitator=facilitator,
        method=method,
        scheduled_start="2030-01-01T18:00Z",
        scheduled_end="2030-01-01T20:00Z",
    )
    with TestCase.captureOnCommitCallbacks(execute=True):
        client_for(coordinator).post(reverse("meetings:cancel", args=[meeting.pk]), {"confirm": "1"})
    assert mail.outbox
    for message in mail.outbox:
        assert "intervisiegroep Intervisiegroep" not in f"{message.subject}\n{message.body}"
        assert "Deze bijeenkomst van Intervisiegroep Noord gaat niet door" in message.body
