"""Whether trajects live: the coordinator's overview on a laptop, a member's group page on a phone."""

import shutil

from playwright.sync_api import expect

from .conftest import ARTIFACTS, LAPTOP, PHONE, ROOT, screenshot, user

SCREENSHOTS = ROOT / "docs" / "screenshots"


def keep_for_the_readme(name: str) -> None:
    SCREENSHOTS.mkdir(exist_ok=True)
    shutil.copy(ARTIFACTS / f"{name}.png", SCREENSHOTS / f"{name}.png")


def test_the_coordinator_sees_which_group_needs_attention_and_why(live, demo):
    laptop = live.page(user("coordinator@example.org"), LAPTOP)
    laptop.goto("/")
    expect(laptop.get_by_role("heading", name="Overzicht van je groepen")).to_be_visible()
    cards = laptop.get_by_test_id("group-health")
    expect(cards).to_have_count(3)
    # Groups with signals first, each signal with the rule that triggered it.
    expect(cards.nth(0)).to_contain_text("Intervisie Jeugdteam Noord")
    expect(cards.nth(0).get_by_test_id("signal").first).to_contain_text("lager dan 75%")
    drifting = cards.filter(has_text="Intervisie Teamleiders Zuid")
    expect(drifting.locator('[data-pitfall="staff_meeting"]')).to_contain_text("geen werkoverleg")
    expect(drifting.locator('[data-pitfall="kid_gloves"]')).to_be_visible()
    healthy = cards.filter(has_text="Intervisiegroep Zorg & Welzijn")
    expect(healthy).to_have_attribute("data-signals", "0")
    expect(healthy).to_contain_text("Grenzen stellen in een krap team")  # this group shares its themes
    expect(healthy).not_to_contain_text("Nee zeggen tegen extra diensten")  # never a case
    chart = healthy.get_by_test_id(f"chart-attendance-{demo.group_id}").locator("svg")
    expect(chart).to_have_attribute("role", "img")
    expect(chart.locator("desc")).to_contain_text("100")
    screenshot(laptop, "coordinator-dashboard")
    keep_for_the_readme("coordinator-dashboard")

    healthy.get_by_role("link", name="Eindverslag").click()
    expect(laptop.get_by_test_id("report-meetings").locator("tbody tr")).to_have_count(7)
    laptop.emulate_media(media="print")
    expect(laptop.locator("header.topbar")).to_be_hidden()
    screenshot(laptop, "report-print")
    assert live.errors == []


def test_a_member_sees_turns_attendance_and_the_path_to_autonomy_on_a_phone(live, demo):
    phone = live.page(user("lid5@example.org"), PHONE)
    phone.goto("/")
    phone.get_by_test_id("group-link").click()
    turns = phone.get_by_test_id("turns")
    expect(turns.get_by_test_id("next-turn-suggestion")).to_be_visible()
    turns.get_by_text("Wie bracht wanneer een casus in").click()
    expect(turns).to_contain_text("Bram Jansen")
    expect(phone.get_by_test_id("stage")).to_be_visible()
    expect(phone.get_by_test_id("chart-attendance").locator("svg rect")).to_have_count(3)
    expect(phone.get_by_test_id("group-themes")).to_contain_text("Grenzen stellen in een krap team")
    screenshot(phone, "member-group-page")
    keep_for_the_readme("member-group-page")
    phone.get_by_role("link", name="Mijn bewijs van deelname").click()
    expect(phone.get_by_test_id("proof")).to_contain_text("ja")
    assert live.errors == []
