"""The meeting's pages and commands: who sees what, and commands over POST."""

import re

import pytest
from django.urls import reverse

from sessions.live import broadcast
from sessions.models import Meeting
from tests.conftest import client_for


def facilitate_url(meeting):
    return reverse("meetings:facilitate", args=[meeting.pk])


def participant_url(meeting):
    return reverse("meetings:participant", args=[meeting.pk])


def command_url(meeting, name):
    return reverse("meetings:command", args=[meeting.pk, name])


def test_the_facilitator_page_shows_phase_timer_controls_and_qr(meeting, facilitator):
    response = client_for(facilitator).get(facilitate_url(meeting))
    html = response.content.decode()
    assert response.status_code == 200
    assert 'data-testid="phase" data-phase="lobby"' in html
    assert 'data-testid="countdown"' in html
    assert 'data-testid="start-meeting"' in html
    join_path = reverse("meetings:join", args=[meeting.join_code])
    assert f'data-join-url="http://testserver{join_path}"' in html
    assert "<svg" in html and meeting.join_code in html


def test_the_qr_code_uses_site_url_when_set(meeting, facilitator, settings):
    settings.SITE_URL = "http://192.168.1.20:8000"
    html = client_for(facilitator).get(facilitate_url(meeting)).content.decode()
    assert f'data-join-url="http://192.168.1.20:8000/j/{meeting.join_code}/"' in html


def test_the_facilitator_opening_the_participant_page_gets_the_facilitator_view(meeting, facilitator):
    response = client_for(facilitator).get(participant_url(meeting))
    assert response.status_code == 302
    assert response.url == facilitate_url(meeting)


def test_a_member_who_facilitates_gets_the_facilitator_view(meeting, member):
    Meeting.objects.filter(pk=meeting.pk).update(facilitator=member)
    response = client_for(member).get(participant_url(meeting))
    assert response.url == facilitate_url(meeting)


def test_a_member_sees_the_phone_page_without_controls(meeting, member):
    html = client_for(member).get(participant_url(meeting)).content.decode()
    assert 'data-testid="phase" data-phase="lobby"' in html
    assert 'data-testid="connection"' in html
    assert "start-meeting" not in html
    assert "join-qr" not in html


def test_the_case_owner_gets_another_instruction_than_the_others(meeting, member, case_owner):
    meeting.set_case_owner(case_owner, meeting.version)
    meeting.start(meeting.version)
    owner_html = client_for(case_owner).get(participant_url(meeting)).content.decode()
    member_html = client_for(member).get(participant_url(meeting)).content.decode()
    phase = meeting.current_phase
    assert phase.case_owner_nl in owner_html and "Jij bent de inbrenger" in owner_html
    assert phase.member_nl in member_html and "Jij bent de inbrenger" not in member_html


@pytest.mark.parametrize("persona", ["member", "case_owner"])
def test_members_may_not_open_the_facilitator_or_presenter_page(meeting, persona, request):
    client = client_for(request.getfixturevalue(persona))
    assert client.get(facilitate_url(meeting)).status_code == 403
    assert client.get(reverse("meetings:presenter", args=[meeting.pk])).status_code == 403


def test_anonymous_visitors_are_sent_to_the_login_page(meeting):
    response = client_for(None).get(facilitate_url(meeting))
    assert response.status_code == 302
    assert response.url == f"/accounts/login/?next={facilitate_url(meeting)}"
    response = client_for(None).post(command_url(meeting, "start"), {"version": "0"})
    assert response.status_code == 302 and response.url.startswith("/accounts/login/")


@pytest.mark.parametrize("persona", ["outsider", "other_group_member", "coordinator"])
def test_people_outside_the_group_see_nothing(meeting, persona, request):
    client = client_for(request.getfixturevalue(persona))
    for url in (
        participant_url(meeting),
        facilitate_url(meeting),
        reverse("meetings:presenter", args=[meeting.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 404
        assert meeting.group.name not in response.content.decode()
    response = client.post(command_url(meeting, "start"), {"version": "0"})
    assert response.status_code == 404
    meeting.refresh_from_db()
    assert meeting.state_key == "lobby"


def test_a_member_cannot_run_commands(meeting, member):
    response = client_for(member).post(command_url(meeting, "start"), {"version": "0"})
    assert response.status_code == 403
    meeting.refresh_from_db()
    assert meeting.state_key == "lobby"


def test_commands_are_post_only(meeting, facilitator):
    response = client_for(facilitator).get(command_url(meeting, "start"))
    assert response.status_code == 405
    meeting.refresh_from_db()
    assert meeting.state_key == "lobby"


def test_an_unknown_command_is_not_found(meeting, facilitator):
    assert client_for(facilitator).post(command_url(meeting, "explode"), {"version": "0"}).status_code == 404


def test_a_command_answers_htmx_with_no_content_the_push_redraws(meeting, facilitator):
    response = client_for(facilitator).post(
        command_url(meeting, "start"), {"version": "0"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 204
    meeting.refresh_from_db()
    assert meeting.phase == "inventarisatie"


def test_a_command_without_htmx_redirects_back(meeting, facilitator):
    response = client_for(facilitator).post(command_url(meeting, "start"), {"version": "0"})
    assert response.status_code == 302
    assert response.url == facilitate_url(meeting)


def test_a_double_click_on_next_moves_one_phase(meeting, facilitator):
    client = client_for(facilitator)
    client.post(command_url(meeting, "start"), {"version": "0"}, HTTP_HX_REQUEST="true")
    first = client.post(command_url(meeting, "advance"), {"version": "1"}, HTTP_HX_REQUEST="true")
    second = client.post(command_url(meeting, "advance"), {"version": "1"}, HTTP_HX_REQUEST="true")
    assert first.status_code == 204
    assert second.status_code == 409
    assert "actuele stand" in second.content.decode()
    meeting.refresh_from_db()
    assert meeting.phase == "analyse"


# "¹" is a digit to isdigit() and 5,000 digits are too many for int(): neither may cause a 500.
@pytest.mark.parametrize("version", ["", "abc", "-1", "¹", "9" * 5000])
def test_a_command_without_a_valid_version_changes_nothing(meeting, facilitator, version):
    response = client_for(facilitator).post(
        command_url(meeting, "start"), {"version": version}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 400
    meeting.refresh_from_db()
    assert meeting.state_key == "lobby"


def test_a_refused_command_says_why(meeting, facilitator):
    response = client_for(facilitator).post(
        command_url(meeting, "advance"), {"version": "0"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 409
    assert "De bijeenkomst loopt niet." in response.content.decode()


def test_the_facilitator_chooses_the_case_owner(meeting, facilitator, case_owner, outsider):
    client = client_for(facilitator)
    client.post(command_url(meeting, "case_owner"), {"version": "0", "case_owner": case_owner.pk})
    meeting.refresh_from_db()
    assert meeting.case_owner == case_owner
    response = client.post(
        command_url(meeting, "case_owner"),
        {"version": str(meeting.version), "case_owner": outsider.pk},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 409
    meeting.refresh_from_db()
    assert meeting.case_owner == case_owner


def phase_panel(html: str) -> str:
    end = r'</div>\s*<(?:aside|div id="announcer"|div id="work-panel"|section id="kept-texts")'
    match = re.search(r'<div id="phase-panel"[^>]*>(.*?)' + end, html, re.S)
    return match.group(1).strip()


@pytest.mark.parametrize("variant", ["member", "facilitator"])
def test_the_page_and_the_push_render_the_same_panel(meeting, facilitator, member, variant):
    import json

    meeting.start(meeting.version)
    meeting.pause(meeting.version)  # a paused timer renders the same at any moment
    user = facilitator if variant == "facilitator" else member
    url = facilitate_url(meeting) if variant == "facilitator" else participant_url(meeting)
    page_panel = phase_panel(client_for(user).get(url).content.decode())
    pushed = json.loads(broadcast.frame(Meeting.load(meeting.pk), variant))
    assert pushed["phase"] == "inventarisatie"
    assert pushed["html"]["phase-panel"].strip() == page_panel


def test_security_headers_are_sent_in_development(meeting, member):
    response = client_for(member).get(participant_url(meeting))
    csp = response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Referrer-Policy"] == "same-origin"


def test_the_home_page_lists_my_meetings(meeting, member, outsider):
    assert meeting.group.name in client_for(member).get("/").content.decode()
    assert meeting.group.name not in client_for(outsider).get("/").content.decode()


def test_dutch_by_default_english_on_request(meeting, member):
    client = client_for(member)
    assert "Welkom" in client.get(participant_url(meeting), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    html = client.get(participant_url(meeting)).content.decode()
    assert 'lang="en"' in html and "Welcome" in html
