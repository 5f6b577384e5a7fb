"""Cancelled meetings are listed as cancelled, apart from the held ones, and counted nowhere."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from sessions.models import Meeting
from tests.conftest import client_for


@pytest.fixture
def traject(group, facilitator, members, method):
    """Two meetings held, one cancelled in the past, one cancelled ahead and one planned."""
    now = timezone.now().replace(microsecond=0)

    def meeting(days, status):
        start = now + timedelta(days=days)
        return Meeting.objects.create(
            group=group,
            facilitator=facilitator,
            method=method,
            scheduled_start=start,
            scheduled_end=start + timedelta(hours=2),
            status=status,
        )

    return {
        "held": [meeting(-28, Meeting.Status.CLOSED), meeting(-14, Meeting.Status.CLOSED)],
        "cancelled": [meeting(-7, Meeting.Status.CANCELLED), meeting(7, Meeting.Status.CANCELLED)],
        "planned": meeting(14, Meeting.Status.SCHEDULED),
    }


def ids(html: str, testid: str) -> set[int]:
    match = re.search(rf'data-testid="{testid}">(.*?)</ol>', html, re.S)
    return {int(pk) for pk in re.findall(r'id="meeting-(\d+)"', match.group(1))} if match else set()


def test_the_group_page_lists_cancelled_meetings_apart_and_marked(traject, member):
    html = client_for(member).get(reverse("meetings:traject", args=[traject["planned"].group_id])).content
    html = html.decode()
    assert ids(html, "meetings") == {traject["planned"].pk}
    assert ids(html, "past-meetings") == {m.pk for m in traject["held"]}
    assert ids(html, "cancelled-meetings") == {m.pk for m in traject["cancelled"]}
    assert "2 eerdere bijeenkomsten" in html
    assert "2 geannuleerde bijeenkomsten" in html
    assert html.count('data-testid="cancelled-badge"') == 2
    assert '<details class="past-meetings" open>' in html  # one is still ahead: not hidden


def test_the_report_marks_cancelled_meetings_and_counts_only_the_others(traject, coordinator):
    group_id = traject["planned"].group_id
    html = client_for(coordinator).get(reverse("meetings:report", args=[group_id])).content.decode()
    assert "2 van 3 bijeenkomsten gehouden" in html
    assert '<span data-testid="cancelled-count">2 geannuleerd</span>' in html
    assert html.count('data-status="cancelled"') == 2
    assert html.count('data-status="closed"') == 2


def test_the_overview_counts_cancelled_meetings_apart(traject, coordinator):
    html = client_for(coordinator).get(reverse("meetings:dashboard")).content.decode()
    assert "2 van 3 bijeenkomsten gehouden · 2 geannuleerd" in html
