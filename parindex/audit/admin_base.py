"""Admin building blocks shared by the apps.

Every model whose changes the audit trail records is either read-only in the admin
(:class:`ReadOnlyAdmin`: its rows are written by the services, which write the events) or, for
the few that have no page of their own (the unit register, cycles), an :class:`AuditedAdmin`:
each add or change writes one audit event in the admin's transaction, with the person, the
fields before and after and a required reason, and nothing is deleted.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.core.exceptions import ImproperlyConfigured
from django.db import models
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from parindex.audit.services import audit_record

# Django's admin and form classes take no type argument at run time: they subclass bare below.


class ReadOnlyAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Lists and shows rows that only the services write (imported framework versions, computed
    results, audit events, stored evidence); adds, changes and deletes nothing."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ReadOnlyInline(admin.TabularInline):  # type: ignore[type-arg]
    """Rows shown under their parent, never added, changed or deleted there."""

    extra = 0

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class AuditReasonForm(forms.ModelForm):  # type: ignore[type-arg]
    audit_reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))


def audit_values(obj: models.Model) -> dict[str, object]:
    """The stored values of ``obj``'s editable fields, as the audit trail keeps them: a related
    row by its code where it has one (else its pk), many-to-many as a sorted list."""

    def ref(related: models.Model | None) -> object:
        if related is None:
            return None
        return getattr(related, "code", None) or related.pk

    values: dict[str, object] = {}
    for field in obj._meta.get_fields():
        if not getattr(field, "editable", False) or field.auto_created or not field.concrete:
            continue
        if field.many_to_many:
            relation = field.remote_field  # a ManyToManyRel, its through model set by now
            assert isinstance(relation, models.ManyToManyRel) and relation.through is not None
            if relation.through._meta.auto_created:
                values[field.name] = sorted(str(ref(r)) for r in getattr(obj, field.name).all())
        elif field.is_relation:
            values[field.name] = ref(getattr(obj, field.name))
        else:
            values[field.name] = field.value_from_object(obj)
    return values


class AuditedAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Adds and changes rows through the admin with one audit event per save
    (``<model>.create`` / ``<model>.update``: the person, the fields that changed before and
    after, the reason the form requires), in the admin's own transaction. Deletes nothing, and
    takes no inlines, which would save rows without an event."""

    form = AuditReasonForm

    def __init__(self, model: type[models.Model], admin_site: admin.AdminSite) -> None:
        if self.inlines:
            raise ImproperlyConfigured(f"{type(self).__name__}: inlines would save unaudited")
        super().__init__(model, admin_site)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        stored = type(obj)._default_manager.get(pk=obj.pk) if change else None
        form.audit_before = audit_values(stored) if stored is not None else None
        super().save_model(request, obj, form, change)

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        obj = form.instance
        after = audit_values(type(obj)._default_manager.get(pk=obj.pk))
        before = form.audit_before
        if before is not None:
            names = [n for n in after if before.get(n) != after[n]]
            if not names:
                return
            before = {n: before.get(n) for n in names}
            after = {n: after[n] for n in names}
        actor = request.user
        assert actor.is_authenticated  # the admin site lets signed-in staff in only
        audit_record(
            actor=actor,
            action=f"{obj._meta.model_name}.{'update' if change else 'create'}",
            target=obj,
            before=before,
            after=after,
            reason=form.cleaned_data["audit_reason"].strip(),
        )
