from django.contrib import admin

from parindex.audit.admin_base import ReadOnlyAdmin

from .models import Answer, UnitResult


@admin.register(Answer)
class AnswerAdmin(ReadOnlyAdmin):
    """Answers change through the self-assessment services, which audit every value."""

    list_display = ("cycle", "unit", "leaf_code", "value", "updated_at")
    list_filter = ("cycle",)
    search_fields = ("unit__code", "unit__name", "leaf_code")
    autocomplete_fields = ["unit"]


@admin.register(UnitResult)
class UnitResultAdmin(ReadOnlyAdmin):
    """Results are computed by the core; the admin shows them and never edits them."""

    list_display = ("cycle", "unit", "group", "points", "max", "index", "rank", "band")
    list_filter = ("cycle", "group", "band")
    search_fields = ("unit__code", "unit__name")
