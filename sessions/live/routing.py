from django.urls import path

from .consumers import MeetingConsumer

websocket_urlpatterns = [
    path("ws/meetings/<int:meeting_id>/", MeetingConsumer.as_asgi()),
    path("ws/meetings/<int:meeting_id>/<str:view>/", MeetingConsumer.as_asgi()),
]


def socket_path(meeting_id: int, view: str = "") -> str:
    """The WebSocket path a page connects to (the routes above)."""
    return f"/ws/meetings/{meeting_id}/" + (f"{view}/" if view else "")
