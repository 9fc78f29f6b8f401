"""Personal API tokens: creation, revocation, and finding the token a request presents.

A token reads ``pxi_<id>_<secret>``: the id (8 characters) finds the row, the secret (32 random
bytes, URL-safe base64) proves it. Only ``HMAC-SHA256(key, secret)`` is stored, the key being
derived from ``SECRET_KEY`` (``salted_hmac``; ``SECRET_KEY_FALLBACKS`` are still accepted, so a
rotated key leaves tokens working until the fallback is dropped). Nobody can read a token back:
it is shown once, on the page that creates it.

A token acts for its owner with the owner's roles, narrowed by its scope: a token for one unit
holds only the owner's unit roles there (:func:`acting_user`), and a read-only token may not
write (checked by the API before any write). A deactivated owner's tokens stop working.
Creating and revoking a token are audited; using one is recorded as ``last_used_at``, at most
once a minute.
"""

from __future__ import annotations

import copy
import datetime
import hmac
import re
import secrets

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from parindex.audit.services import audit_record
from parindex.units.models import Unit

from .models import UNIT_SCOPED_ROLES, ApiToken, RoleAssignment, User

PREFIX = "pxi_"
MAX_DAYS = 366  # a token lives at most a year (a leap year's day included)
DEFAULT_DAYS = 90
LAST_USED_EVERY = datetime.timedelta(minutes=1)
_SALT = "parindex.accounts.apitokens"
_ID_ALPHABET = "abcdefghijkmnpqrstuvwxyz23456789"  # no 0/o, 1/l: read aloud or typed safely
_SHAPE = re.compile(r"pxi_([a-z2-9]{8})_([A-Za-z0-9_-]{43})")
# How an event recorded through a token names it (``audit.services.recorded_through``); the
# audit pages read it back with this pattern.
CHANNEL = "API token “{name}” ({prefix})"


class TokenError(Exception):
    """A token that cannot be created as asked; the message says why."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _digest(secret: str, key: str | None = None) -> str:
    return salted_hmac(_SALT, secret, secret=key, algorithm="sha256").hexdigest()


def channel(token: ApiToken) -> str:
    """The token as the audit trail names it."""
    return CHANNEL.format(name=token.name, prefix=token.prefix)


def tokens_of(user: User) -> QuerySet[ApiToken]:
    """A person's tokens, newest first, revoked and expired ones included."""
    return ApiToken.objects.filter(user=user).select_related("unit", "revoked_by")


def unit_choices(user: User) -> list[Unit]:
    """The units a token of ``user`` may be limited to: those where they hold a unit role."""
    ids = RoleAssignment.objects.filter(user=user, role__in=UNIT_SCOPED_ROLES).values("unit_id")
    return list(Unit.objects.filter(pk__in=ids).order_by("code"))


def expiry_of(day: datetime.date) -> datetime.datetime:
    """A token valid through ``day`` expires at the following midnight, local time."""
    return timezone.make_aware(
        datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time())
    )


@transaction.atomic
def token_create(
    *,
    user: User,
    name: str,
    access: str,
    unit: Unit | None,
    expires_on: datetime.date,
    today: datetime.date | None = None,
) -> tuple[ApiToken, str]:
    """Create a token for ``user`` (who creates it for themselves) and return it with its text,
    which is never stored and cannot be shown again."""
    today = today or timezone.localdate()
    name = " ".join(name.split())
    problems = []
    if not name:
        problems.append(_("Give the token a name, e.g. the system that will use it."))
    elif len(name) > 100:
        problems.append(_("The name is too long (at most 100 characters)."))
    if access not in ApiToken.Access.values:
        problems.append(_("Choose read only, or read and write."))
    if unit is not None and unit.pk not in {u.pk for u in unit_choices(user)}:
        problems.append(_("You can limit a token only to a unit you hold a unit role for."))
    if expires_on <= today:
        problems.append(_("The expiry date must be after today."))
    elif expires_on > today + datetime.timedelta(days=MAX_DAYS - 1):
        problems.append(_("A token can be valid for at most one year."))
    if problems:
        raise TokenError(" ".join(problems))
    token_id = "".join(secrets.choice(_ID_ALPHABET) for _ in range(8))
    secret = secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user,
        name=name,
        prefix=f"{PREFIX}{token_id}",
        digest=_digest(secret),
        access=access,
        unit=unit,
        expires_at=expiry_of(expires_on),
    )
    audit_record(
        actor=user,
        action="api_token.create",
        target=token,
        after={
            "name": name,
            "prefix": token.prefix,
            "access": access,
            "unit": unit.code if unit else "",
            "expires_at": token.expires_at,
        },
    )
    return token, f"{token.prefix}_{secret}"


@transaction.atomic
def token_revoke(*, token: ApiToken, actor: User, reason: str = "") -> ApiToken:
    """Revoke a token (its owner, or a PAR administrator): it stops working at once. Revoking
    a revoked token changes nothing."""
    token = ApiToken.objects.select_for_update().get(pk=token.pk)
    if token.revoked_at is not None:
        return token
    token.revoked_at = timezone.now()
    token.revoked_by = actor
    token.save(update_fields=["revoked_at", "revoked_by"])
    audit_record(
        actor=actor,
        action="api_token.revoke",
        target=token,
        before={"name": token.name, "prefix": token.prefix},
        after={"revoked_at": token.revoked_at, "owner": token.user.username},
        reason=reason.strip(),
    )
    return token


def token_authenticate(text: str, now: datetime.datetime | None = None) -> ApiToken | None:
    """The usable token ``text`` is, else None: well formed, its secret matching the stored
    digest (under the current key or a fallback), not revoked, not expired, its owner active."""
    found = _SHAPE.fullmatch(text.strip())
    if found is None:
        return None
    now = now or timezone.now()
    token = (
        ApiToken.objects.select_related("user", "unit").filter(prefix=f"{PREFIX}{found[1]}").first()
    )
    if token is None:
        return None
    keys = [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
    if not any(hmac.compare_digest(token.digest, _digest(found[2], key)) for key in keys):
        return None
    if not token.is_usable(now) or not token.user.is_active:
        return None
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_EVERY:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token


def _never_saved(*args: object, **kwargs: object) -> None:
    raise RuntimeError("a token's narrowed copy of its owner is never saved")


def acting_user(token: ApiToken) -> User:
    """The owner as the token may act: every role of theirs for a token of every unit; for a
    token of one unit, a copy of the owner holding only their unit roles there, province-wide
    roles and superuser powers dropped (a copy that refuses to be saved, so the narrowing can
    never reach the account)."""
    if token.unit_id is None:
        return token.user
    user = copy.copy(token.user)
    user._parindex_roles = list(
        RoleAssignment.objects.filter(
            user=token.user, unit_id=token.unit_id, role__in=UNIT_SCOPED_ROLES
        ).select_related("unit")
    )
    user.is_superuser = False
    user.is_staff = False
    user.save = _never_saved  # type: ignore[method-assign]
    return user
