"""The servers under test, each a subprocess on a free port of 127.0.0.1."""

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
STOP_GRACE_S = 5
PYTHON = str(ROOT / ".venv" / "bin" / "python") if (ROOT / ".venv").exists() else sys.executable
SERVER_PYTHON = [PYTHON, "-X", "faulthandler"]  # a hung server's threads can be dumped


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    """A server process; use as a context manager so it always stops."""

    def __init__(self, label: str, argv: list[str], port: int, env: dict, log: Path):
        self.label, self.argv, self.port, self.env, self.log = label, argv, port, env, log
        self.process = None
        self.killed = False

    @property
    def origin(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self):
        with self.log.open("a") as log:
            log.write(f"\n=== {self.label}: {' '.join(self.argv)}\n")
        self.process = subprocess.Popen(
            self.argv, cwd=ROOT, env=self.env, stdout=self.log.open("a"), stderr=subprocess.STDOUT
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.label} stopped at start-up; see {self.log}")
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.5).close()
                return self
            except OSError:
                time.sleep(0.1)
        self.__exit__()
        raise RuntimeError(f"{self.label} did not listen within 60 s; see {self.log}")

    def __exit__(self, *exc):
        if self.process and self.process.poll() is None:
            started = time.monotonic()
            self.process.terminate()
            try:
                self.process.wait(timeout=STOP_GRACE_S)
            except subprocess.TimeoutExpired:
                self.killed = True
                print(
                    f"{self.label} did not stop within {STOP_GRACE_S} s of SIGTERM; "
                    f"its threads are dumped to {self.log}",
                    flush=True,
                )
                self.process.send_signal(signal.SIGABRT)  # -X faulthandler prints every thread
                try:
                    self.process.wait(timeout=5)
                except subprocess.TimeoutExpired:
                    self.process.kill()
                    self.process.wait(timeout=10)
            else:
                print(f"{self.label} stopped in {time.monotonic() - started:.1f} s", flush=True)


def _env(database_url: str, redis_url: str = "", **extra) -> dict:
    """Without `redis_url`: one process, the in-memory channel layer, like `make run`."""
    env = {**os.environ, "DJANGO_DEBUG": "1", "DATABASE_URL": database_url, **extra}
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    env.pop("REDIS_URL", None)
    if redis_url:
        env["REDIS_URL"] = redis_url
    return env


def project_daphne(
    database_url: str, log: Path, redis_url: str = "", label: str = "project (daphne)"
) -> Server:
    port = free_port()
    argv = [*SERVER_PYTHON, "-m", "daphne", "-b", "127.0.0.1", "-p", str(port), "intervisie.asgi:application"]
    return Server(label, argv, port, _env(database_url, redis_url), log)


def project_runserver(database_url: str, log: Path) -> Server:
    port = free_port()
    argv = [*SERVER_PYTHON, "manage.py", "runserver", "--noreload", f"127.0.0.1:{port}"]
    return Server("project (runserver)", argv, port, _env(database_url), log)


def floor_daphne(log: Path, redis_url: str = "", label: str = "floor (daphne)", layer: str = "") -> Server:
    """The floor app; `layer` names another in-memory channel layer class than Channels' own."""
    port = free_port()
    argv = [*SERVER_PYTHON, "-m", "daphne", "-b", "127.0.0.1", "-p", str(port), "floor_app:application"]
    env = _env("sqlite:////nonexistent/unused.sqlite3", redis_url, PYTHONPATH=f"{BENCH}:{ROOT}")
    env.pop("DJANGO_SETTINGS_MODULE", None)
    if layer:
        env["FLOOR_LAYER"] = layer
    return Server(label, argv, port, env, log)
