"""The meeting socket: authenticate, join the audience's group, forward pushes.

Protocol (docs/architecture.md): on accept the server sends a snapshot
unasked; the client may send {"type": "hello", "version": n} (answered with
a snapshot when it is behind) and {"type": "ping", "t0": ms} (answered with
{"type": "pong", "t0", "t1", "t2"} for the clock offset).

Access is checked when the socket opens, again on every hello and every
LAST_SEEN_EVERY seconds, and at once when a person's access changes
(logout, membership removed, phone revoked): a socket that lost it is closed
with code 4403.
"""

import asyncio
import json
import logging
import time
from importlib import import_module
from types import SimpleNamespace

from channels.consumer import get_handler_name
from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncWebsocketConsumer
from django.conf import settings
from django.contrib import auth
from django.utils import timezone, translation

from .. import policy
from ..actions import meeting as meeting_actions
from ..models import Connection, Meeting
from ..policy import AUDIENCE_VARIANTS, Audience, Viewer, sees_case_content, viewer_for
from . import broadcast

logger = logging.getLogger(__name__)

HANDSHAKE_BUDGET = 4.0  # s; daphne drops a handshake not accepted within 5 s (--websocket_connect_timeout)
QUEUE_BUDGET = 2.5  # s of connect work that may wait for the database thread; later sockets retry
STEP_SMOOTHING = 0.1  # weight of the latest step in MeetingConsumer.step_seconds
MAX_STEP_COST = 0.25  # s; a longer step (a lock, a pool timeout) counts as this much
BATCH_BUDGET = 0.5  # s; connects taken in one step at most (every snapshot waits for the whole step)
MAX_BATCH = 100  # connects in one step, however cheap the last steps were
MAX_MESSAGE_BYTES = 4096
MAX_MESSAGES_PER_SECOND = 20
HELLO_EVERY = 1.0  # a hello may ask for a snapshot this often at most
LAST_SEEN_EVERY = 20.0  # a ping refreshes last_seen and rechecks access this often
FORBIDDEN = 4403


def stamp_arrival(app):
    """ASGI middleware (outermost): when the handshake arrived, for MeetingConsumer._let_in."""

    async def stamped(scope, receive, send):
        return await app({**scope, "received_at": time.monotonic()}, receive, send)

    return stamped


class RecentSnapshots:
    """The fragments of this process's latest connect snapshot per meeting, variant and
    language, for the sockets that queue behind it (a room arriving, every phone after a
    restart): their database step then renders nothing.

    A socket may be sent fragments read after it began to listen, at the meeting's current
    version: whatever changes later reaches it as a push (MeetingConsumer._connect). The
    state around the fragments (server time, remaining) is made afresh for every socket.
    """

    def __init__(self):
        self.entries: dict[tuple, tuple[float, int, dict]] = {}

    def get(self, key: tuple, version: int, listening_since: float) -> dict | None:
        read_at, read_version, html = self.entries.get(key, (0.0, None, None))
        return html if read_at >= listening_since and read_version == version else None

    def put(self, key: tuple, read_at: float, version: int, html: dict) -> None:
        self.entries[key] = (read_at, version, html)
        # A socket whose step runs now began to listen about HANDSHAKE_BUDGET ago at most (_let_in).
        oldest_useful = time.monotonic() - HANDSHAKE_BUDGET
        self.entries = {key: entry for key, entry in self.entries.items() if entry[0] >= oldest_useful}


class Meetings:
    """The meetings one pass of a database step reads, each once, and when it read them:
    by default with everything a snapshot needs, with `load` as much as it needs."""

    def __init__(self, load=Meeting.load):
        self.load = load
        self.read: dict[int, tuple[Meeting | None, float]] = {}

    def get(self, meeting_id: int) -> tuple[Meeting | None, float]:
        """The meeting (None: it does not exist) and when it was read."""
        if meeting_id not in self.read:
            read_at = time.monotonic()
            try:
                self.read[meeting_id] = self.load(meeting_id), read_at
            except Meeting.DoesNotExist:
                self.read[meeting_id] = None, read_at
        return self.read[meeting_id]


class SharedSteps:
    """Work of many sockets for the database thread, one step for all that wait at the time.

    After a restart, or when a whole room reconnects, hundreds of sockets wait for
    the one thread that does every socket's database work; a step for all of them
    saves each the trip to that thread and back and whatever the step can do once
    for all (`admit_together`, `forget_together`). `step(items)` runs on that thread
    and returns a result per item; `most()`, if given, caps the items of one step. The
    queue belongs to the event loop that used it last (tests run one loop after another).
    """

    def __init__(self, step, most=None):
        self.step, self.most = step, most
        self.loop = None
        self.waiting: list[tuple[object, asyncio.Future]] = []
        self.runner = None

    async def run(self, item):
        """`item`'s result, from the next step with room for it."""
        loop = asyncio.get_running_loop()
        if self.loop is not loop:  # a new event loop (tests): nothing of the old one carries over
            self.loop, self.waiting, self.runner = loop, [], None
        future = loop.create_future()
        self.waiting.append((item, future))
        if self.runner is None:
            self.runner = loop.create_task(self._run())
        return await future

    async def _run(self) -> None:
        batch = []
        try:
            while self.waiting:
                size = self.most() if self.most else len(self.waiting)
                batch, self.waiting = self.waiting[:size], self.waiting[size:]
                try:
                    results = await database_sync_to_async(self.step)([item for item, _f in batch])
                except Exception as error:  # noqa: BLE001 -- the database is gone: every item fails
                    for _item, future in batch:
                        if not future.done():
                            future.set_exception(error)
                    continue
                for (_item, future), result in zip(batch, results, strict=True):
                    if not future.done():  # else the socket was given up meanwhile
                        future.set_result(result)
        finally:
            self.runner = None
            for _item, future in [*batch, *self.waiting]:  # only when the loop closes meanwhile
                if not future.done():
                    future.cancel()


def admit_together(consumers: list["MeetingConsumer"]) -> list[str | None]:
    """The one database step of these connects: each socket's snapshot, or None to refuse it.

    Two passes. First each socket is let in or refused, and the `Connection` rows of those
    let in are written in one INSERT (none sees case content yet). Only then are the
    meetings read again for the snapshots and is case content decided: from the moment its
    row exists, every push and every access check (broadcast.access_changed) finds the
    socket, so nothing changed after those reads passes it by. A socket that fails is
    refused alone; attendance is written once per meeting.
    """
    started = time.monotonic()
    admission = Meetings(load=lambda meeting_id: Meeting.objects.get(pk=meeting_id))  # who may open
    admitted = [c for c in consumers if _or_none(c, c._let_in, admission)]
    Connection.objects.bulk_create([c._connection() for c in admitted])
    snapshot_reads = Meetings()
    snapshots = {c: _or_none(c, c._first_snapshot, snapshot_reads) for c in admitted}
    opened = [c for c in admitted if snapshots[c] is not None]
    if refused := [c.channel_name for c in admitted if snapshots[c] is None]:
        Connection.objects.filter(channel_name__in=refused).delete()
    if seeing := [c.channel_name for c in opened if c.sees_case]:
        Connection.objects.filter(channel_name__in=seeing).update(sees_case=True)
    _mark_present(snapshot_reads, opened)
    for meeting_id in {c.meeting_id for c in opened if c.audience == Audience.FACILITATOR}:
        try:  # back: controls a member took come back to the facilitator
            meeting_actions.facilitator_back(snapshot_reads.get(meeting_id)[0])
        except Exception:  # noqa: BLE001 -- the sockets are in; the facilitator can take them back by hand
            logger.exception("the facilitator's return to meeting %s failed", meeting_id)
    cost = min((time.monotonic() - started) / len(consumers), MAX_STEP_COST)  # one stuck step is no trend
    MeetingConsumer.step_seconds += (cost - MeetingConsumer.step_seconds) * STEP_SMOOTHING
    return [snapshots.get(consumer) for consumer in consumers]


def _or_none(consumer: "MeetingConsumer", work, *args):
    """`work(*args)`, or None when it fails: one socket's failure refuses that socket only."""
    try:
        return work(*args)
    except Exception:
        logger.exception("admitting a socket to meeting %s failed", consumer.meeting_id)
        return None


def _mark_present(meetings: Meetings, consumers: list["MeetingConsumer"]) -> None:
    """Attendance of the members just admitted to live meetings, once per meeting."""
    present: dict[int, set[int]] = {}
    for consumer in consumers:
        if consumer.audience == Audience.MEMBER:
            present.setdefault(consumer.meeting_id, set()).add(consumer.person_id)
    for meeting_id, user_ids in present.items():
        meeting, _read_at = meetings.get(meeting_id)
        if meeting is not None and meeting.is_live:
            try:
                meeting.mark_present(user_ids)
            except Exception:  # noqa: BLE001 -- the sockets are in; attendance can be set by hand
                logger.exception("recording attendance in meeting %s failed", meeting_id)


def forget_together(channel_names: list[str]) -> list[None]:
    """The `Connection` rows of these closed sockets, deleted in one statement."""
    Connection.objects.filter(channel_name__in=channel_names).delete()
    return [None] * len(channel_names)


class MeetingConsumer(AsyncWebsocketConsumer):
    groups_joined: list[str] = []
    opening = 0  # sockets of this process between handshake and admission
    step_seconds = 0.025  # a connect's share of a database step, a moving average over this process's steps
    recent_snapshots = RecentSnapshots()
    admissions = SharedSteps(
        admit_together, most=lambda: max(1, min(MAX_BATCH, int(BATCH_BUDGET / MeetingConsumer.step_seconds)))
    )
    departures = SharedSteps(forget_together)

    @classmethod
    def has_room(cls) -> bool:
        """Whether one more socket's database step would still start well within the handshake timeout.

        With nobody waiting there is always room: the cost is learnt from connects only, so a
        door that shut after a few slow steps (a database lock, a pool timeout) must reopen.
        """
        return cls.opening == 0 or (cls.opening + 1) * cls.step_seconds <= QUEUE_BUDGET

    async def dispatch(self, message):
        """As Channels' own, without its trip to the database thread before every message.

        Channels (4.2 and later) closes stale database connections there, for
        consumers that use Django's async ORM; this one uses the database only
        through database_sync_to_async, which closes them around each call. The
        trip went to the one thread that also runs every socket's database step:
        each ping, and each push to each socket, waited in that line.
        """
        handler = getattr(self, get_handler_name(message), None)
        if handler is None:
            raise ValueError(f"No handler for message type {message['type']}")
        await handler(message)

    async def connect(self):
        if not MeetingConsumer.has_room():
            # Load shedding at the door: refused at once, the phone retries after its backoff,
            # and those already waiting get in before daphne's handshake timeout. The door
            # follows what a step costs now: a burst of 200 phones waits in line rather than
            # backing off for seconds, a restart with 2,000 does not bury the queue.
            await self.close(code=FORBIDDEN)
            return
        MeetingConsumer.opening += 1
        try:
            await self._connect()
        finally:
            MeetingConsumer.opening -= 1

    async def _connect(self):
        self.meeting_id = int(self.scope["url_route"]["kwargs"]["meeting_id"])
        chosen = self.scope.get("cookies", {}).get(settings.LANGUAGE_COOKIE_NAME)
        self.language = chosen if chosen in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
        self.presenter = self.scope["url_route"]["kwargs"].get("view") == Audience.PRESENTER
        # Listen before the snapshot is rendered, so that no push falls in between;
        # pushes for another audience than the one admitted are dropped, and the
        # groups left once the audience is known.
        audience_groups = {
            audience: broadcast.group_name(self.meeting_id, audience) for audience in AUDIENCE_VARIANTS
        }
        for group in audience_groups.values():
            await self.channel_layer.group_add(group, self.channel_name)
        self.listening_since = time.monotonic()
        try:
            snapshot = await self.admissions.run(self)  # the one database step of a connect
        except Exception:  # the database is unreachable, say: refused like a busy server
            logger.exception("admitting a socket to meeting %s failed", self.meeting_id)
            snapshot = None
        for audience, group in audience_groups.items():
            if snapshot is None or audience != self.audience:
                await self.channel_layer.group_discard(group, self.channel_name)
        if snapshot is None:
            await self.close(code=FORBIDDEN)  # before accept: the handshake is refused
            return
        self.groups_joined = [audience_groups[self.audience]]
        await self.accept()
        now = time.monotonic()
        self.window_start, self.window_count, self.seen_at, self.hello_at = now, 0, now, 0.0
        await self.send(text_data=snapshot)
        self._presence_changed()

    def _let_in(self, meetings: Meetings) -> bool:
        """Whether this socket may open, and as whom (the first pass of admit_together).

        All of a connect's database work is in that one step, the user lookup
        included (no auth middleware: it would queue a step of its own). A
        handshake that waited in the database queue until daphne has (nearly)
        dropped it is refused before any of it: after a restart every phone
        arrives at the same moment, and work for sockets that are gone would
        make the queue longer for the ones that retry (a congestion collapse).
        Its snapshot waits for the rest of the step, hence the step's budget.
        """
        now = time.monotonic()
        if now - self.scope.get("received_at", now) > HANDSHAKE_BUDGET - BATCH_BUDGET:
            return False
        meeting, _read_at = meetings.get(self.meeting_id)
        if meeting is None:
            return False
        _meeting, viewer = self._viewer(meeting)
        if not viewer or (self.presenter and not viewer.is_facilitator):
            return False
        self.person = viewer.person
        self.person_id = viewer.person.pk
        self.audience = Audience.PRESENTER if self.presenter else viewer.audience
        self.sees_case = False  # decided with the snapshot, once the row exists
        return True

    def _connection(self) -> Connection:
        return Connection(
            channel_name=self.channel_name,
            meeting_id=self.meeting_id,
            user_id=self.person_id,
            audience=self.audience,
            language=self.language,
            sees_case=self.sees_case,
        )

    def _viewer(self, meeting: Meeting | None = None) -> tuple[Meeting | None, Viewer | None]:
        """The meeting (unless given), and who this socket belongs to now, read afresh from the database."""
        meeting = meeting or Meeting.objects.filter(pk=self.meeting_id).first()
        if meeting is None:
            return None, None
        session = self.scope.get("session")
        if session is not None and session.session_key:
            session = import_module(settings.SESSION_ENGINE).SessionStore(session.session_key)
        user = auth.get_user(SimpleNamespace(session=session)) if session is not None else None
        return meeting, viewer_for(meeting, user, session)

    def _still_allowed(self) -> bool:
        _meeting, viewer = self._viewer()
        expected = Audience.FACILITATOR if self.presenter else self.audience
        return bool(viewer) and viewer.person.pk == self.person_id and viewer.audience == expected

    def _variant(self, case_owner_id) -> str:
        """policy.variant, from what this socket knows, without a query."""
        return policy.variant(self.audience, self.sees_case, is_case_owner=self.person_id == case_owner_id)

    def _first_snapshot(self, meetings: Meetings) -> str | None:
        """The snapshot on connect (the second pass of admit_together), with the fragments
        of a connect just before when they may be reused; None if the meeting is gone."""
        meeting, read_at = meetings.get(self.meeting_id)
        if meeting is None:
            return None
        self.sees_case = sees_case_content(meeting, self.person)
        variant = self._variant(meeting.case_owner_id)
        key = (meeting.pk, variant, self.language)
        html = self.recent_snapshots.get(key, meeting.version, self.listening_since)
        with translation.override(self.language):
            if html is None:
                html = broadcast.fragments(meeting, variant)
                self.recent_snapshots.put(key, read_at, meeting.version, html)
            return broadcast.frame(meeting, variant, kind="snapshot", html=html)

    def _snapshot(self, known_version=None) -> str | None:
        meeting = Meeting.load(self.meeting_id)
        if meeting.version == known_version:
            return None
        with translation.override(self.language):
            return broadcast.frame(meeting, self._variant(meeting.case_owner_id), kind="snapshot")

    def _presence_changed(self) -> None:
        if self.audience != Audience.PRESENTER:
            broadcast.schedule_presence(self.meeting_id)

    def _touch(self) -> bool:
        Connection.objects.filter(channel_name=self.channel_name).update(last_seen=timezone.now())
        return self._still_allowed()

    async def disconnect(self, code):
        for group in self.groups_joined:
            await self.channel_layer.group_discard(group, self.channel_name)
        if self.groups_joined:
            await self.departures.run(self.channel_name)
            self._presence_changed()
            if getattr(self, "audience", None) == Audience.FACILITATOR:
                await database_sync_to_async(meeting_actions.facilitator_left)(self.meeting_id)

    async def receive(self, text_data=None, bytes_data=None):
        t1 = time.time() * 1000
        size = len(text_data.encode()) if text_data is not None else len(bytes_data or b"")
        if size > MAX_MESSAGE_BYTES:
            await self.close(code=4413)
            return
        now = time.monotonic()
        if now - self.window_start >= 1:
            self.window_start, self.window_count = now, 0
        self.window_count += 1
        if self.window_count > MAX_MESSAGES_PER_SECOND:
            return  # throttled: chatty sockets are ignored for the rest of the second
        try:
            message = json.loads(text_data or "")
        except ValueError:
            return
        if not isinstance(message, dict):
            return
        if message.get("type") == "ping":
            await self.send(
                text_data=json.dumps(
                    {"type": "pong", "t0": message.get("t0"), "t1": t1, "t2": time.time() * 1000}
                )
            )
            if now - self.seen_at >= LAST_SEEN_EVERY:
                self.seen_at = now
                if not await database_sync_to_async(self._touch)():
                    await self.close(code=FORBIDDEN)
        elif message.get("type") == "hello" and now - self.hello_at >= HELLO_EVERY:
            self.hello_at = now
            await self._hello(message.get("version"))

    @database_sync_to_async
    def _checked_snapshot(self, known_version):
        if not self._still_allowed():
            return False
        return self._snapshot(known_version)

    async def _hello(self, known_version) -> None:
        snapshot = await self._checked_snapshot(known_version)
        if snapshot is False:
            await self.close(code=FORBIDDEN)
        elif snapshot:
            await self.send(text_data=snapshot)

    async def meeting_push(self, event):
        if event["audience"] != getattr(self, "audience", None):
            return  # queued while this socket still listened to every audience
        variant = self._variant(event["case_owner_id"])
        frame = event["frames"].get(f"{variant}:{self.language}")
        if frame is None:  # connected after the push looked who is connected: render our own
            frame = await database_sync_to_async(self._snapshot)()
        if frame:
            await self.send(text_data=frame)

    async def meeting_state(self, event):
        """A command's new state, ahead of its fragments (broadcast.state_frames)."""
        if event["audience"] == getattr(self, "audience", None):
            await self.send(text_data=event["frames"][self.language])

    async def access_check(self, event):
        """Access changed (logout, membership, revoked phone, agreements accepted)."""
        if event["user_id"] != getattr(self, "person_id", None):
            return  # somebody else of this audience
        if not await database_sync_to_async(self._still_allowed)():
            await self.close(code=FORBIDDEN)
            return
        snapshot = await database_sync_to_async(self._recheck_case_content)()
        if snapshot:
            await self.send(text_data=snapshot)

    def _recheck_case_content(self) -> str | None:
        meeting = Meeting.objects.select_related("group").get(pk=self.meeting_id)
        sees_case = sees_case_content(meeting, meeting.group.memberships.get(user_id=self.person_id).user)
        if sees_case == self.sees_case:
            return None
        self.sees_case = sees_case
        Connection.objects.filter(channel_name=self.channel_name).update(sees_case=sees_case)
        return self._snapshot()
