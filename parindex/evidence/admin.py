"""Evidence is written by the services only (type checks, deduplication); the admin lists it."""

from django.contrib import admin

from parindex.audit.admin_base import ReadOnlyAdmin

from .models import Evidence, StoredFile


@admin.register(Evidence)
class EvidenceAdmin(ReadOnlyAdmin):
    list_display = (
        "__str__",
        "unit",
        "kind",
        "original_name",
        "number",
        "uploaded_by",
        "uploaded_at",
    )
    list_filter = ("kind",)
    search_fields = ("title", "original_name", "number", "issuer", "unit__code", "unit__name")
    list_select_related = ("unit", "uploaded_by")
    date_hierarchy = "uploaded_at"


@admin.register(StoredFile)
class StoredFileAdmin(ReadOnlyAdmin):
    list_display = ("sha256", "content_type", "size", "created_at")
    list_filter = ("content_type",)
    search_fields = ("sha256",)
