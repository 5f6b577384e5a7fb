"""Agreements: proposed from templates, edited by the facilitator, accepted by every member."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from groups.actions import propose_agreements
from groups.models import Agreement, AgreementAcceptance, Membership
from tests.conftest import client_for, make_user


def page_url(group):
    return reverse("groups:agreements", args=[group.pk])


def accept_url(group):
    return reverse("groups:accept-agreements", args=[group.pk])


def edit_url(group):
    return reverse("groups:edit-agreements", args=[group.pk])


def accept(client, group, **extra):
    return client.post(accept_url(group), {"version": group.agreements_version}, **extra)


def formset_data(group, **changes):
    """The edit form as the browser sends it (\\r\\n line ends), with `changes` per form index."""
    agreements = list(group.agreements.all())
    data = {
        "agreements-TOTAL_FORMS": str(len(agreements) + 1),
        "agreements-INITIAL_FORMS": str(len(agreements)),
        "agreements-MIN_NUM_FORMS": "0",
        "agreements-MAX_NUM_FORMS": "1000",
    }
    for index, agreement in enumerate(agreements):
        data[f"agreements-{index}-id"] = str(agreement.pk)
        data[f"agreements-{index}-title"] = agreement.title
        data[f"agreements-{index}-text"] = agreement.text.replace("\n", "\r\n")
    extra = len(agreements)
    data[f"agreements-{extra}-title"] = ""
    data[f"agreements-{extra}-text"] = ""
    for key, value in changes.items():
        data[f"agreements-{key}"] = value
    return data


@pytest.fixture
def proposed(group, facilitator, members):
    propose_agreements(group)
    return group


# --- proposing -------------------------------------------------------------------


def test_proposing_creates_confidentiality_attendance_and_tgi_as_version_1(group):
    created = propose_agreements(group)
    assert [a.kind for a in created] == ["confidentiality", "attendance", "tgi"]
    assert group.agreements_version == 1
    group.refresh_from_db()
    assert group.agreements_version == 1
    texts = {a.kind: a.text for a in group.agreements.all()}
    assert "blijft in de groep" in texts["confidentiality"] and "cliënten" in texts["confidentiality"]
    assert "met een reden" in texts["attendance"]
    assert "‘ik’" in texts["tgi"] and "Storingen gaan voor" in texts["tgi"]


def test_proposing_again_changes_nothing(proposed):
    assert propose_agreements(proposed) == []
    proposed.refresh_from_db()
    assert proposed.agreements.count() == 3 and proposed.agreements_version == 1


def test_proposing_after_all_were_deleted_is_a_new_version(proposed, member):
    AgreementAcceptance.objects.create(group=proposed, user=member, version=1)
    proposed.agreements.all().delete()
    proposed.agreements_version = 2
    proposed.save(update_fields=["agreements_version"])
    propose_agreements(proposed)
    assert proposed.agreements_version == 3
    assert not proposed.has_accepted_agreements(member)


def test_the_proposal_is_saved_in_the_active_language(group):
    with translation.override("nl"):
        propose_agreements(group)
    assert group.agreements.get(kind="confidentiality").title == "Vertrouwelijkheid"


def test_the_facilitator_loads_the_proposal_from_the_edit_page(group, facilitator):
    client = client_for(facilitator)
    assert "Voorstel laden" in client.get(edit_url(group)).content.decode()
    response = client.post(edit_url(group), {"propose": "1"})
    assert response.url == edit_url(group)
    group.refresh_from_db()
    assert group.agreements.count() == 3 and group.agreements_version == 1
    assert "Voorstel laden" not in client.get(edit_url(group)).content.decode()


# --- reading and accepting -------------------------------------------------------------


def test_a_member_reads_the_agreements_and_the_version(proposed, member):
    html = client_for(member).get(page_url(proposed)).content.decode()
    for agreement in proposed.agreements.all():
        assert agreement.title in html
    assert "Versie 1" in html
    assert 'data-testid="accept-agreements"' in html
    assert 'data-testid="edit-agreements"' not in html
    assert 'data-testid="member-acceptances"' not in html


def test_a_member_accepts_and_it_is_recorded_with_version_and_time(proposed, member):
    assert not proposed.has_accepted_agreements(member)
    before = timezone.now()
    response = accept(client_for(member), proposed)
    assert response.url == page_url(proposed)
    acceptance = AgreementAcceptance.objects.get(group=proposed, user=member)
    assert acceptance.version == 1
    assert before <= acceptance.accepted_at <= timezone.now()
    assert proposed.has_accepted_agreements(member)
    html = client_for(member).get(page_url(proposed)).content.decode()
    assert 'data-accepted="true"' in html and "akkoord gegaan met versie 1" in html
    assert 'data-testid="accept-agreements"' not in html


def test_accepting_twice_records_one_acceptance(proposed, member):
    client = client_for(member)
    accept(client, proposed)
    first = AgreementAcceptance.objects.get(user=member).accepted_at
    accept(client, proposed)
    assert AgreementAcceptance.objects.filter(user=member).count() == 1
    assert AgreementAcceptance.objects.get(user=member).accepted_at == first


def test_an_htmx_accept_answers_with_the_acceptance_block(proposed, member):
    response = accept(client_for(member), proposed, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith('<section id="acceptance"')
    assert 'data-accepted="true"' in html and "<html" not in html


def test_accepting_a_version_that_was_changed_meanwhile_records_nothing(proposed, member):
    client = client_for(member)
    response = client.post(accept_url(proposed), {"version": "0"})
    assert response.url == page_url(proposed)
    assert not AgreementAcceptance.objects.exists()
    assert "intussen gewijzigd" in client.get(page_url(proposed)).content.decode()
    response = client.post(accept_url(proposed), {"version": "0"}, HTTP_HX_REQUEST="true")
    assert response.headers["HX-Refresh"] == "true"
    assert not AgreementAcceptance.objects.exists()


def test_there_is_nothing_to_accept_before_there_are_agreements(group, facilitator, member):
    html = client_for(member).get(page_url(group)).content.decode()
    assert "nog niet vastgelegd" in html and 'data-testid="accept-agreements"' not in html
    accept(client_for(member), group)
    assert not AgreementAcceptance.objects.exists()


def test_accept_is_post_only(proposed, member):
    assert client_for(member).get(accept_url(proposed)).status_code == 405
    assert not AgreementAcceptance.objects.exists()


def test_the_text_is_escaped_and_keeps_its_line_breaks(proposed, member):
    Agreement.objects.create(
        group=proposed, title="<b>Titel</b>", text="<script>alert(1)</script>\nregel twee"
    )
    html = client_for(member).get(page_url(proposed)).content.decode()
    assert "<script>alert(1)</script>" not in html and "<b>Titel</b>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;<br>regel twee" in html
    assert "&lt;b&gt;Titel&lt;/b&gt;" in html


# --- the facilitator's view ------------------------------------------------------------


def test_the_facilitator_sees_who_has_and_has_not_accepted(proposed, facilitator, members):
    accept(client_for(members[0]), proposed)
    accept(client_for(members[2]), proposed)
    html = client_for(facilitator).get(page_url(proposed)).content.decode()
    assert 'data-testid="edit-agreements"' in html
    assert "2 van de 5 deelnemers zijn akkoord." in html
    rows = html.split('data-testid="member-acceptance"')[1:]
    assert len(rows) == 5
    status = {person.first_name: None for person in members}
    for row in rows:
        name = next(person.first_name for person in members if person.first_name in row)
        status[name] = 'data-accepted="true"' in row and "akkoord op" in row
        assert ("nog niet akkoord" in row) != status[name]
    assert status == {"Anna": True, "Bram": False, "Chantal": True, "Daan": False, "Eva": False}


def test_the_facilitator_page_runs_the_same_number_of_queries_for_a_bigger_group(proposed, facilitator):
    client = client_for(facilitator)
    with CaptureQueriesContext(connection) as small:
        client.get(page_url(proposed))
    for number in range(3):
        person = make_user(f"extra{number}@example.org", f"Extra{number}")
        Membership.objects.create(group=proposed, user=person)
        AgreementAcceptance.objects.create(group=proposed, user=person, version=1)
    with CaptureQueriesContext(connection) as big:
        html = client.get(page_url(proposed)).content.decode()
    assert html.count('data-testid="member-acceptance"') == 8
    assert len(big.captured_queries) == len(small.captured_queries)


# --- editing -------------------------------------------------------------------------


def test_the_edit_page_shows_the_agreements_in_a_formset(proposed, facilitator):
    html = client_for(facilitator).get(edit_url(proposed)).content.decode()
    assert html.count('data-testid="agreement-form"') == 4  # three and one new
    assert "Vertrouwelijkheid" in html and "Nieuwe afspraak" in html


def test_a_changed_text_is_version_2_and_must_be_accepted_again(proposed, facilitator, member):
    accept(client_for(member), proposed)
    assert proposed.has_accepted_agreements(member)
    response = client_for(facilitator).post(
        edit_url(proposed), formset_data(proposed, **{"1-text": "We zijn er altijd, behalve bij ziekte."})
    )
    assert response.url == page_url(proposed)
    proposed.refresh_from_db()
    assert proposed.agreements_version == 2
    assert proposed.agreements.get(kind="attendance").text == "We zijn er altijd, behalve bij ziekte."
    assert not proposed.has_accepted_agreements(member)
    html = client_for(member).get(page_url(proposed)).content.decode()
    assert "sinds je akkoord ging met versie 1" in html and 'data-testid="accept-agreements"' in html
    accept(client_for(member), proposed)
    assert proposed.has_accepted_agreements(member)
    assert AgreementAcceptance.objects.filter(user=member).count() == 2


def test_saving_without_changes_keeps_the_version(proposed, facilitator, member):
    accept(client_for(member), proposed)
    client = client_for(facilitator)
    response = client.post(edit_url(proposed), formset_data(proposed))
    assert response.url == page_url(proposed)
    proposed.refresh_from_db()
    assert proposed.agreements_version == 1
    assert proposed.has_accepted_agreements(member)
    assert "Er was niets gewijzigd." in client.get(page_url(proposed)).content.decode()


def test_the_facilitator_adds_one_and_deletes_one_in_a_single_version(proposed, facilitator):
    confidentiality = proposed.agreements.get(kind="confidentiality")
    data = formset_data(
        proposed, **{"0-DELETE": "on", "3-title": "Telefoons", "3-text": "Telefoons liggen weg."}
    )
    client_for(facilitator).post(edit_url(proposed), data)
    proposed.refresh_from_db()
    assert proposed.agreements_version == 2
    assert not Agreement.objects.filter(pk=confidentiality.pk).exists()
    added = proposed.agreements.get(title="Telefoons")
    assert (added.kind, added.order) == ("other", 4)
    assert [a.title for a in proposed.agreements.all()][-1] == "Telefoons"


@pytest.mark.parametrize(
    "changes, message",
    [
        ({"0-title": ""}, "Geef deze afspraak een titel."),
        ({"1-text": "   "}, "Schrijf op wat jullie afspreken."),
        ({"3-title": "Alleen een titel"}, "Schrijf op wat jullie afspreken."),
        ({"2-text": "x" * 4001}, "4000"),
    ],
)
def test_invalid_input_shows_field_errors_and_keeps_what_was_typed(proposed, facilitator, changes, message):
    data = formset_data(proposed, **{"0-text": "Mijn nieuwe tekst", **changes})
    response = client_for(facilitator).post(edit_url(proposed), data)
    html = response.content.decode()
    assert response.status_code == 200
    assert message in html and 'class="error"' in html and "Nog niet opgeslagen" in html
    assert "Mijn nieuwe tekst" in html
    for typed in changes.values():
        if typed.strip():
            assert typed in html
    proposed.refresh_from_db()
    assert proposed.agreements_version == 1
    assert proposed.agreements.get(kind="confidentiality").text != "Mijn nieuwe tekst"


def test_an_agreement_of_another_group_cannot_be_edited_through_the_formset(proposed, facilitator, group):
    from groups.models import IntervisionGroup

    other = IntervisionGroup.objects.create(name="Andere groep")
    propose_agreements(other)
    foreign = other.agreements.first()
    data = formset_data(proposed, **{"0-id": str(foreign.pk), "0-text": "Gekaapt"})
    response = client_for(facilitator).post(edit_url(proposed), data)
    assert response.status_code == 200
    assert "Deze afspraak bestaat niet meer" in response.content.decode()
    foreign.refresh_from_db()
    assert foreign.text != "Gekaapt"
    other.refresh_from_db()
    proposed.refresh_from_db()
    assert (other.agreements_version, proposed.agreements_version) == (1, 1)


def test_saving_an_agreement_that_was_deleted_meanwhile_says_so(proposed, facilitator):
    data = formset_data(proposed, **{"0-text": "Nieuwe tekst"})
    proposed.agreements.get(kind="confidentiality").delete()
    response = client_for(facilitator).post(edit_url(proposed), data)
    assert "Deze afspraak bestaat niet meer" in response.content.decode()
    assert "Nieuwe tekst" in response.content.decode()


# --- permissions -------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["outsider", "other_group_member", "coordinator"])
def test_people_outside_the_group_get_nothing(proposed, persona, request):
    client = client_for(request.getfixturevalue(persona))
    assert client.get(page_url(proposed)).status_code == 404
    assert client.post(accept_url(proposed), {"version": "1"}).status_code == 404
    assert client.get(edit_url(proposed)).status_code == 404
    assert client.post(edit_url(proposed), formset_data(proposed)).status_code == 404
    assert not AgreementAcceptance.objects.exists()


def test_a_coordinator_of_the_group_who_is_not_in_it_gets_nothing_either(proposed, coordinator):
    proposed.coordinators.add(coordinator)
    assert client_for(coordinator).get(page_url(proposed)).status_code == 404


def test_an_unknown_group_is_not_found(proposed, member):
    assert client_for(member).get(reverse("groups:agreements", args=[proposed.pk + 100])).status_code == 404


def test_anonymous_visitors_are_sent_to_login(proposed):
    client = client_for(None)
    for url in (page_url(proposed), edit_url(proposed)):
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith(reverse("login")) and "next=" in response.url
    assert client.post(accept_url(proposed), {"version": "1"}).url.startswith(reverse("login"))
    assert not AgreementAcceptance.objects.exists()


def test_a_member_cannot_edit(proposed, member):
    client = client_for(member)
    assert client.get(edit_url(proposed)).status_code == 403
    data = formset_data(proposed, **{"0-text": "Anders"})
    assert client.post(edit_url(proposed), data).status_code == 403
    assert client.post(edit_url(proposed), {"propose": "1"}).status_code == 403
    proposed.refresh_from_db()
    assert proposed.agreements_version == 1


def test_the_facilitator_may_accept_too(proposed, facilitator):
    accept(client_for(facilitator), proposed)
    assert proposed.has_accepted_agreements(facilitator)
