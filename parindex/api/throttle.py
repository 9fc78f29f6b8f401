"""Requests per token (per client address without one) in a fixed window, counted in Django's
cache: ``PARINDEX_API_RATE`` for tokens, ``PARINDEX_API_ANON_RATE`` for anonymous callers, as
``<requests>/<seconds>``. Above it the API answers 429 with ``Retry-After``.

The count lives in the cache (``CACHES``): with several server processes it must be a shared
cache (docs/deployment.md), or each process counts on its own.
"""

from __future__ import annotations

import time

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest
from ninja.throttling import BaseThrottle

from parindex.shared.clientip import client_address

from .auth import token_of


def rate(request: HttpRequest) -> tuple[str, int, int]:
    """The caller's key, and its limit in requests per period of seconds."""
    token = token_of(request)
    if token is not None:
        text, key = settings.PARINDEX_API_RATE, f"token:{token.pk}"
    else:
        text, key = settings.PARINDEX_API_ANON_RATE, f"address:{client_address(request)}"
    count, _slash, seconds = str(text).partition("/")
    return key, int(count), int(seconds or 1)


class TokenThrottle(BaseThrottle):
    def allow_request(self, request: HttpRequest) -> bool:
        key, limit, period = rate(request)
        window = f"api-throttle:{key}:{int(time.time() // period)}"
        cache.add(window, 0, timeout=period + 1)
        try:
            used = cache.incr(window)
        except ValueError:  # the window expired between add and incr
            cache.set(window, 1, timeout=period + 1)
            used = 1
        request.api_retry_after = period - time.time() % period  # type: ignore[attr-defined]
        return used <= limit

    def wait(self) -> float | None:
        return None  # the response's Retry-After is set from the request (errors.py)
