"""The channel layer of the one-process deployment (no REDIS_URL)."""

import time

from channels.layers import InMemoryChannelLayer


class SweepingInMemoryChannelLayer(InMemoryChannelLayer):
    """Channels' in-memory layer, expiring old messages once a second instead of on every call.

    Channels' own version walks every channel and every group membership on each
    receive and each group_send. A socket receives again after every message, so
    with 2,000 open sockets those walks took most of the event loop's time during
    a meeting (bench/, docs/performance.md) and every phase change waited for them.
    Messages expire after `expiry` seconds (60), so sweeping at most once a second
    expires them as before, at most a second later.
    """

    SWEEP_EVERY = 1.0  # seconds

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._swept_at = float("-inf")

    def _clean_expired(self) -> None:
        now = time.monotonic()
        if now - self._swept_at >= self.SWEEP_EVERY:
            self._swept_at = now
            super()._clean_expired()
