import os

import django
from asgiref.sync import sync_to_async
from django.core.handlers.asgi import ASGIHandler
from django.db import connections

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "intervisie.settings")
django.setup(set_prefix=False)


class OneHopASGIHandler(ASGIHandler):
    """Django's ASGI handler, running the middleware and the view in one thread hop, as under WSGI.

    Django's own builds the chain in async mode: each async-capable middleware
    then hops to a thread for its process_request and process_response, and
    back, and every hop waits for the event loop that also serves the meeting
    sockets. Every view here is synchronous, so the whole chain runs in
    synchronous mode on one thread (docs/architecture.md, docs/performance.md).
    """

    def load_middleware(self, is_async=False):
        super().load_middleware(is_async=False)

    async def get_response_async(self, request):
        return await sync_to_async(self._respond, thread_sensitive=True)(request)

    def _respond(self, request):
        try:
            return self.get_response(request)
        finally:
            # The request's thread ends with it (ThreadSensitiveContext): close its database
            # connections now, not whenever the garbage collector finds them (SQLite keeps
            # connections open for a minute, for the sockets' database thread; settings.py).
            connections.close_all()


django_asgi_app = OneHopASGIHandler()

from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402 -- needs the apps loaded
from channels.security.websocket import AllowedHostsOriginValidator  # noqa: E402
from channels.sessions import SessionMiddlewareStack  # noqa: E402

from sessions.consumers import stamp_arrival  # noqa: E402
from sessions.routing import websocket_urlpatterns  # noqa: E402

application = ProtocolTypeRouter(
    {
        "http": django_asgi_app,
        "websocket": stamp_arrival(
            # Sessions, not AuthMiddlewareStack: the consumer looks the user up in its one database step.
            AllowedHostsOriginValidator(SessionMiddlewareStack(URLRouter(websocket_urlpatterns)))
        ),
    }
)
