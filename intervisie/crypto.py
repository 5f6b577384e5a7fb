"""Case content encrypted at rest: a database dump or backup reveals none of it.

Fields of type EncryptedTextField store a Fernet token (AES-128-CBC with an
HMAC) made with the first of FIELD_ENCRYPTION_KEYS; every key in the list can
still decrypt, so a key is rotated by putting a new one first and running
`python manage.py rotate_encryption_keys` before the old one is dropped
(docs/security.md). Empty texts stay empty, so "is it filled in" queries work;
other lookups on these fields cannot (each encryption differs).
"""

from functools import cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models
from django.utils.translation import gettext

PREFIX = "fernet:"


class UndecryptableValue(Exception):
    """Stored with a key that is no longer in FIELD_ENCRYPTION_KEYS."""


class Unreadable(str):
    """A stored text no configured key decrypts: shown as a notice, never a 500, and written
    back unchanged if its row is saved (so the right key can still read it later)."""

    def __new__(cls, stored: str):
        notice = gettext(
            "[Deze tekst is niet te lezen: hij is versleuteld met een sleutel die niet meer is ingesteld.]"
        )
        value = super().__new__(cls, notice)
        value.stored = stored
        return value


@cache
def _fernet(keys: tuple[str, ...]) -> MultiFernet:
    if not keys:
        raise ImproperlyConfigured("FIELD_ENCRYPTION_KEYS is empty")
    try:
        return MultiFernet([Fernet(key) for key in keys])
    except ValueError as error:
        raise ImproperlyConfigured("FIELD_ENCRYPTION_KEYS holds a key that is not a Fernet key") from error


def fernet() -> MultiFernet:
    return _fernet(tuple(settings.FIELD_ENCRYPTION_KEYS))


def encrypt(text: str) -> str:
    if not text:
        return text
    return PREFIX + fernet().encrypt(text.encode()).decode()


def decrypt(stored: str) -> str:
    if not stored or not stored.startswith(PREFIX):
        return stored  # empty, or written before encryption (the migration encrypts those)
    try:
        return fernet().decrypt(stored[len(PREFIX) :].encode()).decode()
    except InvalidToken as error:
        raise UndecryptableValue("encrypted with a key that is no longer configured") from error


class EncryptedTextField(models.TextField):
    """A text field stored encrypted; `max_length` still limits what forms accept."""

    def from_db_value(self, value, expression, connection):
        if value is None:
            return None
        try:
            return decrypt(value)
        except UndecryptableValue:
            return Unreadable(value)

    def get_prep_value(self, value):
        if isinstance(value, Unreadable):
            return value.stored
        value = super().get_prep_value(value)
        return None if value is None else encrypt(value)


def sample_is_readable(apps, per_field: int = 20) -> bool | None:
    """Whether the configured keys decrypt stored case content: None when there is none (yet),
    or no tables; True when at least one stored text of the sample decrypts."""
    readable = None
    for model in apps.get_models():
        for field in [f for f in model._meta.fields if isinstance(f, EncryptedTextField)]:
            filled = model._base_manager.exclude(**{field.name: ""}).filter(
                **{f"{field.name}__isnull": False}
            )
            for value in filled.values_list(field.name, flat=True)[:per_field]:
                if not isinstance(value, Unreadable):
                    return True
                readable = False
    return readable


def reencrypt_all(apps) -> int:
    """Write every encrypted field again: encrypts plain texts and moves old keys to the first one.

    `apps` is the app registry (or a migration's historical one). Returns the rows written.
    """
    written = 0
    for model in apps.get_models():
        names = [f.name for f in model._meta.fields if isinstance(f, EncryptedTextField)]
        if not names:
            continue
        for row in model._base_manager.only("pk", *names).iterator():
            model._base_manager.filter(pk=row.pk).update(**{name: getattr(row, name) for name in names})
            written += 1
    return written
