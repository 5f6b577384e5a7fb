"""Logins end everywhere at once (issue 16, item 3): on a deleted account, a new password, or
removal from the group, the person's other devices lose pages and sockets, not at the next ping."""

import pytest
from channels.db import database_sync_to_async as sync_to_async
from django.test import Client
from django.urls import reverse

from groups.models import Membership
from sessions.actions import meeting as meeting_actions
from sessions.models import JoinRequest
from tests.live.test_consumer import cookie_for, expect_closed_for_access, open_socket

pytestmark = [pytest.mark.asyncio, pytest.mark.django_db(transaction=True)]

PASSWORD = "secret-pass-123"  # tests.conftest.make_user's


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


async def test_deleting_an_account_closes_the_sockets_of_its_other_devices_at_once(meeting, member):
    laptop = await sync_to_async(logged_in)(member)
    phone, connected = await open_socket(meeting, await cookie_for(member))  # a second login
    assert connected
    await phone.receive_json_from()
    response = await sync_to_async(laptop.post)(reverse("delete-account"), {"password": PASSWORD})
    assert response.status_code == 302
    await expect_closed_for_access(phone)


async def test_a_new_password_ends_every_other_login_pages_and_sockets(meeting, member):
    laptop = await sync_to_async(logged_in)(member)
    other = await sync_to_async(logged_in)(member)
    phone, connected = await open_socket(meeting, await cookie_for(member))
    assert connected
    await phone.receive_json_from()
    change = {
        "old_password": PASSWORD,
        "new_password1": "een-nieuw-Wachtwoord-42",
        "new_password2": "een-nieuw-Wachtwoord-42",
    }
    response = await sync_to_async(laptop.post)(reverse("password_change"), change)
    assert response.status_code == 302
    await expect_closed_for_access(phone)
    page = reverse("meetings:participant", args=[meeting.pk])
    assert (await sync_to_async(other.get)(page)).status_code == 302  # to the login page
    assert (await sync_to_async(laptop.get)(page)).status_code == 200  # who changed it stays in


async def test_a_member_removed_from_the_group_loses_their_admitted_phone_too(meeting, member):
    join_request = await sync_to_async(JoinRequest.objects.create)(meeting=meeting, user=member)
    await sync_to_async(meeting_actions.decide_join)(join_request, True)
    phone, connected = await open_socket(meeting, await cookie_for(admitted_request=join_request))
    assert connected
    await phone.receive_json_from()
    await sync_to_async(Membership.objects.filter(group_id=meeting.group_id, user=member).delete)()
    await expect_closed_for_access(phone)
