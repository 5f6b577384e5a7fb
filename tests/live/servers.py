"""Real server processes for the scaled-out tests: daphne on a free port, against the test database."""

import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client

ROOT = Path(__file__).resolve().parents[2]

scaled_out = pytest.mark.skipif(
    not (os.environ.get("REDIS_URL") and os.environ.get("DATABASE_URL", "").startswith("postgres")),
    reason="needs REDIS_URL and a PostgreSQL DATABASE_URL (CI's second run has both)",
)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_port(port: int, process: subprocess.Popen, what: str) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{what} stopped at start-up")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"{what} did not listen on {port}")


class Daphne:
    """A daphne process on the test database (PostgreSQL); `env` adds or overrides variables."""

    def __init__(self, args: tuple = (), **env):
        self.port = free_port()
        self.args, self.env = args, env
        self.process = None
        self.log = Path(tempfile.mkstemp(prefix="daphne-", suffix=".log")[1])

    def start(self):
        db = connection.settings_dict
        url = f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}"
        env = {**os.environ, "DATABASE_URL": url, "DJANGO_DEBUG": "1", **self.env}
        env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        argv = [sys.executable, "-m", "daphne", *self.args, "-b", "127.0.0.1", "-p", str(self.port)]
        with open(self.log, "ab") as log:  # read when the process does not stop
            self.process = subprocess.Popen(
                [*argv, "intervisie.asgi:application"],
                cwd=ROOT,
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=log,
            )
        wait_for_port(self.port, self.process, "daphne")

    def stop(self):
        """SIGTERM, as a deploy sends it: a process that does not end within 10 s fails the test."""
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
            log = self.log.read_text()[-4000:]
            raise AssertionError(f"daphne did not stop on SIGTERM; its log:\n{log}") from None
        self.log.unlink(missing_ok=True)


def session_cookie(user) -> str:
    client = Client()
    client.force_login(user)
    return f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"
