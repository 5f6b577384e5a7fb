"""In the analysis phase a phone sends questions; the facilitator's queue fills live."""

import re

from playwright.sync_api import expect

from .conftest import facilitating, phones_in, screenshot


def test_questions_reach_the_facilitator_live_and_the_coach_hints(live, demo):
    facilitator = facilitating(live, demo)
    (phone,) = phones_in(live, demo, "lid2@example.org")
    facilitator.get_by_test_id("start-meeting").click()
    expect(phone.get_by_test_id("phase")).to_have_attribute("data-phase", "inventarisatie")
    assert phone.locator('form[data-testid="contribute"]').count() == 0
    facilitator.get_by_test_id("next-phase").click()
    form = phone.locator('form[data-testid="contribute"][data-kind="question"]')
    expect(form).to_be_visible()

    field = form.locator("textarea")
    field.fill("Heb je al geprobeerd om gewoon nee te zeggen?")
    expect(phone.get_by_test_id("coach-hint")).to_contain_text("advies in vraagvorm")
    # A push redraws the phone (the facilitator adds a minute); the text being typed stays.
    facilitator.get_by_test_id("extend-1").click()
    expect(phone.get_by_test_id("countdown")).to_have_attribute("data-total", "1260000")
    expect(phone.locator('form[data-kind="question"] textarea')).to_have_value(
        "Heb je al geprobeerd om gewoon nee te zeggen?"
    )
    phone.locator('form[data-kind="question"] textarea').fill("Wat maakt nee zeggen zo moeilijk voor je?")
    phone.locator('form[data-kind="question"] button[type="submit"]').click()
    expect(phone.get_by_text("Verstuurd. Nog een?")).to_be_visible()
    screenshot(phone, "phone-question-sent")

    expect(facilitator.get_by_test_id("contribution")).to_contain_text("Wat maakt nee zeggen zo moeilijk")
    facilitator.get_by_test_id("mark-asked").click()
    expect(facilitator.get_by_test_id("mark-asked")).to_have_text(re.compile("nog niet gesteld"))
    screenshot(facilitator, "facilitator-question-queue")
    assert live.errors == []


def test_a_question_written_offline_is_kept_and_sent_once_when_back(live, demo):
    facilitator = facilitating(live, demo)
    (phone,) = phones_in(live, demo, "lid3@example.org")
    facilitator.get_by_test_id("start-meeting").click()
    facilitator.get_by_test_id("next-phase").click()
    form = phone.locator('form[data-testid="contribute"][data-kind="question"]')
    expect(form).to_be_visible()

    phone.context.set_offline(True)
    form.locator("textarea").fill("Wat zou er gebeuren als je het gewoon vraagt?")
    form.locator('button[type="submit"]').click()
    expect(form.get_by_test_id("offline-note")).to_be_visible()
    expect(form.get_by_test_id("outbox")).to_have_text("Wat zou er gebeuren als je het gewoon vraagt?")
    expect(form.locator("textarea")).to_have_value("")  # ready for the next one
    form.locator("textarea").fill("Wie weet er al van?")
    form.locator('button[type="submit"]').click()
    expect(form.get_by_test_id("outbox").locator("li")).to_have_count(2)
    screenshot(phone, "phone-offline-question")
    waiting = phone.evaluate(
        "Object.keys(localStorage).filter(k => k.startsWith('intervisie-outbox'))"
        ".map(k => JSON.parse(localStorage[k]).length)"
    )
    assert waiting == [2]  # kept on the phone, not only in the page

    phone.context.set_offline(False)
    expect(facilitator.get_by_test_id("contribution")).to_have_count(2)
    expect(facilitator.get_by_test_id("contribution").first).to_contain_text("gewoon vraagt")
    expect(phone.locator('form[data-kind="question"] [data-testid="offline-note"]')).to_be_hidden()
    phone.wait_for_timeout(1500)  # a second reconnect or online event must not send it again
    expect(facilitator.get_by_test_id("contribution")).to_have_count(2)
    # htmx reports the failed send on the console while offline; nothing else may go wrong.
    offline = ("ERR_INTERNET_DISCONNECTED", "htmx:sendError", "htmx:afterRequest")
    assert [e for e in live.errors if not e.startswith(offline) and offline[0] not in e] == []


def test_the_coach_flags_advice_in_disguise_on_a_phone_and_keeps_it_from_the_case_owner(live, demo):
    facilitator = facilitating(live, demo)
    anna, bram = phones_in(live, demo, "lid1@example.org", "lid2@example.org")  # Anna's case is chosen
    facilitator.get_by_test_id("start-meeting").click()
    expect(anna.get_by_text("Jij bent de inbrenger")).to_be_visible()
    facilitator.get_by_test_id("next-phase").click()
    expect(bram.get_by_test_id("phase")).to_have_attribute("data-phase", "analyse")

    form = bram.locator('form[data-testid="contribute"][data-kind="question"]')
    hint = bram.get_by_test_id("coach-hint")
    form.locator("textarea").press_sequentially("Waarom bel je hem niet gewoon op?", delay=15)
    expect(hint).to_contain_text("advies in vraagvorm")
    expect(hint).to_be_visible()
    screenshot(bram, "phone-coach-advice-hint")
    form.locator("textarea").fill("Wat maakt bellen zo lastig voor je?")
    expect(hint).to_have_text("")
    expect(hint).to_be_hidden()

    # Sent anyway: the facilitator sees the coach's verdict, the case owner only the question.
    form.locator("textarea").fill("Waarom bel je hem niet gewoon op?")
    form.locator('button[type="submit"]').click()
    expect(facilitator.get_by_test_id("contribution")).to_contain_text("gesloten of adviserend")
    queue = anna.get_by_test_id("question-queue")
    expect(queue.get_by_test_id("contribution")).to_contain_text("Waarom bel je hem niet gewoon op?")
    expect(anna.get_by_text("gesloten of adviserend")).to_have_count(0)
    screenshot(anna, "phone-case-owner-coached-question")
    assert live.errors == []
