"""Contributions under the phase rules, enforced by the server whatever the client sends."""

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from groups.actions import propose_agreements
from groups.models import AgreementAcceptance
from sessions.models import Contribution
from tests.conftest import client_for

CANARY = "Kanarie-casus-7731 over cliënt Jansen"


def go_to(meeting, phase_key):
    """Start the meeting and walk to the phase."""
    if meeting.status == "scheduled":
        meeting.start(meeting.version)
    while meeting.phase != phase_key:
        meeting.advance(meeting.version)


def send(user, meeting, kind, text="Wat maakt dit zo lastig voor je?", **headers):
    return client_for(user).post(
        reverse("meetings:contribute", args=[meeting.pk]), {"kind": kind, "text": text}, **headers
    )


@pytest.mark.parametrize(
    "phase,allowed",
    [
        ("inventarisatie", set()),
        ("analyse", {"question"}),
        ("bewustwording", {"observation"}),
        ("advies", {"advice"}),
        ("groepsthema", {"theme"}),
        ("evaluatie", set()),
    ],
)
def test_each_kind_is_accepted_in_its_phase_only(meeting, member, phase, allowed):
    go_to(meeting, phase)
    for kind in ["question", "observation", "association", "advice", "theme"]:
        response = send(member, meeting, kind, HTTP_HX_REQUEST="true")
        assert (response.status_code == 200) == (kind in allowed), (phase, kind)
    assert set(Contribution.objects.values_list("kind", flat=True)) == allowed


def test_a_refusal_says_why_and_keeps_the_text(meeting, member):
    go_to(meeting, "analyse")
    response = send(member, meeting, "advice", text="Zeg gewoon nee", HTTP_HX_REQUEST="true")
    assert response.status_code == 400
    html = response.content.decode()
    assert "In deze fase kun je geen advies insturen." in html
    assert "Zeg gewoon nee" in html


def test_an_over_long_text_is_refused_with_the_limit(meeting, member):
    go_to(meeting, "analyse")
    response = send(member, meeting, "question", text="x" * 2001, HTTP_HX_REQUEST="true")
    assert response.status_code == 400
    assert "hoogstens 2000 tekens" in response.content.decode()
    assert not Contribution.objects.exists()


def test_the_case_owner_does_not_question_or_advise_their_own_case(meeting, case_owner):
    meeting.set_case_owner(case_owner, meeting.version)
    go_to(meeting, "analyse")
    assert send(case_owner, meeting, "question", HTTP_HX_REQUEST="true").status_code == 400
    go_to(meeting, "advies")  # the case owner only listens
    assert send(case_owner, meeting, "advice", HTTP_HX_REQUEST="true").status_code == 400
    go_to(meeting, "groepsthema")
    assert send(case_owner, meeting, "theme", HTTP_HX_REQUEST="true").status_code == 200


def test_the_facilitator_does_not_contribute(meeting, facilitator):
    go_to(meeting, "analyse")
    assert send(facilitator, meeting, "question", HTTP_HX_REQUEST="true").status_code == 400


def test_a_member_who_has_not_accepted_the_agreements_is_refused(meeting, member, group):
    propose_agreements(group)
    go_to(meeting, "analyse")
    response = send(member, meeting, "question", HTTP_HX_REQUEST="true")
    assert "Ga eerst akkoord met de afspraken" in response.content.decode()
    group.refresh_from_db()
    AgreementAcceptance.objects.create(group=group, user=member, version=group.agreements_version)
    assert send(member, meeting, "question", HTTP_HX_REQUEST="true").status_code == 200


def test_the_phone_shows_a_form_for_each_allowed_kind(meeting, member):
    url = reverse("meetings:participant", args=[meeting.pk])
    meeting.start(meeting.version)
    assert 'data-testid="contribute"' not in client_for(member).get(url).content.decode()
    go_to(meeting, "analyse")
    html = client_for(member).get(url).content.decode()
    assert html.count('data-testid="contribute"') == 1 and 'data-kind="question"' in html


def test_the_facilitator_sees_questions_with_the_coachs_verdict(meeting, member, facilitator):
    go_to(meeting, "analyse")
    send(member, meeting, "question", text="Ben je boos op hem?")
    send(member, meeting, "question", text="Wat maakt dit zo lastig?")
    html = client_for(facilitator).get(reverse("meetings:facilitate", args=[meeting.pk])).content.decode()
    assert "Ben je boos op hem?" in html and "Wat maakt dit zo lastig?" in html
    assert "1 open vraag" in html
    question = next(c for c in Contribution.objects.all() if c.text == "Ben je boos op hem?")
    client_for(facilitator).post(reverse("meetings:mark-asked", args=[meeting.pk, question.pk]))
    question.refresh_from_db()
    assert question.asked_at is not None


def test_the_case_owner_never_sees_whose_question_the_coach_flagged(meeting, member, case_owner, facilitator):
    meeting.set_case_owner(case_owner, meeting.version)
    go_to(meeting, "analyse")
    send(member, meeting, "question", text="Waarom bel je hem niet gewoon op?")
    page = client_for(case_owner).get(reverse("meetings:participant", args=[meeting.pk])).content.decode()
    assert "Waarom bel je hem niet gewoon op?" in page  # in the case owner's queue
    assert "gesloten of adviserend" not in page
    page = client_for(facilitator).get(reverse("meetings:facilitate", args=[meeting.pk])).content.decode()
    assert "gesloten of adviserend" in page


def test_advice_stays_hidden_until_the_facilitator_reveals_it(meeting, member, facilitator):
    go_to(meeting, "advies")
    send(member, meeting, "advice", text="Plan een gesprek met je leidinggevende.")
    page = client_for(facilitator).get(reverse("meetings:facilitate", args=[meeting.pk])).content.decode()
    assert 'data-testid="reveal"' in page
    assert client_for(member).post(reverse("meetings:reveal", args=[meeting.pk])).status_code == 403
    client_for(facilitator).post(reverse("meetings:reveal", args=[meeting.pk]))
    assert Contribution.objects.get().revealed_at is not None


def test_the_coach_answers_while_typing(meeting, member):
    go_to(meeting, "analyse")
    url = reverse("meetings:coach", args=[meeting.pk])
    assert (
        "advies in vraagvorm"
        in client_for(member).post(url, {"text": "Heb je al geprobeerd te stoppen?"}).content.decode()
    )
    assert client_for(member).post(url, {"text": "Hoe voelde dat?"}).content == b""
    assert client_for(member).get(url).status_code == 405


def test_outsiders_and_coordinators_get_nothing_of_a_case(meeting, member, outsider, coordinator, group):
    coordinator.user_permissions.add(Permission.objects.get(codename="coordinate"))
    group.coordinators.add(coordinator)
    go_to(meeting, "analyse")
    send(member, meeting, "question", text=CANARY)
    question = Contribution.objects.get()
    for user in (outsider, coordinator):
        client = client_for(user)
        for url in (
            reverse("meetings:contribute", args=[meeting.pk]),
            reverse("meetings:coach", args=[meeting.pk]),
            reverse("meetings:reveal", args=[meeting.pk]),
            reverse("meetings:mark-asked", args=[meeting.pk, question.pk]),
        ):
            refused = 404 if user == outsider else 403  # the coordinator knows the group
            assert client.post(url, {"kind": "question", "text": "x"}).status_code == refused
        for url in (
            "/",
            reverse("meetings:traject", args=[group.pk]),
            reverse("meetings:register", args=[group.pk]),
            reverse("meetings:participant", args=[meeting.pk]),
            reverse("meetings:facilitate", args=[meeting.pk]),
        ):
            assert CANARY not in client.get(url).content.decode()
    assert CANARY not in str(question)


def test_a_member_who_has_not_accepted_follows_without_case_content(meeting, member, group):
    propose_agreements(group)
    go_to(meeting, "analyse")
    html = client_for(member).get(reverse("meetings:participant", args=[meeting.pk])).content.decode()
    assert 'data-testid="accept-first"' in html
    assert 'data-testid="contribute"' not in html
    assert 'data-phase="analyse"' in html and 'data-testid="countdown"' in html


def test_a_text_sent_again_with_its_key_is_stored_once(meeting, member):
    go_to(meeting, "analyse")
    url = reverse("meetings:contribute", args=[meeting.pk])
    for _ in range(3):  # a phone back online, resending what it kept
        response = client_for(member).post(
            url, {"kind": "question", "text": "Wat wil je?", "client_key": "k1"}, HTTP_HX_REQUEST="true"
        )
        assert response.status_code == 200 and "Verstuurd" in response.content.decode()
    client_for(member).post(url, {"kind": "question", "text": "Wat nog meer?", "client_key": "k2"})
    assert Contribution.objects.count() == 2
