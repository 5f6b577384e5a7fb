"""Whether a traject lives: signals for the four pitfalls, the overview, reports, digests, confidentiality."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from groups.models import IntervisionGroup, Membership
from sessions.insight.health import group_health
from sessions.models import Attendance, Case, Contribution, Evaluation, Meeting
from tests.conftest import client_for, make_user


@pytest.fixture(autouse=True)
def site_url(settings):
    """Commands run from cron make their links from SITE_URL (there is no request)."""
    settings.SITE_URL = "https://intervisie.example.org"


CANARY_CASE = "Kanarie-casus 4471"
CANARY_TEXT = "Kanarie-bijdrage 8812 over cliënt De Wit"
GOOD = {"helped": 4, "depth": 4, "safe": 5, "stayed": 5, "critical": 4}


def held(group, facilitator, method, weeks_ago: int, away=(), scores=GOOD, cancelled=()) -> Meeting:
    """A held meeting: everybody present except `away` (absent) and `cancelled` (with a reason)."""
    start = timezone.now() - timedelta(weeks=weeks_ago)
    meeting = Meeting.objects.create(
        group=group,
        facilitator=facilitator,
        method=method,
        scheduled_start=start,
        scheduled_end=start + timedelta(hours=2),
        status=Meeting.Status.CLOSED,
    )
    for person in group.members():
        gone = person in away or person in cancelled
        Attendance.objects.create(
            meeting=meeting,
            user=person,
            present=None if gone else True,  # as the app records it: nobody marks the absent ones
            response="cancelled" if person in cancelled else "attending",
            reason_kind="work" if person in cancelled else "",
            reason="Ziek thuis, griep" if person in cancelled else "",
        )
        if not gone and scores:
            Evaluation.objects.create(meeting=meeting, author=person, **scores)
    return meeting


def signals(group) -> dict:
    (health,) = group_health([group])
    return {signal.pitfall: signal.explanation for signal in health.signals}


def test_a_healthy_group_has_no_signals(group, facilitator, members, method):
    for weeks in (6, 4, 2):
        held(group, facilitator, method, weeks, away=members[:1] if weeks == 4 else ())
    assert signals(group) == {}


def test_attendance_below_the_limit_twice_is_a_busy_agenda(group, facilitator, members, method):
    held(group, facilitator, method, 4, away=members[:2])  # 3 of 5: 60%
    assert "busy" not in signals(group)  # once is not yet a pattern
    held(group, facilitator, method, 2, away=members[2:4])  # 60% again
    assert signals(group)["busy"] == (
        "De opkomst was bij de laatste twee bijeenkomsten lager dan 75% (60%, 60%)."
    )


def test_a_member_absent_twice_in_a_row_is_a_busy_agenda(group, facilitator, members, method):
    held(group, facilitator, method, 6, away=members[:1])
    held(group, facilitator, method, 4)
    held(group, facilitator, method, 2, away=members[:1])
    assert "busy" not in signals(group)  # twice, but not in a row
    held(group, facilitator, method, 1, cancelled=members[:1])  # a cancellation is an absence too
    assert signals(group)["busy"] == "Anna Tester was de laatste 2 bijeenkomsten afwezig."


@pytest.mark.parametrize(
    "score,pitfall,label",
    [
        ("helped", "yield", "Nut voor de inbrenger"),
        ("depth", "yield", "Diep genoeg doorgevraagd"),
        ("stayed", "staff_meeting", "Bij intervisie gebleven, geen werkoverleg"),
        ("critical", "kid_gloves", "Durven kritisch te zijn"),
    ],
)
def test_low_evaluation_scores_are_signals(group, facilitator, members, method, score, pitfall, label):
    held(group, facilitator, method, 4, scores={**GOOD, score: 1})
    held(group, facilitator, method, 2, scores={**GOOD, score: 3})  # the latest counts: 3 is not below 3
    assert pitfall not in signals(group)
    held(group, facilitator, method, 1, scores={**GOOD, score: 2})
    explanation = signals(group)[pitfall]
    assert explanation.startswith(f"{label}: gemiddeld 2,0 van 5 in de evaluatie van ")
    assert explanation.endswith("(signaal onder 3,0).")


def test_a_meeting_that_did_not_go_ahead_is_a_busy_agenda(group, facilitator, members, method):
    held(group, facilitator, method, 4)
    skipped = held(group, facilitator, method, 2)
    Meeting.objects.filter(pk=skipped.pk).update(status=Meeting.Status.SCHEDULED)  # never started
    assert signals(group)["busy"].startswith("De bijeenkomst van ")
    assert signals(group)["busy"].endswith(" ging niet door.")


def test_a_pattern_that_goes_on_stays_one_signal(group, facilitator, members, method):
    held(group, facilitator, method, 6, away=members[:2])
    held(group, facilitator, method, 4, away=members[:2])
    (first,) = [s.key for s in group_health([group])[0].signals if "rate" in s.key]
    held(group, facilitator, method, 2, away=members[:2])
    assert [s.key for s in group_health([group])[0].signals if "rate" in s.key] == [first]


def test_rates_count_current_members_and_scores_need_three_evaluations(group, facilitator, members, method):
    meeting = held(group, facilitator, method, 2, scores=None)
    former = members[0]
    Membership.objects.filter(user=former, group=group).delete()
    (health,) = group_health([group])
    assert health.held[0].rate == 100  # the former member's record does not count
    for person in members[1:3]:
        Evaluation.objects.create(meeting=meeting, author=person, **{**GOOD, "critical": 1})
    (health,) = group_health([group])
    assert health.held[0].scores == {} and health.signals == []  # two people's scores are not shown
    Evaluation.objects.create(meeting=meeting, author=members[3], **{**GOOD, "critical": 1})
    assert "kid_gloves" in signals(group)


def test_thresholds_are_settings(group, facilitator, members, method, settings):
    held(group, facilitator, method, 4, away=members[:1])  # 80%
    held(group, facilitator, method, 2, away=members[1:2])
    assert "busy" not in signals(group)
    settings.SIGNAL_ATTENDANCE_BELOW = 90
    assert "lager dan 90%" in signals(group)["busy"]


@pytest.fixture
def planted(group, facilitator, members, method):
    """A held meeting with a canary case, contribution and theme, and a cancellation reason."""
    meeting = held(group, facilitator, method, 2, cancelled=members[:1])
    case = Case.objects.create(
        group=group,
        owner=members[1],
        meeting=meeting,
        status="chosen",
        round=1,
        title=CANARY_CASE,
        situation=CANARY_TEXT,
        question=CANARY_TEXT,
    )
    for kind in ("question", "advice", "theme"):
        Contribution.objects.create(
            meeting=meeting,
            phase="x",
            kind=kind,
            author=members[2],
            text=CANARY_TEXT,
            revealed_at=timezone.now(),
        )
    Evaluation.objects.filter(meeting=meeting).update(take_away=CANARY_TEXT)
    return case


def test_nothing_of_a_case_reaches_a_coordinator(planted, group, coordinator, members, settings):
    settings.SIGNAL_SCORE_BELOW = 5  # so that there are signals, and a digest
    client = client_for(coordinator)
    pages = [
        reverse("meetings:dashboard"),
        reverse("meetings:report", args=[group.pk]),
        reverse("meetings:traject", args=[group.pk]),
        reverse("meetings:register", args=[group.pk]),
        reverse("meetings:attendance-proof", args=[group.pk, members[0].pk]),
        reverse("groups:list"),
        reverse("groups:edit", args=[group.pk]),
        reverse("meetings:schedule", args=[group.pk]),
        reverse("meetings:ics", args=[planted.meeting_id]),
        reverse("meetings:facilitate", args=[planted.meeting_id]),
        reverse("meetings:participant", args=[planted.meeting_id]),
    ]
    for url in pages:
        html = client.get(url).content.decode()
        for secret in (CANARY_CASE, CANARY_TEXT, "griep"):
            assert secret not in html, (url, secret)
    assert client.get(reverse("meetings:summary", args=[planted.meeting_id])).status_code == 403
    call_command("send_signal_digests", stdout=open("/dev/null", "w"))
    assert len(mail.outbox) == 1
    body = mail.outbox[0].subject + mail.outbox[0].body
    assert "Durven kritisch te zijn" in body
    for secret in (CANARY_CASE, CANARY_TEXT, "griep"):
        assert secret not in body


def test_themes_reach_the_coordinator_only_when_the_group_shares_them(planted, group, coordinator, member):
    dashboard = reverse("meetings:dashboard")
    assert CANARY_TEXT not in client_for(coordinator).get(dashboard).content.decode()
    share = reverse("meetings:share-themes", args=[group.pk])
    assert client_for(member).post(share, {"share": "yes"}).status_code == 403  # the facilitator records it
    assert client_for(coordinator).post(share, {"share": "yes"}).status_code == 403
    client_for(group.facilitator).post(share, {"share": "yes"})
    html = client_for(coordinator).get(dashboard).content.decode()
    assert html.count(CANARY_TEXT) == 1  # the theme, never the question or the advice
    assert CANARY_TEXT in client_for(member).get(reverse("meetings:report", args=[group.pk])).content.decode()


def test_the_digest_comes_once_a_day_with_new_signals_only(group, facilitator, members, method, coordinator):
    held(group, facilitator, method, 4, scores={**GOOD, "critical": 1})
    call_command("send_signal_digests", stdout=open("/dev/null", "w"))
    call_command("send_signal_digests", stdout=open("/dev/null", "w"))
    assert len(mail.outbox) == 1 and "Fluwelen handschoenen" in mail.outbox[0].body
    held(group, facilitator, method, 2, scores={**GOOD, "stayed": 1})
    call_command("send_signal_digests", stdout=open("/dev/null", "w"))
    assert len(mail.outbox) == 1  # a new signal, but the day's digest went out
    from sessions.models import SignalNotice

    SignalNotice.objects.filter(key__startswith="digest:").update(key="digest:yesterday")
    call_command("send_signal_digests", stdout=open("/dev/null", "w"))
    assert len(mail.outbox) == 2
    assert "Verkapt werkoverleg" in mail.outbox[1].body and "Fluwelen handschoenen" not in mail.outbox[1].body


def test_a_digest_that_could_not_be_sent_is_tried_again(
    group, facilitator, members, method, coordinator, settings
):
    held(group, facilitator, method, 2, scores={**GOOD, "critical": 1})
    settings.EMAIL_BACKEND = "tests.traject.failing_mail.EmailBackend"
    call_command("send_signal_digests", stdout=open("/dev/null", "w"))
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    call_command("send_signal_digests", stdout=open("/dev/null", "w"))
    assert len(mail.outbox) == 1 and "Fluwelen handschoenen" in mail.outbox[0].body


def test_the_overview_is_for_coordinators_of_the_group(
    planted, group, coordinator, other_coordinator, member
):
    assert client_for(member).get(reverse("meetings:dashboard")).status_code == 403
    assert group.name not in client_for(other_coordinator).get(reverse("meetings:dashboard")).content.decode()
    assert client_for(other_coordinator).get(reverse("meetings:report", args=[group.pk])).status_code == 404


def test_a_proof_of_attendance_shows_dates_and_presence_only(planted, group, members, coordinator):
    url = reverse("meetings:attendance-proof", args=[group.pk, members[1].pk])
    html = client_for(members[1]).get(url).content.decode()
    assert "aanwezig bij 1 van de 1 gehouden bijeenkomsten" in html
    assert client_for(members[2]).get(url).status_code == 403  # not somebody else's
    assert client_for(coordinator).get(url).status_code == 200


def test_members_see_who_brought_a_case_and_who_is_next(planted, group, members, facilitator):
    html = client_for(members[3]).get(reverse("meetings:traject", args=[group.pk])).content.decode()
    assert 'data-testid="turns"' in html and "Bram Tester" in html  # brought the planted case
    suggestion = html.split('data-testid="next-turn-suggestion"')[1].split("</p>")[0]
    assert "Bram" not in suggestion and "Anna" in suggestion


def test_the_overview_and_the_group_page_do_not_grow_with_groups_members_and_meetings(
    coordinator, facilitator, members, method, group, django_assert_num_queries
):
    def count(user, url) -> int:
        client = client_for(user)
        client.get(url)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    held(group, facilitator, method, 2)
    pages = [
        (coordinator, reverse("meetings:dashboard")),
        (coordinator, reverse("meetings:report", args=[group.pk])),
        (members[0], reverse("meetings:traject", args=[group.pk])),
    ]
    small = [count(user, url) for user, url in pages]
    clients = [(client_for(user), url) for user, url in pages]
    for number in range(3):
        other = IntervisionGroup.objects.create(name=f"Groep {number}")
        other.coordinators.add(coordinator)
        Membership.objects.create(group=other, user=facilitator, role="facilitator")
        for index in range(4):
            Membership.objects.create(
                group=other, user=make_user(f"g{number}m{index}@example.org", f"M{index}")
            )
            Membership.objects.create(
                group=group, user=make_user(f"extra{number}{index}@example.org", f"E{index}")
            )
        for weeks in (6, 4, 2):
            held(other, facilitator, method, weeks, scores={**GOOD, "critical": 2})
            held(group, facilitator, method, weeks + number + 7)
    for (client, url), expected in zip(clients, small, strict=True):
        client.get(url)
        with django_assert_num_queries(expected):
            assert client.get(url).status_code == 200


def test_counts_a_coordinator_sees_need_three_people(group, facilitator, members, method, coordinator):
    """One or two cancellations of a kind would single people out next to the register: "—"."""
    held(group, facilitator, method, 4, cancelled=members[:1])  # one person: "te druk met werk"
    (health,) = group_health([group])
    assert health.cancellations == {} and health.cancellations_withheld
    dashboard = client_for(coordinator).get(reverse("meetings:dashboard")).content.decode()
    assert "te druk met werk" not in dashboard and "andere redenen —" in dashboard
    report = client_for(coordinator).get(reverse("meetings:report", args=[group.pk])).content.decode()
    assert "<td>1</td>" not in report
    held(group, facilitator, method, 2, cancelled=members[1:3])  # three people in all gave "work"
    (health,) = group_health([group])
    assert health.cancellations == {"te druk met werk": 3} and not health.cancellations_withheld
    assert (
        "te druk met werk 3×" in client_for(coordinator).get(reverse("meetings:dashboard")).content.decode()
    )


def test_the_coordinators_register_says_present_or_absent_never_who_cancelled(
    group, facilitator, members, method, coordinator
):
    held(group, facilitator, method, 2, cancelled=members[:1])
    url = reverse("meetings:register", args=[group.pk])
    for_coordinator = client_for(coordinator).get(url).content.decode()
    assert "afgemeld" not in for_coordinator and "afwezig" in for_coordinator
    assert "afgemeld" in client_for(members[1]).get(url).content.decode()  # the group sees it
