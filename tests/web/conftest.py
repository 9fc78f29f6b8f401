"""Personas and the small province every web test reads, and the fixtures of each slice.

Personas are users; ``visit(persona)`` gives a test client signed in as one of them (or not
signed in at all for "anonymous"), so an access test can walk through all of them.

The slices' fixture modules (``*_fixtures.py``) are imported here once, so every web test takes
their fixtures by name, without importing them. Two of them are autouse for every web test:
``media`` (uploads under the test's own temporary MEDIA_ROOT) and ``inline_jobs`` (survey jobs
run in the request; ``test_surveys_jobs.py`` sets the database queue where it needs it); a third,
``site_language``, starts every test in the site's language.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from django.conf import settings
from django.test import Client
from django.utils import translation

from parindex.accounts.models import Role, User

from .accounts_fixtures import admin_client, par_admin, pending, province  # noqa: F401
from .appraisals_fixtures import appraisal  # noqa: F401
from .assessments_fixtures import appraiser, council, head_a, media, opened  # noqa: F401
from .evidence_fixtures import pdf_of_a  # noqa: F401
from .factories import World, admin_create, browse, build_world, person, viewer_create
from .plans_fixtures import published_pw, pw  # noqa: F401
from .surveys_fixtures import inline_jobs, survey  # noqa: F401


@pytest.fixture(autouse=True)
def site_language() -> Iterator[None]:
    """Each test starts in the site's language: a request activates its reader's language in the
    thread and Django leaves it active after the response, so a test calling a service after an
    English page would otherwise read English messages."""
    with translation.override(settings.LANGUAGE_CODE):
        yield


PERSONAS = ("anonymous", "viewer", "admin", "editor_a", "editor_b")


def pytest_configure(config: pytest.Config) -> None:
    # WhiteNoise warns, for every test client, that collectstatic has not filled STATIC_ROOT.
    config.addinivalue_line("filterwarnings", "ignore:No directory at:UserWarning")


@pytest.fixture(autouse=True)
def empty_cache() -> None:
    """Request counters (password-reset throttling) live in the cache: each test starts at 0."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def fast_passwords(settings) -> None:
    """Hashing a password properly takes a third of a second; tests make many accounts."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def world(db: None) -> World:
    return build_world()


@pytest.fixture
def admin(db: None) -> User:
    """Superuser and PAR administrator."""
    return admin_create()


@pytest.fixture
def viewer(db: None) -> User:
    """Province-wide reader: sees cycles that are not yet published."""
    return viewer_create()


@pytest.fixture
def editor_a(world: World) -> User:
    """Editor of unit A (a department)."""
    return person("editor.a", Role.UNIT_EDITOR, world.unit_a)


@pytest.fixture
def editor_b(world: World) -> User:
    """Editor of unit B, another department."""
    return person("editor.b", Role.UNIT_EDITOR, world.unit_b)


@pytest.fixture
def anonymous() -> Client:
    return Client()


@pytest.fixture
def visit(request: pytest.FixtureRequest) -> Callable[[str], Client]:
    """A client for a persona by name: ``visit("viewer").get(url)``."""

    def client_for(name: str) -> Client:
        if name == "anonymous":
            return request.getfixturevalue("anonymous")
        return browse(request.getfixturevalue(name))

    return client_for
