"""A facilitator adjusts a copy of a method and runs a meeting with it."""

from playwright.sync_api import expect

from .conftest import LAPTOP, screenshot, user


def test_a_facilitator_copies_adjusts_and_chooses_a_method(live, demo):
    facilitator = live.page(user("begeleider@example.org"), LAPTOP)
    facilitator.goto(f"/meetings/{demo.pk}/facilitate/")
    facilitator.get_by_role("link", name="Werkvormen bekijken en aanpassen").click()
    expect(facilitator.get_by_test_id("method")).to_have_count(7)
    incident = facilitator.locator('[data-testid="method"][data-key="incidentmethode"]')
    expect(incident).to_contain_text("buiten de kring")
    incident.get_by_test_id("copy-method").click()

    facilitator.get_by_label("naam (Nederlands)").first.fill("Incident, kort")
    first_phase = facilitator.get_by_test_id("phase-form").first
    first_phase.get_by_label("minuten").fill("3")
    first_phase.get_by_label("instructie deelnemers (Nederlands)").fill(
        "Wat is er gebeurd sinds de vorige keer?"
    )
    # A required field left empty is refused with a message, and what was typed stays.
    facilitator.get_by_test_id("phase-form").nth(1).get_by_label("naam (Nederlands)").fill("")
    facilitator.get_by_test_id("save-method").click()
    expect(facilitator.get_by_role("alert").first).to_contain_text("Niet alles is goed ingevuld")
    expect(facilitator.get_by_test_id("phase-form").first.get_by_label("minuten")).to_have_value("3")
    facilitator.get_by_test_id("phase-form").nth(1).get_by_label("naam (Nederlands)").fill("Inbreng")
    screenshot(facilitator, "laptop-method-edit")
    facilitator.get_by_test_id("save-method").click()

    own = facilitator.get_by_test_id("method").filter(has_text="Incident, kort")
    expect(own).to_contain_text("3 min")
    screenshot(facilitator, "laptop-methods")

    facilitator.goto(f"/meetings/{demo.pk}/facilitate/")
    facilitator.get_by_test_id("method").select_option(label="Incident, kort")
    facilitator.get_by_test_id("set-method").click()
    expect(facilitator.get_by_test_id("method-name")).to_have_text("Incident, kort")
    facilitator.get_by_test_id("start-meeting").click()
    expect(facilitator.get_by_test_id("phase")).to_have_attribute("data-phase", "terugblik")
    expect(facilitator.get_by_test_id("countdown")).to_have_text("3:00")
    expect(facilitator.get_by_test_id("look-back")).to_contain_text("Nee zeggen tegen extra diensten")
    assert live.errors == []
