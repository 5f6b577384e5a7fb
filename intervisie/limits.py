"""Abuse limits: how often one person or address may do something within a window.

Counters live in the cache (Redis when REDIS_URL is set, so all processes
share them). The limits are far above what a real group does: eight people
joining from one Wi-Fi within a minute, or a member on a phone and a laptop.
"""

from django.core.cache import cache


def over_limit(key: str, limit: int, window: int) -> bool:
    """Count one more for `key`; True once more than `limit` happened within `window` seconds."""
    key = f"limit:{key}"
    cache.add(key, 0, window)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, window)
        count = 1
    return count > limit


def limit_reached(key: str, limit: int) -> bool:
    """Whether `key` has counted `limit` already (within its window), without counting one more."""
    return (cache.get(f"limit:{key}") or 0) >= limit


def address(request) -> str:
    return request.META.get("REMOTE_ADDR", "")
