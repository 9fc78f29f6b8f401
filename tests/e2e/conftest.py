"""Browser tests: Playwright driving Debian's Chromium (never Playwright's own download).

One browser per session; each test gets a fresh context (cookies, language) and the small
province of the web tests, served by pytest-django's live server.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from web.factories import World, build_world, viewer_create

# Playwright's sync API runs an event loop in the test thread; the ORM calls of the fixtures
# are still plain synchronous code.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
    "--disable-dev-shm-usage",
]
TIMEOUT_MS = 10_000


def pytest_configure(config: pytest.Config) -> None:
    # WhiteNoise warns, for every test client, that collectstatic has not filled STATIC_ROOT.
    config.addinivalue_line("filterwarnings", "ignore:No directory at:UserWarning")


@pytest.fixture(scope="session")
def browser():  # type: ignore[no-untyped-def]
    if not CHROMIUM.exists():
        message = (
            f"{CHROMIUM} is missing: install Debian's chromium package (apt-get install chromium)"
        )
        if os.environ.get("CI") == "true":
            pytest.fail(f"browser tests cannot run in CI: {message}", pytrace=False)
        pytest.skip(f"browser tests skipped: {message}")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser, live_server) -> Iterator:  # type: ignore[no-untyped-def]
    context = browser.new_context(
        base_url=live_server.url, locale="en-GB", viewport={"width": 1280, "height": 900}
    )
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture(autouse=True)
def fast_passwords(settings) -> None:  # type: ignore[no-untyped-def]
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def world(transactional_db: None) -> World:
    return build_world()


@pytest.fixture
def viewer(transactional_db: None):  # type: ignore[no-untyped-def]
    return viewer_create()


@pytest.fixture(scope="session")
def artifacts(pytestconfig: pytest.Config) -> Path:
    """Screenshots for people to look at (the folder is ignored by git)."""
    folder = pytestconfig.rootpath / "test-artifacts"
    folder.mkdir(exist_ok=True)
    return folder
