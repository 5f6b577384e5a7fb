"""The groups app's own signal: the sessions app listens (it may import groups, not the reverse)."""

from django.dispatch import Signal

# Sent when a group's agreements get a new version (nobody has accepted that one yet); the
# receivers' pushes go out after the commit.
agreements_changed = Signal()

# Sent once a draft group starts (its people have just been told), with `absolute`, the
# function that makes a path into an absolute URL: meetings planned while it was a draft
# reach the people's calendars now.
group_started = Signal()
