"""A meeting's rounds: votes on cases, a second case, turns, evaluation, look-back and summary."""

import json
from datetime import timedelta

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from groups.actions import propose_agreements
from sessions.live import broadcast
from sessions.models import CaseVote, CommandNotAllowed, Contribution, Evaluation, Meeting, Method
from tests.conftest import client_for

from .test_cases import prepare
from .test_contributions import go_to, send

SCORES = {"helped": 5, "depth": 3, "safe": 4, "stayed": 5, "critical": 2, "take_away": "Doorvragen loont."}


def brought(user, group, title):
    case = prepare(user, group, title=title)
    client_for(user).post(reverse("meetings:case-bring", args=[case.pk]))
    case.refresh_from_db()
    return case


def test_members_vote_and_the_facilitator_confirms(meeting, group, members, facilitator):
    first, second = brought(members[0], group, "Casus A"), brought(members[1], group, "Casus B")
    meeting.start(meeting.version)
    for voter in members[:3]:
        assert (
            client_for(voter).post(reverse("meetings:vote", args=[meeting.pk, second.pk])).status_code == 204
        )
    client_for(members[2]).post(reverse("meetings:vote", args=[meeting.pk, first.pk]))  # moves the vote
    assert (
        CaseVote.objects.filter(case=second).count() == 2 and CaseVote.objects.filter(case=first).count() == 1
    )
    assert (
        client_for(facilitator).post(reverse("meetings:vote", args=[meeting.pk, first.pk])).status_code == 403
    )
    html = client_for(facilitator).get(reverse("meetings:facilitate", args=[meeting.pk])).content.decode()
    assert "2 stemmen" in html and "1 stem" in html
    client_for(facilitator).post(
        reverse("meetings:choose-case", args=[meeting.pk, second.pk]), {"version": meeting.version}
    )
    meeting.refresh_from_db()
    assert meeting.case == second and meeting.case_owner == members[1]
    meeting.advance(meeting.version)  # voting belongs to the choosing phase
    assert (
        client_for(members[0]).post(reverse("meetings:vote", args=[meeting.pk, first.pk])).status_code == 409
    )


def test_a_second_case_runs_the_phases_again(meeting, group, members, facilitator):
    first, second = brought(members[0], group, "Casus A"), brought(members[1], group, "Casus B")
    go_to(meeting, "inventarisatie")
    meeting.choose_case(first, meeting.version)
    go_to(meeting, "analyse")
    send(members[2], meeting, "question", text="Wat speelt er bij A?")
    with pytest.raises(CommandNotAllowed, match="na de laatste fase"):
        meeting.next_case(meeting.version)
    go_to(meeting, "evaluatie")
    meeting.next_case(meeting.version, facilitator)
    assert (meeting.round, meeting.phase, meeting.case, meeting.case_owner) == (
        2,
        "inventarisatie",
        None,
        None,
    )
    cases = broadcast.rounds.brought_cases(meeting)
    assert cases == [second]  # the case treated in round 1 is not offered again
    meeting.choose_case(second, meeting.version)
    go_to(meeting, "analyse")
    send(members[2], meeting, "question", text="Wat speelt er bij B?")
    html = client_for(facilitator).get(reverse("meetings:facilitate", args=[meeting.pk])).content.decode()
    assert "Wat speelt er bij B?" in html and "Wat speelt er bij A?" not in html
    go_to(meeting, "evaluatie")
    with pytest.raises(CommandNotAllowed, match="hoogstens twee"):
        meeting.next_case(meeting.version)
    rounds = broadcast.rounds.summary(meeting)
    assert [r.case for r in rounds] == [first, second] and [r.questions for r in rounds] == [1, 1]


def test_turns_pass_along_the_members_but_not_the_case_owner(meeting, group, members, facilitator):
    case = brought(members[1], group, "Casus")
    go_to(meeting, "inventarisatie")
    meeting.choose_case(case, meeting.version)
    go_to(meeting, "analyse")
    order = []
    meeting.next_turn(meeting.version)
    while meeting.turn:
        order.append(meeting.turn)
        meeting.next_turn(meeting.version)
    assert members[1] not in order and facilitator not in order
    assert order == sorted(order, key=lambda u: u.first_name) and len(order) == len(members) - 1
    meeting.next_turn(meeting.version)
    meeting.advance(meeting.version)
    assert meeting.turn is None  # a new phase starts without a round


def test_the_evaluation_is_sent_from_the_phone_and_counted_live(meeting, members, facilitator):
    go_to(meeting, "analyse")
    url = reverse("meetings:evaluate", args=[meeting.pk])
    assert client_for(members[0]).post(url, SCORES).status_code == 409  # not the evaluation phase
    go_to(meeting, "evaluatie")
    html = client_for(members[0]).get(reverse("meetings:participant", args=[meeting.pk])).content.decode()
    assert 'data-testid="evaluation"' in html and "Durfden we kritisch te zijn?" in html
    response = client_for(members[0]).post(url, {**SCORES, "critical": 9}, HTTP_HX_REQUEST="true")
    assert response.status_code == 400 and "Doorvragen loont." in response.content.decode()  # input kept
    assert client_for(members[0]).post(url, SCORES, HTTP_HX_REQUEST="true").status_code == 200
    client_for(members[1]).post(url, {**SCORES, "critical": 4, "take_away": ""})
    client_for(members[0]).post(url, {**SCORES, "critical": 3})  # sending again replaces
    assert Evaluation.objects.count() == 2
    assert client_for(facilitator).post(url, SCORES).status_code == 403
    results = broadcast.rounds.evaluation_results(meeting, 1)
    assert results.count == 2 and dict((q[:12], a) for q, a in results.averages)["Durfden we k"] == 3.5
    frame = json.loads(broadcast.frame(Meeting.load(meeting.pk), "facilitator"))
    assert (
        "Evaluatie: 2 ingevuld" in frame["html"]["work-panel"]
        and "Doorvragen loont." in frame["html"]["work-panel"]
    )


def test_the_summary_and_the_look_back_at_the_next_meeting(meeting, group, members, facilitator, method):
    case = brought(members[1], group, "Nee zeggen")
    go_to(meeting, "inventarisatie")
    meeting.choose_case(case, meeting.version)
    go_to(meeting, "advies")
    send(members[0], meeting, "advice", text="Spreek een vaste grens af.")
    client_for(facilitator).post(reverse("meetings:reveal", args=[meeting.pk]))
    advice = Contribution.objects.get(kind="advice")
    client_for(members[1]).post(reverse("meetings:mark-fits", args=[meeting.pk, advice.pk]))
    client_for(members[1]).post(reverse("meetings:action", args=[meeting.pk]), {"action": "Grens bespreken."})
    go_to(meeting, "groepsthema")
    send(members[2], meeting, "theme", text="Grenzen stellen")
    go_to(meeting, "evaluatie")
    client_for(members[0]).post(reverse("meetings:evaluate", args=[meeting.pk]), SCORES)
    meeting.close(meeting.version)

    html = client_for(members[3]).get(reverse("meetings:summary", args=[meeting.pk])).content.decode()
    for text in (
        "Hoe zeg ik nee?",
        "Spreek een vaste grens af.",
        "past volgens de inbrenger",
        "Grens bespreken.",
    ):
        assert text in html
    assert "Grenzen stellen" in html and "Doorvragen loont." in html
    traject = client_for(members[3]).get(reverse("meetings:traject", args=[group.pk])).content.decode()
    assert "Grenzen stellen" in traject and 'data-testid="summary-link"' in traject

    following = Meeting.objects.create(
        group=group,
        facilitator=facilitator,
        method=method,
        scheduled_start=meeting.scheduled_start + timedelta(days=14),
        scheduled_end=meeting.scheduled_end + timedelta(days=14),
    )
    following.start(following.version)
    page = client_for(members[0]).get(reverse("meetings:participant", args=[following.pk])).content.decode()
    assert 'data-testid="look-back"' in page and "Grens bespreken." in page
    url = reverse("meetings:follow-up", args=[following.pk, case.pk])
    assert client_for(members[0]).post(url, {"follow_up": "Niet van mij"}).status_code == 404
    assert client_for(members[1]).post(url, {"follow_up": "Gedaan, het werkt."}).status_code == 204
    case.refresh_from_db()
    assert case.follow_up == "Gedaan, het werkt."
    following.advance(following.version)
    assert client_for(members[1]).post(url, {"follow_up": "Later"}).status_code == 409


def test_summary_evaluations_and_votes_stay_inside_the_group(meeting, group, members, outsider, coordinator):
    coordinator.user_permissions.add(Permission.objects.get(codename="coordinate"))
    group.coordinators.add(coordinator)
    case = brought(members[1], group, "Kanarie-7731")
    go_to(meeting, "inventarisatie")
    for user in (outsider, coordinator):
        client = client_for(user)
        refused = 404 if user == outsider else 403  # the coordinator knows the group
        assert client.post(reverse("meetings:vote", args=[meeting.pk, case.pk])).status_code == refused
        assert client.post(reverse("meetings:evaluate", args=[meeting.pk]), SCORES).status_code == refused
        assert client.get(reverse("meetings:summary", args=[meeting.pk])).status_code == refused
        assert client.post(reverse("meetings:follow-up", args=[meeting.pk, case.pk])).status_code == refused
        assert "Kanarie-7731" not in client.get(reverse("meetings:traject", args=[group.pk])).content.decode()
    propose_agreements(group)  # members[0] has not accepted the new agreements
    pending = client_for(members[0])
    response = pending.get(reverse("meetings:summary", args=[meeting.pk]))
    assert response.status_code == 403 and "Kanarie-7731" not in response.content.decode()
    assert pending.post(reverse("meetings:vote", args=[meeting.pk, case.pk])).status_code == 403
    assert (
        "Kanarie-7731" not in pending.get(reverse("meetings:participant", args=[meeting.pk])).content.decode()
    )
    frame = json.loads(broadcast.frame(Meeting.load(meeting.pk), "member_pending"))
    assert "Kanarie-7731" not in json.dumps(frame)
    # Not even as the case owner: their own case, yes; the others' cases, no.
    meeting.set_case_owner(members[0], meeting.version)
    page = pending.get(reverse("meetings:participant", args=[meeting.pk])).content.decode()
    assert "Kanarie-7731" not in page and 'data-testid="accept-first"' in page


def test_anonymous_groups_hide_who_wrote_what(meeting, group, members, facilitator):
    group.anonymous_contributions = True
    group.save()
    go_to(meeting, "groepsthema")
    send(members[0], meeting, "theme", text="Grenzen")
    for user in (facilitator, members[2]):
        url = reverse(
            "meetings:facilitate" if user == facilitator else "meetings:participant", args=[meeting.pk]
        )
        html = client_for(user).get(url).content.decode()
        assert "Grenzen" in html and "Anna ·" not in html


def test_the_roddelmethode_case_owner_only_listens_outside_the_circle(meeting, group, members, facilitator):
    meeting.set_method(Method.objects.get(key="roddelmethode"), meeting.version, facilitator)
    case = brought(members[1], group, "Casus")
    go_to(meeting, "introductie")
    meeting.choose_case(case, meeting.version)
    go_to(meeting, "roddelen")
    page = client_for(members[1]).get(reverse("meetings:participant", args=[meeting.pk])).content.decode()
    assert 'data-mode="outside"' in page and 'data-testid="contribute"' not in page
    assert send(members[1], meeting, "observation", HTTP_HX_REQUEST="true").status_code == 400
    assert (
        send(members[0], meeting, "association", text="Ik zie iemand die alles alleen doet.").status_code
        == 302
    )
    # Shared with the group at once: this phase does not write first.
    assert Contribution.objects.get().revealed_at is not None


def questions_on_screen(user, meeting) -> str:
    return client_for(user).get(reverse("meetings:participant", args=[meeting.pk])).content.decode()


def test_another_case_owner_mid_round_starts_afresh_and_choosing_back_restores_the_round(
    meeting, group, members, facilitator
):
    first = brought(members[0], group, "Casus A")
    go_to(meeting, "inventarisatie")
    meeting.choose_case(first, meeting.version)
    go_to(meeting, "analyse")
    send(members[2], meeting, "question", text="Wat speelt er bij A?")

    meeting.set_case_owner(members[1], meeting.version, facilitator)  # a slip of the facilitator's hand
    assert (meeting.case, meeting.case_owner) == (None, members[1])
    assert "Wat speelt er bij A?" not in questions_on_screen(members[1], meeting)
    send(members[2], meeting, "question", text="Wat speelt er bij jou?")

    meeting.set_case_owner(members[0], meeting.version, facilitator)  # and back
    assert (meeting.case, meeting.case_owner) == (first, members[0])
    first.refresh_from_db()
    assert first.status == "chosen"
    screen = questions_on_screen(members[0], meeting)
    assert "Wat speelt er bij A?" in screen and "Wat speelt er bij jou?" not in screen
    assert [c.text for c in meeting.round_contributions()] == ["Wat speelt er bij A?"]


def test_another_case_keeps_each_case_its_own_questions(meeting, group, members, facilitator):
    first, second = brought(members[0], group, "Casus A"), brought(members[1], group, "Casus B")
    go_to(meeting, "inventarisatie")
    meeting.choose_case(first, meeting.version)
    go_to(meeting, "analyse")
    send(members[2], meeting, "question", text="Wat speelt er bij A?")
    meeting.choose_case(second, meeting.version)
    assert list(meeting.round_contributions()) == []
    first.refresh_from_db()
    assert first.status == "brought"
    meeting.choose_case(first, meeting.version)
    assert [c.text for c in meeting.round_contributions()] == ["Wat speelt er bij A?"]
    summary = broadcast.rounds.summary(meeting)
    assert summary[0].case == first and summary[0].questions == 1


def test_a_case_left_in_the_first_round_can_be_chosen_in_the_second(meeting, group, members, facilitator):
    first, second = brought(members[0], group, "Casus A"), brought(members[1], group, "Casus B")
    go_to(meeting, "inventarisatie")
    meeting.choose_case(first, meeting.version)
    meeting.choose_case(second, meeting.version)  # A is left
    go_to(meeting, "evaluatie")
    meeting.next_case(meeting.version, facilitator)
    assert broadcast.rounds.brought_cases(meeting) == [first]
    meeting.set_case_owner(members[0], meeting.version, facilitator)
    assert meeting.case is None  # left in round 1: chosen again only by choosing it
    meeting.choose_case(first, meeting.version)
    assert meeting.case == first


def test_votes_change_the_counts_never_the_order(meeting, group, members):
    cases = [brought(members[index], group, f"Casus {index}") for index in range(3)]
    meeting.start(meeting.version)
    for voter in members[:4]:
        client_for(voter).post(reverse("meetings:vote", args=[meeting.pk, cases[2].pk]))
    assert broadcast.rounds.brought_cases(meeting) == cases
    assert [len(case.voter_ids) for case in broadcast.rounds.brought_cases(meeting)] == [0, 0, 4]
