"""In-app notifications (*thông báo*) and the record of deadline reminders already sent."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Notification(models.Model):
    """A message for one person, shown under the bell until they mark it read, and e-mailed to
    them when ``notify`` was asked to and they have an address.

    The e-mail goes out once the writing transaction commits; a failure leaves it ``PENDING``
    with the error, and ``send_reminders`` tries it again each day until it is sent or has
    failed ``EMAIL_MAX_ATTEMPTS`` times (then ``FAILED``)."""

    class EmailState(models.TextChoices):
        NONE = "", _("no e-mail")
        PENDING = "pending", _("e-mail waiting")
        SENT = "sent", _("e-mail sent")
        FAILED = "failed", _("e-mail given up")

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notifications",
        verbose_name=_("recipient"),
    )
    verb = models.CharField(_("kind"), max_length=64)
    message = models.TextField(_("message"))
    url = models.CharField(_("link"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)
    email_state = models.CharField(
        _("e-mail state"), max_length=8, choices=EmailState.choices, blank=True, default=""
    )
    email_attempts = models.PositiveSmallIntegerField(_("e-mail attempts"), default=0)
    emailed_at = models.DateTimeField(_("e-mailed"), null=True, blank=True)
    email_error = models.TextField(_("e-mail error"), blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        indexes = [
            models.Index(fields=["recipient", "read_at"], name="notification_unread_idx"),
            models.Index(fields=["recipient", "-created_at"], name="notification_recent_idx"),
            # The e-mails still to send: a handful among every notification ever written.
            models.Index(
                fields=["created_at"],
                name="notification_email_due_idx",
                condition=models.Q(email_state="pending"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.recipient}: {self.message[:60]}"

    @property
    def is_read(self) -> bool:
        return self.read_at is not None


class ReminderSent(models.Model):
    """A reminder already sent on ``date``: ``send_reminders`` skips it when run again that day."""

    key = models.CharField(_("key"), max_length=64)
    date = models.DateField(_("date"))
    verb = models.CharField(_("kind"), max_length=64, blank=True)
    sent_at = models.DateTimeField(_("sent"), default=timezone.now)

    class Meta:
        verbose_name = _("reminder sent")
        verbose_name_plural = _("reminders sent")
        constraints = [
            models.UniqueConstraint(fields=["key", "date"], name="unique_reminder_per_day")
        ]

    def __str__(self) -> str:
        return f"{self.date} {self.verb} {self.key[:12]}"
