"""Whether a reminder can reach a person (*liên lạc được*), decided from the account alone.

- ``EMAIL``: an active account that can log in (it has a usable password) and has an e-mail
  address: the in-app notice and an e-mail.
- ``IN_APP``: active and able to log in, but no address: the in-app notice only, which the
  person reads at their next login; reported as "no e-mail".
- ``NOT_ACTIVATED``: active but without a usable password (the activation link was never used):
  the person cannot log in to read a notice, and a reminder to log in is no use to them; nothing
  is sent, they need an activation link.
- ``INACTIVE``: a deactivated account: nothing is sent.

The last two are *unreachable*. Reminders (``send_reminders``, the tracking board's reminder)
go only to reachable people and name the others with the reason; ``notify`` itself sends what it
is asked to, since an activation link must reach an account that cannot log in yet.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import models
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    # the user model (AUTH_USER_MODEL) as django-stubs types it, without importing accounts
    from django.contrib.auth.models import _User as User


class Reach(models.TextChoices):
    EMAIL = "email", _("in the app and by e-mail")
    IN_APP = "in_app", _("in the app only: no e-mail address")
    NOT_ACTIVATED = "not_activated", _("cannot be reached: the account is not activated yet")
    INACTIVE = "inactive", _("cannot be reached: the account is deactivated")


UNREACHABLE = frozenset({Reach.NOT_ACTIVATED, Reach.INACTIVE})


def reach_of(user: User) -> Reach:
    if not user.is_active:
        return Reach.INACTIVE
    if not user.has_usable_password():
        return Reach.NOT_ACTIVATED
    return Reach.EMAIL if user.email else Reach.IN_APP


def reachable(user: User) -> bool:
    return reach_of(user) not in UNREACHABLE
