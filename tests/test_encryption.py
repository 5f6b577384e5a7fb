"""Case content is encrypted at rest: a database dump shows none of it; keys rotate."""

from cryptography.fernet import Fernet
from django.apps import apps
from django.core.management import call_command
from django.db import connection
from django.urls import reverse

from intervisie.checks import stored_content_decrypts
from intervisie.crypto import Unreadable, reencrypt_all
from sessions.models import Attendance, Case, Contribution, Evaluation
from tests.conftest import client_for

from .test_privacy import CANARY, run_meeting_with_content

ENCRYPTED = {
    Case: ["title", "situation", "question", "tried", "reformulation", "action", "follow_up"],
    Contribution: ["text"],
    Evaluation: ["take_away"],
    Attendance: ["reason"],
}


def dump() -> str:
    """What a database dump would hold: every row of every table, as stored."""
    rows = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f'SELECT * FROM "{table}"')  # noqa: S608 -- table names from the database itself
            rows.extend(map(str, cursor.fetchall()))
    return "\n".join(rows)


def test_a_database_dump_reveals_no_case_content(meeting, members):
    run_meeting_with_content(meeting, members)
    assert CANARY not in dump()
    case = Case.objects.get()
    assert case.title == CANARY and case.reformulation == CANARY  # read back decrypted
    with connection.cursor() as cursor:
        cursor.execute("SELECT title FROM meetings_case")
        assert cursor.fetchone()[0].startswith("fernet:")
    for model, fields in ENCRYPTED.items():
        assert model.objects.exists(), model
        assert all(getattr(row, name) in (CANARY, "") for row in model.objects.all() for name in fields)


def test_keys_rotate(meeting, members, settings):
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    settings.FIELD_ENCRYPTION_KEYS = [old]
    run_meeting_with_content(meeting, members)
    settings.FIELD_ENCRYPTION_KEYS = [new, old]  # step 1: the new key first, the old one still there
    assert Case.objects.get().title == CANARY
    call_command("rotate_encryption_keys", stdout=open("/dev/null", "w"))
    settings.FIELD_ENCRYPTION_KEYS = [new]  # step 2: the old key dropped
    assert Case.objects.get().title == CANARY
    assert next(c for c in Contribution.objects.all() if c.kind == "advice").text == CANARY
    settings.FIELD_ENCRYPTION_KEYS = [old]  # a dump with only the old key is unreadable now
    assert isinstance(Case.objects.get().title, Unreadable)


def test_texts_stored_before_encryption_are_encrypted_by_the_migration_step(meeting, members):
    run_meeting_with_content(meeting, members)
    with connection.cursor() as cursor:
        cursor.execute("UPDATE meetings_contribution SET text = %s", [CANARY])  # as stored before 0014
    assert CANARY in dump() and Contribution.objects.first().text == CANARY
    reencrypt_all(apps)
    assert CANARY not in dump() and Contribution.objects.first().text == CANARY


def test_a_wrong_key_stops_the_check_and_a_page_shows_a_notice_not_a_500(meeting, members, settings):
    right, wrong = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    settings.FIELD_ENCRYPTION_KEYS = [right]
    assert stored_content_decrypts(None) == []  # nothing stored yet: a fresh deploy migrates
    case = run_meeting_with_content(meeting, members)
    assert stored_content_decrypts(None) == []
    settings.FIELD_ENCRYPTION_KEYS = [wrong]
    [error] = stored_content_decrypts(None)
    assert error.id == "intervisie.E002" and "FIELD_ENCRYPTION_KEYS" in error.msg
    response = client_for(members[1]).get(reverse("meetings:summary", args=[meeting.pk]))
    assert response.status_code == 200 and "niet te lezen" in response.content.decode()
    unreadable = Case.objects.get(pk=case.pk)
    unreadable.save()  # written back unchanged: the right key still reads it
    settings.FIELD_ENCRYPTION_KEYS = [right]
    assert Case.objects.get(pk=case.pk).title == CANARY
