"""Bad input, generated: no form answers with a 500, and a refused form keeps what was typed.

Hypothesis fills every field of the forms people use with arbitrary text (any
Unicode, control characters, NUL, very long), numbers and dates.
"""

import pytest
from django.contrib.auth.models import Permission
from django.test import Client
from django.urls import reverse
from django.utils.html import escape
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import client_for

FUZZ = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
ANY_TEXT = st.text(max_size=5000)
PRINTABLE = st.text(st.characters(blacklist_categories=["Cc", "Cs", "Zl", "Zp"]), min_size=1, max_size=200)


@pytest.fixture
def planner(coordinator, group):
    coordinator.user_permissions.add(Permission.objects.get(codename="coordinate"))
    group.coordinators.add(coordinator)
    return coordinator


def posted(client: Client, url: str, data: dict, **headers):
    response = client.post(url, data, **headers)
    assert response.status_code < 500, (url, data)
    return response


def kept(response, value: str) -> bool:
    """What was typed is in the page again (as the form shows it: escaped, trimmed)."""
    return escape(value.strip()) in response.content.decode()


@FUZZ
@given(title=ANY_TEXT, situation=ANY_TEXT, question=ANY_TEXT, tried=ANY_TEXT)
def test_the_case_form(member, group, title, situation, question, tried):
    data = {"title": title, "situation": situation, "question": question, "tried": tried}
    response = posted(client_for(member), reverse("meetings:cases", args=[group.pk]), data)
    if response.status_code == 200:  # refused: shown again with its errors
        assert "error" in response.content.decode()


@FUZZ
@given(title=PRINTABLE, situation=PRINTABLE)
def test_a_refused_case_keeps_what_was_typed(member, group, title, situation):
    data = {"title": title, "situation": situation, "question": "", "tried": ""}  # the question is missing
    response = posted(client_for(member), reverse("meetings:cases", args=[group.pk]), data)
    assert response.status_code == 200
    assert kept(response, title) and kept(response, situation)


@FUZZ
@given(kind=st.sampled_from(["question", "advice", "theme", "", "x" * 50]), text=ANY_TEXT)
def test_contributions(meeting, member, kind, text):
    if meeting.status == "scheduled":
        meeting.start(meeting.version)
        meeting.advance(meeting.version)
    response = posted(
        client_for(member),
        reverse("meetings:contribute", args=[meeting.pk]),
        {"kind": kind, "text": text},
        HTTP_HX_REQUEST="true",
    )
    if len(text) > 2000 and kind == "question":
        assert "hoogstens 2000 tekens" in response.content.decode()


@FUZZ
@given(
    scores=st.lists(st.one_of(st.integers(-5, 10), st.text(max_size=5)), min_size=5, max_size=5),
    take_away=PRINTABLE,
)
def test_the_evaluation(meeting, member, scores, take_away):
    while meeting.status == "scheduled" or meeting.phase != "evaluatie":
        meeting.start(meeting.version) if meeting.status == "scheduled" else meeting.advance(meeting.version)
    data = dict(zip(["helped", "depth", "safe", "stayed", "critical"], map(str, scores), strict=True))
    response = posted(
        client_for(member),
        reverse("meetings:evaluate", args=[meeting.pk]),
        {**data, "take_away": take_away},
        HTTP_HX_REQUEST="true",
    )
    assert kept(response, take_away)


@FUZZ
@given(
    response=st.sampled_from(["attending", "cancelled", "", "maybe"]),
    kind=st.text(max_size=20),
    reason=ANY_TEXT,
)
def test_answering_a_meeting(meeting, member, response, kind, reason):
    from datetime import timedelta

    from django.utils import timezone

    meeting.scheduled_start = timezone.now() + timedelta(days=3)
    meeting.scheduled_end = meeting.scheduled_start + timedelta(hours=2)
    meeting.save()
    posted(
        client_for(member),
        reverse("meetings:rsvp", args=[meeting.pk]),
        {"response": response, "reason_kind": kind, "reason": reason},
    )


@FUZZ
@given(
    name=ANY_TEXT,
    description=ANY_TEXT,
    members_text=ANY_TEXT,
    facilitator_email=st.text(max_size=80),
    zone=st.text(max_size=40),
)
def test_the_group_form(planner, name, description, members_text, facilitator_email, zone):
    data = {
        "name": name,
        "description": description,
        "members_text": members_text,
        "facilitator_name": "Frits",
        "facilitator_email": facilitator_email,
        "time_zone": zone,
    }
    posted(client_for(planner), reverse("groups:create"), data)


@FUZZ
@given(
    first_date=st.text(max_size=12),
    start_time=st.text(max_size=8),
    duration=st.text(max_size=6),
    count=st.text(max_size=4),
    place=ANY_TEXT,
)
def test_the_schedule_form(planner, group, facilitator, first_date, start_time, duration, count, place):
    data = {
        "first_date": first_date,
        "start_time": start_time,
        "interval": "2w",
        "duration": duration,
        "count": count,
        "place": place,
        "preview": "1",
    }
    posted(client_for(planner), reverse("meetings:schedule", args=[group.pk]), data)


@FUZZ
@given(
    facilitator_id=st.text(max_size=6),
    date=st.text(max_size=12),
    start_time=st.text(max_size=8),
    duration=st.text(max_size=6),
    place=ANY_TEXT,
)
def test_moving_a_meeting(facilitator, meeting, facilitator_id, date, start_time, duration, place):
    data = {
        "facilitator": facilitator_id,
        "date": date,
        "start_time": start_time,
        "duration": duration,
        "place": place,
    }
    posted(client_for(facilitator), reverse("meetings:edit", args=[meeting.pk]), data)


@FUZZ
@given(title=ANY_TEXT, text=ANY_TEXT, total=st.text(max_size=4), identifier=st.text(max_size=6))
def test_editing_the_agreements(facilitator, group, title, text, total, identifier):
    data = {
        "form-TOTAL_FORMS": total,
        "form-INITIAL_FORMS": "0",
        "form-0-id": identifier,
        "form-0-title": title,
        "form-0-text": text,
    }
    posted(client_for(facilitator), reverse("groups:edit-agreements", args=[group.pk]), data)


@FUZZ
@given(
    name=ANY_TEXT,
    minutes=st.text(max_size=5),
    kinds=st.lists(st.text(max_size=12), max_size=3),
    mode=st.text(max_size=10),
)
def test_adjusting_a_method(facilitator, meeting, name, minutes, kinds, mode):
    copy = meeting.method.copy_for(facilitator)
    phase_ids = list(copy.phases.values_list("pk", flat=True))
    data = {
        "name_nl": name,
        "name_en": "x",
        "phases-TOTAL_FORMS": str(len(phase_ids)),
        "phases-INITIAL_FORMS": str(len(phase_ids)),
        "phases-MIN_NUM_FORMS": "1",
        "phases-MAX_NUM_FORMS": "1000",
    }
    for index, pk in enumerate(phase_ids):
        data.update(
            {
                f"phases-{index}-id": str(pk),
                f"phases-{index}-method": str(copy.pk),
                f"phases-{index}-name_nl": name,
                f"phases-{index}-name_en": name,
                f"phases-{index}-minutes": minutes,
                f"phases-{index}-member_kinds": kinds,
                f"phases-{index}-case_owner_mode": mode,
                **{
                    f"phases-{index}-{role}_{lang}": name
                    for role in ("facilitator", "case_owner", "member")
                    for lang in ("nl", "en")
                },
            }
        )
    posted(client_for(facilitator), reverse("meetings:method-edit", args=[copy.pk]), data)


@FUZZ
@given(member_id=st.text(max_size=8), username=st.text(max_size=200), password=st.text(max_size=200))
def test_joining_and_logging_in(meeting, member_id, username, password):
    posted(Client(), reverse("meetings:join", args=[meeting.join_code]), {"member": member_id})
    posted(Client(), reverse("login"), {"username": username, "password": password})


@FUZZ
@given(day=st.dates())
def test_a_meeting_moves_only_from_today_to_two_years_ahead(facilitator, meeting, day):
    """Dates at the extremes (year 1, year 9999, yesterday, two years and a day): a field error
    on the form, never a 500, and nothing stored outside the horizon."""
    from datetime import timedelta

    from django.utils import timezone

    from sessions.models import Meeting

    data = {"facilitator": facilitator.pk, "date": day.isoformat(), "start_time": "10:00", "duration": "120"}
    response = posted(client_for(facilitator), reverse("meetings:edit", args=[meeting.pk]), data)
    today = timezone.localdate()
    if not today <= day <= today + timedelta(days=2 * 365):
        assert response.status_code == 200 and 'class="error"' in response.content.decode()
    stored = timezone.localtime(Meeting.objects.get(pk=meeting.pk).scheduled_start).date()
    assert today - timedelta(days=1) <= stored <= today + timedelta(days=2 * 365 + 1)
