"""The meeting socket, through channels' WebsocketCommunicator."""

import asyncio
import json
import time

import pytest
from channels.db import database_sync_to_async as sync_to_async
from channels.testing import WebsocketCommunicator
from django.conf import settings
from django.contrib.sessions.backends.db import SessionStore
from django.db import OperationalError, connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from intervisie.asgi import application
from sessions.actions import meeting as meeting_actions
from sessions.live import broadcast
from sessions.live import consumers as consumers_module
from sessions.live.consumers import (
    HANDSHAKE_BUDGET,
    MAX_STEP_COST,
    STEP_SMOOTHING,
    MeetingConsumer,
    RecentSnapshots,
    admit_together,
)
from sessions.models import Attendance, Connection, JoinRequest
from sessions.policy import DEVICE_SESSION_KEY

pytestmark = [pytest.mark.asyncio, pytest.mark.django_db(transaction=True)]

ORIGIN = (b"origin", b"http://127.0.0.1:8000")


@sync_to_async
def cookie_for(user=None, admitted_request=None) -> bytes:
    client = Client()
    if user is not None:
        client.force_login(user)
    if admitted_request is not None:
        session = client.session
        session[DEVICE_SESSION_KEY] = {str(admitted_request.meeting_id): admitted_request.pk}
        session.save()
        client.cookies[settings.SESSION_COOKIE_NAME] = session.session_key
    morsel = client.cookies.get(settings.SESSION_COOKIE_NAME)
    return f"{settings.SESSION_COOKIE_NAME}={morsel.value}".encode() if morsel else b""


HOST = (b"host", b"127.0.0.1:8000")  # the page's own origin is ORIGIN: same scheme, host and port


async def open_socket(meeting, cookie: bytes = b"", path: str = "", origin=ORIGIN, host=HOST):
    headers = [header for header in (origin, host) if header]
    if cookie:
        headers.append((b"cookie", cookie))
    communicator = WebsocketCommunicator(application, f"/ws/meetings/{meeting.pk}/{path}", headers=headers)
    connected, _ = await communicator.connect()
    return communicator, connected


async def test_anonymous_connections_are_refused(meeting):
    communicator, connected = await open_socket(meeting)
    assert not connected


@pytest.mark.parametrize("persona", ["outsider", "other_group_member", "coordinator"])
async def test_people_outside_the_group_are_refused(meeting, persona, request):
    user = await sync_to_async(request.getfixturevalue)(persona)
    communicator, connected = await open_socket(meeting, await cookie_for(user))
    assert not connected


async def test_a_foreign_origin_is_refused(meeting, member):
    cookie = await cookie_for(member)
    communicator, connected = await open_socket(meeting, cookie, origin=(b"origin", b"https://evil.example"))
    assert not connected


@pytest.mark.parametrize(
    "origin", ["http://127.0.0.1:8001", "https://127.0.0.1:8000", "http://127.0.0.1", "null", ""]
)
async def test_a_page_on_another_port_or_scheme_of_the_same_host_is_refused(meeting, member, origin):
    """Channels' own validator compared the host only: a page on :8001 opened a member's socket."""
    cookie = await cookie_for(member)
    header = (b"origin", origin.encode()) if origin else None
    communicator, connected = await open_socket(meeting, cookie, origin=header)
    assert not connected


async def test_in_production_only_the_sites_own_origins_open_a_socket(meeting, member, settings):
    settings.DEBUG, settings.SITE_URL = False, "https://intervisie.example.org"
    settings.ALLOWED_HOSTS = ["intervisie.example.org", "www.intervisie.example.org"]
    cookie = await cookie_for(member)
    for origin, opens in [
        (b"https://intervisie.example.org", True),
        (b"https://www.intervisie.example.org:443", True),
        (b"http://intervisie.example.org", False),
        (b"https://intervisie.example.org:8443", False),
        (b"http://127.0.0.1:8000", False),
    ]:
        communicator, connected = await open_socket(meeting, cookie, origin=(b"origin", origin))
        assert connected is opens, origin
        if connected:
            await communicator.disconnect()


async def test_a_member_gets_a_snapshot_without_asking(meeting, member):
    communicator, connected = await open_socket(meeting, await cookie_for(member))
    assert connected
    snapshot = await communicator.receive_json_from()
    assert snapshot["type"] == "snapshot"
    assert snapshot["phase"] == "lobby"
    assert snapshot["version"] == 0
    assert 'data-testid="phase"' in snapshot["html"]["phase-panel"]
    await communicator.disconnect()


async def test_messages_reach_the_socket_without_a_trip_to_the_database_thread(meeting, member, monkeypatch):
    """Channels' own dispatch sends every message through that thread first (consumers.dispatch)."""
    trips = []

    async def trip():
        trips.append(1)

    monkeypatch.setattr("channels.consumer.aclose_old_connections", trip)
    communicator, _ = await open_socket(meeting, await cookie_for(member))
    await communicator.receive_json_from()
    await communicator.send_json_to({"type": "ping", "t0": 1234})
    assert (await communicator.receive_json_from())["type"] == "pong"
    await communicator.disconnect()
    assert trips == []


async def test_clock_pings_are_answered(meeting, member):
    communicator, _ = await open_socket(meeting, await cookie_for(member))
    await communicator.receive_json_from()
    await communicator.send_json_to({"type": "ping", "t0": 1234})
    pong = await communicator.receive_json_from()
    assert pong["type"] == "pong" and pong["t0"] == 1234
    assert pong["t1"] <= pong["t2"]
    await communicator.disconnect()


async def test_a_command_is_pushed_to_every_audience_state_first(meeting, facilitator, member, case_owner):
    sockets = {}
    for name, user, path in [
        ("member", member, ""),
        ("case_owner", case_owner, ""),
        ("facilitator", facilitator, ""),
        ("presenter", facilitator, "presenter/"),
    ]:
        communicator, connected = await open_socket(meeting, await cookie_for(user), path)
        assert connected, name
        await communicator.receive_json_from()  # snapshot
        sockets[name] = communicator
    await sync_to_async(meeting_actions.set_case_owner)(meeting, case_owner, 0, None)
    await sync_to_async(meeting_actions.run_command)(meeting, "start", 1, None)
    states, pushes = {}, {}
    for name, communicator in sockets.items():
        while True:  # skip the case-owner push and presence updates
            message = await communicator.receive_json_from()
            if message["version"] == 2:
                break
        states[name] = message
        while "phase-panel" not in message.get("html", {}):  # a presence push may come between
            message = await communicator.receive_json_from()
        pushes[name] = message
    phase = meeting.current_phase
    for state, message in zip(states.values(), [pushes[name] for name in states], strict=True):
        assert state["type"] == "state" and "html" not in state
        assert state["name"] == phase.name_nl and state["allotted"] == phase.minutes * 60_000
        assert message["type"] == "push" and message["version"] == 2
        assert message["phase"] == state["phase"] == "inventarisatie"
        assert message["deadline"] == state["deadline"] > message["server_time"]
    assert phase.case_owner_nl in pushes["case_owner"]["html"]["phase-panel"]
    assert phase.member_nl in pushes["member"]["html"]["phase-panel"]
    assert phase.facilitator_nl in pushes["facilitator"]["html"]["phase-panel"]
    assert "presence-panel" not in pushes["facilitator"]["html"]  # a phase change leaves it as it was
    assert 'data-testid="next-phase"' not in pushes["member"]["html"]["phase-panel"]
    for communicator in sockets.values():
        await communicator.disconnect()


async def test_a_socket_that_never_speaks_still_gets_pushes(meeting, member):
    communicator, _ = await open_socket(meeting, await cookie_for(member))
    await communicator.receive_json_from()
    await sync_to_async(meeting_actions.run_command)(meeting, "start", 0, None)
    message = await communicator.receive_json_from()
    assert message["phase"] == "inventarisatie"
    await communicator.disconnect()


async def test_a_socket_silent_for_longer_than_presence_counts_still_gets_the_fragments(meeting, member):
    from django.utils import timezone

    communicator, _ = await open_socket(meeting, await cookie_for(member))
    await communicator.receive_json_from()
    long_ago = timezone.now() - Connection.STALE_AFTER * 2  # no ping for that long
    await sync_to_async(Connection.objects.filter(meeting=meeting).update)(last_seen=long_ago)
    await sync_to_async(meeting_actions.run_command)(meeting, "start", 0, None)
    assert (await communicator.receive_json_from())["type"] == "state"
    push = await communicator.receive_json_from()
    assert push["type"] == "push" and push["phase"] == "inventarisatie" and "phase-panel" in push["html"]
    await communicator.disconnect()


async def test_hello_with_an_old_version_gets_a_fresh_snapshot(meeting, member, monkeypatch):
    monkeypatch.setattr("sessions.live.consumers.HELLO_EVERY", 0)
    await sync_to_async(meeting_actions.run_command)(meeting, "start", 0, None)
    communicator, _ = await open_socket(meeting, await cookie_for(member))
    await communicator.receive_json_from()
    await communicator.send_json_to({"type": "hello", "version": 1})
    assert await communicator.receive_nothing(timeout=0.2)
    await communicator.send_json_to({"type": "hello", "version": 0})
    snapshot = await communicator.receive_json_from()
    assert snapshot["type"] == "snapshot" and snapshot["version"] == 1
    await communicator.disconnect()


async def test_members_cannot_open_the_presenter_socket(meeting, member):
    communicator, connected = await open_socket(meeting, await cookie_for(member), "presenter/")
    assert not connected


async def test_a_waiting_device_is_refused_and_an_admitted_one_let_in(meeting, member):
    join_request = await sync_to_async(JoinRequest.objects.create)(meeting=meeting, user=member)
    cookie = await cookie_for(admitted_request=join_request)
    communicator, connected = await open_socket(meeting, cookie)
    assert not connected
    await sync_to_async(meeting_actions.decide_join)(join_request, True)
    communicator, connected = await open_socket(meeting, cookie)
    assert connected
    snapshot = await communicator.receive_json_from()
    assert snapshot["phase"] == "lobby"
    await communicator.disconnect()


async def test_the_facilitator_sees_who_connects(meeting, facilitator, member):
    facilitator_socket, _ = await open_socket(meeting, await cookie_for(facilitator))
    await facilitator_socket.receive_json_from()
    member_socket, _ = await open_socket(meeting, await cookie_for(member))
    while True:
        message = await facilitator_socket.receive_json_from()
        if (
            member.first_name in message["html"].get("presence-panel", "")
            and "Verbonden: 2" in (message["html"]["presence-panel"])
        ):
            break
    assert await sync_to_async(Connection.objects.filter(meeting=meeting).count)() == 2
    await member_socket.disconnect()
    message = await facilitator_socket.receive_json_from()
    assert "Verbonden: 1" in message["html"]["presence-panel"]
    await facilitator_socket.disconnect()


async def test_oversized_messages_close_the_socket(meeting, member):
    communicator, _ = await open_socket(meeting, await cookie_for(member))
    await communicator.receive_json_from()
    await communicator.send_to(text_data="x" * 5000)
    output = await communicator.receive_output()
    assert output["type"] == "websocket.close"


async def test_a_chatty_socket_is_throttled(meeting, member):
    communicator, _ = await open_socket(meeting, await cookie_for(member))
    await communicator.receive_json_from()
    for number in range(40):
        await communicator.send_json_to({"type": "ping", "t0": number})
    answered = []
    while not await communicator.receive_nothing(timeout=0.3):
        answered.append((await communicator.receive_json_from())["t0"])
    assert 0 < len(answered) <= 20
    await communicator.disconnect()


async def test_hellos_are_answered_once_a_second_at_most(meeting, member):
    await sync_to_async(meeting_actions.run_command)(meeting, "start", 0, None)
    communicator, _ = await open_socket(meeting, await cookie_for(member))
    await communicator.receive_json_from()
    for _ in range(5):
        await communicator.send_json_to({"type": "hello", "version": 0})
    assert (await communicator.receive_json_from())["type"] == "snapshot"
    assert await communicator.receive_nothing(timeout=0.3)
    await communicator.disconnect()


async def test_a_phone_admitted_to_another_meeting_is_refused(meeting, member, group, facilitator, method):
    from sessions.models import Meeting

    other = await sync_to_async(Meeting.objects.create)(
        group=group,
        facilitator=facilitator,
        method=method,
        scheduled_start=meeting.scheduled_start,
        scheduled_end=meeting.scheduled_end,
    )
    join_request = await sync_to_async(JoinRequest.objects.create)(meeting=other, user=member)
    await sync_to_async(meeting_actions.decide_join)(join_request, True)
    cookie = await cookie_for(admitted_request=join_request)
    communicator, connected = await open_socket(meeting, cookie)
    assert not connected
    communicator, connected = await open_socket(other, cookie)
    assert connected
    await communicator.disconnect()


async def expect_closed_for_access(communicator):
    while True:
        output = await communicator.receive_output(timeout=2)
        if output["type"] == "websocket.close":
            assert output["code"] == 4403
            return


async def test_removing_a_member_closes_their_open_socket(meeting, member):
    from groups.models import Membership

    communicator, _ = await open_socket(meeting, await cookie_for(member))
    await communicator.receive_json_from()
    await sync_to_async(Membership.objects.filter(user=member).delete)()
    await expect_closed_for_access(communicator)


async def test_logging_out_closes_the_open_socket(meeting, member):
    client = Client()
    await sync_to_async(client.force_login)(member)
    cookie = f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}".encode()
    communicator, _ = await open_socket(meeting, cookie)
    await communicator.receive_json_from()
    await sync_to_async(client.post)("/accounts/logout/")
    await expect_closed_for_access(communicator)


async def test_revoking_an_admitted_phone_closes_its_socket_only(meeting, member):
    join_request = await sync_to_async(JoinRequest.objects.create)(meeting=meeting, user=member)
    await sync_to_async(meeting_actions.decide_join)(join_request, True)
    phone, connected = await open_socket(meeting, await cookie_for(admitted_request=join_request))
    assert connected
    await phone.receive_json_from()
    own, _ = await open_socket(meeting, await cookie_for(member))
    await own.receive_json_from()
    await sync_to_async(meeting_actions.decide_join)(join_request, False)
    await expect_closed_for_access(phone)
    await own.send_json_to({"type": "ping", "t0": 1})
    while (await own.receive_json_from())["type"] != "pong":
        pass  # the member's own phone is still connected and answered
    await own.disconnect()


async def test_accepting_the_agreements_brings_case_content_to_the_open_socket(meeting, member, group):
    from groups.actions import propose_agreements
    from groups.models import AgreementAcceptance

    await sync_to_async(propose_agreements)(group)
    await sync_to_async(meeting_actions.run_command)(meeting, "start", 0, None)
    await sync_to_async(meeting_actions.run_command)(meeting, "advance", 1, None)
    communicator, _ = await open_socket(meeting, await cookie_for(member))
    snapshot = await communicator.receive_json_from()
    assert 'data-testid="accept-first"' in snapshot["html"]["phase-panel"]
    await sync_to_async(group.refresh_from_db)()
    await sync_to_async(AgreementAcceptance.objects.create)(
        group=group, user=member, version=group.agreements_version
    )
    while True:
        message = await communicator.receive_json_from()
        if message.get("type") == "snapshot":
            break
    assert 'data-testid="contribute"' in message["html"]["phase-panel"]
    await communicator.disconnect()


async def test_new_agreements_take_case_content_off_the_open_sockets_even_the_case_owners(
    meeting, case_owner, group
):
    from groups.actions import propose_agreements

    await sync_to_async(meeting_actions.run_command)(meeting, "start", 0, None)
    await sync_to_async(meeting_actions.set_case_owner)(meeting, case_owner, meeting.version, None)
    await sync_to_async(meeting_actions.run_command)(meeting, "advance", meeting.version, None)
    communicator, _ = await open_socket(meeting, await cookie_for(case_owner))
    snapshot = await communicator.receive_json_from()
    assert "Jij bent de inbrenger" in snapshot["html"]["phase-panel"]
    await sync_to_async(propose_agreements)(group)  # a new version nobody accepted yet
    while True:
        message = await communicator.receive_json_from()
        if message.get("type") == "snapshot":
            break
    assert 'data-testid="accept-first"' in message["html"]["phase-panel"]
    assert "work-panel" not in message["html"]
    await communicator.disconnect()


async def test_a_push_without_this_sockets_frame_is_answered_with_its_own_snapshot(meeting, member):
    from channels.layers import get_channel_layer

    from sessions.live import broadcast

    communicator, _ = await open_socket(meeting, await cookie_for(member))
    await communicator.receive_json_from()  # the snapshot on connect
    await get_channel_layer().group_send(
        broadcast.group_name(meeting.pk, "member"),
        {"type": "meeting.push", "audience": "member", "frames": {}, "case_owner_id": None},
    )
    message = await communicator.receive_json_from()
    assert message["type"] == "snapshot" and message["phase"] == "lobby"
    await communicator.disconnect()


@pytest.mark.parametrize(
    "overload",
    [("HANDSHAKE_BUDGET", -1), ("MeetingConsumer.opening", 10_000)],
    ids=["waited past the budget", "too many opening at once"],
)
async def test_after_a_restart_a_socket_the_server_cannot_admit_in_time_is_refused_without_work(
    meeting, member, monkeypatch, overload
):
    """Every phone arrives at once: what daphne would drop anyway is refused before any work."""
    cookie = await cookie_for(member)
    with monkeypatch.context() as patch:
        patch.setattr(f"sessions.live.consumers.{overload[0]}", overload[1])
        communicator, connected = await open_socket(meeting, cookie)
        assert not connected
    assert not await sync_to_async(Connection.objects.filter(meeting=meeting).exists)()
    communicator, connected = await open_socket(meeting, cookie)  # the retry, once it is calm
    assert connected
    await communicator.disconnect()


async def test_the_door_admits_as_many_as_the_database_thread_can_serve_in_time(monkeypatch):
    monkeypatch.setattr("sessions.live.consumers.QUEUE_BUDGET", 2.5)
    monkeypatch.setattr(MeetingConsumer, "step_seconds", 0.010)  # a calm server: 250 may wait
    monkeypatch.setattr(MeetingConsumer, "opening", 249)
    assert MeetingConsumer.has_room()
    monkeypatch.setattr(MeetingConsumer, "opening", 250)
    assert not MeetingConsumer.has_room()
    monkeypatch.setattr(MeetingConsumer, "step_seconds", 0.050)  # a busy one: 50
    monkeypatch.setattr(MeetingConsumer, "opening", 50)
    assert not MeetingConsumer.has_room()
    monkeypatch.setattr(MeetingConsumer, "step_seconds", 30.0)  # after a few stuck steps ...
    monkeypatch.setattr(MeetingConsumer, "opening", 0)
    assert MeetingConsumer.has_room()  # ... the next socket still gets in and teaches the door anew


async def test_a_stuck_step_counts_as_a_slow_one_not_as_a_trend(meeting, member, monkeypatch):
    monkeypatch.setattr(MeetingConsumer, "step_seconds", 0.010)
    monkeypatch.setattr(MeetingConsumer, "_let_in", lambda consumer, meetings: time.sleep(0.5))  # a lock, say
    communicator, connected = await open_socket(meeting, await cookie_for(member))
    assert not connected  # the stand-in admits nobody
    assert MeetingConsumer.step_seconds <= 0.010 + (MAX_STEP_COST - 0.010) * STEP_SMOOTHING + 1e-9


async def test_every_connect_teaches_the_door_what_a_step_costs(meeting, member, monkeypatch):
    monkeypatch.setattr(MeetingConsumer, "step_seconds", 10.0)  # as if each took ten seconds ...
    monkeypatch.setattr("sessions.live.consumers.QUEUE_BUDGET", 100.0)  # ... with room for ten of them
    communicator, connected = await open_socket(meeting, await cookie_for(member))
    assert connected
    assert 0 < MeetingConsumer.step_seconds < 10.0 * (1 - STEP_SMOOTHING) + 1.0
    await communicator.disconnect()


async def test_a_member_who_reconnects_stays_present_with_one_attendance_row(meeting, member, facilitator):
    await sync_to_async(meeting_actions.run_command)(meeting, "start", meeting.version, facilitator)
    cookie = await cookie_for(member)
    for _ in range(2):
        communicator, connected = await open_socket(meeting, cookie)
        assert connected
        await communicator.disconnect()
    rows = await sync_to_async(list)(
        Attendance.objects.filter(meeting=meeting, user=member).values("present")
    )
    assert rows == [{"present": True}]


async def test_presence_is_rendered_only_while_a_facilitator_socket_is_open(meeting, facilitator, member):
    member_socket, _ = await open_socket(meeting, await cookie_for(member))
    assert await sync_to_async(broadcast._presence_message)(meeting.pk) is None  # nobody to show it to
    facilitator_socket, _ = await open_socket(meeting, await cookie_for(facilitator))
    message = await sync_to_async(broadcast._presence_message)(meeting.pk)
    assert set(message["frames"]) == {"facilitator:nl"}  # only the language of the open socket
    await member_socket.disconnect()
    await facilitator_socket.disconnect()


async def test_recent_snapshot_fragments_serve_only_sockets_that_listened_before_they_were_read():
    recent = RecentSnapshots()
    now = time.monotonic()
    recent.put(("m", "member", "nl"), read_at=now, version=3, html={"phase-panel": "x"})
    assert recent.get(("m", "member", "nl"), 3, listening_since=now - 1) == {"phase-panel": "x"}
    assert recent.get(("m", "member", "nl"), 3, listening_since=now + 1) is None  # might miss a change
    assert recent.get(("m", "member", "nl"), 4, listening_since=now - 1) is None  # another state
    assert recent.get(("m", "case_owner", "nl"), 3, listening_since=now - 1) is None
    recent.put(("old", "member", "nl"), read_at=now - HANDSHAKE_BUDGET - 1, version=3, html={})
    assert ("old", "member", "nl") not in recent.entries  # no waiting socket can use it


async def test_a_socket_that_waited_behind_another_connect_gets_its_fragments_with_a_fresh_state(
    meeting, member, monkeypatch
):
    """As if a socket of the same meeting had its snapshot read while this one waited in line."""
    recent = RecentSnapshots()
    monkeypatch.setattr(MeetingConsumer, "recent_snapshots", recent)
    later = time.monotonic() + 60
    recent.put(
        (meeting.pk, "member", "nl"), read_at=later, version=meeting.version, html={"phase-panel": "kept"}
    )
    communicator, _ = await open_socket(meeting, await cookie_for(member))
    snapshot = await communicator.receive_json_from()
    assert snapshot["html"] == {"phase-panel": "kept"}
    assert abs(snapshot["server_time"] - time.time() * 1000) < 5000  # made for this socket
    await communicator.disconnect()

    recent.put(
        (meeting.pk, "member", "nl"), read_at=later, version=meeting.version + 1, html={"phase-panel": "kept"}
    )
    communicator, _ = await open_socket(meeting, await cookie_for(member))  # another version: rendered anew
    snapshot = await communicator.receive_json_from()
    assert 'data-testid="phase"' in snapshot["html"]["phase-panel"]
    assert (
        recent.get((meeting.pk, "member", "nl"), meeting.version, listening_since=0)["phase-panel"]
        == (snapshot["html"]["phase-panel"])
    )
    await communicator.disconnect()


async def test_a_socket_that_began_listening_after_a_snapshot_was_read_gets_its_own(
    meeting, member, monkeypatch
):
    """It might have missed a change made in between (not every change bumps the version)."""
    renders = []
    render = broadcast.fragments
    monkeypatch.setattr(broadcast, "fragments", lambda *args: renders.append(args) or render(*args))
    cookie = await cookie_for(member)
    for _ in range(2):
        communicator, _ = await open_socket(meeting, cookie)
        await communicator.receive_json_from()
        await communicator.disconnect()
    assert len(renders) == 2


def waiting_consumer(meeting, user, channel: str) -> MeetingConsumer:
    """A socket as it waits for the database step: listening, its session in the scope."""
    client = Client()
    client.force_login(user)
    consumer = MeetingConsumer()
    consumer.scope = {"session": SessionStore(client.session.session_key), "received_at": time.monotonic()}
    consumer.channel_name = channel
    consumer.meeting_id, consumer.language, consumer.presenter = meeting.pk, "nl", False
    consumer.listening_since = time.monotonic()
    return consumer


def admit_counting(consumers) -> tuple[list, list[str]]:
    with CaptureQueriesContext(connection) as queries:
        snapshots = admit_together(consumers)
    return snapshots, [query["sql"] for query in queries.captured_queries]


async def test_connects_that_wait_together_share_one_step_and_its_reads(meeting, members, facilitator):
    await sync_to_async(meeting_actions.run_command)(meeting, "start", meeting.version, facilitator)
    people = [*members, facilitator]
    consumers = [
        await sync_to_async(waiting_consumer)(meeting, person, f"test.{n}") for n, person in enumerate(people)
    ]
    snapshots, sql = await sync_to_async(admit_counting)(consumers)
    assert all(json.loads(snapshot)["type"] == "snapshot" for snapshot in snapshots)
    assert [consumer.audience for consumer in consumers] == ["member"] * len(members) + ["facilitator"]
    # Read twice in all, for admission and again for the snapshots once the rows exist.
    assert len([q for q in sql if f'WHERE "meetings_meeting"."id" = {meeting.pk} ' in q]) == 2
    assert len([q for q in sql if q.startswith('INSERT INTO "meetings_connection"')]) == 1
    rows = await sync_to_async(list)(
        Connection.objects.order_by("channel_name").values_list("channel_name", "user_id")
    )
    assert rows == [(f"test.{n}", person.pk) for n, person in enumerate(people)]
    present = await sync_to_async(list)(
        Attendance.objects.filter(meeting=meeting, present=True).values_list("user_id", flat=True)
    )
    assert sorted(present) == sorted(person.pk for person in members)


async def test_a_socket_that_fails_in_a_shared_step_is_refused_alone(meeting, members, outsider, monkeypatch):
    consumers = [
        await sync_to_async(waiting_consumer)(meeting, person, f"test.{n}")
        for n, person in enumerate([members[0], outsider, members[1], members[2]])
    ]
    monkeypatch.setattr(consumers[2], "_first_snapshot", lambda *args: 1 / 0)
    snapshots = await sync_to_async(admit_together)(consumers)
    assert [snapshot is not None for snapshot in snapshots] == [True, False, False, True]
    rows = await sync_to_async(list)(
        Connection.objects.order_by("channel_name").values_list("channel_name", flat=True)
    )
    assert rows == ["test.0", "test.3"]


async def test_sockets_opening_at_once_each_get_their_own_snapshot(
    meeting, members, facilitator, outsider, monkeypatch
):
    steps = []
    step = MeetingConsumer.admissions.step
    monkeypatch.setattr(
        MeetingConsumer.admissions, "step", lambda consumers: steps.append(len(consumers)) or step(consumers)
    )
    people = [*members, facilitator, outsider]
    cookies = [await cookie_for(person) for person in people]
    opened = await asyncio.gather(*(open_socket(meeting, cookie) for cookie in cookies))
    assert [connected for _communicator, connected in opened] == [True] * (len(people) - 1) + [False]
    panels = []
    for communicator, connected in opened:
        if connected:
            panels.append("presence-panel" in (await communicator.receive_json_from())["html"])
        await communicator.disconnect()
    assert panels == [False] * len(members) + [True]  # each its own audience's snapshot
    assert sum(steps) == len(people) and max(steps) > 1  # they shared a step


async def test_sockets_closing_at_once_leave_no_connection_behind(meeting, members):
    opened = [await open_socket(meeting, await cookie_for(person)) for person in members]
    assert await sync_to_async(Connection.objects.filter(meeting=meeting).count)() == len(members)
    await asyncio.gather(*(communicator.disconnect() for communicator, _connected in opened))
    assert not await sync_to_async(Connection.objects.filter(meeting=meeting).exists)()
    for _ in range(20):  # the shared step's runner ends once nothing waits
        await asyncio.sleep(0.01)
    assert MeetingConsumer.departures.runner is None and MeetingConsumer.departures.waiting == []


async def test_case_content_is_decided_only_once_the_sockets_rows_exist(meeting, members, monkeypatch):
    """From then on an access change (new agreements, say) finds the socket and makes it check again."""
    rows_then = []
    decide = consumers_module.sees_case_content

    def spy(meeting, person):
        rows_then.append(Connection.objects.filter(meeting=meeting).count())
        return decide(meeting, person)

    monkeypatch.setattr(consumers_module, "sees_case_content", spy)
    consumers = [
        await sync_to_async(waiting_consumer)(meeting, person, f"test.{n}")
        for n, person in enumerate(members)
    ]
    await sync_to_async(admit_together)(consumers)
    assert rows_then == [len(members)] * len(members)
    seeing = await sync_to_async(list)(Connection.objects.values_list("sees_case", flat=True))
    assert seeing == [True] * len(members)  # the group has no agreements to accept


async def test_a_database_failure_on_connect_refuses_the_socket(meeting, member, monkeypatch):
    def fail(*args, **kwargs):
        raise OperationalError("database is locked")

    cookie = await cookie_for(member)
    with monkeypatch.context() as patch:
        patch.setattr(Connection.objects, "bulk_create", fail)
        communicator, connected = await open_socket(meeting, cookie)
        assert not connected  # refused like a busy server: the phone retries
    communicator, connected = await open_socket(meeting, cookie)
    assert connected
    await communicator.disconnect()
