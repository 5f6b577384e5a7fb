"""Steering a meeting: the facilitator's commands, the round's case and case owner, the method,
and phones that ask to join."""

from functools import partial

from .. import policy
from ..live import broadcast
from ..models import CommandNotAllowed, JoinRequest, Meeting, StaleVersion

COMMANDS = {
    "start": Meeting.start,
    "advance": Meeting.advance,
    "go_back": Meeting.go_back,
    "pause": Meeting.pause,
    "resume": Meeting.resume,
    "extend_1": partial(Meeting.extend, minutes=1),
    "extend_5": partial(Meeting.extend, minutes=5),
    "close": Meeting.close,
    "next_case": Meeting.next_case,
    "next_turn": Meeting.next_turn,
    "end_turns": Meeting.end_turns,
}


def _command(meeting: Meeting, write) -> None:
    """One change of state, written in the model's transaction, then on every screen once it
    is committed: the new state first, then the fragments."""
    write()
    broadcast.command_applied(meeting)


def run_command(meeting: Meeting, name: str, version: int, by) -> None:
    """One of COMMANDS on the version the facilitator's screen showed (StaleVersion otherwise)."""
    _command(meeting, lambda: COMMANDS[name](meeting, version, by))
    if name == "start":  # attendance after the push: the phones need not wait for it
        meeting.mark_lobby_present()
    elif name == "close":
        meeting.record_absentees()


def choose_case(meeting: Meeting, case, version: int, by) -> None:
    """The case of this round, in the lobby or a choosing phase: its owner becomes the case owner."""
    if problem := policy.case_choice_refusal(meeting, case):
        raise CommandNotAllowed(problem)
    _command(meeting, lambda: meeting.choose_case(case, version, by))


def set_case_owner(meeting: Meeting, person, version: int, by) -> None:
    """The round's case owner (None: nobody yet); a chosen case of somebody else goes back to the list."""
    _command(meeting, lambda: meeting.set_case_owner(person, version, by))


def set_method(meeting: Meeting, method, version: int, by) -> None:
    """The method chosen in the lobby (one of policy.methods_for the facilitator)."""
    _command(meeting, lambda: meeting.set_method(method, version, by))


def hand_controls(meeting: Meeting, person, version: int, by) -> None:
    """The facilitator lets a member steer, or (None) takes the controls back; the member
    steering gives them back the same way."""
    _command(meeting, lambda: meeting.hand_controls(person, version, by))


def take_controls(meeting: Meeting, person, version: int) -> None:
    """A member takes the controls once the facilitator has been away long enough."""
    _command(meeting, lambda: meeting.take_controls(person, version))


def facilitator_left(meeting_id: int) -> None:
    """A facilitator's socket closed: if it was their last, the phones learn they are away."""
    try:
        meeting = Meeting.load(meeting_id)
    except Meeting.DoesNotExist:
        return  # deleted meanwhile
    if not policy.facilitator_connected(meeting) and meeting.facilitator_left():
        broadcast.meeting_changed(meeting_id)


def facilitator_back(meeting: Meeting) -> None:
    """A facilitator's socket opened: no longer away, and controls a member took come back
    (read again if a press came in between)."""
    for _attempt in range(3):
        try:
            if meeting.facilitator_back():
                broadcast.meeting_changed(meeting.pk)
            return
        except StaleVersion:
            meeting = Meeting.load(meeting.pk)


def reset_to_lobby(meeting: Meeting) -> None:
    """Put a meeting back before its start (the demo data does this)."""
    _command(meeting, meeting.reset_to_lobby)


def request_join(meeting: Meeting, member) -> JoinRequest:
    """A phone that is not logged in asks to join as `member`; the facilitator sees it wait."""
    join_request = JoinRequest.objects.create(meeting=meeting, user=member)
    broadcast.presence_changed(meeting.pk)
    return join_request


def decide_join(join_request: JoinRequest, admit: bool) -> None:
    """Admit or refuse a waiting phone, or revoke an admitted one (admitting it again changes nothing)."""
    if admit and join_request.status == JoinRequest.Status.ADMITTED:
        return
    join_request.decide(admit=admit)
    broadcast.presence_changed(join_request.meeting_id)
    broadcast.access_changed(join_request.user_id)
