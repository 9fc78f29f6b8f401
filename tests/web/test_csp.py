"""A Content-Security-Policy on every response, and pages that need nothing beyond it.

The policy allows scripts and styles from the site's own static files only (no ``'unsafe-inline'``,
no ``'unsafe-eval'``): an injected ``<script>``, event handler or style does nothing. So no page
may carry an inline script, an ``on…=`` or ``hx-on`` handler, a ``style`` attribute or a
``<style>`` element: the templates are scanned, and every page of ``test_security_urls.ACCESS``
is fetched and read. The standalone error pages (500, CSRF refusal) load no static file by
design; their one ``<style>`` element is allowed by its hash, on those responses only.
"""

from __future__ import annotations

import base64
import hashlib
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client, override_settings
from django.urls import include, path, reverse

from parindex.accounts.models import User

from .factories import World
from .test_security_urls import ACCESS, PERSONAS, clients, objects_build

POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'self'; frame-ancestors 'none'; form-action 'self'"
)
PACKAGE = Path(settings.BASE_DIR) / "parindex"
# Rendered to PDF on the server, never served as a page: their styles (a <style> block, column
# widths on <col>) are print rules no browser applies a policy to.
PDF_TEMPLATES = {"plans/appendix_pdf.html", "documents/document_pdf.html"}
# Stricter policies a view sets itself, which the middleware keeps.
OWN_POLICY = {"evidence:download": "default-src 'none'; sandbox"}
# Static files as `make run` serves them (WhiteNoise reads the apps' static folders).
STATIC_FROM_APPS = override_settings(WHITENOISE_USE_FINDERS=True, WHITENOISE_AUTOREFRESH=True)
# Standalone by design (no static file, nothing that can fail): the <style> of their layout
# is hashed.
STANDALONE = {"standalone.html"}


def crash(request):  # type: ignore[no-untyped-def]
    raise RuntimeError("boom")


urlpatterns = [path("crash/", crash), path("", include("parindex.urls"))]


class Inline(HTMLParser):
    """What a policy without 'unsafe-inline' would block, as ``tag[attr]`` findings."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        names = {name.lower() for name, _ in attrs}
        if tag == "script" and "src" not in names:
            self.found.append("<script> without src")
        if tag == "style":
            self.found.append("<style>")
        for name in sorted(names):
            if name == "style" or name.startswith(("on", "hx-on", "data-hx-on")):
                self.found.append(f"<{tag} {name}=…>")
        for name, value in attrs:
            if name.lower() in {"href", "src", "action", "formaction"} and (value or "").lstrip()[
                :11
            ].lower().startswith("javascript:"):
                self.found.append(f"<{tag} {name}=javascript:…>")


def inline_in(html: str) -> list[str]:
    parser = Inline()
    parser.feed(html)
    parser.close()
    return parser.found


def templates() -> list[tuple[str, Path]]:
    found = []
    for folder in sorted(PACKAGE.glob("*/templates")) + sorted(PACKAGE.glob("templates")):
        for file in sorted(folder.rglob("*.html")):
            found.append((file.relative_to(folder).as_posix(), file))
    return found


def test_the_templates_are_scanned() -> None:
    names = {name for name, _ in templates()}
    assert {"web/base.html", "assessments/page.html", "500.html"} <= names


@pytest.mark.parametrize(("name", "file"), templates(), ids=[n for n, _ in templates()])
def test_no_template_carries_inline_script_handler_or_style(name: str, file: Path) -> None:
    text = file.read_text(encoding="utf-8")
    text = re.sub(r"{%\s*comment\s*%}.*?{%\s*endcomment\s*%}", "", text, flags=re.DOTALL)
    text = re.sub(r"{#.*?#}", "", text, flags=re.DOTALL)
    found = inline_in(re.sub(r"{%.*?%}", " ", re.sub(r"{{.*?}}", "x", text)))
    if name in PDF_TEMPLATES or name in STANDALONE:
        found = [f for f in found if f != "<style>"]
    if name in PDF_TEMPLATES:
        found = [f for f in found if f != "<col style=…>"]
    # Template tags inside a tag are not attributes; a handler written around one still is.
    found += [f"handler {m!r}" for m in re.findall(r"\s(on[a-z]+|hx-on[:\w-]*)\s*=", text, re.I)]
    assert not found, f"{name}: {sorted(set(found))}"


def test_every_page_sends_the_policy_and_needs_nothing_inline(
    world: World, admin: User, media: Path
) -> None:
    o = objects_build(world, admin)
    by_persona = clients(o)
    problems: list[str] = []
    seen = 0
    for name, access in ACCESS.items():
        if not access.get:
            continue
        persona = next(p for p in PERSONAS if p in access.get)
        url = reverse(name, kwargs=access.args(o))
        for htmx in (False, True):
            headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
            response = by_persona[persona].get(url, **headers)
            seen += 1
            policy = response.headers.get("Content-Security-Policy")
            if policy != OWN_POLICY.get(name, POLICY):
                problems.append(f"{name} {url} ({response.status_code}): policy {policy!r}")
            if "html" in response.headers.get("Content-Type", ""):
                body = b"".join(response) if response.streaming else response.content
                for finding in inline_in(body.decode()):
                    problems.append(f"{name} {url} as {persona} (htmx={htmx}): {finding}")
    assert seen > 100
    assert not problems, "\n".join(sorted(set(problems)))


@STATIC_FROM_APPS
@pytest.mark.parametrize(
    ("url", "status"),
    [
        ("/", 200),
        ("/accounts/login/", 200),
        ("/no-such-page/", 404),
        ("/static/web/parindex.css", 200),
    ],
)
def test_public_responses_send_the_policy(db: None, url: str, status: int) -> None:
    response = Client().get(url)
    assert response.status_code == status
    policy = response.headers["Content-Security-Policy"]
    assert policy == POLICY
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy


def style_hash(html: str) -> str:
    (style,) = re.findall(r"<style>(.*?)</style>", html, re.DOTALL)
    return "'sha256-" + base64.b64encode(hashlib.sha256(style.encode()).digest()).decode() + "'"


@override_settings(DEBUG=False, ROOT_URLCONF=__name__)
def test_server_error_page_style_is_allowed_by_its_hash(world: World) -> None:
    response = Client(raise_request_exception=False).get("/crash/")
    assert response.status_code == 500
    policy = response.headers["Content-Security-Policy"]
    assert "unsafe-inline" not in policy
    assert f"style-src 'self' {style_hash(response.content.decode())};" in policy
    assert policy.replace(f" {style_hash(response.content.decode())}", "") == POLICY


@override_settings(DEBUG=False)
def test_csrf_refusal_page_style_is_allowed_by_its_hash(world: World) -> None:
    response = Client(enforce_csrf_checks=True).post("/i18n/setlang/", {"language": "en"})
    assert response.status_code == 403
    policy = response.headers["Content-Security-Policy"]
    assert policy.replace(f" {style_hash(response.content.decode())}", "") == POLICY


def test_htmx_is_local_and_injects_no_style(db: None) -> None:
    html = Client().get("/").content.decode()
    assert re.search(r'<script src="/static/django_htmx/htmx-2\.min\.js" defer>', html)
    assert '<meta name="htmx-config" content=\'' in html
    config = re.search(r"<meta name=\"htmx-config\" content='([^']*)'>", html)
    assert config is not None
    assert '"includeIndicatorStyles": false' in config.group(1)
    assert '"allowEval": false' in config.group(1)
    assert not re.search(r"<script[^>]+src=\"(https?:)?//", html)  # no CDN


@STATIC_FROM_APPS
def test_a_favicon_is_linked_and_served(db: None) -> None:
    html = Client().get("/").content.decode()
    match = re.search(r'<link rel="icon" href="([^"]+\.svg)" type="image/svg\+xml">', html)
    assert match is not None
    response = Client().get(match.group(1))
    assert response.status_code == 200
    body = b"".join(response) if response.streaming else response.content
    assert body.lstrip().startswith(b"<svg")


@override_settings(DEBUG=True)
def test_debug_pages_of_django_are_readable_in_development(db: None) -> None:
    """With debug on (`make run` only), Django's technical 404 page keeps its inline styles."""
    response = Client().get("/no-such-page/")
    assert response.status_code == 404
    assert "Content-Security-Policy" not in response.headers
    assert Client().get("/").headers["Content-Security-Policy"] == POLICY
