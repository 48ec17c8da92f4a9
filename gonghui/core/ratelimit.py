"""Fixed-window hit counters for the public pages' rate limits.

They count in Django's default cache, which in production is the database cache shared by
every web process (settings.CACHES); tests use a per-process memory cache.
"""

from django.core.cache import cache


def hit_over_limit(key: str, limit: int, window_seconds: int) -> bool:
    """Count one hit for `key` in its window; True when this hit is over `limit`."""
    cache.add(key, 0, window_seconds)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, window_seconds)
        count = 1
    return count > limit


def at_limit(key: str, limit: int) -> bool:
    """True when `key` has already been counted `limit` times in its window (no new hit)."""
    return (cache.get(key) or 0) >= limit
