"""People and roles are written by ``accounts.services`` (the management pages), which record
every change in the audit trail; the admin only shows them."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from parindex.audit.admin_base import ReadOnlyAdmin, ReadOnlyInline

from .models import RoleAssignment, User


class RoleAssignmentInline(ReadOnlyInline):
    model = RoleAssignment


@admin.register(User)
# Django's admin classes take no type argument at run time.
class UserAdmin(ReadOnlyAdmin, BaseUserAdmin):  # type: ignore[type-arg]
    fieldsets = (*(BaseUserAdmin.fieldsets or ()), ("parindex", {"fields": ("full_name",)}))
    list_display = ("username", "full_name", "email", "is_active", "last_login")
    inlines = [RoleAssignmentInline]


@admin.register(RoleAssignment)
class RoleAssignmentAdmin(ReadOnlyAdmin):
    list_display = ("user", "role", "unit", "area")
    list_filter = ("role",)
    autocomplete_fields = ["user", "unit"]
