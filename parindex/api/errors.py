"""How refusals read in the API: a status and ``{"detail": "…"}`` in the reader's language.

The access choke points the pages use raise ``LoginRequired`` (a page redirects to the login
form: here 401), ``PermissionDenied`` (403) and ``Http404`` (404); every one of them is answered
here, so an endpoint calls the same choke point as its page and nothing else.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, Throttled

from parindex.shared.login import LoginRequired


class ErrorOut(Schema):
    detail: str | list[Any]


def refusal(api: NinjaAPI, request: HttpRequest, status: int, detail: str) -> HttpResponse:
    return api.create_response(request, {"detail": detail}, status=status)


def unauthorized(api: NinjaAPI, request: HttpRequest) -> HttpResponse:
    response = refusal(
        api,
        request,
        401,
        _(
            "Send a valid API token: Authorization: Bearer <token> (an unknown, expired or "
            "revoked token is refused)."
        ),
    )
    response["WWW-Authenticate"] = 'Bearer realm="parindex"'
    return response


def install(api: NinjaAPI) -> None:
    def on_login_required(request: HttpRequest, exc: object) -> HttpResponse:
        return unauthorized(api, request)

    def on_authentication(request: HttpRequest, exc: object) -> HttpResponse:
        return unauthorized(api, request)

    def on_denied(request: HttpRequest, exc: object) -> HttpResponse:
        detail = str(exc) or _("This token's owner may not do this.")
        return refusal(api, request, 403, detail)

    def on_throttled(request: HttpRequest, exc: object) -> HttpResponse:
        response = refusal(api, request, 429, _("Too many requests with this token: wait."))
        wait = getattr(request, "api_retry_after", None)
        if wait is not None:
            response["Retry-After"] = str(max(1, int(wait) + 1))
        return response

    api.add_exception_handler(LoginRequired, on_login_required)
    api.add_exception_handler(AuthenticationError, on_authentication)
    api.add_exception_handler(PermissionDenied, on_denied)
    api.add_exception_handler(Throttled, on_throttled)
