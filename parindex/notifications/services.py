"""Writes of notifications: in-app rows now, e-mails once the caller's transaction commits."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext

from parindex.notifications.models import Notification

if TYPE_CHECKING:
    from parindex.accounts.models import User


def absolute_url(url: str) -> str:
    """A link usable outside the site (in an e-mail): relative paths get ``SITE_URL``."""
    if not url or "://" in url:
        return url
    base = getattr(settings, "SITE_URL", "").rstrip("/")
    return f"{base}{url if url.startswith('/') else '/' + url}"


def _email_for(notification: Notification) -> EmailMessage:
    recipient = notification.recipient
    with translation.override(settings.LANGUAGE_CODE):
        first_line = notification.message.strip().splitlines()[0] if notification.message else ""
        subject = gettext("PAR Index: %(message)s") % {"message": first_line[:120]}
        lines = [
            gettext("Dear %(name)s,") % {"name": recipient.full_name or recipient.username},
            "",
            notification.message,
        ]
        if notification.url:
            lines += ["", gettext("Open: %(url)s") % {"url": absolute_url(notification.url)}]
        lines += [
            "",
            gettext("This message was sent automatically by the PAR Index system."),
        ]
    return EmailMessage(
        subject=" ".join(subject.split()),
        body="\n".join(lines),
        to=[recipient.email],
    )


def _send_emails(notification_ids: list[int]) -> None:
    notifications = Notification.objects.filter(pk__in=notification_ids).select_related("recipient")
    messages = [_email_for(n) for n in notifications if n.recipient.email]
    if messages:
        get_connection().send_messages(messages)


def notify(
    *,
    recipients: Iterable[User],
    verb: str,
    message: str,
    url: str = "",
    email: bool = True,
) -> list[Notification]:
    """Notify each recipient (once, even if listed twice): an in-app row for everyone, and,
    when ``email`` is true, one e-mail per recipient with an address, sent after commit."""
    if url and not url.startswith(("/", "https://", "http://")):
        raise ValueError(f"notification url must be a path or an http(s) address: {url!r}")
    with transaction.atomic():
        seen: set[int] = set()
        unique = []
        for user in recipients:
            if user.pk not in seen:
                seen.add(user.pk)
                unique.append(user)
        now = timezone.now()
        notifications = Notification.objects.bulk_create(
            [
                Notification(recipient=user, verb=verb, message=message, url=url, created_at=now)
                for user in unique
            ]
        )
        if email:
            ids = [n.pk for n in notifications if n.recipient.email]
            if ids:
                transaction.on_commit(lambda: _send_emails(ids))
    return notifications


def notification_mark_read(*, user: User, notification_id: int) -> None:
    """Mark one of the user's own notifications read (keeping the first reading time).

    Raises ``Notification.DoesNotExist`` when the id is not one of the user's notifications, so
    nobody learns whether somebody else's exists."""
    with transaction.atomic():
        notification = (
            Notification.objects.select_for_update()
            .filter(pk=notification_id, recipient=user)
            .first()
        )
        if notification is None:
            raise Notification.DoesNotExist(f"no notification {notification_id} for this user")
        if notification.read_at is None:
            notification.read_at = timezone.now()
            notification.save(update_fields=["read_at"])


def notification_mark_all_read(*, user: User) -> int:
    with transaction.atomic():
        return Notification.objects.filter(recipient=user, read_at__isnull=True).update(
            read_at=timezone.now()
        )
