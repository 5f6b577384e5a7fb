import os

import django
from asgiref.sync import ThreadSensitiveContext, sync_to_async
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
    An async view, or a streaming response that queries the database, would
    need this revisited.
    """

    def load_middleware(self, is_async=False):
        super().load_middleware(is_async=False)

    async def __call__(self, scope, receive, send):
        """As Django's, and the request's thread closes its database connections when it is done.

        That thread ends with the request (ThreadSensitiveContext): its connections are closed
        now, after the response and request_finished, not whenever the garbage collector
        finds them (SQLite keeps connections for a minute, for the sockets' database thread).
        """
        if scope["type"] != "http":
            raise ValueError(f"Django can only handle ASGI/HTTP connections, not {scope['type']}.")
        async with ThreadSensitiveContext():
            try:
                await self.handle(scope, receive, send)
            finally:
                await sync_to_async(connections.close_all)()

    async def get_response_async(self, request):
        return await sync_to_async(self.get_response, thread_sensitive=True)(request)


django_asgi_app = OneHopASGIHandler()

from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402 -- needs the apps loaded
from channels.sessions import SessionMiddlewareStack  # noqa: E402
from django.conf import settings  # noqa: E402
from django.core.exceptions import ImproperlyConfigured  # noqa: E402

from intervisie.checks import stored_content_decrypts  # noqa: E402
from intervisie.origins import ExactOriginValidator  # noqa: E402
from sessions.live.consumers import stamp_arrival  # noqa: E402
from sessions.live.routing import websocket_urlpatterns  # noqa: E402

application = ProtocolTypeRouter(
    {
        "http": django_asgi_app,
        "websocket": stamp_arrival(
            # Sessions, not AuthMiddlewareStack: the consumer looks the user up in its one database step.
            ExactOriginValidator(SessionMiddlewareStack(URLRouter(websocket_urlpatterns)))
        ),
    }
)

# In production a server that cannot read the stored case content does not start (as `check` says).
if not settings.DEBUG and (problems := stored_content_decrypts(None)):
    raise ImproperlyConfigured(problems[0].msg)
