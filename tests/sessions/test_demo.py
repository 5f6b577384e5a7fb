from io import StringIO

from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.utils import timezone

from sessions.models import Attendance, Meeting


def run_demo() -> list[str]:
    out = StringIO()
    call_command("demo", stdout=out)
    return out.getvalue().splitlines()


def todays_meeting() -> Meeting:
    return Meeting.objects.get(scheduled_start__date=timezone.localdate())


def test_demo_prints_three_paths_and_is_idempotent(method):
    first = run_demo()
    assert [line.split(": ")[0] for line in first] == ["facilitator", "presenter", "join"]
    assert all(line.split(": ")[1].startswith("/") for line in first)
    meeting = todays_meeting()
    assert f"/meetings/{meeting.pk}/facilitate/" in first[0]
    meeting.start(meeting.version)
    assert run_demo() == first
    meeting.refresh_from_db()
    assert meeting.state_key == "lobby"
    assert Meeting.objects.count() == 7
    assert meeting.group.members().count() == 7


def test_demo_has_a_traject_with_attendance_and_accepted_agreements(method):
    run_demo()
    group = todays_meeting().group
    assert group.meetings.filter(status=Meeting.Status.CLOSED).count() == 3
    assert Attendance.objects.filter(meeting__group=group, present=True).count() == 19
    assert Attendance.objects.filter(response=Attendance.Response.CANCELLED).exists()
    everybody = [group.facilitator, *group.members()]
    assert all(group.has_accepted_agreements(person) for person in everybody)
    coordinator = get_user_model().objects.get(email="coordinator@example.org")
    assert coordinator.has_perm("groups.coordinate") and not coordinator.is_staff
    assert group in coordinator.coordinated_groups.all()
