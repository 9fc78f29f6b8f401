"""Content-Security-Policy on every response.

Scripts and styles come from the site's own static files only: no ``'unsafe-inline'``, no
``'unsafe-eval'``, so markup that slips into a page (an injected ``<script>``, an ``onclick``, a
``style``) does nothing. The templates keep to it (tests/web/test_csp.py): behaviour lives in
the apps' static JS files, htmx's own style injection and eval are off (base.html's htmx-config).

Two exceptions, both narrow:

- The standalone error pages (500.html, 403_csrf.html) load no static file by design, so they
  still render when everything else is broken; the hash of their one ``<style>`` element, read
  from the templates when the process starts, is added to ``style-src`` on 403 and 500 answers.
- With DEBUG on (``make run``), Django's own technical 404 and 500 pages carry inline styles
  and scripts: they are sent without a policy, so a developer can read the traceback.
"""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Callable
from pathlib import Path

from django.conf import settings
from django.http import HttpRequest, HttpResponseBase

DIRECTIVES = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "object-src": "'none'",
    "base-uri": "'self'",
    "frame-ancestors": "'none'",
    "form-action": "'self'",
}
HEADER = "Content-Security-Policy"
STANDALONE_TEMPLATES = ("standalone.html",)  # the layout of 500.html and 403_csrf.html
_TEMPLATES = Path(__file__).resolve().parent / "templates"


def policy(**extra: str) -> str:
    """The policy as a header value; ``extra`` adds sources to a directive (``style_src=…``)."""
    added = {name.replace("_", "-"): value for name, value in extra.items()}
    return "; ".join(
        f"{name} {value} {added[name]}" if name in added else f"{name} {value}"
        for name, value in DIRECTIVES.items()
    )


def style_hashes(names: tuple[str, ...] = STANDALONE_TEMPLATES) -> list[str]:
    """CSP hash sources of the ``<style>`` elements of these templates (no template tags in
    them, so the text served is the text read here)."""
    found: list[str] = []
    for name in names:
        text = (_TEMPLATES / name).read_text(encoding="utf-8")
        for style in re.findall(r"<style>(.*?)</style>", text, re.DOTALL):
            digest = base64.b64encode(hashlib.sha256(style.encode("utf-8")).digest()).decode()
            source = f"'sha256-{digest}'"
            if source not in found:
                found.append(source)
    return found


POLICY = policy()
STANDALONE_POLICY = policy(style_src=" ".join(style_hashes())) if style_hashes() else POLICY


class ContentSecurityPolicyMiddleware:
    """Adds the policy to every response that has none (static files included: it sits before
    WhiteNoise in ``MIDDLEWARE``)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        if HEADER in response:
            return response
        if response.status_code in (404, 500) and settings.DEBUG:
            return response  # Django's technical pages, only ever seen in development
        response[HEADER] = STANDALONE_POLICY if response.status_code in (403, 500) else POLICY
        return response
