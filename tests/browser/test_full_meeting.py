"""A whole intervisie meeting on real screens: a laptop and three phones."""

import re

from playwright.sync_api import expect

from .conftest import LAPTOP, PHONE, phones_in, screenshot, user

CASE_TITLE = "Een team dat niet meer luistert"


def contribute(phone, kind: str, text: str) -> None:
    form = phone.locator(f'form[data-testid="contribute"][data-kind="{kind}"]')
    form.locator("textarea").fill(text)
    form.locator('button[type="submit"]').click()
    expect(form.get_by_text("Verstuurd")).to_be_visible()


def next_phase(facilitator, phones, key: str) -> None:
    facilitator.get_by_test_id("next-phase").click()
    for phone in phones:
        expect(phone.get_by_test_id("phase")).to_have_attribute("data-phase", key)


def evaluate(phone, scores: dict, take_away: str) -> None:
    form = phone.get_by_test_id("evaluation")
    for name, score in scores.items():
        form.get_by_test_id(f"score-{name}").get_by_label(str(score), exact=True).check()
    form.locator("textarea").fill(take_away)
    form.locator('button[type="submit"]').click()
    expect(phone.get_by_test_id("evaluation").get_by_role("status")).to_have_text(
        "Je evaluatie is binnen. Dank je!"
    )


def test_a_full_meeting_with_the_zesfasenmodel(live, demo):
    # Before the meeting, Daan prepares a case on his phone and brings it in.
    daan = live.page(user("lid4@example.org"), PHONE)
    daan.goto(f"/groups/{demo.group_id}/cases/")
    daan.get_by_label("Titel").fill(CASE_TITLE)
    daan.get_by_label("De situatie").fill("Sinds de reorganisatie komen afspraken niet meer aan.")
    daan.get_by_label("Je vraag aan de groep").fill("Hoe krijg ik mijn team weer mee?")
    daan.get_by_role("button", name="Bewaren").click()
    daan.get_by_test_id("bring-case").first.click()
    expect(daan.get_by_text("ingebracht voor de volgende bijeenkomst")).to_be_visible()

    facilitator = live.page(user("begeleider@example.org"), LAPTOP)
    facilitator.goto(f"/meetings/{demo.pk}/facilitate/")
    bram = live.page(user("lid2@example.org"), PHONE)
    eva = live.page(user("lid5@example.org"), PHONE)
    phones = [daan, bram, eva]
    for phone in phones:
        phone.goto(f"/meetings/{demo.pk}/")
        expect(phone.get_by_test_id("connection")).to_have_attribute("data-state", "online")
    facilitator.get_by_test_id("start-meeting").click()

    # Inventory: the look-back at last time's case, then the group votes and the facilitator confirms.
    expect(bram.get_by_test_id("look-back")).to_contain_text("Nee zeggen tegen extra diensten")
    # Both vote at once: the list keeps its order as votes come in, so no press lands elsewhere.
    order = facilitator.get_by_test_id("brought-case").all_inner_texts()
    for phone in (bram, eva):
        phone.get_by_test_id("brought-case").filter(has_text=CASE_TITLE).get_by_test_id("vote").click()
    ours = facilitator.get_by_test_id("brought-case").filter(has_text=CASE_TITLE)
    expect(ours.get_by_test_id("votes")).to_have_text("2 stemmen")
    titles = [text.split("\n")[0] for text in facilitator.get_by_test_id("brought-case").all_inner_texts()]
    assert titles == [text.split("\n")[0] for text in order]
    expect(
        bram.get_by_test_id("brought-case").filter(has_text=CASE_TITLE).get_by_test_id("vote")
    ).to_have_class(re.compile("mine"))
    screenshot(bram, "phone-vote")
    ours.get_by_test_id("choose-case").click()
    expect(daan.get_by_text("Jij bent de inbrenger")).to_be_visible()

    # Analysis: questions from two phones reach the facilitator and the case owner's queue.
    next_phase(facilitator, phones, "analyse")
    expect(daan.locator('form[data-testid="contribute"]')).to_have_count(0)
    contribute(bram, "question", "Wat merk je als eerste aan het team?")
    contribute(eva, "question", "Wie in het team luistert nog wel?")
    expect(facilitator.get_by_test_id("contribution")).to_have_count(2)
    expect(facilitator.get_by_test_id("open-questions")).to_have_text("2 open vragen")
    queue = daan.get_by_test_id("question-queue")
    expect(queue.get_by_test_id("contribution")).to_have_count(2)
    queue.get_by_test_id("mark-asked").first.click()
    expect(facilitator.get_by_test_id("mark-asked").first).to_have_text("Toch nog niet gesteld")
    screenshot(daan, "phone-case-owner-queue")

    # Awareness: the case owner reformulates; the group sees both questions side by side.
    next_phase(facilitator, phones, "bewustwording")
    daan.get_by_test_id("reformulate").locator("textarea").fill("Durf ik zelf nog te sturen?")
    daan.get_by_test_id("reformulate").get_by_role("button").click()
    expect(bram.get_by_test_id("case-reformulation")).to_have_text("Durf ik zelf nog te sturen?")
    expect(bram.get_by_test_id("case-question")).to_have_text("Hoe krijg ik mijn team weer mee?")

    # Advice: written first, revealed together; the case owner marks what fits and writes an action.
    next_phase(facilitator, phones, "advies")
    expect(daan.get_by_test_id("case-owner-mode")).to_have_attribute("data-mode", "listens")
    contribute(bram, "advice", "Als ik jou was, zou ik met één teamlid beginnen.")
    contribute(eva, "advice", "Maak de afspraken samen opnieuw.")
    expect(eva.get_by_test_id("revealed")).to_have_count(0)
    facilitator.get_by_test_id("reveal").click()
    expect(eva.get_by_test_id("revealed-advice")).to_have_count(2)
    daan.get_by_test_id("revealed-advice").filter(has_text="één teamlid").get_by_test_id("mark-fits").click()
    expect(bram.get_by_test_id("revealed-advice").filter(has_text="één teamlid")).to_contain_text(
        "Past volgens de inbrenger"
    )
    daan.get_by_test_id("action").locator("textarea").fill("Maandag spreek ik Joost.")
    daan.get_by_test_id("action").get_by_role("button").click()
    expect(eva.get_by_test_id("case-action")).to_contain_text("Maandag spreek ik Joost.")
    screenshot(daan, "phone-advice-revealed")

    # Group theme, then the evaluation, whose results the facilitator sees come in.
    next_phase(facilitator, phones, "groepsthema")
    expect(bram.get_by_test_id("earlier-themes")).to_contain_text("Grenzen stellen in een krap team")
    contribute(bram, "theme", "Sturen zonder macht")
    next_phase(facilitator, phones, "evaluatie")
    evaluate(
        bram,
        {"helped": 4, "depth": 3, "safe": 5, "stayed": 5, "critical": 2},
        "Eerst vragen, dan pas denken.",
    )
    expect(facilitator.get_by_test_id("evaluation-results")).to_contain_text("1 ingevuld")
    evaluate(eva, {"helped": 5, "depth": 4, "safe": 5, "stayed": 4, "critical": 3}, "Kritisch mag.")
    results = facilitator.get_by_test_id("evaluation-results")
    expect(results).to_contain_text("2 ingevuld")
    expect(results.get_by_test_id("take-aways")).to_contain_text("Kritisch mag.")
    screenshot(facilitator, "facilitator-evaluation")
    screenshot(eva, "phone-evaluation")

    facilitator.once("dialog", lambda dialog: dialog.accept())
    facilitator.get_by_test_id("end-meeting").click()
    bram.get_by_test_id("summary-link").click()
    summary = bram.get_by_test_id("summary-round")
    for text in (
        CASE_TITLE,
        "Hoe krijg ik mijn team weer mee?",
        "Durf ik zelf nog te sturen?",
        "Maak de afspraken samen opnieuw.",
        "Maandag spreek ik Joost.",
        "Sturen zonder macht",
        "Kritisch mag.",
    ):
        expect(summary).to_contain_text(text)
    expect(summary.get_by_test_id("summary-advice").filter(has_text="één teamlid")).to_contain_text(
        "past volgens de inbrenger"
    )
    screenshot(bram, "phone-summary")
    assert live.errors == []


def test_the_roddelmethode_keeps_the_case_owner_outside_the_circle(live, demo):
    facilitator = live.page(user("begeleider@example.org"), LAPTOP)
    facilitator.goto(f"/meetings/{demo.pk}/facilitate/")
    facilitator.get_by_test_id("method").select_option(label="Roddelmethode")
    facilitator.get_by_test_id("set-method").click()
    expect(facilitator.get_by_test_id("method-name")).to_have_text("Roddelmethode")
    anna, bram = phones_in(live, demo, "lid1@example.org", "lid2@example.org")  # Anna's case is chosen
    facilitator.get_by_test_id("start-meeting").click()
    expect(anna.get_by_test_id("phase")).to_have_attribute("data-phase", "introductie")
    next_phase(facilitator, [anna, bram], "vragen")
    next_phase(facilitator, [anna, bram], "roddelen")
    expect(anna.get_by_test_id("case-owner-mode")).to_have_attribute("data-mode", "outside")
    expect(anna.locator('form[data-testid="contribute"]')).to_have_count(0)
    expect(bram.locator('form[data-testid="contribute"]')).to_have_count(2)
    contribute(bram, "association", "Ik zie iemand die alles alleen wil dragen.")
    expect(bram.get_by_test_id("revealed-association")).to_contain_text("alles alleen wil dragen")
    # Outside the circle, the case owner's phone shows nothing of what the group says.
    expect(anna.get_by_test_id("revealed")).to_have_count(0)
    screenshot(anna, "phone-outside-the-circle")
    assert live.errors == []
