"""A small request counter on Django's cache: at most ``limit`` hits per key in a fixed window.

Password-reset requests are counted per client address and per e-mail address, so a script can
neither flood one mailbox nor walk through many addresses from one machine. The count is kept in
the default cache (per process with the local-memory cache; a shared cache counts across
workers, see docs/deployment.md).
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.core.cache import cache


def _key(kind: str, value: str) -> str:
    digest = hashlib.sha256(value.encode("utf-8", "surrogatepass")).hexdigest()
    return f"parindex:throttle:{kind}:{digest}"


def hit(kind: str, value: str, *, limit: int, window: int) -> bool:
    """Count one request for ``value``; False once more than ``limit`` were made in the window
    (which starts with the first request and is not extended by later ones)."""
    key = _key(kind, value)
    cache.add(key, 0, timeout=window)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, timeout=window)
        count = 1
    return count <= limit


def password_reset_allowed(address: str | None, email: str) -> bool:
    """One password-reset request from ``address`` for ``email``: counted for both, allowed
    while neither went past ``PASSWORD_RESET_LIMIT`` in the window."""
    limit = settings.PASSWORD_RESET_LIMIT
    window = settings.PASSWORD_RESET_WINDOW_SECONDS
    by_address = hit("reset-address", address or "unknown", limit=limit, window=window)
    by_email = hit("reset-email", email.strip().casefold(), limit=limit, window=window)
    return by_address and by_email
