"""Reads of notifications."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import QuerySet

from parindex.notifications.models import Notification

if TYPE_CHECKING:
    # the user model (AUTH_USER_MODEL) as django-stubs types it, without importing accounts
    from django.contrib.auth.models import _User as User


def unread_count(*, user: User) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def notifications_for(*, user: User) -> QuerySet[Notification]:
    """The user's own notifications, newest first."""
    return Notification.objects.filter(recipient=user).order_by("-created_at", "-id")
