"""Cycles are opened, changed and cancelled on their own pages (``/cycles/``: the wizard checks
the units against the register); the admin still adds and changes them, each save audited
(``cycle.create`` / ``cycle.update``, with the units in scope before and after and a reason),
lists cancelled ones too (filter by state) and deletes none. The state moves only through the
services."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from parindex.audit.admin_base import AuditedAdmin

from .models import Cycle


@admin.register(Cycle)
class CycleAdmin(AuditedAdmin):
    list_display = ("year", "title", "framework_version", "state", "published_at")
    list_filter = ("state", "year")
    filter_horizontal = ("units",)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        fixed = ("state", "published_at", "publication_decision")
        return (*fixed, "framework_version") if obj is not None else fixed
