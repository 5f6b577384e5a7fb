"""The meeting socket: authenticate, join the audience's group, forward pushes.

Protocol (docs/architecture.md): on accept the server sends a snapshot
unasked; the client may send {"type": "hello", "version": n} (answered with
a snapshot when it is behind) and {"type": "ping", "t0": ms} (answered with
{"type": "pong", "t0", "t1", "t2"} for the clock offset).
"""

import json
import time

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncWebsocketConsumer
from django.conf import settings
from django.db import close_old_connections
from django.utils import timezone, translation

from . import broadcast
from .access import viewer_for
from .models import Connection, Meeting

MAX_MESSAGE_BYTES = 4096
MAX_MESSAGES_PER_SECOND = 20
# A ping refreshes the connection's last_seen at most this often.
LAST_SEEN_EVERY = 20.0


class MeetingConsumer(AsyncWebsocketConsumer):
    async def connect(self):
        self.meeting_id = int(self.scope["url_route"]["kwargs"]["meeting_id"])
        chosen = self.scope.get("cookies", {}).get(settings.LANGUAGE_COOKIE_NAME)
        self.language = chosen if chosen in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
        presenter = self.scope["url_route"]["kwargs"].get("view") == "presenter"
        snapshot = await self._admit(presenter)
        if snapshot is None:
            await self.close(code=4403)
            return
        await self.channel_layer.group_add(self.group, self.channel_name)
        await self.accept()
        await self.send(text_data=snapshot)
        self.window_start, self.window_count, self.seen_at = time.monotonic(), 0, time.monotonic()
        await self._presence(connected=True)

    @database_sync_to_async
    def _admit(self, presenter: bool) -> str | None:
        """Decide who this is; return the first snapshot, or None to refuse."""
        close_old_connections()
        meeting = Meeting.objects.filter(pk=self.meeting_id).first()
        viewer = meeting and viewer_for(meeting, self.scope.get("user"), self.scope.get("session"))
        if not viewer or (presenter and not viewer.is_facilitator):
            return None
        self.person_id = viewer.person.pk
        self.audience = "presenter" if presenter else viewer.audience
        self.group = broadcast.group_name(self.meeting_id, self.audience)
        return self._snapshot(broadcast.load_meeting(self.meeting_id))

    def _variant(self, case_owner_id) -> str:
        if self.audience == "member" and self.person_id == case_owner_id:
            return "case_owner"
        return self.audience

    def _snapshot(self, meeting: Meeting) -> str:
        with translation.override(self.language):
            return broadcast.frame(meeting, self._variant(meeting.case_owner_id), kind="snapshot")

    @database_sync_to_async
    def _fresh_snapshot(self, known_version) -> str | None:
        close_old_connections()
        meeting = broadcast.load_meeting(self.meeting_id)
        return None if meeting.version == known_version else self._snapshot(meeting)

    async def _presence(self, connected: bool) -> None:
        await database_sync_to_async(self._record_presence)(connected)

    def _record_presence(self, connected: bool) -> None:
        close_old_connections()
        if connected:
            Connection.objects.update_or_create(
                channel_name=self.channel_name,
                defaults={
                    "meeting_id": self.meeting_id,
                    "user_id": self.person_id,
                    "audience": self.audience,
                    "last_seen": timezone.now(),
                },
            )
        else:
            Connection.objects.filter(channel_name=self.channel_name).delete()
        if self.audience != "presenter":
            broadcast.presence_changed(self.meeting_id)

    @database_sync_to_async
    def _touch(self) -> None:
        close_old_connections()
        Connection.objects.filter(channel_name=self.channel_name).update(last_seen=timezone.now())

    async def disconnect(self, code):
        if hasattr(self, "group"):
            await self.channel_layer.group_discard(self.group, self.channel_name)
            await self._presence(connected=False)

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
                await self._touch()
        elif message.get("type") == "hello":
            snapshot = await self._fresh_snapshot(message.get("version"))
            if snapshot:
                await self.send(text_data=snapshot)

    async def meeting_push(self, event):
        variant = self._variant(event["case_owner_id"])
        await self.send(text_data=event["frames"][f"{variant}:{self.language}"])
