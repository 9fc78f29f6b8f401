"""The exception the access choke points raise for a visitor who is not signed in."""

from __future__ import annotations


class LoginRequired(Exception):
    """The page exists for signed-in people only; the view layer redirects to the login page
    (``parindex.web.middleware.SignInRedirectMiddleware``)."""
