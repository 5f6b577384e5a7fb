"""Joining by QR code or short code: members go in, other phones wait to be admitted."""

import pytest
from django.urls import reverse

from sessions.models import JoinRequest, Meeting
from sessions.policy import DEVICE_SESSION_KEY
from tests.conftest import client_for


def join_url(meeting):
    return reverse("meetings:join", args=[meeting.join_code])


def wait_url(meeting):
    return reverse("meetings:join-wait", args=[meeting.join_code])


def test_a_logged_in_member_goes_straight_in(meeting, member):
    response = client_for(member).get(join_url(meeting))
    assert response.url == reverse("meetings:participant", args=[meeting.pk])


def test_the_facilitator_lands_on_the_facilitator_page(meeting, facilitator):
    response = client_for(facilitator).get(join_url(meeting))
    assert response.url == reverse("meetings:facilitate", args=[meeting.pk])


def test_the_code_is_not_case_sensitive(meeting, member):
    response = client_for(member).get(reverse("meetings:join", args=[meeting.join_code.lower()]))
    assert response.status_code == 302


@pytest.mark.parametrize("persona", ["outsider", "other_group_member", "coordinator"])
def test_a_logged_in_outsider_gets_nothing(meeting, persona, request):
    response = client_for(request.getfixturevalue(persona)).get(join_url(meeting))
    assert response.status_code == 404
    assert not JoinRequest.objects.exists()


def test_an_unknown_code_is_not_found(db):
    assert client_for(None).get(reverse("meetings:join", args=["NOPE22"])).status_code == 404


def test_a_phone_without_account_sees_first_names_only(meeting, members):
    html = client_for(None).get(join_url(meeting)).content.decode()
    for person in members:
        assert person.first_name in html
        assert person.last_name not in html and person.email not in html
    assert 'data-testid="phase"' not in html


def test_picking_a_name_asks_the_facilitator_and_shows_only_a_waiting_page(meeting, member):
    client = client_for(None)
    response = client.post(join_url(meeting), {"member": member.pk})
    assert response.url == wait_url(meeting)
    join_request = JoinRequest.objects.get()
    assert (join_request.user, join_request.status) == (member, JoinRequest.Status.WAITING)
    page = client.get(wait_url(meeting)).content.decode()
    assert member.first_name in page and 'data-testid="phase"' not in page
    assert client.get(wait_url(meeting), HTTP_HX_REQUEST="true").status_code == 204
    assert client.get(reverse("meetings:participant", args=[meeting.pk])).url == join_url(meeting)


def test_picking_a_name_that_is_not_a_member_is_refused_with_a_message(meeting, outsider):
    client = client_for(None)
    for choice in ({"member": outsider.pk}, {"member": "abc"}, {}):
        response = client.post(join_url(meeting), choice)
        assert response.status_code == 200
        assert "Kies je naam uit de lijst." in response.content.decode()
    assert not JoinRequest.objects.exists()


def admitted_client(meeting, member):
    client = client_for(None)
    client.post(join_url(meeting), {"member": member.pk})
    JoinRequest.objects.get(meeting=meeting, user=member).decide(admit=True)
    return client


def test_an_admitted_phone_is_that_member_for_this_meeting_only(meeting, member, group, facilitator, method):
    client = admitted_client(meeting, member)
    response = client.get(wait_url(meeting), HTTP_HX_REQUEST="true")
    assert response.headers["HX-Redirect"] == join_url(meeting)
    assert client.get(join_url(meeting)).url == reverse("meetings:participant", args=[meeting.pk])
    assert client.get(reverse("meetings:participant", args=[meeting.pk])).status_code == 200
    other = Meeting.objects.create(
        group=group,
        facilitator=facilitator,
        method=method,
        scheduled_start=meeting.scheduled_start,
        scheduled_end=meeting.scheduled_end,
    )
    assert client.get(reverse("meetings:participant", args=[other.pk])).status_code == 302  # to login
    assert client.get("/").status_code == 302  # not logged in as the member


def test_an_admitted_phone_loses_access_when_the_meeting_ends(meeting, member):
    client = admitted_client(meeting, member)
    meeting.start(meeting.version)
    meeting.close(meeting.version)
    response = client.get(reverse("meetings:participant", args=[meeting.pk]))
    assert response.url == join_url(meeting)
    assert client.get(join_url(meeting)).status_code == 410


def test_a_refused_phone_may_ask_again(meeting, member):
    client = client_for(None)
    client.post(join_url(meeting), {"member": member.pk})
    JoinRequest.objects.get().decide(admit=False)
    response = client.get(wait_url(meeting), HTTP_HX_REQUEST="true")
    assert response.headers["HX-Redirect"] == join_url(meeting)
    assert "niet toegelaten" in client.get(join_url(meeting)).content.decode()


def test_only_the_facilitator_admits(meeting, member, case_owner):
    client_for(None).post(join_url(meeting), {"member": member.pk})
    join_request = JoinRequest.objects.get()
    url = reverse("meetings:decide-join", args=[meeting.pk, join_request.pk])
    assert client_for(case_owner).post(url, {"decision": "admit"}).status_code == 403
    join_request.refresh_from_db()
    assert join_request.status == JoinRequest.Status.WAITING


def test_the_facilitator_admits_and_sees_the_list_update(meeting, facilitator, member):
    client_for(None).post(join_url(meeting), {"member": member.pk})
    join_request = JoinRequest.objects.get()
    facilitator_client = client_for(facilitator)
    assert (
        'data-testid="waiting-device"'
        in facilitator_client.get(reverse("meetings:facilitate", args=[meeting.pk])).content.decode()
    )
    response = facilitator_client.post(
        reverse("meetings:decide-join", args=[meeting.pk, join_request.pk]),
        {"decision": "admit"},
        HTTP_HX_REQUEST="true",
    )
    assert 'data-testid="waiting-device"' not in response.content.decode()
    join_request.refresh_from_db()
    assert join_request.status == JoinRequest.Status.ADMITTED


def test_joining_by_typed_code(meeting):
    client = client_for(None)
    response = client.get(reverse("meetings:join-by-code"), {"code": meeting.join_code.lower()})
    assert response.url == join_url(meeting)
    response = client.get(reverse("meetings:join-by-code"), {"code": "ZZZZZZ"})
    assert "Deze code werkt nu niet" in response.content.decode()


def test_the_device_grant_lives_in_the_session_only(meeting, member):
    client = admitted_client(meeting, member)
    assert str(meeting.pk) in client.session[DEVICE_SESSION_KEY]
    assert "_auth_user_id" not in client.session


def test_wrong_codes_are_throttled_per_address_and_the_right_one_is_never_slowed(meeting, settings):
    settings.JOIN_CODE_LIMIT = (20, 600)
    phone = client_for(None)
    for _ in range(30):  # a whole group on one Wi-Fi, with the right code: never refused
        assert phone.get(join_url(meeting)).status_code == 200
    typed = reverse("meetings:join-by-code")
    for number in range(20):
        assert phone.get(reverse("meetings:join", args=[f"ZZZ{number:03d}"])).status_code == 404
    response = phone.get(typed, {"code": "QQQQQQ"})
    assert response.status_code == 429 and "te veel verkeerde codes" in response.content.decode()
    assert phone.get(join_url(meeting)).status_code == 429  # guessing on learns nothing more
    assert client_for(None).get(join_url(meeting), REMOTE_ADDR="10.9.8.7").status_code == 200  # elsewhere


def test_only_todays_open_meeting_admits_phones_and_shows_names(meeting, members):
    from datetime import timedelta

    Meeting.objects.filter(pk=meeting.pk).update(
        scheduled_start=meeting.scheduled_start + timedelta(days=14),
        scheduled_end=meeting.scheduled_end + timedelta(days=14),
    )
    response = client_for(None).get(join_url(meeting))
    assert response.status_code == 404 and members[0].first_name not in response.content.decode()
    Meeting.objects.filter(pk=meeting.pk).update(
        scheduled_start=meeting.scheduled_start, scheduled_end=meeting.scheduled_end, status="cancelled"
    )
    response = client_for(None).post(join_url(meeting), {"member": members[0].pk})
    assert response.status_code == 404 and not JoinRequest.objects.exists()
    typed = client_for(None).get(reverse("meetings:join-by-code"), {"code": meeting.join_code})
    assert typed.status_code == 200 and "werkt nu niet" in typed.content.decode()
