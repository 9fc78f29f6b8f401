"""Notifications are written by ``notify`` and the reminders; the admin only shows them."""

from django.contrib import admin

from parindex.audit.admin_base import ReadOnlyAdmin

from .models import Notification, ReminderSent


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "recipient", "verb", "message", "read_at", "email_state")
    list_filter = ("verb", "email_state")
    search_fields = ("recipient__username", "message")
    list_select_related = ("recipient",)
    raw_id_fields = ("recipient",)


@admin.register(ReminderSent)
class ReminderSentAdmin(ReadOnlyAdmin):
    list_display = ("date", "verb", "key", "sent_at")
    list_filter = ("date", "verb")
