"""The Django admin: staff only; framework versions and computed results are read-only there."""

from __future__ import annotations

import pytest
from django.contrib import admin as django_admin
from django.urls import reverse

from parindex.frameworks.models import FrameworkNode, FrameworkVersion
from parindex.results.models import UnitResult

from .factories import World

REGISTERED = sorted(
    f"{model._meta.app_label}.{model._meta.model_name}" for model in django_admin.site._registry
)


def changelist(label: str) -> str:
    app_label, model_name = label.split(".")
    return reverse(f"admin:{app_label}_{model_name}_changelist")


@pytest.mark.parametrize(
    ("persona", "status"),
    [("anonymous", 302), ("viewer", 302), ("editor_a", 302), ("editor_b", 302), ("admin", 200)],
)
def test_access(world: World, visit, persona: str, status: int) -> None:
    client = visit(persona)
    response = client.get("/admin/")
    assert response.status_code == status
    if status == 302:
        assert response["Location"] == "/admin/login/?next=/admin/"
    assert client.get(changelist("results.unitresult")).status_code == status


@pytest.mark.parametrize("label", REGISTERED)
def test_changelist_loads(world: World, visit, label: str) -> None:
    client = visit("admin")
    assert client.get(changelist(label)).status_code == 200
    assert client.get(changelist(label), {"q": "SNV"}).status_code == 200


def test_models_are_registered() -> None:
    for label in (
        "accounts.user",
        "accounts.roleassignment",
        "units.unit",
        "cycles.cycle",
        "frameworks.frameworkversion",
        "results.answer",
        "results.unitresult",
    ):
        assert label in REGISTERED


@pytest.mark.parametrize(
    ("model", "field"),
    [(FrameworkVersion, "title_vi"), (FrameworkNode, "title_vi"), (UnitResult, "group")],
)
def test_read_only_models(world: World, visit, model, field: str) -> None:
    obj = model.objects.first()
    opts = model._meta
    client = visit("admin")
    change = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])
    page = client.get(change)
    assert page.status_code == 200
    html = page.content.decode()
    assert 'name="_save"' not in html
    assert 'name="_continue"' not in html
    before = getattr(obj, field)
    assert client.post(change, {field: "sửa tay"}).status_code == 403
    obj.refresh_from_db()
    assert getattr(obj, field) == before
    add = reverse(f"admin:{opts.app_label}_{opts.model_name}_add")
    assert client.get(add).status_code == 403


def test_cycle_can_be_edited(world: World, visit) -> None:
    change = reverse("admin:cycles_cycle_change", args=[world.current.pk])
    html = visit("admin").get(change).content.decode()
    assert 'name="_save"' in html
