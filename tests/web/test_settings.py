"""Settings are read from the environment when the process starts (parindex/settings.py).

Each case starts a child process with its own environment, as gunicorn or ``manage.py`` would,
and reads back ``settings.DATABASES["default"]``.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from django.conf import settings

READ_DATABASE = """\
import json, os
os.environ["DJANGO_SETTINGS_MODULE"] = "parindex.settings"
from django.conf import settings
print(json.dumps(settings.DATABASES["default"], default=str))
"""


def clean_env(**extra: str) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("PARINDEX_", "DJANGO_", "DATABASE_URL"))
    }
    env.update(extra)
    return env


def dev_env(**extra: str) -> dict[str, str]:
    """The environment of `make run`: debug asked for explicitly."""
    return clean_env(PARINDEX_DEBUG="1", **extra)


def child(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", READ_DATABASE],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=env,
        cwd=settings.BASE_DIR,
        check=False,
    )


def database(env: dict[str, str]) -> dict:
    done = child(env)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_without_database_url_sqlite_under_var() -> None:
    found = database(dev_env())
    assert found["ENGINE"] == "django.db.backends.sqlite3"
    assert Path(found["NAME"]) == Path(settings.BASE_DIR) / "var" / "parindex.sqlite3"
    assert found["OPTIONS"] == {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL",  # readers never wait for a writer
    }


def test_var_dir_moves_the_sqlite_file(tmp_path: Path) -> None:
    found = database(dev_env(PARINDEX_VAR_DIR=str(tmp_path)))
    assert found["ENGINE"] == "django.db.backends.sqlite3"
    assert Path(found["NAME"]) == tmp_path / "parindex.sqlite3"


def test_database_url_postgres() -> None:
    found = database(dev_env(DATABASE_URL="postgres://u@h:5/db"))
    assert found["ENGINE"] == "django.db.backends.postgresql"
    assert (found["USER"], found["HOST"], found["PORT"], found["NAME"]) == ("u", "h", 5, "db")
    assert "transaction_mode" not in found.get("OPTIONS", {})


def test_production_without_secret_key_refuses_to_start() -> None:
    done = child(clean_env(PARINDEX_DEBUG="0"))
    assert done.returncode != 0
    assert "PARINDEX_SECRET_KEY must be set when PARINDEX_DEBUG=0" in done.stderr
    assert done.stdout == ""


READ_PROXY_SETTINGS = """\
import json, os
os.environ["DJANGO_SETTINGS_MODULE"] = "parindex.settings"
from django.conf import settings
print(json.dumps([settings.SECURE_PROXY_SSL_HEADER, settings.PROXY_COUNT]))
"""


def proxy_settings(env: dict[str, str]) -> list:
    done = subprocess.run(
        [sys.executable, "-c", READ_PROXY_SETTINGS],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=env,
        cwd=settings.BASE_DIR,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_x_forwarded_proto_is_ignored_without_a_proxy() -> None:
    """Without a proxy any client could send X-Forwarded-Proto: https and pass for secure."""
    assert proxy_settings(dev_env()) == [None, 0]
    assert proxy_settings(dev_env(PARINDEX_PROXY_COUNT="0")) == [None, 0]


def test_x_forwarded_proto_is_read_behind_a_proxy() -> None:
    header = ["HTTP_X_FORWARDED_PROTO", "https"]
    assert proxy_settings(dev_env(PARINDEX_PROXY_COUNT="1")) == [header, 1]
    assert proxy_settings(dev_env(PARINDEX_TRUST_X_FORWARDED_PROTO="1")) == [header, 0]


READ_DEBUG = """\
import json, os
os.environ["DJANGO_SETTINGS_MODULE"] = "parindex.settings"
from django.conf import settings
print(json.dumps([settings.DEBUG, settings.SECURE_SSL_REDIRECT, settings.SESSION_COOKIE_SECURE]))
"""


def debug_settings(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", READ_DEBUG],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=env,
        cwd=settings.BASE_DIR,
        check=False,
    )


def test_debug_is_off_unless_asked_for() -> None:
    """A server started without PARINDEX_DEBUG runs with production's settings."""
    done = debug_settings(clean_env(PARINDEX_SECRET_KEY="k" * 60))
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == [False, True, True]


def test_without_debug_or_secret_key_refuses_to_start() -> None:
    """Forgetting both variables must not start a server with a key everyone knows."""
    done = debug_settings(clean_env())
    assert done.returncode != 0
    assert "PARINDEX_SECRET_KEY must be set" in done.stderr
    assert done.stdout == ""


def test_debug_only_when_asked_for_explicitly() -> None:
    done = debug_settings(dev_env())
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == [True, False, False]


def test_make_run_asks_for_debug_and_says_where_it_serves() -> None:
    """`make run` asks for debug itself, says so, and prints the address it serves."""
    done = subprocess.run(
        ["make", "--dry-run", "--always-make", "run", "HOST=0.0.0.0", "PORT=8765"],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=clean_env(),
        cwd=settings.BASE_DIR,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    django_lines = [line for line in lines if "manage.py" in line]
    assert django_lines and all("PARINDEX_DEBUG=1" in line for line in django_lines)
    serve = next(line for line in lines if "runserver" in line)
    assert "0.0.0.0:8765" in serve
    assert any("not for production" in line and "PARINDEX_DEBUG=1" in line for line in lines)
    assert any("http://0.0.0.0:8765/" in line for line in lines if "runserver" not in line)
