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
    meetings = Meeting.objects.count()
    assert [line.split(": ")[0] for line in first] == ["facilitator", "presenter", "join"]
    assert all(line.split(": ")[1].startswith("/") for line in first)
    meeting = todays_meeting()
    assert f"/meetings/{meeting.pk}/facilitate/" in first[0]
    meeting.start(meeting.version)
    assert run_demo() == first
    meeting.refresh_from_db()
    assert meeting.state_key == "lobby"
    assert Meeting.objects.count() == meetings
    assert meeting.group.meetings.count() == 7
    assert meeting.group.members().count() == 7


def test_the_demo_coordinator_has_a_healthy_a_fading_and_a_drifting_group(method):
    from groups.models import IntervisionGroup
    from sessions.insight.health import group_health

    run_demo()
    coordinator = get_user_model().objects.get(email="coordinator@example.org")
    pitfalls = {
        h.group.name: {s.pitfall for s in h.signals}
        for h in group_health(IntervisionGroup.objects.filter(coordinators=coordinator))
    }
    assert pitfalls == {
        "Intervisiegroep Zorg & Welzijn": set(),
        "Intervisie Jeugdteam Noord": {"busy"},
        "Intervisie Teamleiders Zuid": {"staff_meeting", "kid_gloves"},
    }


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
