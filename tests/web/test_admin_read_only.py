"""No business data changes through the Django admin without an audit event.

Every model of the parindex apps registered in the admin is read-only there (its rows are
written by the services, which write the events), except the few that have no page of their
own, listed below with the reason; those are ``AuditedAdmin``s: each save writes one event with
the person, the fields before and after and the reason the form requires, and nothing is
deleted."""

from __future__ import annotations

import pytest
from django.contrib import admin as django_admin
from django.contrib.admin.options import InlineModelAdmin
from django.db import models
from django.forms.models import model_to_dict
from django.test import RequestFactory
from django.urls import reverse

from parindex.accounts.models import User
from parindex.audit.admin_base import AuditedAdmin
from parindex.audit.models import AuditEvent
from parindex.cycles.models import Cycle
from parindex.units.models import Succession, Unit

from .factories import World

# Models with no page of their own: the admin changes them, and writes the event itself.
AUDITED_IN_ADMIN = {
    "cycles.cycle": "cycles are opened here; the calendar and state have their own services",
    "units.unit": "the unit register is kept here",
    "units.succession": "mergers and splits of units are recorded here",
}

# Read-only models the test world holds rows of, so a change POST is tried on each.
HAVE_ROWS = {
    "accounts.user",
    "accounts.roleassignment",
    "frameworks.frameworkversion",
    "frameworks.frameworknode",
    "results.answer",
    "results.unitresult",
}

PARINDEX = [
    (label, model, model_admin)
    for model, model_admin in django_admin.site._registry.items()
    if model.__module__.startswith("parindex.")
    for label in [model._meta.label_lower]
]


def superuser_request(superuser: User):  # type: ignore[no-untyped-def]
    request = RequestFactory().post("/admin/")
    request.user = superuser
    return request


def url(model: type[models.Model], view: str, *args: object) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def test_every_parindex_model_in_the_admin_is_read_only_or_audited(admin: User) -> None:
    assert {label for label, _m, _a in PARINDEX} >= set(AUDITED_IN_ADMIN)
    request = superuser_request(admin)
    writable = []
    for label, _model, model_admin in PARINDEX:
        if label in AUDITED_IN_ADMIN:
            assert isinstance(model_admin, AuditedAdmin), label
            assert not model_admin.has_delete_permission(request), label
            continue
        inlines: list[InlineModelAdmin] = model_admin.get_inline_instances(request)  # type: ignore[type-arg]
        for target in [model_admin, *inlines]:
            permissions = (
                target.has_add_permission(request, None)
                if isinstance(target, InlineModelAdmin)
                else target.has_add_permission(request),
                target.has_change_permission(request),
                target.has_delete_permission(request),
            )
            if any(permissions):
                writable.append((label, type(target).__name__, permissions))
    assert writable == []


@pytest.mark.parametrize(
    "label", [label for label, _m, _a in PARINDEX if label not in AUDITED_IN_ADMIN]
)
def test_a_post_to_a_read_only_admin_is_refused_and_changes_nothing(
    world: World, admin: User, visit, label: str
) -> None:
    model = next(m for lbl, m, _a in PARINDEX if lbl == label)
    client = visit("admin")
    count = model._default_manager.count()
    assert client.post(url(model, "add"), {}).status_code == 403
    assert model._default_manager.count() == count
    obj = model._default_manager.order_by("pk").first()
    if obj is None:
        assert label not in HAVE_ROWS, f"the test world has no {label} to try changing"
        return
    stored = model_to_dict(obj)
    data = {k: v for k, v in stored.items() if v is not None and not isinstance(v, list)}
    data = {**data, **{k: "sửa tay" for k, v in data.items() if isinstance(v, str)}}
    assert client.post(url(model, "change", obj.pk), data).status_code == 403
    assert client.post(url(model, "delete", obj.pk), {"post": "yes"}).status_code == 403
    obj.refresh_from_db()
    assert model_to_dict(obj) == stored


def test_a_cycle_changed_in_the_admin_writes_one_event_with_the_scope_and_reason(
    world: World, admin: User, visit
) -> None:
    cycle = world.current
    scope = sorted(u.pk for u in cycle.units.all())
    dropped = world.commune
    data = {
        "year": cycle.year,
        "title": "Chỉ số CCHC 2024 (điều chỉnh)",
        "units": [pk for pk in scope if pk != dropped.pk],
    }
    change = url(Cycle, "change", cycle.pk)
    client = visit("admin")
    start = AuditEvent.objects.count()
    # Without a reason the form is refused: nothing changes, no event.
    assert client.post(change, data).status_code == 200
    cycle.refresh_from_db()
    assert cycle.title != data["title"] and dropped in cycle.units.all()
    assert AuditEvent.objects.count() == start

    response = client.post(change, {**data, "audit_reason": "Xã sáp nhập từ 1/7."})
    assert response.status_code == 302
    cycle.refresh_from_db()
    assert cycle.title == data["title"] and dropped not in cycle.units.all()
    (event,) = AuditEvent.objects.filter(sequence__gt=start)
    assert event.action == "cycle.update" and event.actor == admin
    assert (event.target_type, event.target_id) == ("cycles.cycle", str(cycle.pk))
    assert event.before["title"] != data["title"] and event.after["title"] == data["title"]
    assert dropped.code in event.before["units"] and dropped.code not in event.after["units"]
    assert set(event.before) == {"title", "units"}  # only what changed
    assert event.reason == "Xã sáp nhập từ 1/7."
    # The state moves only through the workflow: the admin cannot set it.
    client.post(change, {**data, "state": "published", "audit_reason": "x"})
    cycle.refresh_from_db()
    assert cycle.state == Cycle.State.IN_PROGRESS


def test_a_unit_added_in_the_admin_writes_one_event_and_none_is_deleted(
    world: World, admin: User, visit
) -> None:
    client = visit("admin")
    start = AuditEvent.objects.count()
    response = client.post(
        url(Unit, "add"),
        {
            "code": "P02",
            "name": "Phường 2",
            "type": world.ward.type,
            "group": world.ward.group,
            "audit_reason": "Thành lập theo Nghị quyết 1234/NQ-UBTVQH15.",
        },
    )
    assert response.status_code == 302
    unit = Unit.objects.get(code="P02")
    (event,) = AuditEvent.objects.filter(sequence__gt=start)
    assert event.action == "unit.create" and event.actor == admin and event.before is None
    assert event.after["code"] == "P02" and event.after["name"] == "Phường 2"
    assert event.reason == "Thành lập theo Nghị quyết 1234/NQ-UBTVQH15."
    assert client.post(url(Unit, "delete", unit.pk), {"post": "yes"}).status_code == 403
    assert Unit.objects.filter(pk=unit.pk).exists()


def test_a_succession_added_in_the_admin_is_audited(world: World, admin: User, visit) -> None:
    client = visit("admin")
    start = AuditEvent.objects.count()
    response = client.post(
        url(Succession, "add"),
        {
            "predecessor": world.commune.pk,
            "successor": world.ward.pk,
            "date": "2025-07-01",
            "kind": Succession.Kind.MERGER,
            "legal_basis": "Nghị quyết 1234/NQ-UBTVQH15",
            "audit_reason": "Sáp nhập xã vào phường.",
        },
    )
    assert response.status_code == 302
    (event,) = AuditEvent.objects.filter(sequence__gt=start)
    assert event.action == "succession.create"
    assert event.after["predecessor"] == world.commune.code
    assert event.after["successor"] == world.ward.code
