"""Access choke point of the notification pages: signed-in people see their own only."""

from __future__ import annotations

from django.http import Http404, HttpRequest

from parindex.notifications.models import Notification
from parindex.shared.login import LoginRequired


def require_signed_in(request: HttpRequest) -> None:
    if not request.user.is_authenticated:
        raise LoginRequired


def get_notification_for_user(request: HttpRequest, notification_id: int) -> Notification:
    """One of the user's own notifications; anybody else's is a 404, not a 403, so nobody learns
    which ids exist."""
    require_signed_in(request)
    try:
        return Notification.objects.get(pk=notification_id, recipient=request.user)
    except Notification.DoesNotExist:
        raise Http404 from None
