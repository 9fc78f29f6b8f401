"""Access choke point of the notification pages: signed-in people see their own only."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.http import Http404, HttpRequest

from parindex.notifications.models import Notification
from parindex.shared.login import LoginRequired

if TYPE_CHECKING:
    # the user model (AUTH_USER_MODEL) as django-stubs types it, without importing accounts
    from django.contrib.auth.models import _User as User


def require_signed_in(request: HttpRequest) -> User:
    """The person signed in, or ``LoginRequired``."""
    user = request.user
    if not user.is_authenticated:
        raise LoginRequired
    return user


def get_notification_for_user(request: HttpRequest, notification_id: int) -> Notification:
    """One of the user's own notifications; anybody else's is a 404, not a 403, so nobody learns
    which ids exist."""
    user = require_signed_in(request)
    try:
        return Notification.objects.get(pk=notification_id, recipient=user)
    except Notification.DoesNotExist:
        raise Http404 from None
