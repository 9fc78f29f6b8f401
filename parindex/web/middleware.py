from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.utils.cache import patch_vary_headers

from parindex.core.messages import reading_in
from parindex.shared.login import LoginRequired


class SignInRedirectMiddleware:
    """Turns ``LoginRequired`` raised by a choke point into a redirect to the login page.

    Not Django 5.1's ``LoginRequiredMiddleware`` (which guards every view by default): pages
    here are public unless a choke point asks for a signed-in person."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, LoginRequired):
            if getattr(request, "htmx", False):
                # A fragment request must not swap the login page into part of a page:
                # htmx follows HX-Redirect with a full navigation instead.
                response = HttpResponse(status=204)
                response["HX-Redirect"] = redirect_to_login(request.get_full_path()).url
                return response
            return redirect_to_login(request.get_full_path())
        return None


class LanguageMiddleware:
    """Vietnamese first: the language is Vietnamese unless the person chose another with the
    language switch (a cookie). The browser's Accept-Language is deliberately not consulted, so
    a province's pages read the same on every office computer."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        language = chosen if chosen in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        # The core's messages (errors of files, values, workflow) render in the same language.
        with reading_in(language):
            response = self.get_response(request)
        patch_vary_headers(response, ("Cookie",))
        response.headers.setdefault("Content-Language", language)
        return response
