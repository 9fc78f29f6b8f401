"""Login failures, as django-axes records them, forgotten only for the account that signed in.

Failures lock a username (from any address) and, separately, an address (for any username):
``AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]``. On a successful sign-in axes' own
database handler deletes every attempt matching the username OR the address, so whoever has a
valid account could clear their address's count by signing in between two rounds of a spray
over other people's usernames. This handler deletes only the attempts made on the username that
signed in: the address keeps counting the failures made on every other username.
"""

from __future__ import annotations

from typing import Any

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username
from axes.models import AccessAttempt
from django.http import HttpRequest


class UsernameResetHandler(AxesDatabaseHandler):  # type: ignore[misc]  # axes has no types
    """axes' database handler, whose reset on success forgets the username's attempts only."""

    def reset_user_attempts(
        self, request: HttpRequest, credentials: dict[str, Any] | None = None
    ) -> int:
        username = get_client_username(request, credentials)
        if not username:
            return 0
        count: int
        count, _ = AccessAttempt.objects.filter(username=username).delete()
        return count
