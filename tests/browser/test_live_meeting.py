"""A facilitator and phones go through a whole meeting in real Chromium."""

import re

from playwright.sync_api import expect

from sessions.models import Meeting

from .conftest import LAPTOP, PHONE, in_thread, screenshot, user

PHASES = ["inventarisatie", "analyse", "bewustwording", "advies", "groepsthema", "evaluatie"]


def seconds(text: str) -> int:
    sign = -1 if text.startswith("-") else 1
    minutes, secs = text.lstrip("-").split(":")
    return sign * (int(minutes) * 60 + int(secs))


def countdown_seconds(page) -> int:
    return seconds(page.get_by_test_id("countdown").inner_text())


def login_as_facilitator(live, meeting):
    page = live.page(device=LAPTOP)
    page.goto(f"/meetings/{meeting.pk}/facilitate/")
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
    page.get_by_label("E-mailadres").fill("begeleider@example.org")
    page.get_by_label("Wachtwoord").fill("intervisie-demo")
    page.get_by_role("button", name="Inloggen").click()
    expect(page.get_by_test_id("connection")).to_have_attribute("data-state", "online")
    return page


def test_a_facilitator_and_phones_go_through_all_six_phases(live, demo):
    facilitator = login_as_facilitator(live, demo)
    join_url = facilitator.get_by_test_id("join-qr").get_attribute("data-join-url")
    assert join_url == f"{live.url}/j/{demo.join_code}/"

    # All seven members; the last phone's clock is five minutes ahead.
    phones = [live.page(user(f"lid{n}@example.org"), PHONE) for n in range(1, 7)]
    phones.append(live.page(user("lid7@example.org"), PHONE, clock_offset_ms=5 * 60 * 1000))
    for phone in phones:
        phone.goto(join_url)  # the QR code leads a logged-in member straight in
        expect(phone).to_have_url(re.compile(rf"/meetings/{demo.pk}/$"))
        expect(phone.get_by_test_id("phase")).to_have_attribute("data-phase", "lobby")
        expect(phone.get_by_test_id("connection")).to_have_attribute("data-state", "online")
    expect(facilitator.get_by_test_id("connected-person")).to_have_count(8)
    screenshot(facilitator, "facilitator-lobby")

    # The demo chose Anna's case; the facilitator makes Bram the case owner instead.
    expect(phones[0].get_by_text("Jij bent de inbrenger")).to_be_visible()
    facilitator.get_by_test_id("case-owner").select_option(label="Bram Jansen")
    facilitator.get_by_test_id("set-case-owner").click()
    expect(phones[1].get_by_text("Jij bent de inbrenger")).to_be_visible()
    expect(phones[0].get_by_text("Jij bent de inbrenger")).to_have_count(0)
    facilitator.get_by_test_id("start-meeting").click()

    for index, phase in enumerate(PHASES):
        if index:
            facilitator.get_by_test_id("next-phase").click()
        for page in [facilitator, *phones]:
            expect(page.get_by_test_id("phase")).to_have_attribute("data-phase", phase)
        countdowns = [page.get_by_test_id("countdown") for page in [facilitator, *phones]]
        deadlines = {countdown.get_attribute("data-deadline") for countdown in countdowns}
        assert len(deadlines) == 1 and deadlines.pop().isdigit()
        if phase == "analyse":
            screenshot(facilitator, "facilitator-analyse")
            screenshot(phones[1], "phone-case-owner-analyse")
            screenshot(phones[1], "phone-member-analyse")

    # The phone whose clock is five minutes ahead shows the same countdown.
    skewed = phones[-1]
    skewed.wait_for_function(
        "Math.abs(parseInt(document.querySelector('[data-socket]').dataset.clockOffset) + 300000) < 2000"
    )
    readings = [countdown_seconds(page) for page in phones]
    assert max(readings) - min(readings) <= 1, readings

    # Pause and resume, +1 minute: every phone follows. The facilitator acts on what their own
    # screen shows (phones get a command's state ahead of the facilitator's redrawn buttons).
    facilitator.get_by_test_id("pause").click()
    for page in [facilitator, *phones]:
        expect(page.get_by_test_id("countdown")).to_have_attribute("data-paused", "true")
    facilitator.get_by_test_id("resume").click()
    for page in [facilitator, *phones]:
        expect(page.get_by_test_id("countdown")).to_have_attribute("data-paused", "false")
    before = int(phones[0].get_by_test_id("countdown").get_attribute("data-deadline"))
    facilitator.get_by_test_id("extend-1").click()
    for page in [facilitator, phones[0]]:
        expect(page.get_by_test_id("countdown")).to_have_attribute("data-deadline", str(before + 60_000))

    # A double click on "previous" moves one phase.
    facilitator.get_by_test_id("prev-phase").dblclick()
    for page in [facilitator, *phones]:
        expect(page.get_by_test_id("phase")).to_have_attribute("data-phase", "groepsthema")
    demo.refresh_from_db()
    assert demo.phase == "groepsthema"

    # Keyboard: N moves on.
    facilitator.keyboard.press("n")
    for page in [facilitator, *phones]:
        expect(page.get_by_test_id("phase")).to_have_attribute("data-phase", "evaluatie")

    facilitator.once("dialog", lambda dialog: dialog.accept())
    facilitator.get_by_test_id("end-meeting").click()
    for page in [facilitator, *phones]:
        expect(page.get_by_test_id("phase")).to_have_attribute("data-phase", "closed")
    screenshot(phones[1], "phone-closed")
    assert live.errors == []  # no script errors, nothing blocked by the Content-Security-Policy


def test_the_phones_recover_on_their_own_after_a_server_restart(live, demo, server):
    facilitator = login_as_facilitator(live, demo)
    facilitator.get_by_test_id("start-meeting").click()
    expect(facilitator.get_by_test_id("phase")).to_have_attribute("data-phase", "inventarisatie")
    demo.refresh_from_db()
    phones = [live.page(user(f"lid{n}@example.org"), PHONE) for n in (4, 5)]
    for phone in phones:
        phone.goto(f"/meetings/{demo.pk}/")
        expect(phone.get_by_test_id("phase")).to_have_attribute("data-phase", "inventarisatie")
        expect(phone.get_by_test_id("connection")).to_have_attribute("data-state", "online")

    server.stop()
    try:
        for phone in phones:
            expect(phone.get_by_test_id("connection")).to_have_attribute("data-state", "reconnecting")
        # The state moves on while the phones are cut off.
        in_thread(lambda: Meeting.objects.get(pk=demo.pk).advance(demo.version))
    finally:
        server.start()

    for page in [facilitator, *phones]:
        expect(page.get_by_test_id("connection")).to_have_attribute("data-state", "online", timeout=10_000)
        expect(page.get_by_test_id("phase")).to_have_attribute("data-phase", "analyse", timeout=10_000)
    facilitator.get_by_test_id("next-phase").click()
    for phone in phones:
        expect(phone.get_by_test_id("phase")).to_have_attribute("data-phase", "bewustwording")


def test_a_phone_without_an_account_picks_a_name_and_is_admitted(live, demo):
    facilitator = login_as_facilitator(live, demo)
    phone = live.page(device=PHONE)
    phone.goto(f"/j/{demo.join_code}/")
    phone.get_by_label("Gert").check()
    phone.get_by_test_id("ask-to-join").click()
    expect(phone.get_by_test_id("waiting")).to_be_visible()
    assert phone.get_by_test_id("phase").count() == 0  # a waiting phone sees nothing of the meeting
    screenshot(phone, "phone-waiting")

    check_code = phone.get_by_test_id("check-code").inner_text()
    expect(facilitator.get_by_test_id("waiting-device")).to_contain_text(f"Gert {check_code}")
    facilitator.get_by_test_id("admit").click()
    expect(phone).to_have_url(re.compile(rf"/meetings/{demo.pk}/$"))
    expect(phone.get_by_test_id("phase")).to_have_attribute("data-phase", "lobby")
    facilitator.get_by_test_id("start-meeting").click()
    expect(phone.get_by_test_id("phase")).to_have_attribute("data-phase", "inventarisatie")
    expect(facilitator.get_by_test_id("connected-list")).to_contain_text("Gert")

    # The facilitator takes the phone's access away again: it is sent back to the start.
    facilitator.once("dialog", lambda dialog: dialog.accept())
    facilitator.get_by_test_id("revoke").click()
    expect(phone).to_have_url(re.compile(rf"/j/{demo.join_code}/$"), timeout=15_000)
    expect(phone.get_by_text("niet toegelaten")).to_be_visible()


def test_the_presenter_screen_follows_the_meeting(live, demo):
    facilitator = login_as_facilitator(live, demo)
    presenter = facilitator.context.new_page()
    presenter.set_viewport_size({"width": 1920, "height": 1080})
    presenter.goto(f"/meetings/{demo.pk}/presenter/")
    expect(presenter.get_by_test_id("join-qr")).to_be_visible()
    assert presenter.get_by_test_id("next-phase").count() == 0
    facilitator.get_by_test_id("start-meeting").click()
    expect(presenter.get_by_test_id("phase")).to_have_attribute("data-phase", "inventarisatie")
    screenshot(presenter, "presenter")


def test_the_outsider_sees_nothing(live, demo):
    page = live.page(user("buiten@example.org"), PHONE)
    for path in (f"/meetings/{demo.pk}/", f"/meetings/{demo.pk}/facilitate/", f"/j/{demo.join_code}/"):
        response = page.goto(path)
        assert response.status == 404
        assert demo.group.name not in page.content()
    events = page.evaluate(
        """(path) => new Promise((resolve) => {
            const seen = [];
            const ws = new WebSocket("ws://" + location.host + path);
            ws.onmessage = (e) => seen.push(e.data);
            ws.onclose = () => resolve({messages: seen.length});
            setTimeout(() => resolve({messages: seen.length, open: true}), 5000);
        })""",
        f"/ws/meetings/{demo.pk}/",
    )
    assert events == {"messages": 0}


def test_a_phone_shows_the_new_phase_from_the_state_alone_before_the_fragments(live, demo):
    """A command's state goes out ahead of its rendered fragments: with every push held back,
    the phone still shows the new phase's name and colour and a running countdown."""
    import json

    phone = live.page(user("lid2@example.org"), PHONE)
    held = []

    def hold_pushes(route):
        server = route.connect_to_server()

        def from_server(message):
            if json.loads(message).get("type") == "push":
                held.append(message)
            else:
                route.send(message)

        server.on_message(from_server)

    phone.route_web_socket(re.compile(r"/ws/meetings/"), hold_pushes)
    phone.goto(f"/meetings/{demo.pk}/")
    expect(phone.get_by_test_id("connection")).to_have_attribute("data-state", "online")
    expect(phone.locator("#phase-name")).to_have_text("Welkom")

    login_as_facilitator(live, demo).get_by_test_id("start-meeting").click()
    first = demo.phases[0]
    expect(phone.get_by_test_id("phase")).to_have_attribute("data-phase", first.key)
    expect(phone.locator("#phase-name")).to_have_text(first.name)
    countdown = phone.get_by_test_id("countdown")
    expect(countdown).to_have_attribute("data-total", str(first.minutes * 60_000))
    expect(countdown).to_have_text(re.compile(rf"^{first.minutes - 1}:5\d|{first.minutes}:00$"))
    for _ in range(100):  # the fragments come too, a moment later, and are held back
        if held:
            break
        phone.wait_for_timeout(100)
    assert held
    screenshot(phone, "phone-state-before-fragments")
    assert not live.errors
