"""One-time activation links, in the manner of Django's ``PasswordResetTokenGenerator``.

A token is ``<issued>-<hmac>``: ``issued`` is when the administrator issued the link (the
account's ``activation_sent_at``, in microseconds, base 36), and the HMAC (SHA-256, keyed by
``SECRET_KEY``) covers the account's id, password hash, active flag, e-mail and that time. So a
link stops working when

- the person sets a password (the hash changes): it is used once;
- the administrator issues a new link (``activation_sent_at`` changes), deactivates the account
  or changes its e-mail address;
- ``ACCOUNT_ACTIVATION_DAYS`` have passed since it was issued.

Nothing is stored but the issue time, and the same issue gives the same link, so the pending
list can show a link again without making a new one.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.http import base36_to_int, int_to_base36

from .models import User

KEY_SALT = "parindex.accounts.tokens.ActivationTokenGenerator"


def lifetime() -> datetime.timedelta:
    return datetime.timedelta(days=settings.ACCOUNT_ACTIVATION_DAYS)


def expires_at(user: User) -> datetime.datetime | None:
    if user.activation_sent_at is None:
        return None
    return user.activation_sent_at + lifetime()


EPOCH = datetime.datetime(2001, 1, 1, tzinfo=datetime.UTC)


def _issued(user: User) -> int:
    assert user.activation_sent_at is not None
    return (user.activation_sent_at - EPOCH) // datetime.timedelta(microseconds=1)


def _hash(user: User, issued: int, secret: str) -> str:
    value = f"{user.pk}|{user.password}|{int(user.is_active)}|{user.email}|{issued}"
    return salted_hmac(KEY_SALT, value, secret=secret, algorithm="sha256").hexdigest()[::2]


def make_token(user: User) -> str:
    """The token of the account's current activation link (it must have been issued)."""
    issued = _issued(user)
    return f"{int_to_base36(issued)}-{_hash(user, issued, settings.SECRET_KEY)}"


def check_token(user: User | None, token: str, *, now: datetime.datetime | None = None) -> bool:
    """Whether ``token`` opens the account's current activation link, now."""
    if user is None or not token or user.activation_sent_at is None:
        return False
    if not user.is_pending_activation:
        return False
    issued_text, _, digest = token.partition("-")
    try:
        issued = base36_to_int(issued_text)
    except ValueError:
        return False
    if issued != _issued(user) or not digest:
        return False
    secrets = [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
    if not any(
        constant_time_compare(f"{issued_text}-{_hash(user, issued, secret)}", token)
        for secret in secrets
    ):
        return False
    expiry = expires_at(user)
    return expiry is not None and (now or timezone.now()) <= expiry
