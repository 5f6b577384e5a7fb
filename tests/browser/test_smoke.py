"""Smoke test: every page as every persona, on a phone and a laptop, and every button pressed.

Generated like the access matrix (tests/test_access_matrix.py): for each persona of PERSONAS, on a
fresh `world` (tests/personas.py), the test visits every GET route of ROUTES that persona gets
through, and Django's own pages (DJANGO_PAGES below), at phone (390×844) and laptop (1280×800)
size. A new route is in ROUTES (the matrix insists), so it is visited here without a new test.

At the size that persona mostly uses (PRESS_DEVICE: the coordinator and the facilitator on a
laptop, everybody else on a phone) it then presses every visible, enabled button of every HTML
page; at the other size it only visits. A button is pressed once per persona and page, by its
shape (what it sends, with the numbers in its URL left out): one row of a list (a meeting, a
member in the attendance register, a method) stands for the others, and the forms of every page
(logging out, the language) are pressed on the first page only. Before each press the page is
loaded afresh (a live page until its socket's snapshot arrived); a button inside a closed
<details> is revealed the way a person does it (opening the <summary>); the required fields of
its form that are visible and empty get what a person would give (a short text, the first real
option of a select, a date a week ahead, FILL_VALUES); everything else keeps its default.

It fails on
- a console error or warning, an uncaught exception, a Content-Security-Policy violation
  (`securitypolicyviolation` events, reported by an init script), a response of 500 or more, a
  resource (script, style, image) that answers 4xx;
- a page the matrix lets through that refuses (403, 404) or sends to log in on the first visit
  (a 409, the right person at the wrong moment, counts as through, as in the matrix);
- a press that sends nothing: a submit button whose form the browser refuses because of an
  invalid field a person cannot see (the required select in a closed <details> that blocked the
  other button of its form), a form the generic values cannot fill, or any press after which no
  POST and no page load was made, no confirmation was asked and, for a `type="button"`
  (handled by JavaScript), nothing in the page changed outside the ticking countdown.

Not pressed: links (<a>: the routes are visited anyway) and <summary> (they only open and close).
Order: the ordinary presses first, page by page; those that ask the browser's confirm() (the
app's convention for what cannot be undone: ending a meeting, a second case, revoking a phone,
another case owner mid-round; found by dismissing the dialog the first time) are pressed again
after all the others with the dialog accepted, the ones the app styles `.danger` last; then
those of LAST_ROUTES. A press whose button is gone by then (the meeting ended, the only waiting
phone was admitted) is skipped and printed; a page an earlier press made unreachable is skipped
for pressing (it was visited before any press). Every persona gets a fresh world (the test is
parametrized), so one persona's presses never change another's pages.

Left out, on purpose: /favicon.ico beside a page that is not HTML (Chromium asks for it beside
data.json; the app names its icon in base.html); calendars (.ics) are downloads, checked by
status only; /healthz is the load balancer's probe, not a page (NOT_PAGES).
"""

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import default_token_generator
from django.urls import Resolver404, resolve, reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from playwright.sync_api import Error as PlaywrightError

from tests.test_access_matrix import ACCOUNTS, DJANGO_OWN, PERSONAS, ROUTES, route_url, who_gets_through

from .conftest import LAPTOP, PHONE

# Django's own pages (not in ROUTES): who gets through, and how to build the URL.
DJANGO_PAGES = {
    "login": {"anonymous"},
    "password_reset": {"anonymous"},
    "password_reset_done": {"anonymous"},
    "password_reset_confirm": {"anonymous"},
    "password_reset_complete": {"anonymous"},
    "password_change": ACCOUNTS,
    "password_change_done": ACCOUNTS,
}
POST_ONLY = {"logout", "set_language"}  # pressed as the forms of every page (base.html)

PRESS_DEVICE = {"coordinator": LAPTOP, "facilitator": LAPTOP}  # everybody else: PHONE

# Presses that go last, after the confirmed ones, by the route their form posts to, in this order:
# they remove the thing the other pages show (a meeting, an account: refused here, the password
# is wrong) or change who the browser is (logging out; accepting an invitation logs in as the
# invited person, whose password is then the one FILL_VALUES gives).
# Not a page a person opens: the load balancer's probe, whose 503 under load is its answer
# (tests/test_healthz.py tests it).
NOT_PAGES = {"healthz"}
LAST_ROUTES = ["meetings:cancel", "delete-account", "logout", "groups:accept-invitation"]

NAVIGATIONS = {"document", "fetch", "xhr"}  # their 4xx are answers the page shows; a resource's a bug

# Values a person would give a required field left empty, by input type.
FILL_VALUES = {
    "email": "smoke@example.org",
    "password": "een-goed-wachtwoord-42",
    "number": "1",
    "time": "19:00",
    "url": "https://example.org/",
}

OBSERVER = """
(() => {
  window.__smokeMutations = 0;
  new MutationObserver((records) => {
    for (const record of records) {
      const node = record.target.nodeType === 1 ? record.target : record.target.parentElement;
      if (!node || !node.closest('[data-testid="countdown"], [data-testid="connection"]')) {
        window.__smokeMutations += 1;
      }
    }
  }).observe(document, {subtree: true, childList: true, attributes: true, characterData: true});
  document.addEventListener("securitypolicyviolation", (event) => {
    window.__smokeCsp(event.violatedDirective + " blocked " + (event.blockedURI || "inline"));
  });
})();
"""

# Every pressable control, marked with a key that finds it again after a reload: what it sends.
MARK_BUTTONS = r"""
() => {
  const seen = {};
  const result = [];
  document.querySelectorAll('button, input[type="submit"], input[type="image"]').forEach((button) => {
    const form = button.form;
    const action = (button.hasAttribute("formaction") ? button.formAction : (form && form.action) || "")
      .replace(location.origin, "");
    const method = ((button.hasAttribute("formmethod") && button.formMethod) || (form && form.method) || "")
      .toLowerCase();
    const hxForm = button.closest("[hx-post]");
    const target = (hxForm && hxForm.getAttribute("hx-post")) || action;
    // Its shape: the same control in another row of a list (another meeting, member) has the same key.
    let key = [button.type, method, target, button.name, button.value,
               button.dataset.testid || "", button.textContent.trim().slice(0, 40)]
      .join("|").replace(/\/\d+(?=\/)/g, "/N");
    const first = seen[key] === undefined;
    seen[key] = (seen[key] || 0) + 1;
    if (!first) key += "#" + seen[key];  // the first of its shape is the one pressed
    button.dataset.smoke = key;
    const closed = button.closest("details:not([open])");
    result.push({
      key: key,
      action: target,
      pressable: !button.disabled && (button.checkVisibility() || !!closed) && first,
      danger: button.matches(".danger"),
    });
  });
  return result;
}
"""

OPEN_DETAILS = """
(button) => {
  for (let details = button.closest("details:not([open])"); details;
       details = details.parentElement && details.parentElement.closest("details:not([open])")) {
    details.querySelector(":scope > summary").click();
  }
}
"""

# The required fields a person can see and left empty get a value; returns what is still invalid.
FILL_FORM = """
(button, values) => {
  const form = button.form;
  if (!form || button.type !== "submit") return [];
  const soon = new Date(Date.now() + 7 * 24 * 3600 * 1000).toISOString().slice(0, 10);
  for (const field of form.elements) {
    if (!field.willValidate || field.validity.valid || !field.checkVisibility()) continue;
    if (field.tagName === "SELECT") {
      const option = [...field.options].find((option) => option.value && !option.disabled);
      if (option) field.value = option.value;
    } else if (field.type === "checkbox" || field.type === "radio") {
      field.checked = true;
    } else if (field.type === "date") {
      field.value = soon;
    } else {
      field.value = values[field.type] || "Een korte tekst";
    }
    field.dispatchEvent(new Event("input", {bubbles: true}));
    field.dispatchEvent(new Event("change", {bubbles: true}));
  }
  if (form.noValidate || button.formNoValidate) return [];
  return [...form.elements].filter((field) => field.willValidate && !field.validity.valid).map(
    (field) => (field.name || field.id || field.tagName) + (field.checkVisibility() ? "" : " (not visible)"));
}
"""


def django_page_url(name: str, objects: dict) -> str:
    if name == "password_reset_confirm":
        member = get_user_model().objects.get(pk=objects["member_user"])
        uid = urlsafe_base64_encode(force_bytes(member.pk))
        return reverse(name, kwargs={"uidb64": uid, "token": default_token_generator.make_token(member)})
    return reverse(name)


def pages_for(persona: str, objects: dict) -> list[str]:
    """Every GET page the persona gets through: the matrix's routes, then Django's own pages."""
    urls = [
        route_url(name, objects)
        for name, (method, _, _) in sorted(ROUTES.items())
        if method == "get" and persona in who_gets_through(name) and name not in NOT_PAGES
    ]
    return urls + [django_page_url(name, objects) for name, who in DJANGO_PAGES.items() if persona in who]


def route_name(path: str) -> str:
    try:
        match = resolve(path.split("?")[0] or "/")
    except Resolver404:
        return ""
    return match.view_name


class Watcher:
    """One browser context as one persona at one size, and everything that went wrong in it."""

    def __init__(self, live, cookie, device, persona):
        self.persona, self.size = persona, device["viewport"]["width"]
        self.problems, self.where = [], ""
        self.sent = self.in_flight = self.dialogs = 0
        self.accept_dialogs = False
        self.gone = []
        # Chromium asks for /favicon.ico beside a page that is not HTML (data.json), which names no icon.
        self.icons = {f"{live.url}/favicon.ico"}
        self.live_url = live.url
        self.context = live.context(None, device)
        if cookie is not None:
            self.context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live.url}])
        self.context.expose_function("__smokeCsp", lambda text: self.problem(f"CSP violation: {text}"))
        self.context.add_init_script(script=OBSERVER)
        self.page = self.context.new_page()
        self.page.set_default_timeout(5_000)
        self.page.on("console", self.on_console)
        self.page.on("pageerror", lambda error: self.problem(f"uncaught exception: {error}"))
        self.page.on("response", self.on_response)
        self.page.on("request", self.on_request)
        self.page.on("requestfinished", self.on_request_done)
        self.page.on("requestfailed", self.on_request_done)
        self.page.on("dialog", self.on_dialog)
        self.frames = 0
        self.page.on("websocket", lambda socket: socket.on("framereceived", self.on_frame))

    def on_frame(self, _payload) -> None:
        self.frames += 1

    def problem(self, text: str) -> None:
        self.problems.append(f"{self.persona} @{self.size} {self.where}: {text}")

    def on_console(self, message) -> None:
        # "Failed to load resource" repeats a response, which on_response judges (a 409 is an answer).
        if message.type in ("error", "warning") and not message.text.startswith("Failed to load resource"):
            self.problem(f"console {message.type}: {message.text} ({message.location.get('url', '')})")

    def on_response(self, response) -> None:
        request = response.request
        broken = request.resource_type not in NAVIGATIONS and request.url not in self.icons
        if response.status >= 500 or (response.status >= 400 and broken):
            self.problem(f"{response.status} from {request.method} {response.url}")

    @staticmethod
    def counts(request) -> bool:
        """A request a press sends: a POST (htmx, a form, live.js) or a page load; not a poll."""
        return request.method != "GET" or request.is_navigation_request()

    def on_request(self, request) -> None:
        if self.counts(request):
            self.sent += 1
            self.in_flight += 1

    def on_request_done(self, request) -> None:
        if self.counts(request):
            self.in_flight -= 1

    def on_dialog(self, dialog) -> None:
        self.dialogs += 1
        dialog.accept() if self.accept_dialogs else dialog.dismiss()

    def visit(self, url: str):
        """Load a page; returns its status, None for a download (a calendar), 0 if it failed."""
        self.where, self.frames = url, 0
        try:
            response = self.page.goto(url)
        except PlaywrightError as error:
            if "Download is starting" not in str(error):
                self.problem(f"did not load: {error.message.splitlines()[0]}")
                return 0
            response = self.context.request.get(url, max_redirects=0)
            if response.status >= 400:
                self.problem(f"the download answered {response.status}")
            return None
        self.page.wait_for_load_state("load")
        self.response = response
        if self.page.locator("[data-socket]").count():  # a live page: its snapshot redraws it first
            for _ in range(100):
                if self.frames:
                    break
                self.page.wait_for_timeout(50)
            self.page.wait_for_timeout(100)
        return response.status if response else 0

    def first_answer(self, url: str):
        """The status before any redirect (the matrix's "got through"), None for a download."""
        status = self.visit(url)
        if not status:
            return status
        request = self.response.request
        while request.redirected_from:
            request = request.redirected_from
        return request.response().status

    def sent_to_log_in(self) -> bool:
        return self.page.url.startswith(f"{self.live_url}/accounts/login/") and "/login/" not in self.where

    def buttons(self) -> list[dict]:
        if "html" not in (self.page.evaluate("document.contentType") or ""):
            return []
        return self.page.evaluate(MARK_BUTTONS)

    def press(self, url: str, key: str) -> None:
        """Load the page afresh, press the button with this key, and check that it did something."""
        if self.visit(url) not in (200,):
            return  # an earlier press made this page unreachable; it was visited before
        self.where = f"{url} [{key}]"
        for attempt in range(3):  # a push may redraw the button under the hand: find it again
            self.page.evaluate(MARK_BUTTONS)
            button = self.page.locator(f'[data-smoke="{key}"]')
            if button.count() != 1:
                self.gone.append(self.where)  # gone after an earlier press (the meeting ended …)
                return
            try:
                if button.is_disabled(timeout=1_000):
                    self.gone.append(self.where)
                    return
                button.evaluate(OPEN_DETAILS, timeout=1_000)
                invalid = button.evaluate(FILL_FORM, FILL_VALUES, timeout=1_000)
                is_js_button = button.evaluate("(button) => button.type === 'button'", timeout=1_000)
                sent, dialogs = self.sent, self.dialogs
                mutations = self.page.evaluate("window.__smokeMutations")
                button.click(timeout=2_000)
                break
            except PlaywrightError as error:
                if attempt == 2:
                    self.problem(f"could not press: {error.message.splitlines()[0]}")
                    return
        if invalid:
            self.problem(f"the browser refuses the form: invalid {', '.join(invalid)}")
        for _ in range(30):  # up to 1.5 s for the press to send something
            if self.sent > sent or self.dialogs > dialogs:
                break
            self.page.wait_for_timeout(50)
        for _ in range(100):  # and up to 5 s for the answer, to see a 500 and what the swap does
            if self.in_flight <= 0:
                break
            self.page.wait_for_timeout(50)
        self.page.wait_for_load_state("load")
        if self.sent > sent or self.dialogs > dialogs:
            return
        if is_js_button and self.page.evaluate("window.__smokeMutations") > mutations:
            return
        if not invalid:
            self.problem("the press sent nothing and changed nothing")

    def visit_all(self, urls: list[str]) -> list[tuple[str, dict]]:
        """Every page: the matrix's answer, and the presses it offers (one per shape, per persona)."""
        presses, done = [], set()
        for url in urls:
            status = self.first_answer(url)
            if status in (0, 403, 404) or (status or 0) >= 500 or self.sent_to_log_in():
                self.problem(f"answered {status}, but the matrix lets {self.persona} through")
            if status is None or self.page.url.startswith(f"{self.live_url}/accounts/login/"):
                continue
            page = self.page.url.removeprefix(self.live_url)  # after redirects: a phone's /j/… is its page
            for button in self.buttons():
                identity = button["key"] if url_independent(button) else (page, button["key"])
                if button["pressable"] and identity not in done:
                    done.add(identity)
                    presses.append((page, button))
        return presses

    def press_all(self, presses: list[tuple[str, dict]]) -> None:
        """Ordinary presses first, then the ones that asked confirm() (accepted now), then LAST_ROUTES."""
        last = {name: [] for name in LAST_ROUTES}
        confirmed = []
        for url, button in presses:
            target = route_name(button["action"]) or route_name(url)
            if target in last:
                last[target].append((url, button))
                continue
            dialogs = self.dialogs
            self.press(url, button["key"])
            if self.dialogs > dialogs:
                confirmed.append((url, button))
        self.accept_dialogs = True
        confirmed.sort(key=lambda press: press[1]["danger"])  # what the app marks dangerous: last of these
        for url, button in confirmed + [press for name in LAST_ROUTES for press in last[name]]:
            self.press(url, button["key"])


def url_independent(button: dict) -> bool:
    """The forms of every page (base.html: log out, language) count once per persona, not per page."""
    return route_name(button["action"]) in POST_ONLY


@pytest.fixture
def quick_world(settings, request):
    """The world, its passwords hashed fast: nobody here logs in by password (sessions are copied)."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    return request.getfixturevalue("world")


@pytest.mark.parametrize("persona", PERSONAS)
def test_every_page_and_every_button_works(live, quick_world, persona):
    clients, objects = quick_world
    cookie = clients[persona].cookies.get(settings.SESSION_COOKIE_NAME)
    urls = pages_for(persona, objects)
    press_device = PRESS_DEVICE.get(persona, PHONE)
    visit_device = LAPTOP if press_device is PHONE else PHONE
    visitor = Watcher(live, cookie, visit_device, persona)
    visitor.visit_all(urls)
    presser = Watcher(live, cookie, press_device, persona)
    presses = presser.visit_all(urls)
    presser.press_all(presses)
    print(f"{persona}: {len(urls)} pages at 2 sizes, {len(presses)} presses at {presser.size}")
    for where in presser.gone:
        print(f"  not pressed, gone after an earlier press: {where}")
    assert presses or persona == "waiting_device", "nothing was pressed"
    problems = visitor.problems + presser.problems
    assert problems == [], "\n".join(problems)


def test_every_page_of_django_is_listed():
    assert set(DJANGO_PAGES) | POST_ONLY == DJANGO_OWN


def test_it_finds_a_press_that_sends_nothing(live):
    """The classic bug: a required select in a closed <details> blocks the other submit button;
    and a button that does nothing, and an inline script the Content-Security-Policy refuses."""
    watcher = Watcher(live, None, PHONE, "self-test")
    html = """<form method="post" action="/nowhere/">
      <button type="submit" name="response" value="yes">Ik ben erbij</button>
      <details><summary>Afmelden</summary>
        <select name="reason" required><option value="">—</option><option value="busy">druk</option></select>
        <button type="submit" name="response" value="no">Afmelden</button>
      </details>
    </form>
    <button type="button">Doet niets</button>
    <script>document.title = "inline, refused by the policy";</script>"""
    policy = {"Content-Security-Policy": "script-src 'self'"}
    watcher.page.route(
        "**/page/", lambda route: route.fulfill(body=html, content_type="text/html", headers=policy)
    )
    watcher.page.route("**/nowhere/", lambda route: route.fulfill(body="ok", content_type="text/html"))
    buttons = [button["key"] for button in (watcher.visit(f"{live.url}/page/") and watcher.buttons())]
    assert len(buttons) == 3
    for key in buttons:
        watcher.press(f"{live.url}/page/", key)
    found = "\n".join(watcher.problems)
    assert "Ik ben erbij" in found and "invalid reason (not visible)" in found
    assert "Doet niets" in found and "sent nothing" in found
    assert "is not focusable" in found  # Chromium's own word for it, as a console error
    assert "|no|" not in found, "the cancel button opens its <details> and picks a reason"
    assert "CSP violation: script-src" in found
    assert len([problem for problem in watcher.problems if "script" not in problem]) == 3, found
