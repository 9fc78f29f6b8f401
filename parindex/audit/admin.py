"""The audit trail in the admin, and the admin pages whose saves it records.

The audit trail itself is read only, since events are append-only. The unit register and the
cycles have their admin pages here rather than in their own apps: each save of those pages
writes an audit event (:class:`AuditedAdmin`), and ``parindex.units`` and ``parindex.cycles``
sit below the audit trail, which names them.

- The unit register has no page of its own yet: the admin adds and changes units and
  successions, each save audited (``unit.create`` / ``unit.update``, ``succession.create``…)
  with a reason; nothing is deleted (a unit that merged is closed, never removed).
- Cycles are opened, changed and cancelled on their own pages (``/cycles/``: the wizard checks
  the units against the register); the admin still adds and changes them, each save audited
  (``cycle.create`` / ``cycle.update``, with the units in scope before and after and a reason),
  lists cancelled ones too (filter by state) and deletes none. The state moves only through the
  services.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from parindex.audit.admin_base import AuditedAdmin, ReadOnlyAdmin
from parindex.cycles.models import Cycle
from parindex.units.models import Succession, Unit

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


@admin.register(Cycle)
class CycleAdmin(AuditedAdmin):
    list_display = ("year", "title", "framework_version", "state", "published_at")
    list_filter = ("state", "year")
    filter_horizontal = ("units",)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        fixed = ("state", "published_at", "publication_decision")
        return (*fixed, "framework_version") if obj is not None else fixed
