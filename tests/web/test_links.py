"""Every link a page shows leads somewhere: no internal href answers 404 or 500, for any persona."""

from __future__ import annotations

import re
import time
from html import unescape
from urllib.parse import urldefrag, urlsplit

from .factories import World

PERSONAS = ("anonymous", "viewer", "admin", "editor_a")
ALLOWED = {200, 302, 403}
HREF = re.compile(r"""href\s*=\s*["']([^"']*)["']""")
# Documents are files, not pages, and slow to lay out; test_documents_*.py fetch them by the
# links of their pages.
SKIP_PREFIXES = ("/static/", "/media/", "/accounts/logout/", "/documents/")


def main_pages(world: World) -> list[str]:
    published, current = world.published.pk, world.current.pk
    return [
        "/",
        f"/cycles/{published}/",
        f"/cycles/{current}/",
        f"/cycles/{published}/units/{world.unit_a.code}/",
        f"/cycles/{current}/units/{world.unit_a.code}/",
        "/frameworks/",
        f"/frameworks/{world.version.pk}/",
        "/evidence/",
        f"/evidence/unit/{world.unit_a.code}/",
        "/assessments/",
        f"/assessments/cycles/{current}/calendar/",
        "/plans/",
        "/surveys/",
        f"/surveys/cycles/{current}/",
        "/national/",
    ]


def internal_links(html: str) -> set[str]:
    """Same-site hrefs, without fragments, mail links, static files or the logout link."""
    found = set()
    for raw in HREF.findall(html):
        href = unescape(raw).strip()
        if not href or href.startswith(("#", "mailto:", "tel:", "javascript:")):
            continue
        parts = urlsplit(href)
        if parts.scheme or parts.netloc:
            if parts.netloc not in ("testserver", ""):
                continue
            href = parts.path + (f"?{parts.query}" if parts.query else "")
        href = urldefrag(href)[0]
        if not href.startswith("/") or href.startswith(SKIP_PREFIXES):
            continue
        found.add(href)
    return found


def test_every_internal_link_resolves(world: World, visit) -> None:
    started = time.monotonic()
    broken: list[str] = []
    checked = 0
    for persona in PERSONAS:
        client = visit(persona)
        links: set[str] = set()
        for page in main_pages(world):
            response = client.get(page)
            if response.status_code not in ALLOWED:
                broken.append(f"{persona}: {page} → {response.status_code}")
            elif response.status_code == 200 and "html" in response.get("Content-Type", ""):
                links |= internal_links(response.content.decode())
        for link in sorted(links - set(main_pages(world))):
            status = client.get(link).status_code
            checked += 1
            if status not in ALLOWED:
                broken.append(f"{persona}: {link} → {status}")
    assert checked > 20  # the pages do link somewhere
    assert not broken, "\n".join(broken)
    assert time.monotonic() - started < 30
