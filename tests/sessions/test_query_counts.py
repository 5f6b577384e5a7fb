"""Live pages and pushes run a constant number of queries, however large the group."""

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from groups.models import Membership
from sessions import broadcast
from sessions.models import Connection, JoinRequest
from tests.conftest import client_for, make_user


def count_queries(action) -> int:
    with CaptureQueriesContext(connection) as queries:
        action()
    return len(queries)


def grow(meeting, extra: int) -> None:
    """More members, connections and phones waiting to be admitted."""
    for number in range(extra):
        person = make_user(f"extra{meeting.pk}-{number}@example.org", f"Extra{number}")
        Membership.objects.create(group=meeting.group, user=person)
        Connection.objects.create(
            meeting=meeting, user=person, audience="member", channel_name=f"ch-{number}"
        )
        JoinRequest.objects.create(meeting=meeting, user=person)


def measure(meeting, facilitator, member):
    facilitator_client, member_client = client_for(facilitator), client_for(member)
    return {
        "facilitator page": count_queries(
            lambda: facilitator_client.get(reverse("meetings:facilitate", args=[meeting.pk]))
        ),
        "presenter page": count_queries(
            lambda: facilitator_client.get(reverse("meetings:presenter", args=[meeting.pk]))
        ),
        "participant page": count_queries(
            lambda: member_client.get(reverse("meetings:participant", args=[meeting.pk]))
        ),
        "home page": count_queries(lambda: member_client.get("/")),
        "push to every audience": count_queries(
            lambda: [
                broadcast.render(broadcast.load_meeting(meeting.pk), audience, broadcast.PHASE_FRAGMENTS)
                for audience in broadcast.AUDIENCE_VARIANTS
            ]
        ),
        "presence push": count_queries(
            lambda: broadcast.render(
                broadcast.load_meeting(meeting.pk), "facilitator", broadcast.PRESENCE_FRAGMENTS
            )
        ),
    }


def test_query_counts_do_not_grow_with_the_group(meeting, facilitator, member, case_owner):
    meeting.set_case_owner(case_owner, meeting.version)
    meeting.start(meeting.version)
    small = measure(meeting, facilitator, member)
    grow(meeting, 12)
    assert measure(meeting, facilitator, member) == small
