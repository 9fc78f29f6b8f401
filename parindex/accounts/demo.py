"""The demo's pending account: the way a real person gets in, by an activation link."""

from __future__ import annotations

import secrets
from collections.abc import Callable

from django.conf import settings
from django.utils import timezone

from parindex.units.models import Unit

from . import services, tokens
from .models import Role, User

PENDING_USERNAME = "can.bo.xa"


def demo_person(username: str, full_name: str, passwords: dict[str, str] | None) -> User:
    """A demo account (reused when it exists): with ``passwords``, a random password that is
    added there to be printed once; without, no usable password (it would be activated)."""
    user = User.objects.filter(username=username).first()
    if user is None:
        user = User.objects.create_user(username=username, full_name=full_name)
        if passwords is not None:
            password = secrets.token_urlsafe(12)
            user.set_password(password)
            passwords[username] = password
        else:
            user.set_unusable_password()
        user.save()
    return user


def build(*, log: Callable[[str], None], site_url: str | None = None) -> User:
    """One account waiting for activation (a commune's editor, no e-mail address); the link
    it needs is printed, as the administrator would hand it over, on the address the site is
    served at (``SITE_URL``: `make run PORT=8080` prints links on :8080)."""
    site_url = (site_url or settings.SITE_URL).rstrip("/")
    admin = User.objects.get(username="admin")
    unit = Unit.objects.filter(code="X01").first() or Unit.objects.order_by("code").first()
    user = services.account_create(
        actor=admin,
        username=PENDING_USERNAME,
        full_name="Cán bộ đầu mối CCHC (chờ kích hoạt)",
        roles=[services.RoleSpec(role=Role.UNIT_EDITOR, unit=unit)],
    )
    services.account_activation_send(actor=admin, user=user, site_url=site_url)
    user.refresh_from_db()
    expires = timezone.localtime(tokens.expires_at(user))
    log(
        f"account {user.username} waits for activation: to log in for real use, open "
        f"{site_url}{services.activation_path(user)} and choose a password "
        f"(valid once, until {expires:%d/%m/%Y %H:%M})"
    )
    return user
