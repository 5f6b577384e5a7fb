"""The meeting socket's Origin, checked exactly: scheme, host and port.

Channels' AllowedHostsOriginValidator compares the host only, so a page on another port or
scheme of the same host could open a member's socket with their cookie. Here the Origin must
be the site's own: SITE_URL and https on each allowed host (production always has a SITE_URL,
settings.py derives one); without a SITE_URL, in development, the address the socket itself
was opened on (its Host header), on any port, since `make run` serves on whatever port it is
given. Forms get the same exactness from Django's CSRF check, which compares the Origin with
the request's own scheme, host and port.
"""

from urllib.parse import urlsplit

from channels.security.websocket import WebsocketDenier
from django.conf import settings

DEFAULT_PORTS = {"http": 80, "https": 443}


def normalised(url: str) -> str:
    """scheme://host[:port], the port left out when it is the scheme's default; "" if no origin."""
    try:
        parts = urlsplit(url.strip().lower())
        port = parts.port
    except ValueError:
        return ""
    if parts.scheme not in DEFAULT_PORTS or not parts.hostname:
        return ""
    host = f"[{parts.hostname}]" if ":" in parts.hostname else parts.hostname
    return f"{parts.scheme}://{host}" + (f":{port}" if port and port != DEFAULT_PORTS[parts.scheme] else "")


def own_origin(scope) -> str:
    """The origin the socket was opened on: its scheme, and its Host header (host and port)."""
    host = dict(scope.get("headers", [])).get(b"host", b"").decode("latin-1")
    scheme = "https" if scope.get("scheme") == "wss" else "http"
    return normalised(f"{scheme}://{host}") if host else ""


def allowed_origins(scope) -> set[str]:
    if not settings.SITE_URL:  # development without an address of its own (production always has one)
        return {own_origin(scope)} - {""}
    origins = {normalised(settings.SITE_URL)}
    origins |= {normalised(f"https://{host}") for host in settings.ALLOWED_HOSTS if not host.startswith(".")}
    if settings.DEBUG:  # `make run HOST=0.0.0.0`: phones use SITE_URL, the laptop perhaps 127.0.0.1
        origins.add(own_origin(scope))
    return origins - {""}


class ExactOriginValidator:
    """Refuses the handshake of a socket whose Origin is not the site's own (see above)."""

    def __init__(self, application):
        self.application = application

    async def __call__(self, scope, receive, send):
        if scope["type"] == "websocket":
            origin = normalised(dict(scope.get("headers", [])).get(b"origin", b"").decode("latin-1"))
            if not origin or origin not in allowed_origins(scope):
                return await WebsocketDenier()(scope, receive, send)
        return await self.application(scope, receive, send)
