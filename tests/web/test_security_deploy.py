"""Production settings: ``check --deploy`` is clean, the cookies are secure, every page sends the
headers that keep it out of frames and stop content sniffing.

The settings are read from the environment when the process starts, so the production values are
read by a child process given production's environment (``PARINDEX_DEBUG=0``, a long random key,
a host name), the way gunicorn would start.
"""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client

from parindex.accounts.models import User

from .factories import PASSWORD, person

PRODUCTION_SETTINGS = (
    "DEBUG",
    "SESSION_COOKIE_SECURE",
    "SESSION_COOKIE_HTTPONLY",
    "SESSION_COOKIE_SAMESITE",
    "CSRF_COOKIE_SECURE",
    "CSRF_COOKIE_SAMESITE",
    "SECURE_SSL_REDIRECT",
    "SECURE_HSTS_SECONDS",
    "SECURE_CONTENT_TYPE_NOSNIFF",
    "SECURE_REFERRER_POLICY",
    "SECURE_CROSS_ORIGIN_OPENER_POLICY",
    "X_FRAME_OPTIONS",
    "ALLOWED_HOSTS",
)


def production_env(tmp_path: Path) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("PARINDEX_", "DJANGO_", "DATABASE_URL"))
    }
    env.update(
        {
            "PARINDEX_DEBUG": "0",
            "PARINDEX_SECRET_KEY": secrets.token_urlsafe(64),
            "PARINDEX_ALLOWED_HOSTS": "parindex.example.org",
            "PARINDEX_VAR_DIR": str(tmp_path),
            "DJANGO_SETTINGS_MODULE": "parindex.settings",
        }
    )
    return env


def run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, *args],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.fixture(scope="module")
def production(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    """The security settings as production reads them."""
    script = (
        "import json, django; django.setup(); from django.conf import settings; "
        f"print(json.dumps({{k: getattr(settings, k) for k in {list(PRODUCTION_SETTINGS)!r}}}))"
    )
    done = run(["-c", script], production_env(tmp_path_factory.mktemp("var")))
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def test_check_deploy_is_clean(tmp_path: Path) -> None:
    done = run(
        ["manage.py", "check", "--deploy", "--fail-level", "WARNING"], production_env(tmp_path)
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "no issues" in done.stdout


def test_production_refuses_to_start_without_a_secret_key(tmp_path: Path) -> None:
    env = production_env(tmp_path)
    del env["PARINDEX_SECRET_KEY"]
    done = run(["manage.py", "check"], env)
    assert done.returncode != 0
    assert "PARINDEX_SECRET_KEY must be set" in done.stderr


def test_production_cookies_and_transport(production: dict[str, object]) -> None:
    assert production["DEBUG"] is False
    assert production["ALLOWED_HOSTS"] == ["parindex.example.org"]
    assert production["SESSION_COOKIE_SECURE"] is True
    assert production["SESSION_COOKIE_HTTPONLY"] is True
    assert production["SESSION_COOKIE_SAMESITE"] == "Lax"
    assert production["CSRF_COOKIE_SECURE"] is True
    assert production["CSRF_COOKIE_SAMESITE"] == "Lax"
    assert production["SECURE_SSL_REDIRECT"] is True
    assert production["SECURE_HSTS_SECONDS"] == 31536000


def test_session_cookie_of_a_login_in_production(
    production: dict[str, object], settings, db: None
) -> None:
    """The session cookie a login sets carries the production flags."""
    for key in ("SESSION_COOKIE_SECURE", "SESSION_COOKIE_HTTPONLY", "SESSION_COOKIE_SAMESITE"):
        setattr(settings, key, production[key])
    settings.SECURE_SSL_REDIRECT = False  # the test client speaks plain HTTP
    user: User = person("can.bo")
    response = Client().post("/accounts/login/", {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["secure"] is True
    assert cookie["httponly"] is True
    assert cookie["samesite"] == "Lax"


@pytest.mark.parametrize("path", ["/", "/frameworks/", "/accounts/login/", "/no-such-page/"])
def test_security_headers_on_pages(
    production: dict[str, object], settings, db: None, path: str
) -> None:
    for key in (
        "X_FRAME_OPTIONS",
        "SECURE_CONTENT_TYPE_NOSNIFF",
        "SECURE_REFERRER_POLICY",
        "SECURE_CROSS_ORIGIN_OPENER_POLICY",
    ):
        setattr(settings, key, production[key])
    response = Client().get(path)
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
