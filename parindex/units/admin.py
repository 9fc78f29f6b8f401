from django.contrib import admin

from .models import Succession, Unit


class PredecessorInline(admin.TabularInline):
    model = Succession
    fk_name = "successor"
    extra = 0
    autocomplete_fields = ["predecessor"]
    verbose_name_plural = "predecessors"


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "type", "group", "valid_from", "valid_to")
    list_filter = ("type", "group")
    search_fields = ("code", "name")
    autocomplete_fields = ["parent"]
    inlines = [PredecessorInline]


@admin.register(Succession)
class SuccessionAdmin(admin.ModelAdmin):
    list_display = ("predecessor", "successor", "date", "kind")
    autocomplete_fields = ["predecessor", "successor"]
