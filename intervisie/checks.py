from django.apps import apps
from django.conf import settings
from django.core.checks import Error, Warning, register
from django.core.exceptions import ImproperlyConfigured
from django.db import DatabaseError

from .crypto import sample_is_readable


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


@register()
def stored_content_decrypts(app_configs, **kwargs):
    """A FIELD_ENCRYPTION_KEYS that reads none of the stored case content (a wrong key, a lost
    one) stops a deploy with a clear message, instead of showing every case as unreadable.
    Passes before the first migration and while nothing is stored, so a fresh deploy migrates."""
    try:
        readable = sample_is_readable(apps)
    except (DatabaseError, ImproperlyConfigured):
        return []  # no tables yet, or no database to ask; a malformed key is E001
    if readable is False:
        return [
            Error(
                "None of the configured FIELD_ENCRYPTION_KEYS decrypts the stored case content: "
                "the keys are wrong or the key it was encrypted with is missing. Put that key back "
                "in FIELD_ENCRYPTION_KEYS (docs/security.md, rotation).",
                id="intervisie.E002",
            )
        ]
    return []
