"""In-app notifications (*thông báo*) and the record of deadline reminders already sent."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Notification(models.Model):
    """A message for one person, shown under the bell until they mark it read."""

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

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        indexes = [
            models.Index(fields=["recipient", "read_at"], name="notification_unread_idx"),
            models.Index(fields=["recipient", "-created_at"], name="notification_recent_idx"),
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
