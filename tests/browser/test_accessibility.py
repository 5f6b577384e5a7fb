"""axe-core on every page, phone and laptop, Dutch and English; and the facilitator by keyboard only."""

from django.conf import settings
from playwright.sync_api import expect

from .conftest import LAPTOP, PHONE, ROOT, in_thread, user

AXE = (ROOT / "tests" / "browser" / "node_modules" / "axe-core" / "axe.min.js").read_text()


def pages(demo) -> list[tuple[str | None, str]]:
    group, meeting = demo.group_id, demo.pk
    past = demo.group.meetings.filter(status="closed").order_by("-scheduled_start").first().pk
    member = user("lid2@example.org").pk
    return [
        (None, "/accounts/login/"),
        (None, "/j/"),
        (None, f"/j/{demo.join_code}/"),
        ("lid2@example.org", "/"),
        ("lid2@example.org", f"/groups/{group}/traject/"),
        ("lid2@example.org", f"/groups/{group}/cases/"),
        ("lid2@example.org", f"/groups/{group}/agreements/"),
        ("lid2@example.org", f"/groups/{group}/attendance/"),
        ("lid2@example.org", f"/groups/{group}/attendance/{member}/proof/"),
        ("lid2@example.org", f"/meetings/{past}/summary/"),
        ("lid2@example.org", f"/meetings/{meeting}/"),
        ("lid1@example.org", f"/meetings/{meeting}/"),  # the case owner
        ("begeleider@example.org", f"/meetings/{meeting}/facilitate/"),
        ("begeleider@example.org", f"/meetings/{meeting}/presenter/"),
        ("begeleider@example.org", "/methods/"),
        ("begeleider@example.org", f"/groups/{group}/report/"),
        ("coordinator@example.org", "/dashboard/"),
        ("coordinator@example.org", "/groups/"),
        ("coordinator@example.org", f"/groups/{group}/edit/"),
        ("coordinator@example.org", f"/groups/{group}/schedule/"),
    ]


def audit(live, demo, language: str, device: dict) -> list[str]:
    found = []
    contexts = {}
    for email, path in pages(demo):
        if email not in contexts:
            context = live.context(user(email) if email else None, {**device, "bypass_csp": True})
            context.add_cookies([{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": live.url}])
            contexts[email] = context.new_page()
        page = contexts[email]
        page.goto(path)
        assert page.url.endswith(path), (
            f"{path} as {email}: ended on {page.url}"
        )  # the page itself was audited
        page.evaluate(AXE)
        result = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
        assert result["passes"] or result["violations"], "axe checked nothing"
        for violation in result["violations"]:
            if violation["impact"] in ("serious", "critical"):
                targets = [node["target"] for node in violation["nodes"]][:3]
                found.append(f"{language} {device['viewport']['width']} {path}: {violation['id']} {targets}")
    return found


def test_no_serious_accessibility_violations_anywhere(live, demo):
    found = []
    for language in ("nl", "en"):
        for device in (PHONE, LAPTOP):
            found += audit(live, demo, language, device)
    in_thread(lambda: demo.start(demo.version))  # and once more with a phase running
    for device in (PHONE, LAPTOP):
        found += audit(live, demo, "nl", device)
    assert found == [], "\n".join(found)


def test_the_facilitator_steers_by_keyboard_only(live, demo):
    page = live.page(user("begeleider@example.org"), LAPTOP)
    page.goto(f"/meetings/{demo.pk}/facilitate/")
    start = page.get_by_test_id("start-meeting")
    for _ in range(40):  # Tab until the start button has the focus
        page.keyboard.press("Tab")
        if start.evaluate("element => element === document.activeElement"):
            break
    expect(start).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.get_by_test_id("phase")).to_have_attribute("data-phase", "inventarisatie")
    page.keyboard.press("n")
    expect(page.get_by_test_id("phase")).to_have_attribute("data-phase", "analyse")
    page.keyboard.press("p")
    expect(page.get_by_test_id("countdown")).to_have_attribute("data-paused", "true")
    assert live.errors == []
