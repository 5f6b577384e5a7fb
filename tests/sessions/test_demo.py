from io import StringIO

from django.core.management import call_command

from sessions.models import Meeting


def run_demo() -> list[str]:
    out = StringIO()
    call_command("demo", stdout=out)
    return out.getvalue().splitlines()


def test_demo_prints_three_paths_and_is_idempotent(method):
    first = run_demo()
    assert [line.split(": ")[0] for line in first] == ["facilitator", "presenter", "join"]
    assert all(line.split(": ")[1].startswith("/") for line in first)
    meeting = Meeting.objects.get()
    meeting.start(meeting.version)
    assert run_demo() == first
    meeting.refresh_from_db()
    assert meeting.state_key == "lobby"
    assert Meeting.objects.count() == 1
    assert meeting.group.members().count() == 7
