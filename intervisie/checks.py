from django.conf import settings
from django.core.checks import Error, Warning, register


@register()
def channel_layer_reaches_all_processes(app_configs, **kwargs):
    """The in-memory channel layer cannot push to sockets held by another process."""
    if not settings.DEBUG and not settings.REDIS_URL:
        return [
            Warning(
                "REDIS_URL is not set: the in-memory channel layer only reaches sockets "
                "of the same process, so run a single server process or set REDIS_URL.",
                id="intervisie.W001",
            )
        ]
    return []


@register()
def encryption_keys_are_usable(app_configs, **kwargs):
    """A malformed key should stop a deploy, not the first contribution of a live meeting."""
    from cryptography.fernet import Fernet

    for number, key in enumerate(settings.FIELD_ENCRYPTION_KEYS, start=1):
        try:
            Fernet(key)
        except ValueError:
            return [
                Error(
                    f"Key {number} of FIELD_ENCRYPTION_KEYS is not a Fernet key "
                    "(32 url-safe base64-encoded bytes; see docs/security.md).",
                    id="intervisie.E001",
                )
            ]
    return []
