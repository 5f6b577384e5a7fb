"""Privacy by design: retention, a person's own data, deleting an account, nothing in the logs."""

import json
import logging
from datetime import timedelta

import time_machine
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from sessions.actions import meeting as meeting_actions
from sessions.models import Attendance, Case, Contribution, Evaluation
from tests.conftest import client_for

CANARY = "Kanarie-privé-3390"


def run_meeting_with_content(meeting, members):
    """A whole meeting through the views, with case content in every field people fill in."""
    owner, asker = members[1], members[0]
    client_for(owner).post(
        reverse("meetings:cases", args=[meeting.group_id]),
        {"title": CANARY, "situation": CANARY, "question": CANARY, "tried": CANARY},
    )
    case = Case.objects.get(owner=owner)
    Case.objects.filter(pk=case.pk).update(meeting=meeting, status="brought")
    case.refresh_from_db()
    client_for(members[2]).post(
        reverse("meetings:rsvp", args=[meeting.pk]),
        {"response": "cancelled", "reason_kind": "illness", "reason": CANARY},
    )
    meeting.start(meeting.version)
    client_for(asker).post(reverse("meetings:vote", args=[meeting.pk, case.pk]))
    meeting.choose_case(case, meeting.version)
    for phase, kind in [
        ("analyse", "question"),
        ("bewustwording", "observation"),
        ("advies", "advice"),
        ("groepsthema", "theme"),
    ]:
        while meeting.phase != phase:
            meeting.advance(meeting.version)
        client_for(asker).post(
            reverse("meetings:contribute", args=[meeting.pk]), {"kind": kind, "text": CANARY}
        )
        if phase == "bewustwording":
            client_for(owner).post(
                reverse("meetings:reformulate", args=[meeting.pk]), {"reformulation": CANARY}
            )
    while meeting.phase != "evaluatie":
        meeting.advance(meeting.version)
    client_for(owner).post(reverse("meetings:action", args=[meeting.pk]), {"action": CANARY})
    client_for(asker).post(
        reverse("meetings:evaluate", args=[meeting.pk]),
        {"helped": 4, "depth": 4, "safe": 4, "stayed": 4, "critical": 4, "take_away": CANARY},
    )
    meeting_actions.run_command(meeting, "close", meeting.version, None)
    return case


def test_no_case_content_in_the_logs_of_a_whole_meeting(
    meeting, members, caplog, django_capture_on_commit_callbacks
):
    caplog.set_level(logging.DEBUG)
    for name in ("django", "sessions", "groups", "intervisie"):
        caplog.set_level(logging.DEBUG, logger=name)
    with django_capture_on_commit_callbacks(execute=True) as pushes:  # every push rendered and sent
        case = run_meeting_with_content(meeting, members)
    assert pushes
    client_for(members[0]).get(reverse("meetings:summary", args=[meeting.pk]))
    # Refusals and errors are logged (Django logs 4xx): with the path, never the text.
    client_for(members[0]).post(
        reverse("meetings:contribute", args=[meeting.pk]), {"kind": "advice", "text": CANARY}
    )
    client_for(members[0]).post(reverse("meetings:case-bring", args=[case.pk]), {"text": CANARY})
    assert caplog.records, "the meeting logged nothing at all: the capture is not working"
    assert CANARY not in caplog.text
    assert all(CANARY not in str(record.args) for record in caplog.records)


def test_case_content_is_erased_after_the_traject_ends(meeting, members, settings):
    run_meeting_with_content(meeting, members)
    settings.RETENTION_DAYS = 30
    assert Contribution.objects.exists()
    with time_machine.travel(meeting.scheduled_end + timedelta(days=29)):
        call_command("erase_expired_case_content", stdout=open("/dev/null", "w"))
    assert Case.objects.exists() and Contribution.objects.exists()  # not yet
    with time_machine.travel(meeting.scheduled_end + timedelta(days=31)):
        call_command("erase_expired_case_content", stdout=open("/dev/null", "w"))
        call_command("erase_expired_case_content", stdout=open("/dev/null", "w"))  # idempotent
    assert not Case.objects.exists() and not Contribution.objects.exists()
    assert (
        not Evaluation.objects.exclude(take_away="").exists() and Evaluation.objects.exists()
    )  # scores stay
    assert not Attendance.objects.exclude(reason="").exists() and Attendance.objects.exists()
    meeting.group.refresh_from_db()
    assert meeting.group.case_content_erased_at is not None


def test_a_traject_with_a_meeting_to_come_is_not_erased(meeting, members, method):
    run_meeting_with_content(meeting, members)
    later = timezone.now() + timedelta(days=60)
    meeting.group.meetings.create(
        facilitator=meeting.facilitator,
        method=method,
        scheduled_start=later,
        scheduled_end=later + timedelta(hours=2),
    )
    with time_machine.travel(meeting.scheduled_end + timedelta(days=40)):
        call_command("erase_expired_case_content", stdout=open("/dev/null", "w"))
    assert Case.objects.exists()


def test_a_member_downloads_their_own_data_only(meeting, members):
    run_meeting_with_content(meeting, members)
    response = client_for(members[0]).get(reverse("my-data"))
    assert response["Content-Type"].startswith("application/json")
    data = json.loads(response.content)
    assert data["account"]["email"] == members[0].email
    assert {c["kind"] for c in data["contributions"]} == {"question", "observation", "advice", "theme"}
    assert data["evaluations"][0]["take_away"] == CANARY
    assert data["cases"] == []  # the case is the case owner's, not theirs
    owner_data = json.loads(client_for(members[1]).get(reverse("my-data")).content)
    assert owner_data["cases"][0]["reformulation"] == CANARY and owner_data["contributions"] == []
    assert [v["round"] for v in data["votes"]] == [1] and CANARY not in json.dumps(data["votes"])
    facilitator_data = json.loads(client_for(meeting.facilitator).get(reverse("my-data")).content)
    assert [m["status"] for m in facilitator_data["facilitated_meetings"]] == ["closed"]


def test_the_export_holds_every_link_from_a_stored_row_to_a_person():
    """A new model (or field) that points at a person fails here until the export holds it
    (intervisie/account.py: EXPORTED) or says why not (NOT_EXPORTED)."""
    from django.apps import apps
    from django.conf import settings

    from intervisie.account import EXPORTED, NOT_EXPORTED

    links = {
        (model._meta.label, field.name)
        for model in apps.get_models()
        if model._meta.app_label in ("groups", "meetings")
        for field in model._meta.get_fields()
        if field.is_relation
        and not field.auto_created
        and field.related_model is not None
        and field.related_model._meta.label == settings.AUTH_USER_MODEL
    }
    assert links == set(EXPORTED) | set(NOT_EXPORTED)
    assert not set(EXPORTED) & set(NOT_EXPORTED)


def test_deleting_an_account_anonymises_what_they_wrote(meeting, members, facilitator):
    run_meeting_with_content(meeting, members)
    asker = members[0]
    url = reverse("delete-account")
    response = client_for(asker).post(url, {"password": "wrong"})
    assert response.status_code == 200 and "Dat wachtwoord klopt niet." in response.content.decode()
    client_for(asker).post(url, {"password": "secret-pass-123"})
    assert not type(asker).objects.filter(pk=asker.pk).exists()
    assert Contribution.objects.count() == 4 and not Contribution.objects.exclude(author=None).exists()
    html = client_for(members[3]).get(reverse("meetings:summary", args=[meeting.pk])).content.decode()
    assert "een oud-deelnemer" in html
    # The case the group discussed stays in its history, without its owner's name; their draft goes.
    owner = members[1]
    Case.objects.create(group=meeting.group, owner=owner, title="Concept", situation="s", question="q")
    client_for(owner).post(url, {"password": "secret-pass-123"})
    assert list(Case.objects.values_list("owner", "status")) == [(None, "chosen")]
    html = client_for(members[3]).get(reverse("meetings:summary", args=[meeting.pk])).content.decode()
    assert "De casus van een oud-deelnemer" in html and CANARY in html
    # Who facilitates a meeting still to come is asked to hand over first.
    later = meeting.group.meetings.create(
        facilitator=facilitator,
        method=meeting.method,
        scheduled_start=timezone.now() + timedelta(days=7),
        scheduled_end=timezone.now() + timedelta(days=7, hours=2),
    )
    response = client_for(facilitator).post(url, {"password": "secret-pass-123"})
    assert "Vraag de coördinator" in response.content.decode()
    assert type(facilitator).objects.filter(pk=facilitator.pk).exists()
    # Having facilitated held meetings is no reason to keep an account.
    later.delete()
    client_for(facilitator).post(url, {"password": "secret-pass-123"})
    assert not type(facilitator).objects.filter(pk=facilitator.pk).exists()
    meeting.refresh_from_db()
    assert meeting.facilitator is None and meeting.status == "closed"


def test_a_summary_still_shows_after_an_evaluator_left(meeting, members):
    run_meeting_with_content(meeting, members)
    Evaluation.objects.create(
        meeting=meeting, author=members[3], helped=5, depth=5, safe=5, stayed=5, critical=5
    )
    client_for(members[0]).post(reverse("delete-account"), {"password": "secret-pass-123"})
    response = client_for(members[3]).get(reverse("meetings:summary", args=[meeting.pk]))
    assert response.status_code == 200 and "Evaluatie (2 ingevuld)" in response.content.decode()


def test_a_meeting_nobody_closed_does_not_keep_its_content_forever(meeting, members):
    run_meeting_with_content(meeting, members)
    type(meeting).objects.filter(pk=meeting.pk).update(status="live")  # the facilitator just closed the tab
    with time_machine.travel(meeting.scheduled_end + timedelta(days=31)):
        call_command("erase_expired_case_content", stdout=open("/dev/null", "w"))
    assert not Case.objects.exists() and not Contribution.objects.exists()


def test_deleting_accounts_never_changes_a_held_meetings_figures(meeting, members):
    from sessions.insight.health import group_health

    run_meeting_with_content(meeting, members)
    Attendance.objects.filter(meeting=meeting, user__in=members[:2]).update(present=True)

    def figures():
        (health,) = group_health([meeting.group])
        [stats] = [s for s in health.meetings if s.meeting == meeting]
        return len(stats.present), len(stats.expected), stats.cancelled

    before = figures()
    for person in members[:3]:  # who was there, the case owner, and who cancelled
        client_for(person).post(reverse("delete-account"), {"password": "secret-pass-123"})
    assert not type(members[0]).objects.filter(pk__in=[m.pk for m in members[:3]]).exists()
    assert figures() == before
    assert Attendance.objects.filter(meeting=meeting, user=None).count() == 3
