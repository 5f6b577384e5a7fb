"""The methods library: every built-in method is valid data in both languages, and runs live."""

import pytest
from django.urls import reverse
from django.utils import translation

from sessions.models import CaseOwnerMode, ContributionKind, Meeting, Method, PhaseStep
from tests.conftest import client_for

BUILT_IN = [
    "zesfasenmodel",
    "incidentmethode",
    "balintmethode",
    "roddelmethode",
    "vijfstappenmethode",
    "socratisch-gesprek",
    "kwaliteitenmethode",
]


@pytest.mark.parametrize("key", BUILT_IN)
def test_every_built_in_method_is_valid_in_both_languages(method, key):
    chosen = Method.objects.get(key=key)
    phases = list(chosen.phases.all())
    assert 4 <= len(phases) <= 8
    assert [p.order for p in phases] == list(range(len(phases)))
    assert 45 <= chosen.total_minutes <= 120
    for language in ("nl", "en"):
        with translation.override(language):
            assert chosen.name and chosen.description
            for phase in phases:
                assert phase.name, (key, phase.key, language)
                for role in ("facilitator", "case_owner", "member"):
                    assert len(phase.instruction(role)) > 10, (key, phase.key, role, language)
    for phase in phases:
        assert 1 <= phase.minutes <= 30
        assert set(phase.member_kinds) <= set(ContributionKind.values)
        assert phase.case_owner_mode in CaseOwnerMode.values
        assert phase.step in PhaseStep.values
        assert not (phase.reveal_together and not phase.member_kinds), "nothing to reveal"
    steps = [phase.step for phase in phases]
    # Each method lets the group choose a case first, asks before advising, and ends in an evaluation.
    assert steps[0] == PhaseStep.CHOOSE or phases[0].key == "terugblik"
    assert steps[-1] == PhaseStep.EVALUATE
    kinds = [phase.member_kinds for phase in phases]
    first_question = next(i for i, k in enumerate(kinds) if "question" in k)
    assert all("advice" not in k for k in kinds[: first_question + 1])
    # The English texts are translations, not copies of the Dutch ones.
    for phase in phases:
        assert phase.name_en != phase.name_nl and phase.member_en != phase.member_nl, (key, phase.key)


def test_the_roddelmethode_puts_the_case_owner_outside_the_circle(method):
    gossip = Method.objects.get(key="roddelmethode").phases.get(key="roddelen")
    assert gossip.case_owner_mode == CaseOwnerMode.OUTSIDE
    assert set(gossip.member_kinds) == {"observation", "association"}


@pytest.mark.parametrize("key", BUILT_IN)
def test_the_live_machinery_runs_any_method_from_start_to_close(meeting, facilitator, key):
    meeting.set_method(Method.objects.get(key=key), meeting.version, facilitator)
    meeting.start(meeting.version)
    seen = [meeting.phase]
    while meeting.next_phase:
        meeting.advance(meeting.version)
        seen.append(meeting.phase)
    assert seen == [phase.key for phase in Method.objects.get(key=key).phases.all()]
    meeting.close(meeting.version)
    assert meeting.status == Meeting.Status.CLOSED


def test_the_facilitator_chooses_the_method_in_the_lobby_only(meeting, facilitator, member):
    url = reverse("meetings:command", args=[meeting.pk, "method"])
    balint = Method.objects.get(key="balintmethode")
    assert client_for(member).post(url, {"version": meeting.version, "method": balint.pk}).status_code == 403
    client_for(facilitator).post(url, {"version": meeting.version, "method": balint.pk})
    meeting.refresh_from_db()
    assert meeting.method == balint
    meeting.start(meeting.version)
    response = client_for(facilitator).post(
        url,
        {"version": meeting.version, "method": Method.objects.get(key="zesfasenmodel").pk},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 409
    assert "voordat de bijeenkomst begint" in response.content.decode()


def test_a_facilitator_copies_a_method_and_adjusts_phases_minutes_and_texts(meeting, facilitator, member):
    original = Method.objects.get(key="vijfstappenmethode")
    assert client_for(member).get(reverse("meetings:methods")).status_code == 404
    client = client_for(facilitator)
    assert "Roddelmethode" in client.get(reverse("meetings:methods")).content.decode()
    response = client.post(reverse("meetings:method-copy", args=[original.pk]))
    copy = Method.objects.get(created_by=facilitator)
    assert response.url == reverse("meetings:method-edit", args=[copy.pk])
    assert copy.phases.count() == original.phases.count()

    page = client.get(response.url)
    formset = page.context["formset"]
    data = {
        "name_nl": "Vijf stappen, kort",
        "name_en": "Five steps, short",
        "description_nl": "",
        "description_en": "",
    }
    data.update({f"phases-{k}": v for k, v in formset.management_form.initial.items()})
    for index, form in enumerate(formset.forms):
        for name, field in form.fields.items():
            value = form.initial.get(name, field.initial)
            if name == "member_kinds":
                data[f"phases-{index}-{name}"] = value or []
            elif value not in (None, False):
                data[f"phases-{index}-{name}"] = value
    data["phases-0-minutes"] = 5
    data["phases-0-member_nl"] = "Lees de casus vooraf."
    data["phases-1-DELETE"] = "on"  # drop the exploring phase
    last = len(formset.forms) - 1  # the empty extra form: a new phase at the end
    data.update(
        {
            f"phases-{last}-name_nl": "Afsluiting",
            f"phases-{last}-name_en": "Closing",
            f"phases-{last}-minutes": 5,
            f"phases-{last}-case_owner_mode": "answers",
            **{
                f"phases-{last}-{role}_{lang}": "Rond af."
                for role in ("facilitator", "case_owner", "member")
                for lang in ("nl", "en")
            },
        }
    )
    response = client.post(reverse("meetings:method-edit", args=[copy.pk]), data)
    assert response.status_code == 302, response.context and response.context["formset"].errors
    copy.refresh_from_db()
    phases = list(copy.phases.all())
    assert copy.name_nl == "Vijf stappen, kort"
    assert [p.key for p in phases] == ["vraag", "kern", "advies", "evaluatie", "afsluiting"]
    assert phases[0].minutes == 5 and phases[0].member_nl == "Lees de casus vooraf."
    assert original.phases.get(key="vraag").minutes == 10  # the original is untouched

    # The copy is the facilitator's own: chosen for a meeting, not editable by others.
    client.post(
        reverse("meetings:command", args=[meeting.pk, "method"]),
        {"version": meeting.version, "method": copy.pk},
    )
    meeting.refresh_from_db()
    assert meeting.method == copy
    assert client_for(member).get(reverse("meetings:method-edit", args=[copy.pk])).status_code == 404


def test_a_method_in_a_live_meeting_is_not_edited(meeting, facilitator):
    copy = Method.objects.get(key="zesfasenmodel").copy_for(facilitator)
    meeting.set_method(copy, meeting.version, facilitator)
    meeting.start(meeting.version)
    response = client_for(facilitator).post(reverse("meetings:method-edit", args=[copy.pk]), {"name_nl": "x"})
    assert response.status_code == 200
    assert "Een bijeenkomst loopt met deze werkvorm" in response.content.decode()


@pytest.mark.parametrize("key", BUILT_IN)
def test_each_kind_is_accepted_exactly_where_the_method_allows_it(meeting, facilitator, member, key):
    meeting.set_method(Method.objects.get(key=key), meeting.version, facilitator)
    meeting.start(meeting.version)
    url = reverse("meetings:contribute", args=[meeting.pk])
    client = client_for(member)
    while True:
        allowed = set(meeting.current_phase.member_kinds)
        for kind in ContributionKind.values:
            response = client.post(
                url, {"kind": kind, "text": "Wat maakt dit lastig?"}, HTTP_HX_REQUEST="true"
            )
            assert (response.status_code == 200) == (kind in allowed), (key, meeting.phase, kind)
        if not meeting.next_phase:
            break
        meeting.advance(meeting.version)
