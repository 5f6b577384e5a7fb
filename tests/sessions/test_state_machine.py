import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from sessions.actions import meeting as meeting_actions
from sessions.models import Attendance, CommandNotAllowed, Meeting, PhaseTransition, StaleVersion

PHASES = ["inventarisatie", "analyse", "bewustwording", "advies", "groepsthema", "evaluatie"]


@pytest.fixture
def clock(monkeypatch):
    """A controllable timezone.now() for the state machine."""

    class Clock:
        now = timezone.now().replace(microsecond=0)

        def advance(self, **delta):
            self.now += timedelta(**delta)

    fake = Clock()
    monkeypatch.setattr("sessions.models.meeting.timezone.now", lambda: fake.now)
    return fake


@pytest.fixture
def live(meeting, clock):
    meeting.start(meeting.version)
    return meeting


def test_it_starts_in_the_lobby(meeting):
    assert meeting.state_key == "lobby"
    assert meeting.remaining() is None


def test_start_enters_the_first_phase_with_its_minutes(meeting, facilitator, clock):
    meeting.start(0, facilitator)
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.LIVE
    assert meeting.phase == "inventarisatie"
    assert meeting.phase_deadline == clock.now + timedelta(minutes=10)
    assert meeting.version == 1
    transition = PhaseTransition.objects.get(meeting=meeting)
    assert (transition.from_phase, transition.to_phase, transition.by, transition.version) == (
        "lobby",
        "inventarisatie",
        facilitator,
        1,
    )


def test_advance_walks_through_all_six_phases(live):
    seen = [live.phase]
    for _ in range(5):
        live.advance(live.version)
        seen.append(live.phase)
    assert seen == PHASES
    with pytest.raises(CommandNotAllowed):
        live.advance(live.version)


def test_each_phase_gets_its_own_deadline(live, clock):
    clock.advance(minutes=3)
    live.advance(live.version)
    live.refresh_from_db()
    assert live.phase_deadline == clock.now + timedelta(minutes=20)


def test_it_rejects_stale_version_and_changes_nothing(live):
    with pytest.raises(StaleVersion):
        live.advance(live.version - 1)
    live.refresh_from_db()
    assert live.phase == "inventarisatie"
    assert live.transitions.count() == 1


def test_a_replayed_command_moves_one_phase(live):
    seen_version = live.version
    live.advance(seen_version)
    with pytest.raises(StaleVersion):
        live.advance(seen_version)
    live.refresh_from_db()
    assert live.phase == "analyse"


def test_a_second_instance_on_the_same_version_loses(live):
    other = Meeting.objects.get(pk=live.pk)
    live.advance(live.version)
    with pytest.raises(StaleVersion):
        other.advance(other.version)  # its own version looks right; the UPDATE says no
    assert Meeting.objects.get(pk=live.pk).phase == "analyse"


def test_go_back_restarts_the_previous_phase(live, clock):
    live.advance(live.version)
    clock.advance(minutes=1)
    live.go_back(live.version)
    live.refresh_from_db()
    assert live.phase == "inventarisatie"
    assert live.phase_deadline == clock.now + timedelta(minutes=10)
    with pytest.raises(CommandNotAllowed):
        live.go_back(live.version)


def test_pause_keeps_the_remaining_time_and_resume_continues_it(live, clock):
    clock.advance(minutes=4)
    live.pause(live.version)
    assert live.is_paused
    assert live.remaining() == timedelta(minutes=6)
    clock.advance(minutes=30)
    assert live.remaining() == timedelta(minutes=6)
    live.resume(live.version)
    live.refresh_from_db()
    assert live.phase_deadline == clock.now + timedelta(minutes=6)
    assert not live.is_paused


def test_pause_twice_is_refused(live):
    live.pause(live.version)
    with pytest.raises(CommandNotAllowed):
        live.pause(live.version)


def test_extend_adds_minutes_running_and_paused(live, clock):
    deadline = live.phase_deadline
    live.extend(live.version, minutes=5)
    assert live.phase_deadline == deadline + timedelta(minutes=5)
    assert live.phase_allotted == timedelta(minutes=15)
    live.pause(live.version)
    live.extend(live.version, minutes=1)
    assert live.paused_remaining == timedelta(minutes=16)


def test_overrun_shows_as_negative_remaining_time(live, clock):
    clock.advance(minutes=12)
    assert live.remaining() == timedelta(minutes=-2)
    live.pause(live.version)
    assert live.remaining() == timedelta(minutes=-2)


def test_close_ends_the_meeting_and_refuses_further_commands(live):
    live.close(live.version)
    live.refresh_from_db()
    assert live.state_key == "closed"
    assert live.phase_deadline is None
    for command in (live.advance, live.pause, live.go_back):
        with pytest.raises(CommandNotAllowed):
            command(live.version)
    with pytest.raises(CommandNotAllowed):
        live.close(live.version)


def test_commands_other_than_start_need_a_live_meeting(meeting):
    with pytest.raises(CommandNotAllowed):
        meeting.advance(meeting.version)


def test_the_case_owner_must_be_a_member(meeting, case_owner, outsider):
    meeting_actions.set_case_owner(meeting, case_owner, meeting.version, None)
    assert Meeting.objects.get(pk=meeting.pk).case_owner == case_owner
    with pytest.raises(CommandNotAllowed):
        meeting_actions.set_case_owner(meeting, outsider, meeting.version, None)


def test_every_change_is_logged_in_order(live):
    live.advance(live.version)
    live.pause(live.version)
    live.resume(live.version)
    live.extend(live.version, minutes=1)
    live.close(live.version)
    log = list(live.transitions.values_list("version", "command", "to_phase"))
    assert log == [
        (1, "start", "inventarisatie"),
        (2, "advance", "analyse"),
        (3, "pause", "analyse"),
        (4, "resume", "analyse"),
        (5, "extend_1", "analyse"),
        (6, "close", "closed"),
    ]


def test_reset_puts_the_meeting_back_in_the_lobby(live, case_owner):
    live.set_case_owner(case_owner, live.version)
    live.reset_to_lobby()
    live.refresh_from_db()
    assert live.state_key == "lobby"
    assert live.case_owner is None


@pytest.mark.django_db(transaction=True)
def test_concurrent_advances_yield_one_transition(meeting):
    meeting.start(meeting.version)
    version = meeting.version
    barrier = threading.Barrier(4)
    outcomes = []

    def advance():
        try:
            instance = Meeting.objects.get(pk=meeting.pk)
            barrier.wait()
            instance.advance(version)
            outcomes.append("moved")
        except StaleVersion:
            outcomes.append("stale")
        finally:
            connection.close()

    threads = [threading.Thread(target=advance) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["moved", "stale", "stale", "stale"]
    meeting.refresh_from_db()
    assert meeting.phase == "analyse"
    assert meeting.transitions.count() == 2


def test_marking_present_writes_only_what_changes(meeting, members, outsider, django_assert_num_queries):
    first, second, third = members[:3]
    Attendance.objects.create(meeting=meeting, user=first, present=True)
    Attendance.objects.create(meeting=meeting, user=second, response=Attendance.Response.ATTENDING)
    with django_assert_num_queries(1):  # a phone that reconnects: present already
        meeting.mark_present([first.pk])
    meeting.mark_present([first.pk, second.pk, third.pk, outsider.pk])
    present = dict(Attendance.objects.filter(meeting=meeting).values_list("user_id", "present"))
    assert present == {first.pk: True, second.pk: True, third.pk: True}  # not the outsider
    assert Attendance.objects.get(meeting=meeting, user=second).response == Attendance.Response.ATTENDING
