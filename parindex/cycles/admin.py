from django.contrib import admin

from .models import Cycle


@admin.register(Cycle)
class CycleAdmin(admin.ModelAdmin):
    list_display = ("year", "title", "framework_version", "state", "published_at")
    list_filter = ("state", "year")
    filter_horizontal = ("units",)
