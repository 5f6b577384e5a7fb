"""Time on the live screens: the signal at 0:00, the facilitator's meeting clock, and a
presenter screen legible from the back of the room."""

import re
from datetime import UTC, datetime, timedelta

from playwright.sync_api import expect

from sessions.models import Meeting

from .conftest import LAPTOP, PHONE, in_thread, screenshot, user

PRESENTER = {"width": 1920, "height": 1080}
FONT_SIZE = "el => parseFloat(getComputedStyle(el).fontSize)"
RECORD_VIBRATIONS = """
  window.vibrations = [];
  navigator.vibrate = (pattern) => { window.vibrations.push(JSON.stringify(pattern)); return true; };
"""


def run_out_in(facilitator, meeting_id: int, seconds: float, then_pause: bool = False) -> None:
    """The facilitator pauses, the time left becomes `seconds` (in the database: the server
    runs in another process, so only its own commands push) and the facilitator resumes."""
    facilitator.get_by_test_id("pause").click()
    expect(facilitator.get_by_test_id("resume")).to_be_enabled()
    left = timedelta(seconds=seconds)
    in_thread(lambda: Meeting.objects.filter(pk=meeting_id).update(paused_remaining=left))
    facilitator.get_by_test_id("resume").click()
    if then_pause:
        facilitator.get_by_test_id("pause").click()


def open_live(page, path: str):
    page.goto(path)
    expect(page.get_by_test_id("connection")).to_have_attribute("data-state", "online")
    return page


def presenter_of(live, facilitator, meeting):
    """The presenter screen, opened from the facilitator's browser (so it shares localStorage)."""
    presenter = facilitator.context.new_page()
    presenter.on("pageerror", lambda error: live.errors.append(str(error)))
    presenter.on("console", lambda message: message.type == "error" and live.errors.append(message.text))
    presenter.set_viewport_size(PRESENTER)
    return open_live(presenter, f"/meetings/{meeting.pk}/presenter/")


def facilitator_page(live, meeting):
    return open_live(live.page(user("begeleider@example.org"), LAPTOP), f"/meetings/{meeting.pk}/facilitate/")


def root(page):
    return page.locator("[data-socket]")


def test_a_phone_vibrates_and_its_countdown_flashes_once_when_the_time_is_up(live, demo):
    in_thread(lambda: demo.start(demo.version))
    facilitator = facilitator_page(live, demo)
    phone = live.page(user("lid2@example.org"), PHONE)
    phone.add_init_script(script=RECORD_VIBRATIONS)
    calm = live.page(user("lid3@example.org"), PHONE)  # asks the system for less motion
    calm.emulate_media(reduced_motion="reduce")
    for page in (phone, calm):
        open_live(page, f"/meetings/{demo.pk}/")

    run_out_in(facilitator, demo.pk, 3)
    for page in (phone, calm):
        countdown = page.get_by_test_id("countdown")
        expect(countdown).to_have_attribute("data-signalled", "true", timeout=10_000)
        expect(countdown).to_have_class(re.compile(r"\btime-up\b"))
    assert phone.evaluate("window.vibrations") == ["[300,150,300]"]
    assert phone.get_by_test_id("countdown").evaluate("el => getComputedStyle(el).animationName") == "time-up"
    # Less motion: no animation, the countdown changes colour instead.
    calm_countdown = calm.get_by_test_id("countdown")
    assert calm_countdown.evaluate("el => getComputedStyle(el).animationName") == "none"
    assert calm_countdown.evaluate("el => getComputedStyle(el).backgroundColor") != "rgba(0, 0, 0, 0)"
    screenshot(calm, "phone-time-up")

    # Brief: the flash ends; and it comes once per deadline, not again on a reload.
    expect(phone.get_by_test_id("countdown")).not_to_have_class(re.compile(r"\btime-up\b"), timeout=10_000)
    phone.reload()
    expect(phone.get_by_test_id("connection")).to_have_attribute("data-state", "online")
    phone.wait_for_timeout(1500)
    assert phone.get_by_test_id("countdown").get_attribute("data-signalled") is None
    assert phone.evaluate("window.vibrations") == []

    # Paused with seconds left, the time is never up; resumed, it is.
    run_out_in(facilitator, demo.pk, 4, then_pause=True)
    countdown = phone.get_by_test_id("countdown")
    expect(countdown).to_have_attribute("data-paused", "true")
    phone.wait_for_timeout(5000)
    assert countdown.get_attribute("data-signalled") is None
    assert phone.evaluate("window.vibrations") == []
    facilitator.get_by_test_id("resume").click()
    expect(countdown).to_have_attribute("data-signalled", "true", timeout=10_000)
    assert phone.evaluate("window.vibrations") == ["[300,150,300]"]
    assert live.errors == []


def test_the_facilitator_and_the_presenter_screen_chime_at_zero_unless_muted(live, demo):
    in_thread(lambda: demo.start(demo.version))
    facilitator = facilitator_page(live, demo)
    presenter = presenter_of(live, facilitator, demo)
    # Browsers allow sound after a click on the page; until then the presenter says so.
    expect(root(presenter)).to_have_attribute("data-sound", "locked")
    expect(presenter.locator("#audio-hint")).to_be_visible()
    facilitator.locator("#phase-name").click()
    expect(root(facilitator)).to_have_attribute("data-sound", "on")

    run_out_in(facilitator, demo.pk, 3)
    for page in (facilitator, presenter):
        expect(page.get_by_test_id("countdown")).to_have_attribute("data-signalled", "true", timeout=10_000)
        expect(root(page)).to_have_attribute("data-chimes", "1")
    presenter.locator("#phase-name").click()
    expect(presenter.locator("#audio-hint")).to_be_hidden()

    # Muted from the laptop, with the keyboard: neither the laptop nor its presenter screen chimes.
    mute = facilitator.get_by_test_id("mute-chime")
    expect(mute).to_have_attribute("aria-pressed", "false")
    mute.focus()
    facilitator.keyboard.press("Enter")
    expect(mute).to_have_attribute("aria-pressed", "true")
    assert facilitator.evaluate("localStorage.getItem('intervisie-chime-muted')") == "1"
    expect(root(presenter)).to_have_attribute("data-sound", "muted")
    screenshot(facilitator, "facilitator-muted")

    before = facilitator.get_by_test_id("countdown").get_attribute("data-deadline")
    run_out_in(facilitator, demo.pk, 3)
    for page in (facilitator, presenter):
        countdown = page.get_by_test_id("countdown")
        expect(countdown).not_to_have_attribute("data-deadline", before)
        expect(countdown).to_have_attribute("data-signalled", "true", timeout=10_000)  # it still flashes
        expect(root(page)).to_have_attribute("data-chimes", "1")
    # The mute stays after a redraw and a reload; M turns the sound on again.
    facilitator.reload()
    expect(facilitator.get_by_test_id("mute-chime")).to_have_attribute("aria-pressed", "true")
    facilitator.keyboard.press("m")
    expect(facilitator.get_by_test_id("mute-chime")).to_have_attribute("aria-pressed", "false")
    assert live.errors == []


def hh_mm(epoch_ms: int, meeting) -> str:
    moment = datetime.fromtimestamp(round(epoch_ms / 60_000) * 60, UTC)
    return f"{moment.astimezone(meeting.group.tz):%H:%M}"


def test_the_meeting_clock_shows_how_far_the_meeting_runs_ahead_or_behind(live, demo):
    facilitator = facilitator_page(live, demo)
    tz = demo.group.tz
    planned = f"{demo.scheduled_start.astimezone(tz):%H:%M}–{demo.scheduled_end.astimezone(tz):%H:%M}"
    expect(facilitator.get_by_test_id("planned-time")).to_have_text(planned)

    facilitator.get_by_test_id("start-meeting").click()
    countdown = facilitator.get_by_test_id("countdown")
    expect(countdown).to_have_attribute("data-deadline", re.compile(r"^\d+$"))
    deadline = int(countdown.get_attribute("data-deadline"))
    rest_ms = sum(phase.minutes for phase in demo.phases[1:]) * 60_000
    # Planned to end exactly when the phases do.
    end = datetime.fromtimestamp((deadline + rest_ms) / 1000, UTC)
    start = end - timedelta(hours=2)
    in_thread(lambda: Meeting.objects.filter(pk=demo.pk).update(scheduled_start=start, scheduled_end=end))
    facilitator.reload()
    status = facilitator.get_by_test_id("schedule-status")
    expect(status).to_have_text("op schema")
    expect(facilitator.get_by_test_id("projected-end")).to_have_text(hh_mm(deadline + rest_ms, demo))

    facilitator.get_by_test_id("extend-5").click()
    expect(status).to_have_text("5 min uitloop")
    expect(status).to_have_attribute("data-state", "late")
    projected = facilitator.get_by_test_id("projected-end")
    expect(projected).to_have_text(hh_mm(deadline + rest_ms + 300_000, demo))

    # Planned eight minutes later: three minutes ahead, while paused too.
    later = end + timedelta(minutes=8)
    in_thread(lambda: Meeting.objects.filter(pk=demo.pk).update(scheduled_end=later))
    facilitator.reload()
    expect(status).to_have_text("3 min voor op schema")
    expect(status).to_have_attribute("data-state", "early")
    facilitator.get_by_test_id("pause").click()
    expect(countdown).to_have_attribute("data-paused", "true")
    expect(status).to_have_text("3 min voor op schema")
    screenshot(facilitator, "facilitator-meeting-clock")
    assert live.errors == []


def test_the_presenter_screen_is_legible_from_the_back_of_the_room(live, demo):
    facilitator = facilitator_page(live, demo)
    presenter = presenter_of(live, facilitator, demo)
    expect(presenter.get_by_test_id("join-qr")).to_be_visible()
    expect(presenter.get_by_test_id("join-code")).to_have_text(demo.join_code)
    assert presenter.get_by_test_id("join-code").evaluate(FONT_SIZE) >= 48

    facilitator.get_by_test_id("start-meeting").click()
    expect(presenter.get_by_test_id("phase-number")).to_have_text("Fase 1 van 6")
    first = demo.phases[0]
    instruction = presenter.get_by_test_id("instruction")
    expect(instruction).to_contain_text(first.member_nl)  # what the group does, not the facilitator's notes
    assert first.facilitator_nl not in instruction.inner_text()
    facilitator.get_by_test_id("next-phase").click()
    expect(presenter.get_by_test_id("phase-number")).to_have_text("Fase 2 van 6")
    expect(instruction).to_contain_text(demo.phases[1].member_nl)
    assert presenter.get_by_test_id("phase-number").evaluate(FONT_SIZE) >= 48
    assert presenter.get_by_test_id("countdown").evaluate(FONT_SIZE) >= 150
    expect(presenter.get_by_test_id("join-qr")).to_be_visible()
    expect(presenter.get_by_test_id("join-code")).to_be_visible()
    assert presenter.evaluate("document.documentElement.scrollHeight") <= PRESENTER["height"]
    screenshot(presenter, "presenter-1920")

    facilitator.get_by_test_id("pause").click()
    expect(presenter.get_by_test_id("paused-note")).to_be_visible()
    assert presenter.get_by_test_id("paused-note").evaluate(FONT_SIZE) >= 48

    facilitator.once("dialog", lambda dialog: dialog.accept())
    facilitator.get_by_test_id("end-meeting").click()
    expect(presenter.get_by_test_id("phase")).to_have_attribute("data-phase", "closed")
    expect(presenter.get_by_test_id("join-qr")).to_be_hidden()
    expect(presenter.get_by_test_id("join-code")).to_be_hidden()
    presenter.reload()
    expect(presenter.get_by_test_id("join-qr")).to_be_hidden()
    screenshot(presenter, "presenter-closed")
    assert live.errors == []
