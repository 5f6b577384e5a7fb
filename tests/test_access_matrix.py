"""Every route as every kind of visitor: the expected answer, and no case content where it does not belong.

The routes come from the URL configuration, so a new view without an entry in
ROUTES fails `test_every_route_is_in_the_matrix`. Each request runs in a
savepoint that is rolled back, so one persona's POST does not change the
world for the next.
"""

from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.personas import CANARY, EARLIER_CANARY

PERSONAS = [
    "anonymous",
    "outsider",
    "other_member",
    "coordinator",
    "pending",
    "waiting_device",
    "admitted_device",
    "member",
    "case_owner",
    "facilitator",
    "joined_later",
]
# Who may see case content (the rest must never get the canary); "joined_later" (a member since
# yesterday) sees the live meeting's, but nothing of the meeting held a week ago.
SEES_CASE = {"member", "case_owner", "facilitator", "admitted_device", "joined_later"}
SEES_EARLIER = SEES_CASE - {"joined_later"}

EVERYBODY = set(PERSONAS)
ACCOUNTS = EVERYBODY - {"anonymous", "waiting_device", "admitted_device"}
MEMBERS = {"member", "case_owner", "pending"}
IN_GROUP = MEMBERS | {"facilitator"}
ON_THE_PHONE = {"member", "case_owner", "pending", "admitted_device"}

# route name: (method, URL arguments by name, personas that get through).
# URL arguments name objects of the world below.
ROUTES = {
    "home": ("get", {}, ACCOUNTS),
    "my-data": ("get", {}, ACCOUNTS),
    "delete-account": ("get", {}, ACCOUNTS),
    "healthz": ("get", {}, EVERYBODY),
    "meetings:join-by-code": ("get", {}, EVERYBODY),
    "meetings:join": ("get", {"code": "join_code"}, EVERYBODY - {"outsider", "other_member", "coordinator"}),
    "meetings:join-wait": ("get", {"code": "join_code"}, EVERYBODY),
    "meetings:participant": ("get", {"pk": "meeting"}, ON_THE_PHONE | {"facilitator"}),
    "meetings:facilitate": ("get", {"pk": "meeting"}, {"facilitator"}),
    "meetings:presenter": ("get", {"pk": "meeting"}, {"facilitator"}),
    "meetings:command": ("post", {"pk": "meeting", "name": "pause"}, {"facilitator"}),
    "meetings:controls": ("post", {"pk": "meeting"}, ON_THE_PHONE),
    "meetings:decide-join": ("post", {"pk": "meeting", "request_id": "waiting_request"}, {"facilitator"}),
    "meetings:contribute": ("post", {"pk": "meeting"}, ON_THE_PHONE | {"facilitator"}),
    "meetings:coach": ("post", {"pk": "meeting"}, ON_THE_PHONE | {"facilitator"}),
    "meetings:mark-asked": (
        "post",
        {"pk": "meeting", "contribution_id": "question"},
        {"facilitator", "case_owner"},
    ),
    "meetings:reveal": ("post", {"pk": "meeting"}, {"facilitator"}),
    "meetings:vote": (
        "post",
        {"pk": "meeting", "case_id": "case"},
        {"member", "case_owner", "admitted_device"},
    ),
    "meetings:evaluate": ("post", {"pk": "meeting"}, {"member", "case_owner", "admitted_device"}),
    "meetings:summary": ("get", {"pk": "meeting"}, {"member", "case_owner", "facilitator"}),
    "meetings:follow-up": ("post", {"pk": "meeting", "case_id": "case"}, set()),  # no look-back here
    "meetings:methods": ("get", {}, {"facilitator"}),
    "meetings:method-copy": ("post", {"method_id": "builtin_method"}, {"facilitator"}),
    "meetings:method-edit": ("get", {"method_id": "own_method"}, {"facilitator"}),
    "meetings:cases": ("get", {"pk": "group"}, MEMBERS),
    "meetings:case-edit": ("get", {"case_id": "case"}, {"case_owner"}),
    "meetings:case-bring": ("post", {"case_id": "case"}, {"case_owner"}),
    "meetings:choose-case": ("post", {"pk": "meeting", "case_id": "case"}, {"facilitator"}),
    "meetings:reformulate": ("post", {"pk": "meeting"}, {"case_owner"}),
    "meetings:mark-fits": ("post", {"pk": "meeting", "contribution_id": "advice"}, {"case_owner"}),
    "meetings:action": ("post", {"pk": "meeting"}, {"case_owner"}),
    "meetings:traject": ("get", {"pk": "group"}, IN_GROUP | {"coordinator"}),
    "meetings:share-themes": ("post", {"pk": "group"}, {"facilitator"}),
    "meetings:dashboard": ("get", {}, {"coordinator"}),
    "meetings:report": ("get", {"pk": "group"}, IN_GROUP | {"coordinator"}),
    "meetings:attendance-proof": (
        "get",
        {"pk": "group", "user_id": "member_user"},
        {"member", "coordinator", "facilitator"},
    ),
    "meetings:schedule": ("get", {"pk": "group"}, {"coordinator"}),
    "meetings:add-meeting": ("get", {"pk": "group"}, {"coordinator"}),
    "meetings:register": ("get", {"pk": "group"}, IN_GROUP | {"coordinator"}),
    "meetings:edit": ("get", {"pk": "meeting"}, {"coordinator", "facilitator"}),
    "meetings:cancel": ("get", {"pk": "meeting"}, {"coordinator", "facilitator"}),
    "meetings:rsvp": ("post", {"pk": "meeting"}, MEMBERS),
    "meetings:set-presence": ("post", {"pk": "meeting", "user_id": "member_user"}, {"facilitator"}),
    "meetings:ics": ("get", {"pk": "meeting"}, IN_GROUP | {"coordinator"}),
    "meetings:feed": ("get", {"token": "feed_token"}, EVERYBODY),  # the secret token is the key
    "meetings:feed-reset": ("post", {}, ACCOUNTS),
    "groups:list": ("get", {}, {"coordinator"}),
    "groups:create": ("get", {}, {"coordinator"}),
    "groups:edit": ("get", {"pk": "group"}, {"coordinator"}),
    "groups:resend-invitation": ("post", {"pk": "group", "invitation_id": "invitation"}, {"coordinator"}),
    "groups:accept-invitation": ("get", {"token": "invitation_token"}, EVERYBODY),  # the token is the key
    "groups:agreements": ("get", {"pk": "group"}, IN_GROUP),
    "groups:accept-agreements": ("post", {"pk": "group"}, IN_GROUP),
    "groups:edit-agreements": ("get", {"pk": "group"}, {"facilitator"}),
}
# The refusal convention (docs/architecture.md) for routes about one group or meeting: who does not
# know the group gets a 404, never a 403 that would confirm it exists; who knows it (in it, or its
# coordinator) and lacks the role gets a 403, except for one person's own things (a case, a
# look-back), which do not exist for anybody else. Visitors without an account are redirected.
STRANGERS = {"outsider", "other_member"}
KNOW_THE_GROUP = {
    "coordinator",
    "pending",
    "member",
    "case_owner",
    "facilitator",
    "admitted_device",
    "joined_later",
}
NOT_ABOUT_ONE_GROUP = {
    "home",
    "my-data",
    "delete-account",
    "healthz",
    "meetings:join-by-code",
    "meetings:join-wait",
    "meetings:methods",
    "meetings:method-copy",
    "meetings:method-edit",
    "meetings:dashboard",
    "meetings:feed",
    "meetings:feed-reset",
    "groups:list",
    "groups:create",
    "groups:accept-invitation",
}
SOMEBODYS_OWN = {"meetings:case-edit", "meetings:case-bring", "meetings:follow-up"}


def expected_refusal(name: str, persona: str) -> int | None:
    """The status a refused persona must get, or None where the convention says nothing."""
    if name in NOT_ABOUT_ONE_GROUP:
        return None
    if persona in STRANGERS:
        return 404
    if name == "meetings:follow-up" and persona == "coordinator":
        return 403  # refused at the meeting (not in it), before any case is looked for
    if persona in KNOW_THE_GROUP:
        return 404 if name in SOMEBODYS_OWN else 403
    return None


# Django's own views: login, logout, password change and reset, language, admin (staff only).
DJANGO_OWN = {
    "login",
    "logout",
    "password_change",
    "password_change_done",
    "password_reset",
    "password_reset_done",
    "password_reset_confirm",
    "password_reset_complete",
    "set_language",
}


def route_names(resolver=None, namespace=None) -> set[str]:
    names = set()
    for pattern in (resolver or get_resolver()).url_patterns:
        if isinstance(pattern, URLResolver):
            if pattern.namespace != "admin":
                names |= route_names(pattern, pattern.namespace or namespace)
        elif isinstance(pattern, URLPattern):
            names.add(f"{namespace}:{pattern.name}" if namespace else pattern.name)
    return names


def test_every_route_is_in_the_matrix():
    assert route_names() - DJANGO_OWN == set(ROUTES), "add the new route to ROUTES with who may use it"


def route_url(name: str, objects: dict) -> str:
    """The URL of a route in ROUTES, its arguments taken from the world's objects."""
    arguments = ROUTES[name][1]
    return reverse(name, kwargs={key: objects.get(value, value) for key, value in arguments.items()})


def who_gets_through(name: str) -> set[str]:
    """The personas ROUTES lets through, with who joined later wherever any member gets through."""
    _, arguments, allowed = ROUTES[name]
    # Who joined later may do what any member may (of the meetings since), but is not "member".
    personal = name in SOMEBODYS_OWN or "member_user" in arguments.values()
    return allowed | ({"joined_later"} if "member" in allowed and not personal else set())


def state() -> tuple:
    """A fingerprint of everything a request could change."""
    from django.apps import apps

    return tuple(
        tuple(
            model._base_manager.order_by("pk").values_list(*[f.attname for f in model._meta.concrete_fields])
        )
        for model in apps.get_models()
        if model._meta.app_label in ("meetings", "groups", "auth")
    )


def request(client: Client, method: str, url: str, check_unchanged: bool = False):
    """One request whose writes are rolled back afterwards; optionally: it must change nothing."""
    with transaction.atomic():
        before = state() if check_unchanged else None
        response = getattr(client, method)(url, {"version": "0", "text": "x", "kind": "question"})
        changed = check_unchanged and state() != before
        transaction.set_rollback(True)
    response.changed_something = changed
    return response


def test_every_route_as_every_persona(world):
    clients, objects = world
    problems, checked = [], 0
    for name, (method, _, _) in sorted(ROUTES.items()):
        url = route_url(name, objects)
        allowed = who_gets_through(name)
        for persona in PERSONAS:
            refused = persona not in allowed
            response = request(clients[persona], method, url, check_unchanged=refused and method == "post")
            checked += 1
            if response.changed_something:
                problems.append(f"{name} as {persona}: refused, but the database changed")
            body = response.content.decode(errors="replace") if not response.streaming else ""
            status = response.status_code
            location = response.get("Location", "")
            # Sent to log in, or a phone back to its join page: refused; any other redirect: through.
            to_join = location.startswith("/j/") and not name.startswith("meetings:join")
            sent_away = status == 302 and ("/accounts/login/" in location or to_join)
            got_through = status < 500 and status not in (403, 404) and not sent_away
            if status >= 500:
                problems.append(f"{name} as {persona}: {status}")
            elif persona in allowed and not got_through:
                problems.append(f"{name} as {persona}: refused ({status}) but should get through")
            elif persona not in allowed and got_through:
                problems.append(f"{name} as {persona}: got through ({status}) but should be refused")
            elif (
                persona == "anonymous"
                and persona not in allowed
                and name not in NOT_ABOUT_ONE_GROUP
                and not sent_away
            ):
                problems.append(f"{name} as {persona}: answered {status}, not sent to log in")
            elif persona not in allowed and status in (403, 404):
                expected = expected_refusal(name, persona)
                if expected and status != expected:
                    problems.append(f"{name} as {persona}: refused with {status}, not {expected}")
            if CANARY in body and persona not in SEES_CASE:
                problems.append(f"{name} as {persona}: case content leaked")
            if EARLIER_CANARY in body and persona not in SEES_EARLIER:
                problems.append(f"{name} as {persona}: content of a meeting before they joined leaked")
    assert checked == len(ROUTES) * len(PERSONAS)
    assert problems == [], "\n".join(problems)


def test_who_joined_later_sees_nothing_of_the_meetings_held_before(world):
    clients, objects = world
    earlier = reverse("meetings:summary", kwargs={"pk": objects["earlier_meeting"]})
    group_page = reverse("meetings:traject", kwargs={"pk": objects["group"]})
    report = reverse("meetings:report", kwargs={"pk": objects["group"]})
    for persona in ("member", "case_owner", "facilitator"):  # in the group a year: all of it
        assert EARLIER_CANARY in clients[persona].get(earlier).content.decode(), persona
        assert EARLIER_CANARY in clients[persona].get(group_page).content.decode(), persona  # its theme
    later = clients["joined_later"]
    response = later.get(earlier)
    assert response.status_code == 403 and EARLIER_CANARY not in response.content.decode()
    for url in (group_page, report):
        response = later.get(url)
        assert response.status_code == 200 and EARLIER_CANARY not in response.content.decode()
    live = reverse("meetings:participant", kwargs={"pk": objects["meeting"]})
    assert CANARY in later.get(live).content.decode()  # from their first meeting on
