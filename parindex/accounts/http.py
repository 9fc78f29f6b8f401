"""The request type of the pages that serve signed-in people only, for annotations only."""

from __future__ import annotations

from typing import TYPE_CHECKING

from parindex.shared.http import AnyRequest

if TYPE_CHECKING:
    from .models import User


class AuthedRequest(AnyRequest):
    """A request from a signed-in person: ``user`` is a ``User``, never an ``AnonymousUser``.

    Nothing checks this at run time: a view annotated with it must reach ``request.user`` only
    after its access choke point (``access.*``) has raised ``LoginRequired`` for an anonymous
    visitor, or sit behind ``login_required``. Never instantiated."""

    user: User
