"""When a person's access changes (membership, agreements, logout, a phone revoked, a new
password, a deleted account), their open sockets check it again; sessions.signals and the
account's pages call these."""

from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.models import Session
from django.utils import timezone

from ..live import broadcast


def recheck_access(user_ids) -> None:
    """Every open socket of these people checks its access again after the commit."""
    for user_id in user_ids:
        broadcast.access_changed(user_id)


def end_access_everywhere(user, keep_session: str | None = None) -> None:
    """Log the person out on every device at once (but the session `keep_session`, the one
    that asks): their other sessions are deleted, and their open sockets, which may belong to
    those sessions, check their access after the commit and close."""
    ended = [
        session.session_key
        for session in Session.objects.filter(expire_date__gt=timezone.now()).exclude(
            session_key=keep_session
        )
        if session.get_decoded().get(SESSION_KEY) == str(user.pk)
    ]
    Session.objects.filter(session_key__in=ended).delete()
    recheck_access([user.pk])
