"""Writes of notifications: in-app rows now, e-mails once the caller's transaction commits.

An e-mail that fails (mail server down, address refused) is logged and left ``PENDING`` on its
notification: the change that caused it stays saved and the request succeeds, and
``send_reminders`` sends it again (``email_retry``) until it goes or has failed
``EMAIL_MAX_ATTEMPTS`` times."""

from __future__ import annotations

import datetime
import logging
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone, translation
from django.utils.translation import gettext

from parindex.notifications.models import Notification

if TYPE_CHECKING:
    # the user model (AUTH_USER_MODEL) as django-stubs types it, without importing accounts
    from django.contrib.auth.models import _User as User

logger = logging.getLogger(__name__)

# The first try after the commit, then one a day by `send_reminders`: five days of outage.
EMAIL_MAX_ATTEMPTS = 5
# A pending e-mail never tried this long after its notification was written lost its request
# (the process stopped between commit and sending); younger ones may still be on their way.
EMAIL_UNTRIED_AFTER = datetime.timedelta(hours=1)


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


def _email_failed(notification: Notification, error: str) -> None:
    attempts = notification.email_attempts + 1
    Notification.objects.filter(pk=notification.pk).update(
        email_attempts=F("email_attempts") + 1,
        email_error=error[:1000],
        email_state=(
            Notification.EmailState.FAILED
            if attempts >= EMAIL_MAX_ATTEMPTS
            else Notification.EmailState.PENDING
        ),
    )


def _email_sent(notification: Notification) -> None:
    Notification.objects.filter(pk=notification.pk).update(
        email_attempts=F("email_attempts") + 1,
        email_error="",
        email_state=Notification.EmailState.SENT,
        emailed_at=timezone.now(),
    )


def emails_send(notifications: Sequence[Notification]) -> tuple[int, int]:
    """Send the e-mail of each notification over one connection and record on each whether it
    went; never raises: a failure is logged with its recipient and subject. ``(sent, failed)``."""
    sent = failed = 0
    connection = get_connection()
    try:
        connection.open()
    except Exception as exc:
        logger.exception("cannot reach the mail server: %d e-mail(s) wait", len(notifications))
        for notification in notifications:
            logger.error(
                "e-mail of notification %s to %s not sent (subject %r): no mail server",
                notification.pk,
                notification.recipient.email,
                _email_for(notification).subject,
            )
            _email_failed(notification, f"{type(exc).__name__}: {exc}")
        return 0, len(notifications)
    try:
        for notification in notifications:
            address = notification.recipient.email
            if not address:
                _email_failed(notification, "the recipient has no e-mail address")
                failed += 1
                continue
            message = _email_for(notification)
            try:
                if connection.send_messages([message]) != 1:
                    raise RuntimeError("the mail backend did not send the message")
            except Exception as exc:
                logger.exception(
                    "e-mail of notification %s to %s failed (subject %r)",
                    notification.pk,
                    address,
                    message.subject,
                )
                _email_failed(notification, f"{type(exc).__name__}: {exc}")
                failed += 1
            else:
                _email_sent(notification)
                sent += 1
    finally:
        try:
            connection.close()
        except Exception:
            logger.exception("closing the mail connection failed")
    return sent, failed


def _send_emails(notification_ids: list[int]) -> None:
    notifications = Notification.objects.filter(
        pk__in=notification_ids, email_state=Notification.EmailState.PENDING
    ).select_related("recipient")
    emails_send(list(notifications))


def email_retry_due(now: datetime.datetime | None = None) -> list[Notification]:
    """The e-mails to try again: pending ones that failed before, or that were never tried and
    are older than ``EMAIL_UNTRIED_AFTER``; oldest first."""
    now = now or timezone.now()
    return list(
        Notification.objects.filter(email_state=Notification.EmailState.PENDING)
        .filter(Q(email_attempts__gt=0) | Q(created_at__lt=now - EMAIL_UNTRIED_AFTER))
        .select_related("recipient")
        .order_by("created_at", "pk")
    )


def email_retry() -> tuple[int, int]:
    """Send again the e-mails still waiting (``send_reminders`` runs this daily)."""
    due = email_retry_due()
    return emails_send(due) if due else (0, 0)


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
                Notification(
                    recipient=user,
                    verb=verb,
                    message=message,
                    url=url,
                    created_at=now,
                    email_state=(
                        Notification.EmailState.PENDING
                        if email and user.email
                        else Notification.EmailState.NONE
                    ),
                )
                for user in unique
            ]
        )
        ids = [n.pk for n in notifications if n.email_state == Notification.EmailState.PENDING]
        if ids:
            # robust: should anything escape emails_send, it is logged, never turned into an
            # error page for a change that is already committed.
            transaction.on_commit(lambda: _send_emails(ids), robust=True)
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
