"""The request types of the pages, for annotations only.

Every request passes ``django_htmx.middleware.HtmxMiddleware`` (``parindex.settings``), which
sets ``request.htmx``; Django's own ``HttpRequest`` does not declare it. A view annotates its
request with :class:`AnyRequest` when it serves anybody, signed in or not, and with
:class:`AuthedRequest` when its choke point turns anonymous visitors away first.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.http import HttpRequest
from django_htmx.middleware import HtmxDetails

if TYPE_CHECKING:
    # the user model (AUTH_USER_MODEL) as django-stubs types it, without importing accounts
    from django.contrib.auth.models import _User as User


class AnyRequest(HttpRequest):
    """A request from anybody: ``user`` is a ``User`` or an ``AnonymousUser``.

    Never instantiated."""

    htmx: HtmxDetails


class AuthedRequest(AnyRequest):
    """A request from a signed-in person: ``user`` is a ``User``, never an ``AnonymousUser``.

    Nothing checks this at run time: a view annotated with it reads ``request.user`` only after
    its access choke point has raised ``LoginRequired`` for an anonymous visitor. Never
    instantiated."""

    user: User
