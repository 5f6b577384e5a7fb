"""Scaled out: two daphne processes sharing Redis and PostgreSQL (runs where both are set, as in CI).

A phone connected to one process sees a phase change made through the other,
and restarting one process leaves the other's phones connected and served.
"""

import json
import time

import pytest

from .servers import Daphne, scaled_out, session_cookie

IDLE_LONGER_THAN_A_REDIS_READ = 7  # s; channels_redis blocks on Redis for 5 s per read
pytestmark = [scaled_out, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def two_processes():
    processes = [Daphne(), Daphne()]
    for process in processes:
        process.start()
    yield processes
    for process in processes:
        if process.process.poll() is None:
            process.stop()


def command(process: Daphne, meeting, name: str, version: int, cookie: str) -> int:
    import urllib.request

    token = "a" * 32
    request = urllib.request.Request(
        f"http://127.0.0.1:{process.port}/meetings/{meeting.pk}/command/{name}/",
        data=f"version={version}".encode(),
        headers={
            "Cookie": f"{cookie}; csrftoken={token}",
            "X-CSRFToken": token,
            "HX-Request": "true",
            "Content-Type": "application/x-www-form-urlencoded",
        },
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        return response.status


def next_phase_push(ws, timeout: float = 10.0) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        message = json.loads(ws.recv(timeout=deadline - time.monotonic()))
        if message.get("type") == "push" and "phase" in message:
            return message
    raise AssertionError("no push arrived")


def test_a_change_through_one_process_reaches_phones_on_the_other(
    two_processes, meeting, member, facilitator
):
    from websockets.sync.client import connect

    first, second = two_processes
    with connect(
        f"ws://127.0.0.1:{first.port}/ws/meetings/{meeting.pk}/",
        additional_headers={"Cookie": session_cookie(member), "Origin": f"http://127.0.0.1:{first.port}"},
    ) as phone:
        assert json.loads(phone.recv(timeout=10))["type"] == "snapshot"
        facilitator_cookie = session_cookie(facilitator)

        assert command(second, meeting, "start", meeting.version, facilitator_cookie) == 204
        assert next_phase_push(phone)["phase"] == "inventarisatie"

        # Idle for longer than the channel layer's blocking read on Redis (5 s): the socket stays
        # served (with redis-py 8's default read timeout every idle consumer crashed here).
        time.sleep(IDLE_LONGER_THAN_A_REDIS_READ)
        meeting.refresh_from_db()
        assert command(second, meeting, "pause", meeting.version, facilitator_cookie) == 204
        assert next_phase_push(phone)["paused"] is True

        second.stop()  # the other process goes away (a deploy, a crash)
        meeting.refresh_from_db()
        assert command(first, meeting, "advance", meeting.version, facilitator_cookie) == 204
        assert next_phase_push(phone)["phase"] == "analyse"  # still connected, still served

        second.start()
        meeting.refresh_from_db()
        assert command(second, meeting, "advance", meeting.version, facilitator_cookie) == 204
        assert next_phase_push(phone)["phase"] == "bewustwording"
