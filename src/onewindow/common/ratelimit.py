"""Counting attempts in a time window (Django's cache): enough to slow down guessing.

Counts live in the configured cache (`CACHES`); with the default local-memory cache each
process counts on its own, so a server with several processes allows up to that many times the
limit. A shared cache (e.g. Redis) makes the limits exact.
"""

import hashlib

from django.core.cache import cache


def _key(scope: str, name: str) -> str:
    # Hashed: any text makes a valid cache key, and no phone number is kept in the cache.
    return f"ow-limit:{scope}:{hashlib.sha256(name.encode()).hexdigest()}"


def exceeded(scope: str, names, limit: int) -> bool:
    """True when any of `names` has been counted `limit` times in its current window."""
    counts = cache.get_many([_key(scope, n) for n in names])
    return any(count >= limit for count in counts.values())


def count(scope: str, names, window_seconds: int) -> None:
    """One more for each of `names`; a name's window starts with its first count."""
    for name in names:
        key = _key(scope, name)
        if not cache.add(key, 1, window_seconds):
            try:
                cache.incr(key)
            except ValueError:  # expired between add and incr
                cache.add(key, 1, window_seconds)
