"""Logging in with email and password, and the limit on failed attempts."""

import uuid

import pytest
from django.core import mail
from django.urls import reverse

from tests.conftest import client_for


@pytest.fixture(autouse=True)
def fresh_cache(settings):
    """A cache of its own per test, so counted failures do not leak between tests."""
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": uuid.uuid4().hex,
        }
    }


def login(client, email, password, address="10.0.0.1"):
    return client.post(reverse("login"), {"username": email, "password": password}, REMOTE_ADDR=address)


def test_a_member_logs_in_with_email_and_password(member):
    response = login(client_for(None), member.email.upper(), "secret-pass-123")
    assert response.status_code == 302


def test_a_wrong_password_gets_a_clear_message_and_keeps_the_email(member):
    response = login(client_for(None), member.email, "wrong")
    html = response.content.decode()
    assert "Dit e-mailadres en wachtwoord horen niet bij elkaar." in html
    assert f'value="{member.email}"' in html


def test_a_whole_group_logs_in_from_one_address(members):
    for person in members * 4:  # 20 successful logins, one Wi-Fi
        assert login(client_for(None), person.email, "secret-pass-123").status_code == 302


def test_failed_attempts_are_limited_per_account_and_address(member, settings):
    settings.LOGIN_FAILURE_LIMIT = 3
    for _ in range(3):
        login(client_for(None), member.email, "wrong", address="10.0.1.1")
    response = login(client_for(None), member.email, "secret-pass-123", address="10.0.1.1")
    assert response.status_code == 200
    assert "Te veel mislukte pogingen" in response.content.decode()


def test_nobody_elsewhere_can_lock_an_account_out(member, settings):
    settings.LOGIN_FAILURE_LIMIT = 3
    for _ in range(5):
        login(client_for(None), member.email, "wrong", address="203.0.113.9")
    assert login(client_for(None), member.email, "secret-pass-123", address="10.0.1.1").status_code == 302


def test_failed_attempts_are_limited_per_address_for_the_accounts_that_failed_there(members, settings):
    settings.LOGIN_FAILURE_LIMIT_PER_ADDRESS = 3
    for person in members[:3]:
        login(client_for(None), person.email, "wrong", address="10.0.3.1")
    response = login(client_for(None), members[0].email, "secret-pass-123", address="10.0.3.1")
    assert "Vanaf dit netwerk mislukken te veel aanmeldingen" in response.content.decode()


def test_guesses_on_made_up_addresses_do_not_lock_the_group_out(members, settings):
    """One person on the meeting's Wi-Fi fails 101 times on invented accounts: every member
    with the right password still gets in, and one with a typo is told it was the password."""
    for number in range(settings.LOGIN_FAILURE_LIMIT_PER_ADDRESS + 1):
        login(client_for(None), f"verzonnen{number}@example.org", "gok", address="10.0.4.1")
    for person in members[1:]:
        assert login(client_for(None), person.email, "secret-pass-123", address="10.0.4.1").status_code == 302
    typo = login(client_for(None), members[0].email, "secret-pass-12", address="10.0.4.1")
    assert "horen niet bij elkaar" in typo.content.decode()


def test_a_forgotten_password_is_reset_by_email(member):
    client = client_for(None)
    response = client.post(reverse("password_reset"), {"email": member.email})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    assert "/accounts/reset/" in mail.outbox[0].body


def test_logging_out_takes_a_post(member):
    client = client_for(member)
    assert client.get(reverse("logout")).status_code == 405
    assert client.post(reverse("logout")).status_code == 302
    assert client.get("/").status_code == 302
