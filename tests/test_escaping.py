"""Every text people type is rendered escaped: script and HTML payloads in every field, page and push."""

import json

from django.contrib.auth import get_user_model
from django.urls import reverse

from groups.models import Agreement, IntervisionGroup
from sessions.live import broadcast
from sessions.models import Attendance, Case, Contribution, Evaluation, Meeting, Method, MethodPhase

from .test_access_matrix import PERSONAS, ROUTES, request

DANGEROUS = ("<script>alert", "<img src=x", "<b onmouseover")  # any of these unescaped is a hole
PAYLOADS = [
    '<script>alert("x")</script>',
    '"><img src=x onerror=alert(1)>',
    "<b onmouseover=alert(1)>vet</b>",
]


def plant(payload: str) -> None:
    """The payload in every text field a person can fill in."""
    get_user_model().objects.update(first_name=payload, last_name=payload)
    IntervisionGroup.objects.update(name=payload, description=payload)
    Agreement.objects.update(title=payload, text=payload)
    Meeting.objects.update(place=payload)
    Case.objects.update(
        title=payload,
        situation=payload,
        question=payload,
        tried=payload,
        reformulation=payload,
        action=payload,
        follow_up=payload,
    )
    Contribution.objects.update(text=payload)
    Attendance.objects.update(reason=payload)
    Evaluation.objects.update(take_away=payload)
    Method.objects.filter(builtin=False).update(name_nl=payload, description_nl=payload)
    MethodPhase.objects.filter(method__builtin=False).update(name_nl=payload, member_nl=payload)


def test_payloads_are_escaped_on_every_page_and_push(world):
    clients, objects = world
    meeting = Meeting.objects.get(pk=objects["meeting"])
    for person in meeting.group.members()[:3]:
        Attendance.objects.update_or_create(
            meeting=meeting, user=person, defaults={"response": "cancelled", "reason": "x"}
        )
    Evaluation.objects.create(
        meeting=meeting, author=meeting.case_owner, helped=3, depth=3, safe=3, stayed=3, critical=3
    )
    tried = 0
    for payload in PAYLOADS:
        plant(payload)
        for name, (method, arguments, _allowed) in ROUTES.items():
            if method != "get":
                continue
            url = reverse(name, kwargs={k: objects.get(v, v) for k, v in arguments.items()})
            for persona in PERSONAS:
                response = request(clients[persona], "get", url)
                if response.status_code != 200 or not response.get("Content-Type", "").startswith(
                    "text/html"
                ):
                    continue  # refusals, redirects, .ics and JSON: no HTML page with the payload
                tried += 1
                body = response.content.decode()
                for fragment in DANGEROUS:
                    assert fragment not in body, (name, persona, payload)
        for variant in ("facilitator", "member", "case_owner", "member_pending", "presenter"):
            frame = json.loads(broadcast.frame(Meeting.load(meeting.pk), variant))
            for html in frame["html"].values():
                assert not any(fragment in html for fragment in DANGEROUS), (variant, payload)
    assert tried > 200, tried
