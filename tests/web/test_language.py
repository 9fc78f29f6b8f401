"""The language switch: Vietnamese first, English on request, the browser's preference ignored."""

from __future__ import annotations

import pytest

from .factories import World


@pytest.mark.parametrize("persona", ["anonymous", "viewer", "admin", "editor_a", "editor_b"])
def test_access(world: World, visit, persona: str) -> None:
    """Everyone may switch; the switch leads back to the page it was pressed on."""
    client = visit(persona)
    page = f"/cycles/{world.published.pk}/"
    assert '<html lang="vi">' in client.get(page).content.decode()
    response = client.post("/i18n/setlang/", {"language": "en", "next": page})
    assert response.status_code == 302
    assert response["Location"] == page
    assert '<html lang="en">' in client.get(page).content.decode()


def test_vietnamese_by_default_whatever_the_browser_asks(world: World, anonymous) -> None:
    response = anonymous.get(f"/cycles/{world.published.pk}/", HTTP_ACCEPT_LANGUAGE="en")
    html = response.content.decode()
    assert response["Content-Language"] == "vi"
    assert '<html lang="vi">' in html
    assert "<h1>Xếp hạng — " in html
    assert ">Chỉ số</th>" in html
    assert ">Ranking" not in html


def test_english_after_switching(world: World, anonymous) -> None:
    anonymous.post("/i18n/setlang/", {"language": "en", "next": "/"})
    response = anonymous.get(f"/cycles/{world.published.pk}/", HTTP_ACCEPT_LANGUAGE="vi")
    html = response.content.decode()
    assert response["Content-Language"] == "en"
    assert "<h1>Ranking — " in html
    assert ">Index</th>" in html
    assert '<span class="band band-TOT">Good</span>' in html
    assert "Tốt" not in html
    # Data stays as entered: unit names are not translated.
    assert "Sở Nội vụ" in html


def test_back_to_vietnamese(world: World, anonymous) -> None:
    anonymous.post("/i18n/setlang/", {"language": "en", "next": "/"})
    anonymous.post("/i18n/setlang/", {"language": "vi", "next": "/"})
    assert "<h1>Xếp hạng — " in anonymous.get(f"/cycles/{world.published.pk}/").content.decode()


def test_unknown_language_keeps_vietnamese(world: World, anonymous) -> None:
    anonymous.post("/i18n/setlang/", {"language": "fr", "next": "/"})
    anonymous.cookies["django_language"] = "fr"
    assert '<html lang="vi">' in anonymous.get("/").content.decode()


def test_switch_never_redirects_off_site(db: None, anonymous) -> None:
    response = anonymous.post("/i18n/setlang/", {"language": "en", "next": "https://example.com/"})
    assert response.status_code == 302
    assert response["Location"] == "/"


def test_responses_vary_on_cookie(db: None, anonymous) -> None:
    assert "Cookie" in anonymous.get("/").headers["Vary"]
