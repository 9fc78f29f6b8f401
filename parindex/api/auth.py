"""Who calls the API: the owner of the personal token in ``Authorization: Bearer <token>``.

The API reads no session cookie: a browser signed in to the pages is anonymous here (so no
page of another site can make a signed-in person's browser call it, and no CSRF check is
needed). A request with a token acts as ``accounts.apitokens.acting_user`` says: the owner,
narrowed to the token's unit when it has one; ``request.api_token`` is the token.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja.security import HttpBearer

from parindex.accounts import apitokens
from parindex.accounts.models import ApiToken, User


class TokenAuth(HttpBearer):
    """A personal API token is required."""

    def __call__(self, request: HttpRequest) -> Any:
        request.user = AnonymousUser()
        request.api_token = None  # type: ignore[attr-defined]
        return super().__call__(request)

    def authenticate(self, request: HttpRequest, token: str) -> ApiToken | None:
        found = apitokens.token_authenticate(token)
        if found is None:
            return None
        request.user = apitokens.acting_user(found)
        request.api_token = found  # type: ignore[attr-defined]
        return found


class Anonymous:
    """What a public endpoint's caller without a token authenticates as."""

    def __bool__(self) -> bool:
        return True

    def __str__(self) -> str:
        return "anonymous"


ANONYMOUS = Anonymous()


class OptionalTokenAuth(TokenAuth):
    """Public reads: anybody may call them without a token, and then sees what the public sees;
    a token, when sent, must be valid (401 otherwise) and widens what the owner may read."""

    def __call__(self, request: HttpRequest) -> Any:
        if not request.headers.get(self.header):
            request.user = AnonymousUser()
            request.api_token = None  # type: ignore[attr-defined]
            return ANONYMOUS
        return super().__call__(request)


def token_of(request: HttpRequest) -> ApiToken | None:
    token: ApiToken | None = getattr(request, "api_token", None)
    return token


def acting(request: HttpRequest) -> User:
    """Who the request acts as (the token's owner, narrowed to its unit when it has one): the
    actor every service is given, as the page gives it the signed-in person."""
    user = request.user
    assert isinstance(user, User)
    return user


def require_write(request: HttpRequest) -> ApiToken:
    """The request's token, if it may write; a read-only token gets 403 before any access
    check, so it never learns more by trying."""
    token = token_of(request)
    if token is None:  # pragma: no cover - write endpoints require a token
        raise PermissionDenied
    if token.access != ApiToken.Access.WRITE:
        raise PermissionDenied(_("This token may only read: create a read and write token."))
    return token
