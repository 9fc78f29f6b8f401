"""Audit events cannot be changed or deleted through the ORM or the admin."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.db import transaction
from django.test import RequestFactory

from parindex.accounts.models import User
from parindex.audit.models import AppendOnlyError, AuditEvent, AuditHead
from parindex.audit.services import audit_record

pytestmark = pytest.mark.django_db


@pytest.fixture
def event() -> AuditEvent:
    with transaction.atomic():
        return audit_record(actor=None, action="answer.value", after={"value": "1"})


def test_save_of_an_existing_event_is_refused(event: AuditEvent) -> None:
    event.after = {"value": "9"}
    with pytest.raises(AppendOnlyError):
        event.save()
    assert AuditEvent.objects.get(pk=event.pk).after == {"value": "1"}


def test_delete_is_refused(event: AuditEvent) -> None:
    with pytest.raises(AppendOnlyError):
        event.delete()
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_queryset_update_and_delete_are_refused(event: AuditEvent) -> None:
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(pk=event.pk).update(reason="changed")
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.all().delete()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.bulk_update([event], ["reason"])
    assert AuditEvent.objects.get(pk=event.pk).reason == ""


def test_admin_is_read_only(event: AuditEvent) -> None:
    superuser = User.objects.create_superuser(username="root", password="x-Very-long-1")
    request = RequestFactory().get("/admin/")
    request.user = superuser
    for model in (AuditEvent, AuditHead):
        model_admin = admin.site._registry[model]
        assert not model_admin.has_add_permission(request)
        assert not model_admin.has_change_permission(request, event)
        assert not model_admin.has_delete_permission(request, event)
        assert model_admin.has_view_permission(request, event)


def test_admin_pages_show_events_without_edit_controls(client, event: AuditEvent) -> None:
    superuser = User.objects.create_superuser(username="root", password="x-Very-long-1")
    client.force_login(superuser)
    listing = client.get("/admin/audit/auditevent/")
    assert listing.status_code == 200
    assert "answer.value" in listing.content.decode()
    assert client.get("/admin/audit/auditevent/add/").status_code == 403
    assert client.post(f"/admin/audit/auditevent/{event.pk}/delete/").status_code == 403
    detail = client.post(f"/admin/audit/auditevent/{event.pk}/change/", {"reason": "x"})
    assert detail.status_code == 403
    assert AuditEvent.objects.get(pk=event.pk).reason == ""
