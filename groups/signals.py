"""The groups app's own signal: the sessions app listens (it may import groups, not the reverse)."""

from django.dispatch import Signal

# Sent when a group's agreements get a new version (nobody has accepted that one yet); the
# receivers' pushes go out after the commit.
agreements_changed = Signal()
