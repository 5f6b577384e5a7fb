"""A group with a live meeting and a person (or phone) for every persona, for the matrix tests."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Permission
from django.test import Client
from django.utils import timezone

from groups.actions import propose_agreements
from groups.models import AgreementAcceptance, IntervisionGroup, Invitation, Membership
from sessions.models import CalendarFeed, Case, Contribution, Evaluation, JoinRequest, Meeting
from sessions.policy import DEVICE_SESSION_KEY
from tests.conftest import make_user

CANARY = "Kanarie-9931"
EARLIER_CANARY = "Kanarie-vorige-4417"  # content of a meeting held before "joined_later" joined


@pytest.fixture
def world(db, method):
    """One group with a live meeting in the analysis phase, a meeting held a week before, one
    planned for next week, and a person for every persona; all but "joined_later" have been in
    the group for a year."""
    group = IntervisionGroup.objects.create(name="Matrixgroep")
    people = {
        name: make_user(f"{name}@example.org", name.title())
        for name in [
            "facilitator",
            "member",
            "case_owner",
            "pending",
            "device",
            "waiter",
            "second_waiter",
            "outsider",
            "other",
            "joined_later",
        ]
    }
    long_ago, yesterday = timezone.now() - timedelta(days=365), timezone.now() - timedelta(days=1)
    Membership.objects.create(
        group=group, user=people["facilitator"], role=Membership.Role.FACILITATOR, joined_at=long_ago
    )
    for name in ["member", "case_owner", "pending", "device", "waiter", "second_waiter"]:
        Membership.objects.create(group=group, user=people[name], joined_at=long_ago)
    Membership.objects.create(group=group, user=people["joined_later"], joined_at=yesterday)
    other_group = IntervisionGroup.objects.create(name="Andere groep")
    Membership.objects.create(group=other_group, user=people["other"])
    coordinator = make_user("coordinator@example.org", "Corinne")
    coordinator.user_permissions.add(Permission.objects.get(codename="coordinate"))
    group.coordinators.add(coordinator)
    people["coordinator"] = coordinator
    propose_agreements(group)
    group.refresh_from_db()
    for name in ["member", "case_owner", "device", "facilitator"]:
        AgreementAcceptance.objects.create(
            group=group, user=people[name], version=group.agreements_version, accepted_at=long_ago
        )
    AgreementAcceptance.objects.create(
        group=group, user=people["joined_later"], version=group.agreements_version
    )
    earlier = held_meeting_with_content(group, people, method)

    start = timezone.now() - timedelta(minutes=30)
    meeting = Meeting.objects.create(
        group=group,
        facilitator=people["facilitator"],
        method=method,
        scheduled_start=start,
        scheduled_end=start + timedelta(hours=2),
    )
    case = Case.objects.create(
        group=group,
        owner=people["case_owner"],
        meeting=meeting,
        status="brought",
        title=CANARY,
        situation=CANARY,
        question=CANARY,
    )
    meeting.start(meeting.version)
    meeting.choose_case(case, meeting.version)
    meeting.advance(meeting.version)
    question = Contribution.objects.create(
        meeting=meeting,
        case=case,
        case_owner=case.owner,
        phase="analyse",
        kind="question",
        author=people["member"],
        text=CANARY,
        revealed_at=timezone.now(),
    )
    advice = Contribution.objects.create(
        meeting=meeting,
        case=case,
        case_owner=case.owner,
        phase="advies",
        kind="advice",
        author=people["member"],
        text=CANARY,
        revealed_at=timezone.now(),
    )
    # The canary in every other field of case content too: a member's private draft, the
    # case owner's texts, a take-away. (Cancellation reasons are the group's, not case
    # content: tests/insight/test_health.py keeps them from coordinators.)
    Case.objects.filter(pk=case.pk).update(
        reformulation=CANARY, action=CANARY, follow_up=CANARY, tried=CANARY
    )
    Case.objects.create(group=group, owner=people["member"], title=CANARY, situation=CANARY, question=CANARY)
    Evaluation.objects.create(
        meeting=meeting,
        author=people["member"],
        helped=3,
        depth=3,
        safe=3,
        stayed=3,
        critical=3,
        take_away=CANARY,
    )
    next_week = timezone.now() + timedelta(days=7)
    Meeting.objects.create(  # the next one: members answer whether they come
        group=group,
        facilitator=people["facilitator"],
        method=method,
        scheduled_start=next_week,
        scheduled_end=next_week + timedelta(hours=2),
    )
    waiting = JoinRequest.objects.create(meeting=meeting, user=people["waiter"])
    JoinRequest.objects.create(meeting=meeting, user=people["second_waiter"])  # one to admit, one to refuse
    admitted = JoinRequest.objects.create(meeting=meeting, user=people["device"], status="admitted")
    invited = make_user("new@example.org", "Nieuw")
    invited.set_unusable_password()
    invited.save()
    Membership.objects.create(group=group, user=invited)
    invitation = Invitation.objects.create(group=group, email="new@example.org", name="Nieuw")
    objects = {
        "meeting": meeting.pk,
        "join_code": meeting.join_code,
        "group": group.pk,
        "case": case.pk,
        "question": question.pk,
        "advice": advice.pk,
        "waiting_request": waiting.pk,
        "builtin_method": method.pk,
        "own_method": method.copy_for(people["facilitator"]).pk,
        "member_user": people["member"].pk,
        "feed_token": CalendarFeed.objects.create(user=people["member"]).token,
        "invitation": invitation.pk,
        "invitation_token": invitation.token,
        "earlier_meeting": earlier.pk,
        "name": "pause",
    }

    def device_client(join_request) -> Client:
        client = Client()
        session = client.session
        session[DEVICE_SESSION_KEY] = {str(meeting.pk): join_request.pk}
        session.save()
        client.cookies["sessionid"] = session.session_key
        return client

    clients = {
        "anonymous": Client(),
        "waiting_device": device_client(waiting),
        "admitted_device": device_client(admitted),
    }
    for persona, user in [
        ("outsider", people["outsider"]),
        ("other_member", people["other"]),
        ("coordinator", coordinator),
        ("pending", people["pending"]),
        ("member", people["member"]),
        ("case_owner", people["case_owner"]),
        ("facilitator", people["facilitator"]),
        ("joined_later", people["joined_later"]),
    ]:
        client = Client()
        client.force_login(user)
        clients[persona] = client
    return clients, objects


def held_meeting_with_content(group, people, method) -> Meeting:
    """A meeting closed a week ago, with the earlier canary in its case, a theme and a take-away."""
    start = timezone.now() - timedelta(days=7)
    meeting = Meeting.objects.create(
        group=group,
        facilitator=people["facilitator"],
        method=method,
        scheduled_start=start,
        scheduled_end=start + timedelta(hours=2),
        status=Meeting.Status.CLOSED,
        phase="evaluatie",
    )
    case = Case.objects.create(
        group=group,
        owner=people["case_owner"],
        meeting=meeting,
        status="chosen",
        round=1,
        title=EARLIER_CANARY,
        situation=EARLIER_CANARY,
        question=EARLIER_CANARY,
        action=EARLIER_CANARY,
    )
    Meeting.objects.filter(pk=meeting.pk).update(case=case, case_owner=people["case_owner"])
    Contribution.objects.create(
        meeting=meeting,
        case=case,
        case_owner=people["case_owner"],
        phase="groepsthema",
        kind="theme",
        author=people["member"],
        text=EARLIER_CANARY,
        revealed_at=start + timedelta(hours=1),
    )
    Evaluation.objects.create(
        meeting=meeting,
        author=people["member"],
        helped=4,
        depth=4,
        safe=4,
        stayed=4,
        critical=4,
        take_away=EARLIER_CANARY,
    )
    return meeting
