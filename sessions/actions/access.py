"""When a person's access changes (membership, agreements, logout, a phone revoked), their open
sockets check it again; sessions.signals calls these from the hooks Django and groups provide."""

from ..live import broadcast


def recheck_access(user_ids) -> None:
    """Every open socket of these people checks its access again after the commit."""
    for user_id in user_ids:
        broadcast.access_changed(user_id)
