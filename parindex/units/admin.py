"""The unit register has no page of its own yet: the admin adds and changes units and
successions, each save audited (``unit.create`` / ``unit.update``, ``succession.create``…) with
a reason; nothing is deleted (a unit that merged is closed, never removed)."""

from django.contrib import admin

from parindex.audit.admin_base import AuditedAdmin

from .models import Succession, Unit


@admin.register(Unit)
class UnitAdmin(AuditedAdmin):
    list_display = ("code", "name", "type", "group", "valid_from", "valid_to")
    list_filter = ("type", "group")
    search_fields = ("code", "name")
    autocomplete_fields = ["parent"]


@admin.register(Succession)
class SuccessionAdmin(AuditedAdmin):
    list_display = ("predecessor", "successor", "date", "kind")
    autocomplete_fields = ["predecessor", "successor"]
