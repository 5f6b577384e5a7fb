"""Faults survived, nothing lost: concurrent writes, double submissions, the channel layer gone."""

from concurrent.futures import ThreadPoolExecutor

import pytest
from channels.layers import channel_layers
from django.db import connections
from django.urls import reverse

from sessions.models import Connection, Contribution, Meeting
from tests.conftest import client_for

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_whole_group_sending_at_once_loses_nothing_and_gets_no_error(meeting, members):
    """Eight phones (SQLite: one writer at a time, so they wait; PostgreSQL: in parallel)."""
    meeting.start(meeting.version)
    meeting.advance(meeting.version)
    url = reverse("meetings:contribute", args=[meeting.pk])

    def send(number: int) -> int:
        try:
            person = members[number % len(members)]
            response = client_for(person).post(
                url,
                {"kind": "question", "text": f"Vraag {number}?", "client_key": f"k{number}"},
                HTTP_HX_REQUEST="true",
            )
            return response.status_code
        finally:
            connections.close_all()

    with ThreadPoolExecutor(8) as pool:
        statuses = list(pool.map(send, range(40)))
    assert statuses == [200] * 40
    assert sorted(c.text for c in Contribution.objects.all()) == sorted(f"Vraag {n}?" for n in range(40))


def test_double_clicks_and_stale_commands_change_nothing_twice(meeting, facilitator):
    meeting.start(meeting.version)
    url = reverse("meetings:command", args=[meeting.pk, "advance"])

    def click(_):
        try:
            return (
                client_for(facilitator)
                .post(url, {"version": meeting.version}, HTTP_HX_REQUEST="true")
                .status_code
            )
        finally:
            connections.close_all()

    with ThreadPoolExecutor(4) as pool:
        statuses = sorted(pool.map(click, range(4)))
    assert statuses == [204, 409, 409, 409]
    meeting.refresh_from_db()
    assert meeting.phase == "analyse" and meeting.transitions.filter(command="advance").count() == 1


@pytest.fixture
def redis_gone(settings):
    healthy = settings.CHANNEL_LAYERS
    settings.CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {"hosts": ["redis://127.0.0.1:9/0"]},
        }
    }
    channel_layers.backends = {}
    yield
    settings.CHANNEL_LAYERS = healthy
    channel_layers.backends = {}


def test_with_the_channel_layer_gone_commands_still_work_and_say_so_in_health(
    meeting, facilitator, member, redis_gone, caplog
):
    Connection.objects.create(meeting=meeting, user=member, audience="member", channel_name="phone-1")
    response = client_for(facilitator).post(
        reverse("meetings:command", args=[meeting.pk, "start"]),
        {"version": meeting.version},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 204  # saved; the phones catch up when their sockets return
    assert Meeting.objects.get(pk=meeting.pk).status == Meeting.Status.LIVE
    assert "push to meeting" in caplog.text
    health = client_for(None).get("/healthz")
    assert health.status_code == 503 and health.json()["channel_layer"] == "unavailable"
