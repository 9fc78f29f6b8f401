"""The audit trail in the admin: read only, since events are append-only."""

from __future__ import annotations

from django.contrib import admin

from parindex.audit.admin_base import ReadOnlyAdmin

from .models import AuditEvent, AuditHead


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    list_display = ("sequence", "created_at", "actor", "action", "target_type", "target_id")
    list_filter = ("action",)
    search_fields = ("action", "target_type", "target_id", "leaf_code", "reason")
    list_select_related = ("actor",)
    ordering = ("-sequence",)
    show_full_result_count = False


@admin.register(AuditHead)
class AuditHeadAdmin(ReadOnlyAdmin):
    list_display = ("sequence", "hash")
