"""A member accepts the agreements on a phone; the facilitator sees it on a laptop."""

import pytest
from playwright.sync_api import expect

from groups.actions import propose_agreements
from groups.models import AgreementAcceptance

from .conftest import LAPTOP, PHONE, screenshot, user


@pytest.fixture
def group(demo):
    """The demo group, with agreements that nobody has accepted yet."""
    group = demo.group
    propose_agreements(group)  # in case the demo has none
    AgreementAcceptance.objects.filter(group=group).delete()
    return group


def test_a_member_accepts_on_a_phone_and_the_facilitator_sees_it(live, group):
    url = f"/groups/{group.pk}/agreements/"
    phone = live.page(user("lid1@example.org"), PHONE)
    phone.goto(url)
    expect(phone.get_by_role("heading", name="Vertrouwelijkheid")).to_be_visible()
    acceptance = phone.get_by_test_id("acceptance")
    expect(acceptance).to_have_attribute("data-accepted", "false")
    screenshot(phone, "phone-agreements")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390  # no sideways scrolling

    phone.get_by_test_id("accept-agreements").click()
    expect(acceptance).to_have_attribute("data-accepted", "true")
    expect(acceptance).to_contain_text(f"akkoord gegaan met versie {group.agreements_version}")
    screenshot(phone, "phone-agreements-accepted")
    assert group.has_accepted_agreements(user("lid1@example.org"))

    facilitator = live.page(user("begeleider@example.org"), LAPTOP)
    facilitator.goto(url)
    anna = facilitator.get_by_test_id("member-acceptance").filter(has_text="Anna de Vries")
    expect(anna).to_have_attribute("data-accepted", "true")
    expect(anna).to_contain_text("akkoord op")
    expect(facilitator.get_by_test_id("member-acceptance").filter(has_text="Bram Jansen")).to_contain_text(
        "nog niet akkoord"
    )
    screenshot(facilitator, "facilitator-agreements")

    # The facilitator changes a text: a new version, which Anna has not accepted yet.
    facilitator.get_by_test_id("edit-agreements").click()
    expect(facilitator.get_by_test_id("agreement-form")).to_have_count(4)
    screenshot(facilitator, "facilitator-agreements-edit")
    first = facilitator.get_by_test_id("agreement-form").first
    first.get_by_label("Titel").fill("")
    first.get_by_label("Tekst").fill("Alles blijft in de groep.")
    facilitator.get_by_test_id("save-agreements").click()
    expect(first.get_by_text("Geef deze afspraak een titel.")).to_be_visible()
    expect(first.get_by_label("Tekst")).to_have_value("Alles blijft in de groep.")
    screenshot(facilitator, "facilitator-agreements-edit-error")
    first.get_by_label("Titel").fill("Vertrouwelijkheid")
    facilitator.get_by_test_id("save-agreements").click()
    expect(facilitator.get_by_test_id("agreements-version")).to_have_text(
        f"Versie {group.agreements_version + 1}"
    )
    expect(anna).to_have_attribute("data-accepted", "false")

    phone.reload()
    expect(phone.get_by_text("Alles blijft in de groep.")).to_be_visible()
    expect(phone.get_by_test_id("acceptance")).to_contain_text("De afspraken zijn gewijzigd")
    phone.get_by_test_id("accept-agreements").click()
    expect(phone.get_by_test_id("acceptance")).to_have_attribute("data-accepted", "true")
    assert live.errors == []  # no script errors, nothing blocked by the Content-Security-Policy
