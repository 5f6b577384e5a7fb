"""The floor: a bare Channels broadcast app to compare the project against.

Same shape as the project's live meeting, minus everything that is the
project's own work (database, sessions, templates): a socket joins its room's
group and gets a snapshot; a POST to /rooms/<n>/send/ with the version the
sender saw bumps the room's in-memory version and group_sends one ~2 KB JSON
frame, serialised once, which every socket of the room forwards.

Run: PYTHONPATH=bench daphne floor_app:application
"""

import json
import os
import time
from urllib.parse import parse_qs

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "floor_settings")
django.setup()

from channels.generic.http import AsyncHttpConsumer  # noqa: E402 -- needs settings
from channels.generic.websocket import AsyncWebsocketConsumer  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from django.urls import path  # noqa: E402

PAYLOAD_BYTES = 2000
versions: dict[int, int] = {}  # room -> version; one process, like the in-memory layer


def frame(kind: str, room: int) -> str:
    """A push-shaped frame of about 2 KB."""
    return json.dumps(
        {
            "type": kind,
            "phase": "analyse",
            "version": versions.get(room, 0),
            "deadline": None,
            "paused": False,
            "remaining": None,
            "server_time": int(time.time() * 1000),
            "html": {"phase-panel": "x" * PAYLOAD_BYTES},
        }
    )


class RoomSocket(AsyncWebsocketConsumer):
    async def connect(self):
        self.room = int(self.scope["url_route"]["kwargs"]["room"])
        await self.channel_layer.group_add(f"room.{self.room}", self.channel_name)
        await self.accept()
        await self.send(text_data=frame("snapshot", self.room))

    async def disconnect(self, code):
        await self.channel_layer.group_discard(f"room.{self.room}", self.channel_name)

    async def receive(self, text_data=None, bytes_data=None):
        t1 = time.time() * 1000
        message = json.loads(text_data or "{}")
        if message.get("type") == "ping":
            pong = {"type": "pong", "t0": message.get("t0"), "t1": t1, "t2": time.time() * 1000}
            await self.send(text_data=json.dumps(pong))

    async def room_push(self, event):
        await self.send(text_data=event["text"])


class Send(AsyncHttpConsumer):
    async def handle(self, body):
        room = int(self.scope["url_route"]["kwargs"]["room"])
        seen = parse_qs(body.decode()).get("version", [""])[0]
        if self.scope["method"] != "POST" or seen != str(versions.get(room, 0)):
            await self.send_response(409, b"stale", headers=[(b"content-type", b"text/plain")])
            return
        versions[room] = versions.get(room, 0) + 1
        await self.channel_layer.group_send(
            f"room.{room}", {"type": "room.push", "text": frame("push", room)}
        )
        await self.send_response(204, b"")


application = ProtocolTypeRouter(
    {
        "http": URLRouter([path("rooms/<int:room>/send/", Send.as_asgi())]),
        "websocket": URLRouter([path("ws/rooms/<int:room>/", RoomSocket.as_asgi())]),
    }
)
