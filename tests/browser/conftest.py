"""Browser tests: Debian's Chromium driven by Playwright against a real server.

The server is Django's development server (daphne's runserver) in a
subprocess, on the database that pytest-django created, so that a test can
stop and restart it on the same port.
"""

import os
import shutil
import socket
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection, connections
from django.test import Client

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "artifacts"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}
LAPTOP = {"viewport": {"width": 1280, "height": 800}}


def _database_url() -> str:
    db = connection.settings_dict
    if db["ENGINE"] == "django.db.backends.sqlite3":
        return f"sqlite:///{db['NAME']}"
    return f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    """`manage.py runserver` in a subprocess; stop() and start() keep the port."""

    def __init__(self):
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process = None
        self.log = ARTIFACTS / "server.log"

    def start(self):
        ARTIFACTS.mkdir(exist_ok=True)
        env = {**os.environ, "DATABASE_URL": _database_url(), "DJANGO_DEBUG": "1"}
        env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        self.process = subprocess.Popen(
            [sys.executable, "manage.py", "runserver", "--noreload", f"127.0.0.1:{self.port}"],
            cwd=ROOT,
            env=env,
            stdout=self.log.open("a"),
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the server stopped; see {self.log}")
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.5).close()
                return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError("the server did not start within 30 s")

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


@pytest.fixture(scope="session")
def server(django_db_setup, django_db_blocker):
    if not Path(CHROMIUM).exists():
        pytest.fail("Chromium is missing: `make test` installs Debian's chromium package")
    server = Server()
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def browser(server):
    """Chromium, for as long as the browser tests run (they run last).

    Playwright's sync API keeps an event loop running in this thread, so
    Django would refuse the ORM here; Django's escape hatch is set for
    exactly that time, and the consumer tests keep Django's guard.
    """
    from playwright.sync_api import sync_playwright

    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
            yield browser
            browser.close()
    finally:
        del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]


@pytest.fixture
def live(transactional_db, server, browser):
    """What a browser test needs: the server, the browser, and a way to log in."""
    contexts = []

    class Live:
        url = server.url
        errors = []  # JavaScript exceptions and console errors of every page

        def context(self, user=None, device=LAPTOP, clock_offset_ms=0):
            context = browser.new_context(base_url=server.url, **device)
            if clock_offset_ms:
                # A phone whose clock is off: Date and Date.now() shift, performance.now() does not.
                context.add_init_script(
                    script=f"""(() => {{
                      const offset = {clock_offset_ms};
                      const RealDate = Date;
                      class ShiftedDate extends RealDate {{
                        constructor(...args) {{ super(...(args.length ? args : [RealDate.now() + offset])); }}
                        static now() {{ return RealDate.now() + offset; }}
                      }}
                      globalThis.Date = ShiftedDate;
                    }})();"""
                )
            if user is not None:
                client = Client()
                client.force_login(user)
                cookie = client.cookies[settings.SESSION_COOKIE_NAME]
                context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": server.url}])
            contexts.append(context)
            return context

        def page(self, user=None, device=LAPTOP, clock_offset_ms=0):
            page = self.context(user, device, clock_offset_ms).new_page()
            page.set_default_timeout(10_000)
            page.on("pageerror", lambda error: self.errors.append(str(error)))
            page.on("console", lambda message: message.type == "error" and self.errors.append(message.text))
            return page

    yield Live()
    for context in contexts:
        context.close()


def in_thread(function):
    """Run ORM writes off this thread: Playwright's event loop holds it, and a
    write pushes to the channel layer after its commit (async_to_sync)."""

    def run():
        try:
            return function()
        finally:
            connections.close_all()  # the thread's own connection, or PostgreSQL keeps it open

    with ThreadPoolExecutor(1) as pool:
        return pool.submit(run).result()


@pytest.fixture
def demo(method):
    """The demo data; returns today's demo meeting (in the lobby)."""
    from io import StringIO

    from django.core.management import call_command
    from django.utils import timezone

    from sessions.models import Meeting

    in_thread(lambda: call_command("demo", stdout=StringIO()))
    return Meeting.objects.get(scheduled_start__date=timezone.localdate())


def user(email: str):
    from django.contrib.auth import get_user_model

    return get_user_model().objects.get(email=email)


def facilitating(live, meeting, device=LAPTOP):
    """The facilitator's page of the meeting."""
    page = live.page(user("begeleider@example.org"), device)
    page.goto(f"/meetings/{meeting.pk}/facilitate/")
    return page


def phones_in(live, meeting, *emails: str) -> list:
    """Members' phones on the meeting's live page, each connected."""
    from playwright.sync_api import expect

    phones = []
    for email in emails:
        phone = live.page(user(email), PHONE)
        phone.goto(f"/meetings/{meeting.pk}/")
        expect(phone.get_by_test_id("connection")).to_have_attribute("data-state", "online")
        phones.append(phone)
    return phones


def screenshot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
