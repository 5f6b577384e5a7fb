"""The traject's list pages run a constant number of queries, however large the group."""

from datetime import timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from groups.models import Membership
from sessions.models import Attendance, Meeting
from tests.conftest import client_for, make_user


def counts(coordinator, facilitator, member, group) -> dict:
    pages = {
        "traject (coordinator)": (coordinator, reverse("meetings:traject", args=[group.pk])),
        "traject (member)": (member, reverse("meetings:traject", args=[group.pk])),
        "register": (facilitator, reverse("meetings:register", args=[group.pk])),
        "groups": (coordinator, reverse("groups:list")),
        "home": (member, "/"),
    }
    result = {}
    for name, (user, url) in pages.items():
        client = client_for(user)
        client.get(url)  # first visit creates the calendar feed
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        result[name] = len(queries)
    return result


def grow(group, meeting, number: int) -> None:
    for index in range(number):
        person = make_user(f"grow{index}@example.org", f"Grow{index}")
        Membership.objects.create(group=group, user=person)
        extra = Meeting.objects.create(
            group=group,
            facilitator=meeting.facilitator,
            method=meeting.method,
            scheduled_start=meeting.scheduled_start + timedelta(weeks=index + 1),
            scheduled_end=meeting.scheduled_end + timedelta(weeks=index + 1),
        )
        Attendance.objects.create(meeting=extra, user=person, response="cancelled", reason="Ziek")


def test_list_pages_do_not_grow_with_the_group(coordinator, facilitator, member, group, meeting):
    small = counts(coordinator, facilitator, member, group)
    grow(group, meeting, 6)
    assert counts(coordinator, facilitator, member, group) == small
