"""The meeting socket as every kind of visitor: who connects, and who gets case content."""

import pytest
from channels.db import database_sync_to_async as sync_to_async
from django.contrib.auth.models import Permission

from groups.actions import propose_agreements
from groups.models import AgreementAcceptance, Membership
from sessions.models import Case, JoinRequest
from tests.conftest import make_user

from .test_consumer import cookie_for, open_socket

pytestmark = [pytest.mark.asyncio, pytest.mark.django_db(transaction=True)]

CANARY = "Kanarie-5517"
# persona: (may open the members' socket, may open the presenter socket, gets case content)
EXPECTED = {
    "anonymous": (False, False, False),
    "outsider": (False, False, False),
    "other_member": (False, False, False),
    "coordinator": (False, False, False),
    "pending": (True, False, False),
    "waiting_device": (False, False, False),
    "admitted_device": (True, False, True),
    "member": (True, False, True),
    "case_owner": (True, False, True),
    "facilitator": (True, True, True),
}


@sync_to_async
def persona_cookie_setup(meeting, group, members, facilitator, persona):
    propose_agreements(group)
    group.refresh_from_db()
    for person in [*members[1:], facilitator]:
        AgreementAcceptance.objects.create(group=group, user=person, version=group.agreements_version)
    case = Case.objects.create(
        group=group,
        owner=members[1],
        meeting=meeting,
        status="brought",
        title=CANARY,
        situation="x",
        question="x",
    )
    meeting.start(meeting.version)
    meeting.choose_case(case, meeting.version)
    meeting.advance(meeting.version)
    if persona in ("waiting_device", "admitted_device"):
        status = "admitted" if persona == "admitted_device" else "waiting"
        return None, JoinRequest.objects.create(meeting=meeting, user=members[2], status=status)
    if persona == "outsider":
        return make_user("x@example.org", "X"), None
    if persona == "other_member":
        other = make_user("y@example.org", "Y")
        other_group = type(group).objects.create(name="Ander")
        Membership.objects.create(group=other_group, user=other)
        return other, None
    if persona == "coordinator":
        coordinator = make_user("c@example.org", "C")
        coordinator.user_permissions.add(Permission.objects.get(codename="coordinate"))
        group.coordinators.add(coordinator)
        return coordinator, None
    users = {
        "pending": members[0],
        "member": members[2],
        "case_owner": members[1],
        "facilitator": facilitator,
    }
    return users.get(persona), None


@pytest.mark.parametrize("persona", list(EXPECTED))
async def test_the_socket_as(persona, meeting, group, members, facilitator):
    user, device = await persona_cookie_setup(meeting, group, members, facilitator, persona)
    cookie = await cookie_for(user, admitted_request=device)
    may_connect, may_present, sees_case = EXPECTED[persona]
    communicator, connected = await open_socket(meeting, cookie)
    assert connected == may_connect
    if connected:
        snapshot = await communicator.receive_json_from()
        assert (CANARY in str(snapshot)) == sees_case
        await communicator.disconnect()
    presenter, connected = await open_socket(meeting, cookie, path="presenter/")
    assert connected == may_present
    if connected:
        assert CANARY not in str(await presenter.receive_json_from())  # the beamer shows no case
        await presenter.disconnect()
