"""The request type of the pages, for annotations only.

Every request passes ``django_htmx.middleware.HtmxMiddleware`` (``parindex.settings``), which
sets ``request.htmx``; Django's own ``HttpRequest`` does not declare it. A view annotates its
request with :class:`AnyRequest` when it serves anybody, signed in or not, and with
``parindex.accounts.http.AuthedRequest`` when its choke point turns anonymous visitors away.
"""

from __future__ import annotations

from django.http import HttpRequest
from django_htmx.middleware import HtmxDetails


class AnyRequest(HttpRequest):
    """A request from anybody: ``user`` is a ``User`` or an ``AnonymousUser``.

    Never instantiated."""

    htmx: HtmxDetails
