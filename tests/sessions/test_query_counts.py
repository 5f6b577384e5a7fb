"""Live pages and pushes run a constant number of queries, however large the group."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from groups.models import Membership
from sessions.live import broadcast
from sessions.models import Connection, JoinRequest, Meeting
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
                broadcast.render(Meeting.load(meeting.pk), audience, broadcast.PHASE_FRAGMENTS)
                for audience in broadcast.AUDIENCE_VARIANTS
            ]
        ),
        "presence push": count_queries(
            lambda: broadcast.render(Meeting.load(meeting.pk), "facilitator", broadcast.PRESENCE_FRAGMENTS)
        ),
    }


def test_query_counts_do_not_grow_with_the_group(meeting, facilitator, member, case_owner):
    meeting.set_case_owner(case_owner, meeting.version)
    meeting.start(meeting.version)
    small = measure(meeting, facilitator, member)
    grow(meeting, 12)
    assert measure(meeting, facilitator, member) == small


def grow_content(meeting, extra: int) -> None:
    """More cases, votes, contributions, evaluations and held meetings."""
    from datetime import timedelta

    from sessions.models import Case, CaseVote, Contribution, Evaluation, Meeting

    people = list(meeting.group.members())
    for number in range(extra):
        person = people[number % len(people)]
        case = Case.objects.create(
            group=meeting.group,
            owner=person,
            meeting=meeting,
            status="brought",
            title=f"C{number}",
            situation="s",
            question="q",
        )
        CaseVote.objects.update_or_create(meeting=meeting, round=1, voter=person, defaults={"case": case})
        for kind, phase in [("question", "analyse"), ("advice", "advies"), ("theme", "groepsthema")]:
            Contribution.objects.create(meeting=meeting, phase=phase, kind=kind, author=person, text="t")
        Evaluation.objects.update_or_create(
            meeting=meeting, round=1, author=person, defaults={n: 3 for n in Evaluation.SCORES}
        )
        earlier = meeting.scheduled_start - timedelta(weeks=2 * (number + 1))
        Meeting.objects.create(
            group=meeting.group,
            facilitator=meeting.facilitator,
            method=meeting.method,
            status="closed",
            scheduled_start=earlier,
            scheduled_end=earlier + timedelta(hours=2),
        )


def measure_work(meeting, facilitator, member, case_owner):
    clients = {
        "facilitator": client_for(facilitator),
        "member": client_for(member),
        "owner": client_for(case_owner),
    }
    return {
        "facilitator page": count_queries(
            lambda: clients["facilitator"].get(reverse("meetings:facilitate", args=[meeting.pk]))
        ),
        "participant page": count_queries(
            lambda: clients["member"].get(reverse("meetings:participant", args=[meeting.pk]))
        ),
        "case owner page": count_queries(
            lambda: clients["owner"].get(reverse("meetings:participant", args=[meeting.pk]))
        ),
        "summary page": count_queries(
            lambda: clients["member"].get(reverse("meetings:summary", args=[meeting.pk]))
        ),
        "phase push": count_queries(
            lambda: [
                broadcast.render(Meeting.load(meeting.pk), a, broadcast.PHASE_FRAGMENTS)
                for a in broadcast.AUDIENCE_VARIANTS
            ]
        ),
        "work push": count_queries(
            lambda: [
                broadcast.render(Meeting.load(meeting.pk), a, broadcast.WORK_FRAGMENTS)
                for a in ("facilitator", "member")
            ]
        ),
    }


@pytest.mark.parametrize("phase", ["inventarisatie", "analyse", "advies", "groepsthema", "evaluatie"])
def test_query_counts_do_not_grow_with_cases_contributions_and_meetings(
    meeting, facilitator, member, case_owner, phase
):
    meeting.start(meeting.version)
    meeting.set_case_owner(case_owner, meeting.version)
    while meeting.phase != phase:
        meeting.advance(meeting.version)
    grow_content(meeting, 2)
    small = measure_work(meeting, facilitator, member, case_owner)
    grow_content(meeting, 10)
    assert measure_work(meeting, facilitator, member, case_owner) == small


def test_a_push_renders_only_what_is_connected(meeting, facilitator, member, case_owner):
    from sessions.models import Connection

    meeting.set_case_owner(case_owner, meeting.version)
    assert broadcast.connected_frames(meeting) == set()
    Connection.objects.create(
        meeting=meeting, user=member, audience="member", language="nl", channel_name="a"
    )
    Connection.objects.create(
        meeting=meeting, user=case_owner, audience="member", language="en", channel_name="b"
    )
    Connection.objects.create(
        meeting=meeting, user=member, audience="member", language="nl", sees_case=False, channel_name="c"
    )
    Connection.objects.create(
        meeting=meeting, user=facilitator, audience="facilitator", language="nl", channel_name="d"
    )
    needed = broadcast.connected_frames(meeting)
    assert needed == {("member", "nl"), ("case_owner", "en"), ("member_pending", "nl"), ("facilitator", "nl")}
    frames = broadcast.render(Meeting.load(meeting.pk), "member", broadcast.PHASE_FRAGMENTS, needed)["frames"]
    assert set(frames) == {"member:nl", "case_owner:en", "member_pending:nl"}
