"""Who joined later sees nothing of the meetings before (issue 16, item 1), on the live screens
too: the look-back at the previous meeting and the group's earlier themes are rendered once for
all members, so they reach back no further than the member who joined last."""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from groups.models import Membership
from sessions.live import broadcast
from sessions.models import Case, Contribution, Meeting
from tests.conftest import client_for, make_user

EARLIER_CASE = "Vorige-kanarie-5521"
EARLIER_THEME = "Thema-kanarie-5522"


def held_before(meeting, owner) -> Meeting:
    start = meeting.scheduled_start - timedelta(days=14)
    previous = Meeting.objects.create(
        group=meeting.group,
        facilitator=meeting.facilitator,
        method=meeting.method,
        scheduled_start=start,
        scheduled_end=start + timedelta(hours=2),
        status=Meeting.Status.CLOSED,
        phase="evaluatie",
    )
    Case.objects.create(
        group=meeting.group,
        owner=owner,
        meeting=previous,
        status="chosen",
        round=1,
        title=EARLIER_CASE,
        situation="s",
        question="q",
        action="Ik ga het vragen.",
    )
    Contribution.objects.create(
        meeting=previous,
        phase="groepsthema",
        kind="theme",
        author=owner,
        text=EARLIER_THEME,
        revealed_at=start + timedelta(hours=1),
    )
    return previous


def page(user, meeting, name="participant") -> str:
    return client_for(user).get(reverse(f"meetings:{name}", args=[meeting.pk])).content.decode()


def test_the_look_back_and_earlier_themes_do_not_reach_before_the_latest_member(
    meeting, members, facilitator
):
    held_before(meeting, members[1])
    meeting.start(meeting.version)  # the first phase: the look-back
    assert EARLIER_CASE in page(members[0], meeting)  # everybody was there
    newcomer = make_user("nieuw@example.org", "Nina")
    Membership.objects.create(
        group=meeting.group, user=newcomer, joined_at=timezone.now() - timedelta(days=1)
    )
    for person in (members[0], newcomer):
        assert EARLIER_CASE not in page(person, meeting)
    assert EARLIER_CASE not in broadcast.frame(Meeting.load(meeting.pk), "member")
    assert EARLIER_CASE in page(facilitator, meeting, "facilitate")  # who was there sees it
    while meeting.phase != "groepsthema":
        meeting.advance(meeting.version)
    assert EARLIER_THEME not in page(newcomer, meeting) and EARLIER_THEME not in page(members[0], meeting)
    assert EARLIER_THEME in page(facilitator, meeting, "facilitate")
