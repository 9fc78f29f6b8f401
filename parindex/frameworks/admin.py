from django.contrib import admin

from .models import FrameworkNode, FrameworkVersion


class ReadOnlyAdmin(admin.ModelAdmin):
    """Framework versions are immutable: they are imported from files, never edited here."""

    def has_add_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


@admin.register(FrameworkVersion)
class FrameworkVersionAdmin(ReadOnlyAdmin):
    list_display = ("code", "version", "title_vi", "max_total", "imported_at", "imported_by")
    search_fields = ("code", "title_vi")


@admin.register(FrameworkNode)
class FrameworkNodeAdmin(ReadOnlyAdmin):
    list_display = ("version", "code", "title_vi", "max", "rule_type", "lead")
    list_filter = ("version", "kind", "rule_type")
    search_fields = ("code", "title_vi")
