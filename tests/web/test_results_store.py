"""A cycle's results stored in bulk: each unit's stored figures read from the computation's
arrays (``StoredFields.of_row``) are exactly what the unit's own result gives (``of``, what
a save stores for one unit and what a restore checks), points set by the appraisers included;
the areas' indices are kept beside the nodes, and a group's means are summed by the database
to the figures the nodes give."""

from __future__ import annotations

from decimal import Decimal

from parindex.core.compute import APPRAISED_LABEL
from parindex.results.models import Basis, UnitResult
from parindex.results.selectors import areas, group_area_means
from parindex.results.services import (
    StoredFields,
    appraised_value_set,
    cycle_compute,
    cycle_result,
)

from .factories import COMMUNES, World, communes_add


def test_rows_from_the_arrays_are_the_units_own(world: World) -> None:
    communes_add(world, 6)
    leaf = next(leaf for leaf in world.fw.leaves if leaf.applies(world.commune.type))
    appraised_value_set(
        cycle=world.current, unit_id=world.commune.pk, leaf_code=leaf.code, points=Decimal(0)
    )
    records = {}
    for basis in (Basis.SELF, Basis.FINAL):
        result = cycle_result(cycle=world.current, basis=basis)
        fields = StoredFields(result.framework)
        for position, row in enumerate(result.order):
            assert fields.of_row(result, row) == fields.of(result.units[position])
        row = next(p for p, i in enumerate(result.unit_infos) if i.code == world.commune.code)
        records[basis] = fields.of_row(result, row)["leaves"][leaf.code]  # type: ignore[index]
    final = records[Basis.FINAL]
    assert final["points"] == "0.00" and final["vi"].startswith(APPRAISED_LABEL.vi)
    assert records[Basis.SELF]["vi"] != final["vi"]


def test_stored_areas_and_group_means(world: World) -> None:
    communes_add(world, 9)
    cycle_compute(cycle=world.current)
    codes = [a.code for a in areas(world.fw)]
    rows = list(UnitResult.objects.filter(cycle=world.current, basis=Basis.FINAL))
    assert rows
    for row in rows:
        assert row.areas == {c: row.nodes[c]["index"] for c in codes if c in row.nodes}
    group = [r for r in rows if r.group == COMMUNES]
    expected = []
    for code in codes:
        found = [Decimal(i) for r in group if (i := r.nodes.get(code, {}).get("index")) is not None]
        expected.append((sum(found) / len(found)).quantize(Decimal("0.01")) if found else None)
    assert any(expected)
    assert group_area_means(group[0], codes) == expected
