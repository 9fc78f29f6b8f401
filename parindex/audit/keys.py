"""The audit chain's key: the secret each event's HMAC-SHA256 is computed under.

It is held outside the database (the environment of the web and command processes), so somebody
who can write to the database but does not hold the key cannot recompute a chain that verifies.

- ``PARINDEX_AUDIT_KEY`` (``settings.AUDIT_KEY``), when set, is the key as given.
- Otherwise the key is derived from Django's secret key as ``HMAC-SHA256(SECRET_KEY,
  "parindex-audit")``: production always has that secret key (settings refuse to start without
  it), so nothing breaks, but a separate key is better, since the secret key signs sessions and
  is copied wherever the web runs. In development and tests the secret key is the fixed
  development one, so the derived key is fixed and public too, and the reports say so.

Changing the key (or the secret key it is derived from) makes every stored hash wrong under the
new key: the chain must then be re-keyed, and heads exported before no longer match.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from typing import Literal

from django.conf import settings

DERIVATION_LABEL = b"parindex-audit"
DEVELOPMENT_SECRET_PREFIX = "django-insecure-"

KeySource = Literal["environment", "secret_key", "development"]


@dataclass(frozen=True)
class AuditKey:
    secret: bytes = b""
    source: KeySource = "environment"

    def __repr__(self) -> str:  # never print the secret itself
        return f"AuditKey(source={self.source!r})"


def derive(secret_key: str) -> bytes:
    return hmac.new(secret_key.encode("utf-8"), DERIVATION_LABEL, hashlib.sha256).digest()


def audit_key() -> AuditKey:
    """The key in force, read from the settings on each call (cheap: one HMAC at most)."""
    given: str = getattr(settings, "AUDIT_KEY", "")
    if given:
        return AuditKey(given.encode("utf-8"), "environment")
    secret_key: str = settings.SECRET_KEY
    source: KeySource = (
        "development" if secret_key.startswith(DEVELOPMENT_SECRET_PREFIX) else "secret_key"
    )
    return AuditKey(derive(secret_key), source)
