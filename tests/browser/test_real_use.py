"""Mistakes a facilitator or member makes in real use, pressed in Chromium: nothing changes the
meeting without an explicit press, the presses that cannot be taken back ask first, and a
slip mid-meeting can be undone."""

import re

from django.db.models import F
from django.utils import timezone
from playwright.sync_api import expect

from sessions.models import Meeting

from .conftest import LAPTOP, PHONE, facilitating, phones_in, screenshot, user
from .test_full_meeting import contribute, next_phase


class Dialogs:
    """The confirmations a page asks, answered as told (a person who says no, or yes)."""

    def __init__(self, page):
        self.asked = []
        self.answer = False
        page.on("dialog", self._answer)

    def _answer(self, dialog):
        self.asked.append(dialog.message)
        if self.answer:
            dialog.accept()
        else:
            dialog.dismiss()


def test_a_member_says_yes_with_the_real_button(live, demo):
    phone = live.page(user("lid2@example.org"), PHONE)
    phone.goto(f"/groups/{demo.group_id}/traject/")
    upcoming = phone.get_by_test_id("meeting").filter(has=phone.get_by_test_id("attending")).first
    upcoming.get_by_test_id("attending").click()  # the cancel part below it stays closed
    expect(phone.get_by_test_id("meeting").filter(has_text="Je bent erbij").first).to_be_visible()
    assert live.errors == []


def test_starting_a_meeting_that_is_not_today_asks_first(live, demo):
    facilitator = live.page(user("begeleider@example.org"), LAPTOP)
    dialogs = Dialogs(facilitator)
    facilitator.goto("/")
    today = facilitator.get_by_test_id("home-meeting").filter(has=facilitator.get_by_test_id("today"))
    expect(today).to_have_count(1)
    year = str(timezone.localdate().year)
    for card in facilitator.get_by_test_id("home-meeting").all():
        expect(card).to_contain_text(re.compile(rf"\b({year}|{int(year) + 1})\b"))
    screenshot(facilitator, "laptop-home-today")

    later = Meeting.objects.filter(group=demo.group, scheduled_start__gt=demo.scheduled_end).earliest(
        "scheduled_start"
    )
    facilitator.goto(f"/meetings/{later.pk}/facilitate/")
    facilitator.get_by_test_id("start-meeting").click()
    assert len(dialogs.asked) == 1 and "niet vandaag" in dialogs.asked[0]
    facilitator.wait_for_timeout(300)
    expect(facilitator.get_by_test_id("phase")).to_have_attribute("data-phase", "lobby")
    later.refresh_from_db()
    assert later.status == "scheduled"

    facilitator.goto(f"/meetings/{demo.pk}/facilitate/")
    facilitator.get_by_test_id("start-meeting").click()  # today's: one press
    expect(facilitator.get_by_test_id("phase")).to_have_attribute("data-phase", "inventarisatie")
    assert len(dialogs.asked) == 1
    assert live.errors == []


def test_a_slip_of_the_case_owner_list_is_undone(live, demo):
    facilitator = facilitating(live, demo)
    dialogs = Dialogs(facilitator)
    phones = anna, bram = phones_in(
        live, demo, "lid1@example.org", "lid2@example.org"
    )  # Anna's case is chosen
    facilitator.get_by_test_id("start-meeting").click()
    for phone in phones:
        expect(phone.get_by_test_id("phase")).to_have_attribute("data-phase", "inventarisatie")
    next_phase(facilitator, phones, "analyse")
    contribute(bram, "question", "Wat gebeurt er bij jou als ze weer te laat is?")
    contributions = facilitator.get_by_test_id("contributions")
    expect(contributions).to_contain_text("Wat gebeurt er bij jou")

    # A key typed while the list has focus picks another name, and changes nothing.
    version = facilitator.locator("[data-socket]").get_attribute("data-version")
    facilitator.get_by_test_id("case-owner").focus()
    facilitator.keyboard.press("C")
    expect(facilitator.get_by_test_id("case-owner")).to_have_value(str(user("lid3@example.org").pk))
    facilitator.wait_for_timeout(500)
    assert facilitator.locator("[data-socket]").get_attribute("data-version") == version
    expect(anna.get_by_text("Jij bent de inbrenger")).to_be_visible()

    # The button asks first; "no" changes nothing.
    facilitator.get_by_test_id("set-case-owner").click()
    assert len(dialogs.asked) == 1 and "begint deze ronde opnieuw" in dialogs.asked[0]
    facilitator.wait_for_timeout(300)
    assert facilitator.locator("[data-socket]").get_attribute("data-version") == version

    # "Yes": Chantal is the case owner; the question about Anna's case is not hers.
    dialogs.answer = True
    facilitator.get_by_test_id("set-case-owner").click()
    expect(anna.get_by_text("Jij bent de inbrenger")).to_have_count(0)
    expect(facilitator.get_by_test_id("contributions")).to_have_count(0)
    expect(facilitator.get_by_test_id("case")).to_have_count(0)

    # Back to Anna: her case and the question return, on every screen.
    facilitator.get_by_test_id("case-owner").select_option(label="Anna de Vries")
    facilitator.get_by_test_id("set-case-owner").click()
    expect(anna.get_by_text("Jij bent de inbrenger")).to_be_visible()
    expect(facilitator.get_by_test_id("contributions")).to_contain_text("Wat gebeurt er bij jou")
    expect(bram.get_by_test_id("case")).to_contain_text("Een cliënt die steeds later komt")
    screenshot(facilitator, "laptop-case-owner-restored")
    assert len(dialogs.asked) == 3
    assert live.errors == []


def test_advancing_with_no_case_chosen_asks_first(live, demo):
    facilitator = live.page(user("begeleider@example.org"), LAPTOP)
    dialogs = Dialogs(facilitator)
    facilitator.goto(f"/meetings/{demo.pk}/facilitate/")
    facilitator.get_by_test_id("case-owner").select_option(label="— nog niet gekozen —")
    facilitator.get_by_test_id("set-case-owner").click()  # in the lobby: no question
    expect(facilitator.get_by_test_id("case-owner")).to_have_value("")
    facilitator.get_by_test_id("start-meeting").click()
    expect(facilitator.get_by_test_id("phase")).to_have_attribute("data-phase", "inventarisatie")
    assert dialogs.asked == []
    facilitator.get_by_test_id("next-phase").click()
    assert len(dialogs.asked) == 1 and "nog geen casus" in dialogs.asked[0]
    facilitator.wait_for_timeout(300)
    expect(facilitator.get_by_test_id("phase")).to_have_attribute("data-phase", "inventarisatie")
    dialogs.answer = True
    facilitator.get_by_test_id("next-phase").click()
    expect(facilitator.get_by_test_id("phase")).to_have_attribute("data-phase", "analyse")
    assert live.errors == []


def test_nothing_typed_is_lost_when_the_phase_moves_on(live, demo):
    facilitator = facilitating(live, demo)
    (phone,) = phones_in(live, demo, "lid3@example.org")
    facilitator.get_by_test_id("start-meeting").click()
    next_phase(facilitator, [phone], "analyse")

    # Half a question survives a reload.
    question = phone.locator('form[data-kind="question"] textarea')
    question.fill("Wat maakt het voor jou zo moeilijk om")
    phone.reload()
    expect(question).to_have_value("Wat maakt het voor jou zo moeilijk om")

    # The phase moves on before it is sent: the text stays, readable, with the reason.
    next_phase(facilitator, [phone], "bewustwording")
    kept = phone.get_by_test_id("kept-texts")
    expect(kept).to_be_visible()
    expect(kept.get_by_test_id("kept-text")).to_contain_text("Wat maakt het voor jou zo moeilijk om")
    expect(kept).to_contain_text("de fase ging verder")
    screenshot(phone, "phone-kept-text")
    kept.get_by_test_id("use-kept").click()  # into the form of this phase, to edit and send
    observation = phone.locator('form[data-kind="observation"] textarea')
    expect(observation).to_have_value("Wat maakt het voor jou zo moeilijk om")
    expect(kept).to_be_hidden()
    observation.fill("Ik merk dat ik zelf ook uitstel.")

    # Sent offline, refused when back (the phase moved on meanwhile): shown with the server's reason.
    phone.context.set_offline(True)
    phone.locator('form[data-kind="observation"] button[type="submit"]').click()
    expect(phone.get_by_test_id("outbox")).to_have_text("Ik merk dat ik zelf ook uitstel.")
    next_phase(facilitator, [], "advies")
    expect(facilitator.get_by_test_id("phase")).to_have_attribute("data-phase", "advies")
    phone.context.set_offline(False)
    refused = kept.get_by_test_id("kept-text").filter(has_text="Ik merk dat ik zelf ook uitstel.")
    expect(refused).to_be_visible(timeout=5_000)
    expect(refused.locator("p.muted")).not_to_be_empty()
    screenshot(phone, "phone-refused-text")
    refused.get_by_test_id("discard-kept").click()
    expect(kept).to_be_hidden()
    phone.reload()
    expect(kept).to_be_hidden()  # thrown away on purpose: gone for good
    # Chromium logs the failed sends while offline and the refusal (400) as console errors.
    expected = ("ERR_INTERNET_DISCONNECTED", "htmx:sendError", "htmx:afterRequest", "Failed to load resource")
    assert [e for e in live.errors if not e.startswith(expected) and expected[0] not in e] == []


def test_the_facilitator_steers_from_a_phone_hands_over_and_a_member_takes_over(live, demo):
    facilitator = facilitating(live, demo, PHONE)  # the laptop failed
    phones = anna, bram = phones_in(live, demo, "lid1@example.org", "lid2@example.org")
    facilitator.get_by_test_id("start-meeting").click()
    next_phase(facilitator, phones, "analyse")
    screenshot(facilitator, "phone-facilitator")

    # Handed over: Bram's phone steers, everyone sees who does.
    facilitator.get_by_test_id("controller-choice").select_option(label="Bram Jansen")
    facilitator.get_by_test_id("hand-controls").click()
    expect(bram.get_by_test_id("member-controls")).to_be_visible()
    expect(anna.get_by_test_id("member-controls")).to_be_hidden()
    expect(anna.get_by_test_id("controller-notice")).to_contain_text("Bram heeft nu de bediening")
    expect(facilitator.get_by_test_id("controller")).to_contain_text("Bram Jansen")
    bram.get_by_test_id("member-controls").get_by_test_id("next-phase").click()
    for page in [facilitator, *phones]:
        expect(page.get_by_test_id("phase")).to_have_attribute("data-phase", "bewustwording")
    screenshot(bram, "phone-member-controls")
    bram.get_by_test_id("return-controls").click()
    expect(bram.get_by_test_id("member-controls")).to_have_count(0)

    # The facilitator's page is gone for two minutes: a member may take over.
    facilitator.close()
    deadline = timezone.now().timestamp() + 10
    while Meeting.objects.get(pk=demo.pk).facilitator_away_since is None:
        assert timezone.now().timestamp() < deadline, "the facilitator was never marked away"
        anna.wait_for_timeout(100)
    expect(anna.get_by_test_id("take-controls")).to_be_hidden()  # not yet
    # Two minutes pass (the server runs in another process: Anna's phone reads it on a reload).
    away = timezone.now() - Meeting.TAKE_OVER_AFTER
    Meeting.objects.filter(pk=demo.pk).update(facilitator_away_since=away, version=F("version") + 1)
    anna.reload()
    expect(anna.get_by_test_id("facilitator-away")).to_be_visible()
    anna.get_by_test_id("take-controls").click()
    expect(anna.get_by_test_id("member-controls")).to_be_visible()
    expect(bram.get_by_test_id("controller-notice")).to_contain_text("Anna heeft nu de bediening")
    anna.get_by_test_id("member-controls").get_by_test_id("next-phase").click()
    expect(bram.get_by_test_id("phase")).to_have_attribute("data-phase", "advies")

    # Back: the controls return to the facilitator.
    laptop = live.page(user("begeleider@example.org"), LAPTOP)
    laptop.goto(f"/meetings/{demo.pk}/facilitate/")
    expect(anna.get_by_test_id("member-controls")).to_have_count(0)
    expect(laptop.get_by_test_id("controller")).to_have_count(0)
    assert live.errors == []


def test_a_refused_vote_says_why_next_to_the_button(live, demo):
    facilitator = facilitating(live, demo)
    (phone,) = phones_in(live, demo, "lid2@example.org")
    facilitator.get_by_test_id("start-meeting").click()
    vote = phone.get_by_test_id("brought-case").first.locator("form").filter(has=phone.get_by_test_id("vote"))
    expect(vote).to_be_visible()
    # The phase moves on where this phone does not hear it (no push from this process).
    Meeting.objects.filter(pk=demo.pk).update(phase="analyse")
    vote.get_by_test_id("vote").click()
    expect(vote.get_by_test_id("refusal")).to_have_text("Dat kan in deze fase niet (meer).")
    screenshot(phone, "phone-refused-vote")
    assert [e for e in live.errors if "status of 409" not in e] == []


def test_a_choice_in_a_list_survives_a_redraw_until_its_button_is_pressed(live, demo):
    facilitator = facilitating(live, demo)
    expect(facilitator.get_by_test_id("connection")).to_have_attribute("data-state", "online")
    bram = str(user("lid2@example.org").pk)
    facilitator.get_by_test_id("case-owner").select_option(bram)  # not pressed yet
    # Meanwhile a change redraws the panel (here the method, chosen in a second tab).
    other_tab = facilitating(live, demo)
    other_tab.get_by_test_id("method").select_option(label="Roddelmethode")
    other_tab.get_by_test_id("set-method").click()
    expect(facilitator.get_by_test_id("method-name")).to_have_text("Roddelmethode")
    expect(facilitator.get_by_test_id("case-owner")).to_have_value(bram)
    assert Meeting.objects.get(pk=demo.pk).case_owner_id != int(bram)  # nothing changed yet
    facilitator.get_by_test_id("set-case-owner").click()
    (bram_phone,) = phones_in(live, demo, "lid2@example.org")
    expect(bram_phone.get_by_text("Jij bent de inbrenger")).to_be_visible()
    assert live.errors == []
