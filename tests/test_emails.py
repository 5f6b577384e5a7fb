"""Every kind of email carries absolute links, whoever sends it: a request, or a command from cron."""

import re
from datetime import timedelta
from io import StringIO

import pytest
from django.contrib.auth.models import Permission
from django.core import mail
from django.core.management import CommandError, call_command
from django.test import TestCase
from django.urls import reverse
from django.utils import timezone

from sessions.models import Meeting
from tests.conftest import client_for, make_user

SITE = "https://intervisie.example.org"
KINDS = {
    "invitation",
    "added_to_group",
    "membership_changed",
    "schedule",
    "added",
    "changed",
    "cancelled",
    "reminder",
    "signal_digest",
    "password_reset",
}


@pytest.fixture
def coordinator(coordinator, group):
    """A coordinator of the persona group."""
    coordinator.user_permissions.add(Permission.objects.get(codename="coordinate"))
    group.coordinators.add(coordinator)
    return coordinator


def links(text: str) -> list[str]:
    """Everything that looks like a link or a path: a word with a slash in it."""
    return re.findall(r"[^\s<>\"']*/[^\s<>\"']*", text)


def kind(message) -> str:
    subject = message.subject
    for word, name in [
        ("Uitnodiging", "invitation"),
        ("Je bent lid", "added_to_group"),
        ("Wijziging in", "membership_changed"),
        ("De bijeenkomsten van", "schedule"),
        ("Extra bijeenkomst", "added"),
        ("gewijzigd", "changed"),
        ("gaat niet door", "cancelled"),
        ("Herinnering", "reminder"),
        ("Signalen", "signal_digest"),
        ("Nieuw wachtwoord", "password_reset"),
    ]:
        if word in subject:
            return name
    raise AssertionError(f"an email of an unknown kind: {subject}")


def send_every_kind(coordinator, group, facilitator, members, method):
    client = client_for(coordinator)
    with TestCase.captureOnCommitCallbacks(execute=True):
        # A new group: invitations, and an account that is simply added.
        client.post(
            reverse("groups:create"),
            {
                "name": "Noord",
                "time_zone": "Europe/Amsterdam",
                "facilitator_name": "Frits Begeleider",
                "facilitator_email": "frits@example.org",
                "members_text": "\n".join(f"Lid{n} <lid-{n}@example.org>" for n in range(3))
                + f"\n{members[0].first_name} <{members[0].email}>",
                "save": "1",
            },
        )
    with TestCase.captureOnCommitCallbacks(execute=True):
        # A change to the persona group: its facilitator hears of it.
        lines = "\n".join(f"{m.first_name} <{m.email}>" for m in members) + "\nNieuw <nieuw@example.org>"
        client.post(
            reverse("groups:edit", args=[group.pk]),
            {
                "name": group.name,
                "time_zone": "Europe/Amsterdam",
                "facilitator_name": facilitator.first_name,
                "facilitator_email": facilitator.email,
                "members_text": lines,
                "save": "1",
            },
        )
    first = timezone.localdate() + timedelta(days=2)
    with TestCase.captureOnCommitCallbacks(execute=True):
        client.post(
            reverse("meetings:schedule", args=[group.pk]),
            {
                "first_date": first.isoformat(),
                "start_time": "19:00",
                "interval": "2w",
                "duration": "120",
                "count": "6",
                "place": "Zaal 3",
                "confirm": "1",
            },
        )
    planned = list(group.meetings.order_by("scheduled_start"))
    with TestCase.captureOnCommitCallbacks(execute=True):
        client.post(
            reverse("meetings:edit", args=[planned[1].pk]),
            {
                "facilitator": facilitator.pk,
                "date": (first + timedelta(days=15)).isoformat(),
                "start_time": "10:00",
                "duration": "120",
                "place": "Online",
            },
        )
    with TestCase.captureOnCommitCallbacks(execute=True):
        client.post(reverse("meetings:cancel", args=[planned[2].pk]), {"confirm": "1"})
    with TestCase.captureOnCommitCallbacks(execute=True):
        client.post(
            reverse("meetings:add-meeting", args=[group.pk]),
            {
                "facilitator": facilitator.pk,
                "date": (first + timedelta(days=30)).isoformat(),
                "start_time": "10:00",
                "duration": "120",
                "place": "",
            },
        )
    # A meeting that never started: a signal for the coordinator's digest.
    start = timezone.now() - timedelta(days=3)
    Meeting.objects.create(
        group=group,
        facilitator=facilitator,
        method=method,
        scheduled_start=start,
        scheduled_end=start + timedelta(hours=2),
    )
    call_command("send_reminders", stdout=StringIO())
    call_command("send_signal_digests", stdout=StringIO())
    client.post(reverse("logout"))
    client.post(reverse("password_reset"), {"email": members[1].email})


def test_every_email_links_absolutely(coordinator, group, facilitator, members, method, settings):
    settings.SITE_URL = SITE
    send_every_kind(coordinator, group, facilitator, members, method)
    assert {kind(message) for message in mail.outbox} == KINDS
    for message in mail.outbox:
        found = links(message.body)
        assert found, f"{kind(message)} has no link"
        assert all(link.startswith(f"{SITE}/") for link in found), (kind(message), found)
        for _name, content, _type in message.attachments:
            text = content.decode() if isinstance(content, bytes) else content
            urls = re.findall(r"^URL:(.*)$", text, re.M)
            assert urls and all(url.strip().startswith(f"{SITE}/") for url in urls)


def test_without_a_site_url_the_links_come_from_the_request(coordinator, group, facilitator, members):
    with TestCase.captureOnCommitCallbacks(execute=True):
        client_for(coordinator).post(
            reverse("groups:create"),
            {
                "name": "Noord",
                "time_zone": "Europe/Amsterdam",
                "facilitator_name": "Frits Begeleider",
                "facilitator_email": "frits@example.org",
                "members_text": "\n".join(f"Lid{n} <lid-{n}@example.org>" for n in range(4)),
                "save": "1",
            },
        )
    assert mail.outbox
    for message in mail.outbox:
        assert all(link.startswith("http://testserver/") for link in links(message.body))


@pytest.mark.parametrize("command", ["send_reminders", "send_signal_digests"])
def test_a_command_from_cron_without_a_site_url_refuses_rather_than_mail_broken_links(command, settings, db):
    settings.SITE_URL = ""
    make_user("x@example.org", "X")
    with pytest.raises(CommandError, match="SITE_URL"):
        call_command(command, stdout=StringIO())
    assert mail.outbox == []
