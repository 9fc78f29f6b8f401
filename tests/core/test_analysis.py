"""Points lost per node (the Pareto analysis), points overrides in ``compute``, and the what-if
projection: it must equal a full recomputation with the answers changed."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pxkit import errors_of, load

from parindex.core import UnitInfo, compute
from parindex.core.analysis import in_scope, level_nodes, points_lost, unit_nodes
from parindex.core.whatif import Target, project, regain_overrides

# Three areas; "1.2" is capped; "2.2" applies to departments only; "3.1" allows n/a.
NODES = """
- code: "1"
  title: Chỉ đạo điều hành
  lead: SNV
  children:
    - code: "1.1"
      title: Kế hoạch
      max: 2
      rule: {type: choice, options: {dung_han: 2, cham: 1, khong: 0}}
    - code: "1.2"
      title: Kiểm tra
      max: 3
      children:
        - {code: "1.2.1", title: Tỷ lệ kiểm tra, max: 2, rule: {type: proportional}}
        - {code: "1.2.2", title: Khắc phục, max: 2, rule: {type: yes_no}}
- code: "2"
  title: Thể chế
  lead: STP
  children:
    - {code: "2.1", title: Văn bản, max: 4, rule: {type: points, step: 0.5}}
    - {code: "2.2", title: Rà soát, max: 1, applies_to: [department], rule: {type: yes_no}}
- code: "3"
  title: Thủ tục hành chính
  children:
    - code: "3.1"
      title: Hồ sơ đúng hạn
      max: 3
      allow_na: true
      rule:
        type: ratio
        brackets: [{min: 100, points: 3}, {min: 80, points: 2}, {min: 0, points: 0}]
    - {code: "3.2", title: Khảo sát, max: 2, source: survey, rule: {type: survey}}
- code: "B"
  title: Điểm thưởng
  kind: bonus
  max: 1
  children:
    - {code: "B.1", title: Sáng kiến, max: 1, rule: {type: count, per_item: 0.5}}
"""
HEAD = """
unit_types: [department, commune]
bands:
  - {code: A, min: 90}
  - {code: B, min: 70}
  - {code: C, min: 0}
"""
FW = load(NODES, HEAD)
UNITS = [
    UnitInfo("D1", "Sở A", "department"),
    UnitInfo("D2", "Sở B", "department"),
    UnitInfo("C1", "Xã C", "commune"),
]
ANSWERS: dict[str, dict[str, str | None]] = {
    # D1: loses 1 on 1.1, 1 on 1.2.1 (capped branch: 1.2 = min(3, 1 + 2) = 3, so 0 there),
    # 1.5 on 2.1, 0 on 2.2, 1 on 3.1, 0.4 on 3.2.
    "D1": {
        "1.1": "cham",
        "1.2.1": "1/2",
        "1.2.2": "có",
        "2.1": "2.5",
        "2.2": "có",
        "3.1": "85%",
        "3.2": "80",
        "B.1": "1",
    },
    # D2: everything full except 2.1 (0) and 1.1 missing.
    "D2": {"1.2.1": "1", "1.2.2": "có", "2.1": "0", "2.2": "có", "3.1": "100%", "3.2": "100"},
    # C1: 2.2 does not apply; 3.1 is n/a (left out of points and max).
    "C1": {
        "1.1": "dung_han",
        "1.2.1": "0",
        "1.2.2": "không",
        "2.1": "4",
        "3.1": "n/a",
        "3.2": "50",
    },
}


def current():  # type: ignore[no-untyped-def]
    return compute(FW, ANSWERS, UNITS)


def test_leaf_losses_worked_example() -> None:
    losses = points_lost(FW, unit_nodes(current()))
    assert [(n.code, str(n.lost)) for n in losses] == [
        ("2.1", "5.50"),  # D1 1.5 + D2 4
        ("1.1", "3.00"),  # D1 1 + D2 2 (missing)
        ("1.2.1", "3.00"),  # D1 1 + C1 2
        ("1.2.2", "2.00"),  # C1
        ("3.2", "1.40"),  # D1 0.4 + C1 1
        ("3.1", "1.00"),  # D1; C1's n/a counts for nothing
    ]
    top = losses[0]
    assert [(u.unit.code, str(u.lost)) for u in top.units] == [("D2", "4.00"), ("D1", "1.50")]
    assert str(top.points) == "6.50" and str(top.max) == "12.00"
    # Shares of 15.9 points lost in all, and the running total.
    assert [str(n.share) for n in losses] == ["34.59", "18.87", "18.87", "12.58", "8.81", "6.29"]
    assert [str(n.cumulative) for n in losses][-1] == "100.00"
    assert str(losses[2].cumulative) == "72.33"


def test_caps_show_at_the_branch_level() -> None:
    """D1 lost 1 on leaf 1.2.1 but nothing on criterion 1.2: the cap of 3 is reached."""
    losses = {n.code: n for n in points_lost(FW, unit_nodes(current()), level="criterion")}
    assert [u.unit.code for u in losses["1.2"].units] == ["C1"]
    assert str(losses["1.2"].lost) == "3.00"  # C1: 0 + 0 points of a max of min(3, 2 + 2)
    areas = [n.code for n in points_lost(FW, unit_nodes(current()), level="area")]
    assert areas == ["1", "2", "3"]  # 6 (1 + 2 + 3), 5.5, 1.4


def test_scopes() -> None:
    nodes = unit_nodes(current())
    assert sorted(u.unit.code for u in in_scope(nodes, unit_type="department")) == ["D1", "D2"]
    one = points_lost(FW, in_scope(nodes, unit_code="C1"))
    assert [n.code for n in one] == ["1.2.1", "1.2.2", "3.2"]
    assert all(len(n.units) == 1 and n.units[0].unit.code == "C1" for n in one)
    assert points_lost(FW, in_scope(nodes, unit_code="NONE")) == ()


def test_level_nodes_are_normal_only() -> None:
    assert [n.code for n in level_nodes(FW, "area")] == ["1", "2", "3"]
    assert "B.1" not in [n.code for n in level_nodes(FW, "leaf")]


# -- overrides in compute --------------------------------------------------------------------


def test_override_replaces_the_rule_points() -> None:
    result = compute(FW, ANSWERS, UNITS, overrides={"D1": {"2.1": Decimal("4")}})
    d1 = result.by_unit("D1")
    assert d1.nodes["2.1"].points == Decimal("4.00")
    assert d1.leaves["2.1"].value == "2.5"  # the answer as written stays on record
    assert "4" in d1.leaves["2.1"].explanation.en
    # A missing leaf with an override is no longer missing.
    d2 = compute(FW, ANSWERS, UNITS, overrides={"D2": {"1.1": Decimal("2")}}).by_unit("D2")
    assert "1.1" not in d2.missing and d2.nodes["1.1"].points == Decimal("2.00")


def test_override_errors_are_all_reported() -> None:
    errors = errors_of(
        lambda: compute(
            FW,
            ANSWERS,
            UNITS,
            overrides={
                "D1": {"2.1": Decimal("4.5"), "1.2": Decimal("1"), "1.1": Decimal("0.005")},
                "C1": {"2.2": Decimal("1")},
                "ZZ": {"1.1": Decimal("1")},
            },
        )
    )
    messages = sorted(str(e) for e in errors)
    assert len(messages) == 5
    assert any("must lie in [0, 4]" in m and "node 2.1" in m for m in messages)
    assert any("not a leaf" in m and "node 1.2" in m for m in messages)
    assert any("multiple of 0.01" in m for m in messages)
    assert any("does not apply" in m and "unit C1" in m for m in messages)
    assert any("unit ZZ" in m for m in messages)


# -- what-if ---------------------------------------------------------------------------------

TOP_ANSWER = {
    "1.1": "dung_han",
    "1.2.1": "1",
    "1.2.2": "có",
    "2.1": "4",
    "2.2": "có",
    "3.1": "100%",
    "3.2": "100",
}


def with_answers(changes: dict[str, dict[str, str]]) -> dict[str, dict[str, str | None]]:
    changed = {unit: dict(values) for unit, values in ANSWERS.items()}
    for unit, values in changes.items():
        changed[unit].update(values)
    return changed


def same_results(a, b) -> None:  # type: ignore[no-untyped-def]
    for unit in UNITS:
        x, y = a.by_unit(unit.code), b.by_unit(unit.code)
        assert (x.points, x.max, x.index, x.rank, x.band) == (
            y.points,
            y.max,
            y.index,
            y.rank,
            y.band,
        )
        assert x.nodes == y.nodes
        assert x.missing == y.missing


def test_projection_for_one_unit_equals_recomputation_with_changed_answers() -> None:
    targets = [Target("2"), Target("1.1")]
    projection = project(FW, ANSWERS, UNITS, targets, scope=["D2"])
    recomputed = compute(FW, with_answers({"D2": {"2.1": "4", "1.1": "dung_han"}}), UNITS)
    same_results(projection.after, recomputed)
    d2 = projection.unit("D2")
    assert d2.before.index is not None and d2.after.index is not None
    assert d2.after.index > d2.before.index
    assert d2.after.index == recomputed.by_unit("D2").index
    assert d2.after.rank == recomputed.by_unit("D2").rank == 1
    assert d2.gain == Decimal("6.00")
    # The others are held at their current results.
    for other in ("D1", "C1"):
        unit = projection.unit(other)
        assert unit.after.index == unit.before.index and not unit.in_scope
    assert projection.overrides == {"D2": {"2.1": Decimal("4.00"), "1.1": Decimal("2.00")}}


def test_projection_for_the_province_equals_recomputation() -> None:
    targets = [Target("1.2.1", Fraction(1, 2)), Target("3.2")]
    projection = project(FW, ANSWERS, UNITS, targets)
    # Half of 1.2.1's max is 1 point: D1 (1/2) already has it, C1 (0) gets "1/2".
    recomputed = compute(
        FW, with_answers({"C1": {"1.2.1": "1/2", "3.2": "100"}, "D1": {"3.2": "100"}}), UNITS
    )
    same_results(projection.after, recomputed)
    assert "D1" not in projection.overrides or "1.2.1" not in projection.overrides["D1"]
    assert projection.mean_after is not None and projection.mean_before is not None
    assert projection.mean_after > projection.mean_before
    assert len(projection.scope) == 3


def test_na_and_inapplicable_leaves_are_left_alone() -> None:
    overrides = regain_overrides(current(), [Target("3"), Target("2")], {"C1"})
    assert overrides == {"C1": {"3.2": Decimal("2.00")}}


def test_bad_targets_are_refused() -> None:
    errors = errors_of(
        lambda: project(FW, ANSWERS, UNITS, [Target("9"), Target("B"), Target("1", Fraction(3, 2))])
    )
    assert len(errors) == 3


# -- properties --------------------------------------------------------------------------------

LEAF_VALUES: dict[str, list[str | None]] = {
    "1.1": ["dung_han", "cham", "khong", None],
    "1.2.1": ["0", "1/3", "1/2", "2/3", "1", None],
    "1.2.2": ["có", "không", None],
    "2.1": ["0", "0.5", "1.5", "3", "4", None],
    "2.2": ["có", "không", None],
    "3.1": ["100%", "85%", "10%", "n/a", None],
    "3.2": ["0", "33.33", "66.67", "100", None],
    "B.1": ["0", "1", "2", None],
}
answer_sets = st.fixed_dictionaries(
    {
        unit.code: st.fixed_dictionaries(
            {leaf: st.sampled_from(values) for leaf, values in LEAF_VALUES.items()}
        )
        for unit in UNITS
    }
)


def clean(answers: dict[str, dict[str, str | None]]) -> dict[str, dict[str, str | None]]:
    """Drop answers to leaves a unit's type does not take (they only warn)."""
    types = {u.code: u.type for u in UNITS}
    return {
        unit: {leaf: v for leaf, v in values.items() if FW.node(leaf).applies(types[unit])}
        for unit, values in answers.items()
    }


@settings(max_examples=60, deadline=None)
@given(answer_sets)
def test_losses_add_up_and_are_ordered(answers: dict[str, dict[str, str | None]]) -> None:
    result = compute(FW, clean(answers), UNITS)
    losses = points_lost(FW, unit_nodes(result))
    expected = sum(
        (
            u.nodes[leaf.code].max - u.nodes[leaf.code].points
            for u in result.units
            for leaf in level_nodes(FW, "leaf")
            if leaf.code in u.nodes
        ),
        Decimal(0),
    )
    assert sum((n.lost for n in losses), Decimal(0)) == expected
    assert all(n.lost > 0 for n in losses)
    assert [n.lost for n in losses] == sorted((n.lost for n in losses), reverse=True)
    if losses:
        assert losses[-1].cumulative == Decimal("100.00")
    for node in losses:
        assert sum((u.lost for u in node.units), Decimal(0)) == node.lost
    # The order of the units does not matter.
    reversed_units = compute(FW, clean(answers), list(reversed(UNITS)))
    assert points_lost(FW, unit_nodes(reversed_units)) == losses


@settings(max_examples=60, deadline=None)
@given(
    answer_sets,
    st.lists(
        st.sampled_from(["1.1", "1.2.1", "1.2.2", "2.1", "2.2", "3.1", "3.2"]),
        min_size=1,
        max_size=4,
        unique=True,
    ),
    st.sampled_from(["D1", "D2", "C1", None]),
)
def test_full_regain_equals_recomputation_with_top_answers(
    answers: dict[str, dict[str, str | None]], leaves: list[str], unit: str | None
) -> None:
    answers = clean(answers)
    projection = project(
        FW,
        answers,
        UNITS,
        [Target(code) for code in leaves],
        scope=None if unit is None else [unit],
    )
    changed = {u: dict(v) for u, v in answers.items()}
    for info in UNITS:
        if unit is not None and info.code != unit:
            continue
        for code in leaves:
            if FW.node(code).applies(info.type) and changed[info.code].get(code) != "n/a":
                changed[info.code][code] = TOP_ANSWER[code]
    same_results(projection.after, compute(FW, changed, UNITS))
    for u in projection.units:
        assert u.after.points >= u.before.points
        if not u.in_scope:  # held at its result; only its rank may change
            assert (u.after.points, u.after.index, u.after.band) == (
                u.before.points,
                u.before.index,
                u.before.band,
            )


@pytest.mark.parametrize("share", [Fraction(1, 4), Fraction(1, 2), Fraction(2, 3), Fraction(1)])
def test_share_of_a_proportional_leaf_equals_the_matching_answer(share: Fraction) -> None:
    answers = with_answers({"C1": {"1.2.1": "0"}})
    projection = project(FW, answers, UNITS, [Target("1.2.1", share)], scope=["C1"])
    recomputed = compute(
        FW, with_answers({"C1": {"1.2.1": f"{share.numerator}/{share.denominator}"}}), UNITS
    )
    same_results(projection.after, recomputed)
