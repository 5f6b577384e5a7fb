"""When the facilitator's laptop fails: handing the controls to a member, taking them over after
two minutes away, and giving them back."""

from datetime import timedelta

import pytest
from channels.db import database_sync_to_async as sync_to_async
from django.urls import reverse
from django.utils import timezone

from sessions.models import Meeting, PhaseTransition
from tests.conftest import client_for

from .test_consumer import cookie_for, open_socket


def press(user, meeting, name: str, **data):
    meeting.refresh_from_db()
    url = reverse("meetings:command", args=[meeting.pk, name])
    return client_for(user).post(url, {"version": meeting.version, **data}, HTTP_HX_REQUEST="true")


def controls(user, meeting, action: str):
    meeting.refresh_from_db()
    url = reverse("meetings:controls", args=[meeting.pk])
    return client_for(user).post(url, {"version": meeting.version, "action": action}, HTTP_HX_REQUEST="true")


@pytest.fixture
def live_meeting(meeting):
    meeting.start(meeting.version)
    return meeting


def test_the_facilitator_hands_the_controls_to_a_member_and_takes_them_back(
    live_meeting, facilitator, members
):
    bram, eva = members[1], members[2]
    assert press(bram, live_meeting, "advance").status_code == 403  # nobody but the facilitator steers
    assert press(facilitator, live_meeting, "controls", controller=bram.pk).status_code == 204
    assert press(bram, live_meeting, "advance").status_code == 204
    live_meeting.refresh_from_db()
    assert live_meeting.phase == "analyse"
    assert press(eva, live_meeting, "advance").status_code == 403
    assert press(bram, live_meeting, "case_owner", case_owner=eva.pk).status_code == 403  # choices stay
    html = client_for(eva).get(reverse("meetings:participant", args=[live_meeting.pk])).content.decode()
    assert f"{bram.first_name} heeft nu de bediening" in html
    assert press(facilitator, live_meeting, "controls", controller="").status_code == 204
    assert press(bram, live_meeting, "advance").status_code == 403
    commands = list(PhaseTransition.objects.filter(meeting=live_meeting).values_list("command", "by"))
    assert ("hand_controls", facilitator.pk) in commands and ("advance", bram.pk) in commands  # logged


def test_the_member_steering_gives_the_controls_back(live_meeting, facilitator, members):
    bram = members[1]
    press(facilitator, live_meeting, "controls", controller=bram.pk)
    assert controls(bram, live_meeting, "return").status_code == 204
    live_meeting.refresh_from_db()
    assert live_meeting.controller is None
    assert controls(bram, live_meeting, "return").status_code == 400  # nothing to give back
    assert controls(facilitator, live_meeting, "take").status_code == 403


def test_a_member_takes_the_controls_only_after_two_minutes_away(live_meeting, facilitator, members):
    bram, eva = members[1], members[2]
    response = controls(bram, live_meeting, "take")
    assert response.status_code == 409 and "twee minuten" in response.content.decode()
    Meeting.objects.filter(pk=live_meeting.pk).update(
        facilitator_away_since=timezone.now() - timedelta(seconds=90)
    )
    assert controls(bram, live_meeting, "take").status_code == 409
    Meeting.objects.filter(pk=live_meeting.pk).update(
        facilitator_away_since=timezone.now() - timedelta(minutes=3)
    )
    assert controls(bram, live_meeting, "take").status_code == 204
    assert controls(eva, live_meeting, "take").status_code == 409  # one steers at a time
    assert press(bram, live_meeting, "pause").status_code == 204
    live_meeting.refresh_from_db()
    assert (live_meeting.controller, live_meeting.controls_taken, live_meeting.is_paused) == (
        bram,
        True,
        True,
    )


@pytest.mark.asyncio
@pytest.mark.django_db(transaction=True)
async def test_the_facilitators_socket_marks_them_away_and_back_and_the_controls_return(
    live_meeting, facilitator, members
):
    bram = members[1]
    laptop, connected = await open_socket(live_meeting, await cookie_for(facilitator))
    assert connected
    await laptop.receive_json_from()
    await laptop.disconnect()
    await sync_to_async(live_meeting.refresh_from_db)()
    assert live_meeting.facilitator_away_since is not None
    phone, _ = await open_socket(live_meeting, await cookie_for(bram))
    snapshot = await phone.receive_json_from()
    assert "data-away-since" in snapshot["html"]["phase-panel"]

    away = timezone.now() - timedelta(minutes=3)
    await sync_to_async(Meeting.objects.filter(pk=live_meeting.pk).update)(facilitator_away_since=away)
    await sync_to_async(controls)(bram, live_meeting, "take")
    laptop, connected = await open_socket(live_meeting, await cookie_for(facilitator))
    assert connected
    await laptop.receive_json_from()
    await sync_to_async(live_meeting.refresh_from_db)()
    assert (live_meeting.controller_id, live_meeting.facilitator_away_since) == (None, None)  # given back
    await laptop.disconnect()
    await phone.disconnect()


@pytest.mark.asyncio
@pytest.mark.django_db(transaction=True)
async def test_controls_handed_over_stay_when_the_facilitator_reloads(live_meeting, facilitator, members):
    await sync_to_async(press)(facilitator, live_meeting, "controls", controller=members[1].pk)
    await sync_to_async(live_meeting.refresh_from_db)()
    version = live_meeting.version
    for _ in range(2):  # a reload: closed, then opened again
        laptop, _connected = await open_socket(live_meeting, await cookie_for(facilitator))
        await laptop.receive_json_from()
        await laptop.disconnect()
    await sync_to_async(live_meeting.refresh_from_db)()
    assert live_meeting.controller_id == members[1].pk
    assert live_meeting.version == version  # the reloaded page's buttons are still valid
