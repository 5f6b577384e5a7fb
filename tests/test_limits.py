"""Abuse limits with clear messages, far above what a real group does."""

from django.core import mail
from django.test import Client
from django.urls import reverse

from sessions.models import Contribution, JoinRequest
from tests.conftest import client_for


def test_contributions_per_minute(meeting, member):
    meeting.start(meeting.version)
    meeting.advance(meeting.version)
    url = reverse("meetings:contribute", args=[meeting.pk])
    client = client_for(member)
    for number in range(30):  # a lively round of associations
        assert (
            client.post(
                url, {"kind": "question", "text": f"Wat speelt er {number}?"}, HTTP_HX_REQUEST="true"
            ).status_code
            == 200
        )
    response = client.post(url, {"kind": "question", "text": "Nog een vraag?"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 400
    assert "Wacht een minuut" in response.content.decode() and "Nog een vraag?" in response.content.decode()
    assert Contribution.objects.count() == 30


def test_a_whole_group_joins_from_one_wifi_but_a_flood_does_not(meeting, members):
    url = reverse("meetings:join", args=[meeting.join_code])
    for person in members * 6:  # thirty phones: a group of five, each trying six times
        Client().post(url, {"member": person.pk})
    assert JoinRequest.objects.count() == 30
    response = Client().post(url, {"member": members[0].pk})
    assert response.status_code == 200 and "te veel aanmeldingen" in response.content.decode()
    assert JoinRequest.objects.count() == 30


def test_password_reset_requests_per_email_address(member, members):
    url = reverse("password_reset")
    for _ in range(5):
        assert Client().post(url, {"email": member.email}).status_code == 302
    response = Client().post(url, {"email": member.email})
    assert response.status_code == 200 and "te veel aanvragen" in response.content.decode()
    assert len(mail.outbox) == 5
    # Colleagues on the same office network are not held up.
    assert Client().post(url, {"email": members[1].email}).status_code == 302


def test_one_account_gets_a_limited_number_of_guesses_from_any_address(member):
    for number in range(50):
        Client().post(
            reverse("login"), {"username": member.email, "password": "wrong"}, REMOTE_ADDR=f"10.0.0.{number}"
        )
    response = Client().post(
        reverse("login"), {"username": member.email, "password": "secret-pass-123"}, REMOTE_ADDR="10.9.9.9"
    )
    assert response.status_code == 200 and "Te veel mislukte pogingen" in response.content.decode()


def test_a_member_on_two_devices_and_a_group_logging_in_stay_inside_the_limits(members):
    for person in members:
        for _device in range(2):
            client = Client()
            assert (
                client.post(
                    reverse("login"), {"username": person.email, "password": "secret-pass-123"}
                ).status_code
                == 302
            )
            assert client.get("/").status_code in (200, 302)
