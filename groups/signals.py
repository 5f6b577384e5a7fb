"""The groups app's own signal: the sessions app listens (it may import groups, not the reverse)."""

from django.dispatch import Signal

# Sent after the commit when a group's agreements get a new version: nobody has accepted that one yet.
agreements_changed = Signal()
