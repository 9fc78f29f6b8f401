"""The demo at the size of a national index (`manage.py demo --units N`): communes added in
bulk with plausible, distinct names and codes, in the communes' ranking group; the command
passes the size on (the full build at 5,000 units is measured by hand and by the load test,
docs/deployment.md)."""

from __future__ import annotations

import io
from types import SimpleNamespace

import pytest
from django.core.management import call_command

from parindex.demo import scale
from parindex.demo.management.commands import demo as demo_command
from parindex.units.models import Unit, UnitType

pytestmark = pytest.mark.django_db


def test_communes_added_in_bulk_with_distinct_names(django_assert_max_num_queries) -> None:
    with django_assert_max_num_queries(4):  # one insert in its savepoint, the units read back
        added = scale.add_communes(300, "Xã")
    assert [u.code for u in added] == [f"XS{n:04d}" for n in range(1, 301)]
    assert len({u.name for u in added}) == 300
    assert all(u.type == UnitType.COMMUNE and u.group == "Xã" for u in added)
    assert all(u.name.startswith("Xã ") for u in added)
    assert added[0].name == scale.commune_name(0) == "Xã An Đông"
    assert scale.commune_name(110) == "Xã An Đông 2"
    assert all(scale.is_scale_unit(u.code) for u in added)
    assert not scale.is_scale_unit("X01")
    assert Unit.objects.count() == 300


def test_the_command_passes_the_size_on(monkeypatch: pytest.MonkeyPatch) -> None:
    asked: list[int | None] = []

    def build(*, log, units):  # type: ignore[no-untyped-def]
        asked.append(units)
        return SimpleNamespace(passwords={})

    monkeypatch.setattr(demo_command, "build_demo", build)
    monkeypatch.setattr(demo_command, "cycle_stages", lambda: "")
    call_command("demo", "--units", "5000", stdout=io.StringIO())
    call_command("demo", "--reset", stdout=io.StringIO())
    assert asked == [5000, None]
