"""Everything the server pushes over WebSockets goes through here.

After a change commits, the new state is rendered once per audience and
language (never once per socket) from the same partials the full pages
use, and sent to that audience's channel group. Consumers only forward.

Audiences are channel groups: the facilitator, the members (the case owner
is among them and picks its own variant), and the presenter screen.
"""

import asyncio
import json
import logging
import math
import time
from functools import partial

from asgiref.sync import async_to_sync
from channels.db import database_sync_to_async
from channels.layers import get_channel_layer
from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.functional import lazy
from django.utils.translation import gettext as _

from .. import policy
from ..cases import rounds
from ..cases.forms import EvaluationForm
from ..models import Connection, ContributionKind, JoinRequest, Meeting, PhaseStep
from ..policy import AUDIENCE_VARIANTS, Audience, Variant

logger = logging.getLogger(__name__)

PRESENCE_DELAY = 0.5  # seconds


def group_name(meeting_id: int, audience: str) -> str:
    return f"meeting.{meeting_id}.{audience}"


def epoch_ms(moment) -> int:
    return int(moment.timestamp() * 1000)


def state(meeting: Meeting) -> dict:
    """The state part of every frame: what the client needs to draw the timer."""
    remaining = meeting.remaining()
    return {
        "phase": meeting.state_key,
        "version": meeting.version,
        "deadline": epoch_ms(meeting.phase_deadline) if meeting.phase_deadline else None,
        "paused": meeting.is_paused,
        "remaining": int(remaining.total_seconds() * 1000) if remaining is not None else None,
        "allotted": int(meeting.phase_allotted.total_seconds() * 1000) if meeting.phase_allotted else None,
        "server_time": int(time.time() * 1000),
    }


def phase_title(meeting: Meeting) -> str:
    """The heading of the live screens, in the active language."""
    if meeting.is_live and meeting.current_phase:
        return meeting.current_phase.name
    return _("Welkom") if meeting.status == Meeting.Status.SCHEDULED else _("Afgesloten")


def format_remaining(milliseconds: int) -> str:
    """m:ss, rounded the way the browser rounds it (static/js/live.js)."""
    seconds = math.ceil(milliseconds / 1000) if milliseconds >= 0 else math.floor(milliseconds / 1000)
    minutes, rest = divmod(abs(seconds), 60)
    return f"{'-' if seconds < 0 else ''}{minutes}:{rest:02d}"


def countdown_text(meeting: Meeting) -> str:
    remaining = meeting.remaining()
    if remaining is not None:
        return format_remaining(int(remaining.total_seconds() * 1000))
    if meeting.status == Meeting.Status.SCHEDULED and meeting.phases:
        return format_remaining(meeting.phases[0].minutes * 60_000)  # the first phase's time
    return format_remaining(0)


def meeting_clock(meeting: Meeting) -> dict:
    """What the facilitator's meeting clock projects the end from (with the countdown's state):
    the planned end, and the planned length of this round's phases after the current one."""
    return {
        "planned_end": epoch_ms(meeting.scheduled_end),
        "rest_ms": meeting.minutes_after_current * 60_000,
    }


def presence(meeting: Meeting) -> dict:
    """Who is connected now and which phones wait to be admitted (facilitator only)."""
    fresh_since = timezone.now() - Connection.STALE_AFTER
    connected_ids = set(
        Connection.objects.filter(meeting=meeting, last_seen__gte=fresh_since)
        .exclude(audience=Audience.PRESENTER)
        .values_list("user_id", flat=True)
    )
    members = list(meeting.group.members().order_by("first_name", "last_name"))
    people = members if meeting.facilitator in members else [meeting.facilitator, *members]
    devices = list(
        JoinRequest.objects.filter(
            meeting=meeting, status__in=[JoinRequest.Status.WAITING, JoinRequest.Status.ADMITTED]
        ).select_related("user")
    )
    for device in devices:
        device.owner_connected = device.user_id in connected_ids
    return {
        "members": members,
        "people": [(person, person.pk in connected_ids) for person in people],
        "connected_count": len(connected_ids),
        "waiting": [device for device in devices if device.status == JoinRequest.Status.WAITING],
        "admitted": [device for device in devices if device.status == JoinRequest.Status.ADMITTED],
    }


def live_context(meeting: Meeting, variant: str, with_presence: bool = True, **extra) -> dict:
    """The template context shared by full pages and pushed fragments.

    Language-dependent text (the instruction) stays lazy, so one context
    serves the renders in every language. The facilitator's presence lists
    are queried only when the presence panel is rendered.
    """
    phase = meeting.current_phase
    context = {
        "meeting": meeting,
        "phase": phase,
        "variant": variant,
        "instruction": lazy(phase.instruction, str)(policy.instruction_role(variant)) if phase else "",
        "phase_title": lazy(phase_title, str)(meeting),
        "state": state(meeting),
        "countdown": countdown_text(meeting),
        **extra,
    }
    on_the_phone = variant in AUDIENCE_VARIANTS[Audience.MEMBER]
    if meeting.status == Meeting.Status.SCHEDULED and on_the_phone:
        context["agreements"] = list(meeting.group.agreements.all())  # shown in the lobby
    if meeting.status == Meeting.Status.SCHEDULED and variant != Variant.PRESENTER:
        context["membership_changes"] = meeting.membership_changes_since_the_last()  # told in the lobby
    # Members who have not accepted the agreements follow phases and timer, no case content.
    context["sees_case"] = policy.shows_case_work(variant)
    context["for_facilitator"] = variant == Variant.FACILITATOR
    context["for_case_owner"] = variant == Variant.CASE_OWNER
    context["writes_reformulation"] = context["for_case_owner"] and policy.case_owner_writes(
        meeting, "reformulation"
    )
    if meeting.facilitator_away_since and on_the_phone:  # live.js shows it once it lasts
        context["away_since"] = epoch_ms(meeting.facilitator_away_since)
        context["take_over_after"] = int(Meeting.TAKE_OVER_AFTER.total_seconds() * 1000)
    if variant in (Variant.MEMBER, Variant.CASE_OWNER):
        kinds = policy.allowed_kinds(meeting, is_case_owner=variant == Variant.CASE_OWNER)
        context["contribute_kinds"] = [(kind, ContributionKind(kind).label) for kind in kinds]
    if context["sees_case"] and meeting.is_live:
        context.update(rounds.live_work(meeting, variant))
        if variant != Variant.FACILITATOR and context["step"] == PhaseStep.EVALUATE:
            context["evaluation_form"] = EvaluationForm()
    if variant == Variant.FACILITATOR:
        context["asks_first"] = policy.asks_first(meeting)
        context["clock"] = meeting_clock(meeting)
        if meeting.status == Meeting.Status.SCHEDULED:
            context["methods"] = list(policy.methods_for(meeting.facilitator))
        if with_presence:
            context.update(presence(meeting))
        else:
            context["members"] = meeting.group.members().order_by("first_name", "last_name")
    return context


PARTICIPANT_FRAGMENTS = {
    "phase-panel": "sessions/participant.html#phase_panel",
    "work-panel": "sessions/participant.html#work_panel",
}
FRAGMENTS = {
    Variant.FACILITATOR: {
        "phase-panel": "sessions/facilitator.html#phase_panel",
        "presence-panel": "sessions/facilitator.html#presence_panel",
        "work-panel": "sessions/facilitator.html#work_panel",
    },
    Variant.MEMBER: PARTICIPANT_FRAGMENTS,
    Variant.CASE_OWNER: PARTICIPANT_FRAGMENTS,
    Variant.MEMBER_PENDING: {"phase-panel": "sessions/participant.html#phase_panel"},
    Variant.PRESENTER: {"phase-panel": "sessions/presenter.html#phase_panel"},
}


def announcement(meeting: Meeting) -> str:
    """What a screen reader says once when the state changes."""
    if meeting.status == Meeting.Status.SCHEDULED:
        return _("De bijeenkomst begint zo")
    if meeting.status == Meeting.Status.CLOSED:
        return _("De bijeenkomst is afgesloten")
    return _("Nieuwe fase: %(name)s") % {"name": phase_title(meeting)}


def fragments(meeting: Meeting, variant: str, only: tuple = (), context=None) -> dict:
    """The variant's fragments (or `only` these), in the active language."""
    context = context or live_context(meeting, variant, with_presence=not only or "presence-panel" in only)
    return {
        target: render_to_string(template, context)
        for target, template in FRAGMENTS[variant].items()
        if not only or target in only
    }


def frame(
    meeting: Meeting, variant: str, kind: str = "push", only: tuple = (), context=None, html=None
) -> str:
    """One JSON text frame for a variant, in the active language; `html` is its fragments
    when they were rendered before, at the meeting's version. The state is always made now."""
    html = html if html is not None else fragments(meeting, variant, only, context)
    return json.dumps({"type": kind, **state(meeting), "announce": announcement(meeting), "html": html})


def connected_frames(meeting: Meeting) -> set[tuple[str, str]]:
    """(variant, language) of every socket connected to the meeting now: one query.

    Every row counts, however long its socket has been silent (presence asks
    for recent ones): a row left by a crashed process costs a render at most.
    """
    needed = set()
    for audience, user_id, language, sees_case in Connection.objects.filter(meeting=meeting).values_list(
        "audience", "user_id", "language", "sees_case"
    ):
        variant = policy.variant(audience, sees_case, is_case_owner=user_id == meeting.case_owner_id)
        needed.add((variant, language or settings.LANGUAGE_CODE))
    return needed


def render(meeting: Meeting, audience: str, only: tuple = (), needed=None) -> dict:
    """The channel-layer message for one audience: each variant in each language,
    or only the (variant, language) pairs in `needed` (a socket missing from it renders its own)."""
    frames = {}
    for variant in AUDIENCE_VARIANTS[audience]:
        languages = [
            code for code, _name in settings.LANGUAGES if needed is None or (variant, code) in needed
        ]
        if not languages:
            continue
        context = live_context(meeting, variant, with_presence=not only or "presence-panel" in only)
        for language in languages:
            with translation.override(language):
                frames[f"{variant}:{language}"] = frame(meeting, variant, only=only, context=context)
    return {
        "type": "meeting.push",
        "audience": audience,
        "frames": frames,
        "case_owner_id": meeting.case_owner_id,
    }


# Every screen, the facilitator's too (it is the one that pressed): its buttons still carry the
# old version, and live.js holds them disabled until the fragments of the new one arrive.
STATE_FIRST = (Audience.FACILITATOR, Audience.MEMBER, Audience.PRESENTER)


def state_frames(meeting: Meeting) -> dict:
    """The new state on its own, one frame per language: enough for a screen to
    show the new phase, its colour and the countdown before the fragments arrive."""
    frames = {}
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            message = {"type": "state", **state(meeting), "name": phase_title(meeting)}
            frames[language] = json.dumps({**message, "announce": announcement(meeting)})
    return frames


def _send(meeting: Meeting, audiences, only: tuple = (), state_first: bool = False) -> None:
    """From synchronous code (a view's thread, after the commit).

    With `state_first` (a command: `meeting` is the instance it changed) the
    new state goes to the STATE_FIRST audiences before anything is rendered,
    the event loop gets a few turns to write it out, and then the fragments
    follow from a fresh load, at the same version.

    The change is saved whether or not the push goes out: with the channel
    layer down (Redis gone) the request still succeeds, and the screens catch
    up from a snapshot when their sockets reconnect.
    """
    layer = get_channel_layer()
    if state_first:  # without asking who is connected: a query costs more
        frames = state_frames(meeting)
        for audience in [a for a in audiences if a in STATE_FIRST]:
            message = {"type": "meeting.state", "audience": audience, "frames": frames}
            _group_send(layer, meeting.pk, audience, message)
        try:
            async_to_sync(_let_loop_run)()
        except Exception:  # noqa: BLE001 -- like a failed push: the command stands
            logger.exception("waiting for the event loop after meeting %s's state failed", meeting.pk)
        meeting = Meeting.load(meeting.pk)
    needed = connected_frames(meeting)
    for audience in audiences:
        if any(variant in AUDIENCE_VARIANTS[audience] for variant, _language in needed):
            _group_send(layer, meeting.pk, audience, partial(render, meeting, audience, only, needed))


async def _let_loop_run(turns: int = 4) -> None:
    """A few turns of the event loop, in which it writes the state frames just sent.

    Rendering holds the GIL in 5 ms slices; started at once, it made the loop
    wait for it between the queue, the consumers and the sockets' writes. (On
    Redis the sockets of other processes do not need this; those of this one do.)
    """
    for _turn in range(turns):
        await asyncio.sleep(0)


def _group_send(layer, meeting_id: int, audience: str, message) -> None:
    """Send one message (or what a callable renders) to an audience; failures are logged, not raised."""
    try:
        message = message() if callable(message) else message
        async_to_sync(layer.group_send)(group_name(meeting_id, audience), message)
    except Exception:  # noqa: BLE001 -- Redis unreachable, full, timing out…
        logger.exception("push to meeting %s (%s) failed", meeting_id, audience)


# A phase change leaves the facilitator's presence lists as they were.
PHASE_FRAGMENTS = ("phase-panel", "work-panel")
WORK_FRAGMENTS = ("work-panel",)
PRESENCE_FRAGMENTS = ("presence-panel",)


def meeting_changed(meeting_id: int) -> None:
    """Push the new state to every audience once the transaction commits."""
    transaction.on_commit(lambda: _send(Meeting.load(meeting_id), AUDIENCE_VARIANTS, only=PHASE_FRAGMENTS))


def command_applied(meeting: Meeting) -> None:
    """Like meeting_changed, for the meeting a command just changed: its state goes out first."""
    transaction.on_commit(lambda: _send(meeting, AUDIENCE_VARIANTS, only=PHASE_FRAGMENTS, state_first=True))


def contributions_changed(meeting_id: int) -> None:
    """Push what the group produces (contributions, votes, evaluations); the phase panels stay."""
    transaction.on_commit(
        lambda: _send(Meeting.load(meeting_id), [Audience.FACILITATOR, Audience.MEMBER], only=WORK_FRAGMENTS)
    )


def presence_changed(meeting_id: int) -> None:
    """Push the facilitator's list of connected and waiting people (from a view)."""
    transaction.on_commit(
        lambda: _send(Meeting.load(meeting_id), [Audience.FACILITATOR], only=PRESENCE_FRAGMENTS)
    )


_presence_scheduled: set[tuple[int, int]] = set()


def _presence_message(meeting_id: int) -> dict | None:
    """The presence panel in the languages of the facilitator's open sockets; None without any
    (after a restart every phone reconnects, mostly before the facilitator's laptop does)."""
    languages = set(
        Connection.objects.filter(meeting_id=meeting_id, audience=Audience.FACILITATOR).values_list(
            "language", flat=True
        )
    )
    if not languages:
        return None
    needed = {(Variant.FACILITATOR, language or settings.LANGUAGE_CODE) for language in languages}
    return render(Meeting.load(meeting_id), Audience.FACILITATOR, PRESENCE_FRAGMENTS, needed)


def schedule_presence(meeting_id: int) -> None:
    """From a consumer: one presence push per meeting per PRESENCE_DELAY.

    Sockets come and go in bursts (a room arriving, a server restart); the
    facilitator needs the list after the burst, not once per socket. The
    message is rendered on the database thread and sent from the event loop.
    """
    loop = asyncio.get_running_loop()
    key = (id(loop), meeting_id)
    if key in _presence_scheduled:
        return
    _presence_scheduled.add(key)

    async def push():
        _presence_scheduled.discard(key)
        try:
            message = await database_sync_to_async(_presence_message)(meeting_id)
        except Meeting.DoesNotExist:
            return  # deleted while the push waited
        if message:
            await get_channel_layer().group_send(group_name(meeting_id, Audience.FACILITATOR), message)

    loop.call_later(PRESENCE_DELAY, lambda: loop.create_task(push()))


def access_changed(user_id: int) -> None:
    """Make every open socket of this person check its access again (after the commit).

    Their sockets are found through `Connection` now, before the change commits (deleting
    an account deletes its rows), and told through their meetings' audience groups: a
    socket listens to one group only, which keeps every push's fan-out cheap (the
    in-memory layer walks every membership on each receive).
    """
    sockets = list(
        Connection.objects.filter(user_id=user_id).values_list("meeting_id", "audience").distinct()
    )

    def send() -> None:
        layer = get_channel_layer()
        for meeting_id, audience in sockets:
            _group_send(layer, meeting_id, audience, {"type": "access.check", "user_id": user_id})

    if sockets:
        transaction.on_commit(send)
