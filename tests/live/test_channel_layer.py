"""The one-process channel layer (intervisie/layers.py) and the HTTP handler in front of Django."""

import asyncio
from types import SimpleNamespace

import pytest
from channels.db import database_sync_to_async
from channels.layers import InMemoryChannelLayer, get_channel_layer
from channels.testing import HttpCommunicator
from django.conf import settings
from django.db import connections
from django.db.backends.signals import connection_created

import intervisie.layers
from intervisie.asgi import OneHopASGIHandler, application
from intervisie.layers import SweepingInMemoryChannelLayer
from tests.live.test_consumer import cookie_for, open_socket

pytestmark = pytest.mark.asyncio


class Clock:
    """Stands in for time.time (message expiry) and time.monotonic (sweeps)."""

    def __init__(self):
        self.now = 1_000.0

    def __call__(self):
        return self.now


@pytest.fixture
def clock(monkeypatch):
    """The layers' clocks only: asyncio keeps the real one."""
    clock = Clock()
    monkeypatch.setattr("channels.layers.time", SimpleNamespace(time=clock))
    monkeypatch.setattr(intervisie.layers, "time", SimpleNamespace(monotonic=clock))
    return clock


async def test_the_project_uses_it_unless_redis_is_configured(settings):
    expected = "channels_redis.core.RedisChannelLayer" if settings.REDIS_URL else "intervisie.layers.Sweeping"
    layer = get_channel_layer()
    assert f"{type(layer).__module__}.{type(layer).__name__}".startswith(expected)


async def test_it_sweeps_once_a_second_however_many_messages_pass(clock, monkeypatch):
    sweeps = []
    original = InMemoryChannelLayer._clean_expired
    monkeypatch.setattr(InMemoryChannelLayer, "_clean_expired", lambda layer: sweeps.append(original(layer)))
    layer = SweepingInMemoryChannelLayer()
    await layer.group_add("meeting.1.member", "socket!a")
    for _ in range(100):
        await layer.group_send("meeting.1.member", {"type": "meeting.push"})
        assert await layer.receive("socket!a") == {"type": "meeting.push"}
        clock.now += 0.001
    assert len(sweeps) == 1
    clock.now += layer.SWEEP_EVERY
    await layer.group_send("meeting.1.member", {"type": "meeting.push"})
    assert len(sweeps) == 2


async def test_messages_nobody_receives_still_expire_and_take_their_socket_out_of_its_groups(clock):
    layer = SweepingInMemoryChannelLayer(expiry=60)
    await layer.group_add("meeting.1.member", "socket!gone")  # a consumer that died without leaving
    await layer.group_add("meeting.1.member", "socket!alive")
    await layer.group_send("meeting.1.member", {"type": "meeting.push"})
    assert await layer.receive("socket!alive") == {"type": "meeting.push"}

    clock.now += 61  # the unread message is past its expiry
    await layer.group_send("meeting.1.member", {"type": "meeting.push"})
    assert set(layer.groups["meeting.1.member"]) == {"socket!alive"}
    assert "socket!gone" not in layer.channels


async def test_a_receive_waits_for_a_message_as_before():
    layer = SweepingInMemoryChannelLayer()
    receiving = asyncio.ensure_future(layer.receive("socket!a"))
    await asyncio.sleep(0)
    assert not receiving.done()
    await layer.send("socket!a", {"type": "meeting.state"})
    assert await asyncio.wait_for(receiving, 1) == {"type": "meeting.state"}


async def test_every_middleware_and_the_view_run_in_one_synchronous_chain():
    handler = application.application_mapping["http"]
    assert isinstance(handler, OneHopASGIHandler)
    assert not asyncio.iscoroutinefunction(handler._middleware_chain)
    assert not any(asyncio.iscoroutinefunction(method) for method in handler._view_middleware)


@pytest.mark.django_db(transaction=True)
async def test_pages_are_served_through_it():
    communicator = HttpCommunicator(application, "GET", "/accounts/login/", headers=[(b"host", b"127.0.0.1")])
    response = await communicator.get_response()
    assert response["status"] == 200
    assert b"<form" in response["body"]
    headers = {name.lower() for name, _value in response["headers"]}
    assert {b"content-security-policy", b"x-frame-options", b"content-language"} <= headers  # middleware ran


@pytest.fixture
def opened_connections():
    """The database connections opened while the test runs, on any thread."""
    opened = []

    def record(sender, connection, **kwargs):
        opened.append(connection)

    connection_created.connect(record)
    yield opened
    connection_created.disconnect(record)


@pytest.mark.django_db(transaction=True)
async def test_a_request_closes_its_database_connection_when_it_ends(opened_connections):
    communicator = HttpCommunicator(application, "GET", "/healthz", headers=[(b"host", b"127.0.0.1")])
    assert (await communicator.get_response())["status"] == 200
    await communicator.wait()  # the application is done: response sent, request finished
    assert opened_connections
    assert all(wrapper.connection is None for wrapper in opened_connections)


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(not settings.DATABASES["default"]["ENGINE"].endswith("sqlite3"), reason="SQLite only")
async def test_the_sockets_database_thread_keeps_its_sqlite_connection(meeting, member, opened_connections):
    cookie = await cookie_for(member)
    await database_sync_to_async(connections.close_all)()  # whatever an earlier test left open there
    opened_connections.clear()
    for _ in range(3):
        communicator, connected = await open_socket(meeting, cookie)
        assert connected
        await communicator.disconnect()
    assert len(opened_connections) == 1  # three connects and disconnects: one connection
    assert opened_connections[0].connection is not None  # still open for the next socket
