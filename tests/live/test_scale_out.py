"""Scaled out: two daphne processes sharing Redis and PostgreSQL (runs where both are set, as in CI).

A phone connected to one process sees a phase change made through the other,
and restarting one process leaves the other's phones connected and served.
"""

import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client

ROOT = Path(__file__).resolve().parents[2]
IDLE_LONGER_THAN_A_REDIS_READ = 7  # s; channels_redis blocks on Redis for 5 s per read
pytestmark = [
    pytest.mark.skipif(
        not (os.environ.get("REDIS_URL") and os.environ.get("DATABASE_URL", "").startswith("postgres")),
        reason="needs REDIS_URL and a PostgreSQL DATABASE_URL (CI's second run has both)",
    ),
    pytest.mark.django_db(transaction=True),
]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Daphne:
    def __init__(self):
        self.port = free_port()
        self.process = None

    def start(self):
        db = connection.settings_dict
        url = f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}"
        env = {**os.environ, "DATABASE_URL": url, "DJANGO_DEBUG": "1"}
        env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "daphne",
                "-b",
                "127.0.0.1",
                "-p",
                str(self.port),
                "intervisie.asgi:application",
            ],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.5).close()
                return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError("daphne did not start")

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=10)


@pytest.fixture
def two_processes():
    processes = [Daphne(), Daphne()]
    for process in processes:
        process.start()
    yield processes
    for process in processes:
        if process.process.poll() is None:
            process.stop()


def session_cookie(user) -> str:
    client = Client()
    client.force_login(user)
    return f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"


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
    phone = connect(
        f"ws://127.0.0.1:{first.port}/ws/meetings/{meeting.pk}/",
        additional_headers={"Cookie": session_cookie(member), "Origin": f"http://127.0.0.1:{first.port}"},
    )
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
    phone.close()
