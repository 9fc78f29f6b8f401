"""The chain is keyed: each hash is an HMAC-SHA256 under a key held outside the database, so a
person who can write to the database but lacks the key cannot recompute a chain that verifies."""

from __future__ import annotations

import hashlib
import hmac
import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.db import transaction
from django.utils import translation

from parindex.audit.chain import canonical_json, event_fields
from parindex.audit.keys import audit_key
from parindex.audit.models import GENESIS_HASH, AuditEvent
from parindex.audit.services import audit_record
from parindex.audit.verify import verify_chain

from .helpers import plain_sha256, rewrite_with

pytestmark = pytest.mark.django_db

LONG_KEY = "k" * 40


def record(count: int) -> None:
    with transaction.atomic():
        for n in range(1, count + 1):
            audit_record(actor=None, action="answer.value", after={"value": str(n)}, cycle_id=1)


def test_each_hash_is_an_hmac_under_the_audit_key() -> None:
    record(2)
    first, second = AuditEvent.objects.order_by("sequence")
    key = audit_key().secret
    for event, prev in ((first, GENESIS_HASH), (second, first.hash)):
        message = (prev + canonical_json(event_fields(event))).encode("utf-8")
        assert event.hash == hmac.new(key, message, hashlib.sha256).hexdigest()
        assert event.hash != hashlib.sha256(message).hexdigest()


def test_without_a_key_set_it_is_derived_from_the_secret_key(settings) -> None:
    settings.AUDIT_KEY = ""
    settings.SECRET_KEY = "s" * 60
    key = audit_key()
    assert key.secret == hmac.new(b"s" * 60, b"parindex-audit", hashlib.sha256).digest()
    assert key.source == "secret_key"


def test_the_development_key_is_fixed_and_says_so(settings) -> None:
    settings.AUDIT_KEY = ""
    settings.SECRET_KEY = "django-insecure-development-only-key-not-for-production-use"
    key = audit_key()
    assert key.source == "development"
    assert key.secret == audit_key().secret


def test_a_key_from_the_environment_is_used_as_given(settings) -> None:
    settings.AUDIT_KEY = LONG_KEY
    key = audit_key()
    assert (key.secret, key.source) == (LONG_KEY.encode(), "environment")


def test_recomputing_every_hash_with_plain_sha256_fails() -> None:
    record(4)
    assert verify_chain().ok
    rewrite_with(plain_sha256)
    with translation.override("en"):
        report = verify_chain()
    assert not report.ok
    assert report.error.sequence == 1
    assert "hash mismatch" in report.error.problem


def test_recomputing_every_hash_with_another_key_fails() -> None:
    record(3)
    other = b"an attacker's guess at the key, long enough"

    def keyed(prev: str, fields: dict[str, object]) -> str:
        message = (prev + canonical_json(fields)).encode("utf-8")
        return hmac.new(other, message, hashlib.sha256).hexdigest()

    rewrite_with(keyed)
    report = verify_chain()
    assert not report.ok and report.error.sequence == 1


def test_a_chain_written_under_one_key_fails_under_another(settings) -> None:
    record(2)
    assert verify_chain().ok
    settings.AUDIT_KEY = LONG_KEY
    assert verify_chain().error.sequence == 1


def _settings_child(**env: str) -> subprocess.CompletedProcess[str]:
    clean = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("PARINDEX_", "DJANGO_", "DATABASE_URL"))
    }
    clean.update(env, DJANGO_SETTINGS_MODULE="parindex.settings")
    return subprocess.run(
        [sys.executable, "-c", "from django.conf import settings; print(settings.AUDIT_KEY)"],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=clean,
        cwd=settings.BASE_DIR,
        check=False,
    )


def test_production_refuses_a_short_audit_key() -> None:
    done = _settings_child(
        PARINDEX_DEBUG="0", PARINDEX_SECRET_KEY="x" * 60, PARINDEX_AUDIT_KEY="short"
    )
    assert done.returncode != 0
    assert "PARINDEX_AUDIT_KEY" in done.stderr


def test_production_reads_the_audit_key_from_the_environment() -> None:
    done = _settings_child(
        PARINDEX_DEBUG="0", PARINDEX_SECRET_KEY="x" * 60, PARINDEX_AUDIT_KEY=LONG_KEY
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == LONG_KEY
