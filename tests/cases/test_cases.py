"""Cases: prepared privately, brought in, chosen by the facilitator, reformulated by the case owner."""

from django.urls import reverse

from sessions.models import Case
from tests.conftest import client_for

SECRET = "Geheime-casus-4421"


def prepare(user, group, title=SECRET):
    client_for(user).post(
        reverse("meetings:cases", args=[group.pk]),
        {"title": title, "situation": "Een lastige situatie.", "question": "Hoe zeg ik nee?", "tried": ""},
    )
    return Case.objects.filter(owner=user).latest("created_at")


def chosen_and_in_phase(meeting, group, case_owner, phase: str):
    """The case owner's case, brought in and chosen, with the meeting in `phase`."""
    case = prepare(case_owner, group)
    client_for(case_owner).post(reverse("meetings:case-bring", args=[case.pk]))
    meeting.start(meeting.version)
    case.refresh_from_db()
    meeting.choose_case(case, meeting.version)
    while meeting.phase != phase:
        meeting.advance(meeting.version)
    return case


def test_a_draft_is_seen_by_its_owner_only(meeting, group, member, case_owner, facilitator):
    case = prepare(case_owner, group)
    assert case.status == Case.Status.DRAFT
    assert SECRET in client_for(case_owner).get(reverse("meetings:cases", args=[group.pk])).content.decode()
    assert SECRET not in client_for(member).get(reverse("meetings:cases", args=[group.pk])).content.decode()
    meeting.start(meeting.version)
    for user, url in (
        (member, reverse("meetings:participant", args=[meeting.pk])),
        (facilitator, reverse("meetings:facilitate", args=[meeting.pk])),
    ):
        assert SECRET not in client_for(user).get(url).content.decode()
    assert client_for(member).get(reverse("meetings:case-edit", args=[case.pk])).status_code == 404


def test_a_brought_case_is_listed_in_the_inventory_and_chosen(
    meeting, group, member, case_owner, facilitator
):
    case = prepare(case_owner, group)
    client_for(case_owner).post(reverse("meetings:case-bring", args=[case.pk]))
    case.refresh_from_db()
    assert (case.status, case.meeting) == (Case.Status.BROUGHT, meeting)
    meeting.start(meeting.version)
    assert (
        SECRET in client_for(member).get(reverse("meetings:participant", args=[meeting.pk])).content.decode()
    )
    page = client_for(facilitator).get(reverse("meetings:facilitate", args=[meeting.pk])).content.decode()
    assert SECRET in page and 'data-testid="choose-case"' in page
    response = client_for(facilitator).post(
        reverse("meetings:choose-case", args=[meeting.pk, case.pk]), {"version": str(meeting.version)}
    )
    assert response.status_code == 204
    meeting.refresh_from_db()
    assert meeting.case == case and meeting.case_owner == case_owner
    assert (
        client_for(member)
        .post(reverse("meetings:choose-case", args=[meeting.pk, case.pk]), {"version": str(meeting.version)})
        .status_code
        == 403
    )


def test_the_case_owner_reformulates_and_the_group_sees_both(meeting, group, member, case_owner):
    chosen_and_in_phase(meeting, group, case_owner, "bewustwording")
    url = reverse("meetings:reformulate", args=[meeting.pk])
    assert client_for(member).post(url, {"reformulation": "Niet van mij"}).status_code == 403
    client_for(case_owner).post(url, {"reformulation": "Waarom wil ik het iedereen naar de zin maken?"})
    html = client_for(member).get(reverse("meetings:participant", args=[meeting.pk])).content.decode()
    assert "Hoe zeg ik nee?" in html and "Waarom wil ik het iedereen naar de zin maken?" in html


def test_outsiders_and_coordinators_reach_no_case(
    meeting, group, case_owner, outsider, coordinator, facilitator
):
    case = prepare(case_owner, group)
    for user in (outsider, coordinator, facilitator):
        client = client_for(user)
        # The facilitator knows the group, yet brings no cases: 403; the others do not know it: 404.
        refused = 403 if user == facilitator else 404
        assert client.get(reverse("meetings:cases", args=[group.pk])).status_code == refused
        assert client.get(reverse("meetings:case-edit", args=[case.pk])).status_code == 404
        assert client.post(reverse("meetings:case-bring", args=[case.pk])).status_code == 404
    assert SECRET not in str(case)


def test_the_case_owner_marks_revealed_advice_and_writes_an_action(
    meeting, group, member, case_owner, facilitator
):
    case = prepare(case_owner, group)
    client_for(case_owner).post(reverse("meetings:case-bring", args=[case.pk]))
    meeting.start(meeting.version)
    case.refresh_from_db()
    meeting.choose_case(case, meeting.version)
    while meeting.phase != "advies":
        meeting.advance(meeting.version)
    client_for(member).post(
        reverse("meetings:contribute", args=[meeting.pk]),
        {"kind": "advice", "text": "Oefen het gesprek vooraf."},
    )
    owner_page = reverse("meetings:participant", args=[meeting.pk])
    assert "Oefen het gesprek vooraf." not in client_for(case_owner).get(owner_page).content.decode()
    client_for(facilitator).post(reverse("meetings:reveal", args=[meeting.pk]))
    assert "Oefen het gesprek vooraf." in client_for(case_owner).get(owner_page).content.decode()
    advice = meeting.contributions.get()
    assert (
        client_for(member).post(reverse("meetings:mark-fits", args=[meeting.pk, advice.pk])).status_code
        == 403
    )
    client_for(case_owner).post(reverse("meetings:mark-fits", args=[meeting.pk, advice.pk]))
    client_for(case_owner).post(
        reverse("meetings:action", args=[meeting.pk]), {"action": "Ik plan het gesprek."}
    )
    advice.refresh_from_db()
    case.refresh_from_db()
    assert advice.fits and case.action == "Ik plan het gesprek."
    html = client_for(member).get(owner_page).content.decode()
    assert "Past volgens de inbrenger" in html and "Ik plan het gesprek." in html


def test_pressing_bewaren_twice_stores_one_draft(group, member):
    """The second press (or the same POST sent again) carries the form's token: nothing is stored twice."""
    client = client_for(member)
    url = reverse("meetings:cases", args=[group.pk])
    token = client.get(url).context["form"]["form_token"].value()
    data = {"title": "Twee keer", "situation": "S", "question": "Q", "tried": "", "form_token": token}
    assert client.post(url, data).status_code == 302
    assert client.post(url, data).status_code == 302
    assert Case.objects.filter(owner=member).count() == 1
    fresh = client.get(url).context["form"]["form_token"].value()
    assert fresh != token  # a new form is a new case


def test_a_reformulation_over_the_limit_is_refused_not_cut_off(meeting, group, case_owner):
    case = chosen_and_in_phase(meeting, group, case_owner, "bewustwording")
    url = reverse("meetings:reformulate", args=[meeting.pk])
    response = client_for(case_owner).post(url, {"reformulation": "x" * 1001})
    assert response.status_code == 400 and "hoogstens 1000 tekens" in response.content.decode()
    case.refresh_from_db()
    assert case.reformulation == ""
    assert client_for(case_owner).post(url, {"reformulation": "y" * 1000}).status_code == 204


def test_every_text_field_states_its_limit(group, member):
    html = client_for(member).get(reverse("meetings:cases", args=[group.pk])).content.decode()
    for limit in (120, 4000, 1000, 2000):  # title, situation, question, what was tried
        assert f"Hoogstens {limit} tekens." in html
