"""A cycle's results stored in bulk: each unit's stored figures read from the computation's
arrays (``StoredFields.of_row``) are exactly what the unit's own result gives (``of``, what
a save stores for one unit and what a restore checks), points set by the appraisers included;
the areas' indices are kept beside the nodes, and a group's means are summed by the database
to the figures the nodes give."""

from __future__ import annotations

from decimal import Decimal

from parindex.backups.check import CheckReport, check_results
from parindex.core import score_leaf
from parindex.core.compute import APPRAISED_LABEL
from parindex.results.explained import leaf_explained, leaves_explained
from parindex.results.models import Basis, UnitResult
from parindex.results.selectors import areas, group_area_means
from parindex.results.services import appraised_value_set, cycle_compute, stored_result

from .factories import COMMUNES, World, communes_add


def test_rows_from_the_arrays_are_the_units_own(world: World) -> None:
    communes_add(world, 6)
    leaf = next(leaf for leaf in world.fw.leaves if leaf.applies(world.commune.type))
    appraised_value_set(
        cycle=world.current, unit_id=world.commune.pk, leaf_code=leaf.code, points=Decimal(0)
    )
    records = {}
    for basis in (Basis.SELF, Basis.FINAL):
        result, fields = stored_result(cycle=world.current, basis=basis)
        for position, row in enumerate(result.order):
            assert fields.of_row(result, row) == fields.of(result.units[position])
        row = next(p for p, i in enumerate(result.unit_infos) if i.code == world.commune.code)
        records[basis] = fields.of_row(result, row)["leaves"][leaf.code]  # type: ignore[index]
    final, own = records[Basis.FINAL], records[Basis.SELF]
    assert final["points"] == "0.00" and final["vi"].startswith(APPRAISED_LABEL.vi)
    # The declared value's explanation is the rule's, made when the leaf is read.
    assert set(own) == {"value", "status", "points"}
    by_rule = score_leaf(world.fw, leaf, own["value"]).explanation
    assert leaf_explained(world.fw, leaf.code, own) == {**own, "vi": by_rule.vi, "en": by_rule.en}
    assert by_rule.vi != final["vi"]
    assert leaf_explained(world.fw, leaf.code, final) == final


def test_stored_rows_carry_no_rule_explanation(world: World) -> None:
    """What a rule explains is made on reading: the stored leaves of a cycle carry only the
    appraisers' explanations."""
    communes_add(world, 3)
    leaf = next(leaf for leaf in world.fw.leaves if leaf.applies(world.commune.type))
    appraised_value_set(
        cycle=world.current, unit_id=world.commune.pk, leaf_code=leaf.code, points=Decimal(0)
    )
    cycle_compute(cycle=world.current)
    explained = {
        (row.unit.code, row.basis, code)
        for row in UnitResult.objects.filter(cycle=world.current).select_related("unit")
        for code, record in row.leaves.items()
        if "vi" in record
    }
    assert explained == {(world.commune.code, Basis.FINAL, leaf.code)}


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


def test_the_checker_reads_results_stored_with_their_explanations(world: World) -> None:
    """Results stored before explanations were made on reading carry the rule's text: the
    checker of a restore compares it with the text the rule makes now."""
    communes_add(world, 3)
    cycle_compute(cycle=world.current)
    row = UnitResult.objects.filter(cycle=world.current, basis=Basis.FINAL).first()
    assert row is not None
    code = next(iter(row.leaves))
    row.leaves = leaves_explained(world.fw, row.leaves)
    row.save(update_fields=["leaves"])
    report = CheckReport()
    check_results(report)
    assert report.ok, report.problems

    row.leaves[code]["vi"] = "viết lại"
    row.save(update_fields=["leaves"])
    report = CheckReport()
    check_results(report)
    assert report.problem_count == 1
    assert f"unit {row.unit.code}, leaves: [{code}] stored" in report.problems[0]
