from django.contrib import admin

from parindex.audit.admin_base import ReadOnlyAdmin

from .models import FrameworkNode, FrameworkVersion, NodeMapping


@admin.register(FrameworkVersion)
class FrameworkVersionAdmin(ReadOnlyAdmin):
    list_display = ("code", "version", "title_vi", "max_total", "imported_at", "imported_by")
    search_fields = ("code", "title_vi")


@admin.register(FrameworkNode)
class FrameworkNodeAdmin(ReadOnlyAdmin):
    list_display = ("version", "code", "title_vi", "max", "rule_type", "lead")
    list_filter = ("version", "kind", "rule_type")
    search_fields = ("code", "title_vi")


@admin.register(NodeMapping)
class NodeMappingAdmin(ReadOnlyAdmin):
    list_display = ("from_version", "to_version", "source_name", "imported_at", "imported_by")
