"""Statistics by area (methodology ST1): mean, lowest and highest points and index per area and
criterion, and the units with full marks, per ranking group and for every unit."""

from __future__ import annotations

import random
from decimal import ROUND_HALF_UP, Context, Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pxkit import load

from parindex.core import NodeResult, UnitInfo, compute
from parindex.core.analysis import UnitNodes, unit_nodes
from parindex.core.statistics import (
    cycle_statistics,
    described_nodes,
    node_statistics,
    scope_statistics,
)

FAST = settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# Area 1 with a capped criterion 1.2; 2.2 applies to departments only; 3.1 allows n/a.
FW = load(
    """
- code: "1"
  title: Chỉ đạo điều hành
  children:
    - {code: "1.1", title: Kế hoạch, max: 2, rule: {type: yes_no}}
    - code: "1.2"
      title: Kiểm tra
      max: 3
      children:
        - {code: "1.2.1", title: Tỷ lệ kiểm tra, max: 2, rule: {type: proportional}}
        - {code: "1.2.2", title: Khắc phục, max: 2, rule: {type: yes_no}}
- code: "2"
  title: Thể chế
  children:
    - {code: "2.1", title: Văn bản, max: 4, rule: {type: points}}
    - {code: "2.2", title: Rà soát, max: 1, applies_to: [department], rule: {type: yes_no}}
- code: "3"
  title: Thủ tục hành chính
  children:
    - {code: "3.1", title: Hồ sơ, max: 3, allow_na: true, rule: {type: proportional}}
- code: "B"
  title: Điểm thưởng
  kind: bonus
  max: 1
  children:
    - {code: "B.1", title: Sáng kiến, max: 1, rule: {type: count, per_item: 0.5}}
""",
    "unit_types: [department, commune]\n",
)
UNITS = [
    UnitInfo("D1", "Sở A", "department", "Sở"),
    UnitInfo("D2", "Sở B", "department", "Sở"),
    UnitInfo("C1", "Xã C", "commune", "Xã"),
]
ANSWERS: dict[str, dict[str, str | None]] = {
    "D1": {"1.1": "có", "1.2.1": "1/2", "1.2.2": "có", "2.1": "2.5", "2.2": "có", "3.1": "1/3"},
    "D2": {"1.1": "có", "1.2.1": "1", "1.2.2": "có", "2.1": "4", "2.2": "không", "3.1": "1"},
    "C1": {"1.1": "không", "1.2.1": "0", "1.2.2": "có", "2.1": "4", "3.1": "n/a", "B.1": "2"},
}


def by_code(scope):  # type: ignore[no-untyped-def]
    return {s.code: s for s in scope.nodes}


def test_areas_and_criteria_in_framework_order() -> None:
    assert [n.code for n in described_nodes(FW)] == [
        "1",
        "1.1",
        "1.2",
        "2",
        "2.1",
        "2.2",
        "3",
        "3.1",
    ]


def test_worked_example_per_group_and_for_every_unit() -> None:
    scopes = cycle_statistics(FW, unit_nodes(compute(FW, ANSWERS, UNITS)))
    assert [(s.group, s.units) for s in scopes] == [("Sở", 2), ("Xã", 1), (None, 3)]
    everyone = by_code(scopes[2])
    # Criterion 1.2 is capped at 3: D1 1 + 2 = 3, D2 2 + 2 = 4 → 3, C1 0 + 2 = 2.
    s = everyone["1.2"]
    assert (s.units, s.max_low, s.max_high, s.full_marks) == (
        3,
        Decimal("3.00"),
        Decimal("3.00"),
        2,
    )
    assert (s.points.mean, s.points.low, s.points.high) == (
        Decimal("2.67"),  # 8/3
        Decimal("2.00"),
        Decimal("3.00"),
    )
    assert (s.index.mean, s.index.low, s.index.high) == (
        Decimal("88.89"),  # (100 + 100 + 66.67) / 3 = 88.888…
        Decimal("66.67"),
        Decimal("100.00"),
    )
    # 2.2 applies to the departments only; 3.1 is n/a for C1 (a maximum of 0: left out).
    assert everyone["2.2"].units == 2 and everyone["3.1"].units == 2
    # Area 2's maximum is 5 for a department and 4 for a commune.
    assert (everyone["2"].max_low, everyone["2"].max_high) == (Decimal("4.00"), Decimal("5.00"))
    assert everyone["2"].max_varies and not everyone["1"].max_varies
    assert "B" not in everyone and "B.1" not in everyone  # bonus: not described
    communes = by_code(scopes[1])
    assert "2.2" not in communes and "3.1" not in communes and "3" not in communes


def unit(code: str, group: str | None, points: str, maximum: str) -> UnitNodes:
    """A unit with its figures on area "1" only, as ``compute`` reports them."""
    p, m = Decimal(points), Decimal(maximum)
    index = None if m == 0 else (p * 100 / m).quantize(Decimal("0.01"), ROUND_HALF_UP)
    return UnitNodes(UnitInfo(code, code, None, group), {"1": NodeResult("1", p, m, index)})


def test_mean_index_is_rounded_once_from_the_exact_ratios() -> None:
    """ST1's example: 20.01 and 40.00 of 200 points. The indices shown are 10.01 (10.005) and
    20.00, whose mean would read 15.01; the exact mean is 15.0025 → 15.00. The mean of the
    points, 30.005, is a half and goes up to 30.01."""
    units = [unit("U1", None, "20.01", "200"), unit("U2", None, "40.00", "200")]
    s = node_statistics(FW, FW.node("1"), units)
    assert s is not None
    assert s.points.mean == Decimal("30.01")
    assert (s.index.mean, s.index.low, s.index.high) == (
        Decimal("15.00"),
        Decimal("10.01"),
        Decimal("20.00"),
    )
    assert s.full_marks == 0


def test_full_marks_and_a_maximum_of_zero() -> None:
    units = [
        unit("U1", None, "2.00", "2.00"),
        unit("U2", None, "0.00", "0.00"),  # every leaf n/a: nothing to earn
        unit("U3", None, "1.50", "2.00"),
    ]
    s = node_statistics(FW, FW.node("1"), units)
    assert s is not None and (s.units, s.full_marks) == (2, 1)
    assert node_statistics(FW, FW.node("1"), units[1:2]) is None


def test_a_single_group_is_given_once() -> None:
    units = [unit("U1", "Sở", "1.00", "2.00"), unit("U2", "Sở", "2.00", "2.00")]
    assert [(s.group, s.units) for s in cycle_statistics(FW, units)] == [("Sở", 2)]
    ungrouped = [unit("U1", None, "1.00", "2.00")]
    assert [s.group for s in cycle_statistics(FW, ungrouped)] == [""]
    assert cycle_statistics(FW, []) == ()


# -- properties ------------------------------------------------------------------------------


@st.composite
def node_figures(draw: st.DrawFn) -> list[UnitNodes]:
    """Units with (points, max) on area "1", in hundredths, some in a second group."""
    count = draw(st.integers(1, 25))
    units = []
    for n in range(count):
        maximum = draw(st.integers(0, 30_000))
        points = draw(st.integers(0, maximum))
        group = draw(st.sampled_from(["Sở", "Xã"]))
        figures = (f"{Decimal(points).scaleb(-2):f}", f"{Decimal(maximum).scaleb(-2):f}")
        units.append(unit(f"U{n}", group, *figures))
    return units


def half_up_mean(values: list[Decimal]) -> Decimal:
    """An independent oracle: Decimal division at 80 digits, then ROUND_HALF_UP. A mean of at
    most 25 terms repeats with a period under 80 digits, so a non-terminating one is never read
    as an exact half."""
    total = sum(values, Decimal(0))
    mean = Context(prec=80).divide(total, Decimal(len(values)))
    return mean.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


@FAST
@given(node_figures())
def test_figures_against_a_decimal_oracle(units: list[UnitNodes]) -> None:
    s = node_statistics(FW, FW.node("1"), units)
    counted = [u.nodes["1"] for u in units if u.nodes["1"].max > 0]
    if not counted:
        assert s is None
        return
    assert s is not None
    assert s.units == len(counted)
    assert s.points.mean == half_up_mean([f.points for f in counted])
    assert s.points.low == min(f.points for f in counted)
    assert s.points.high == max(f.points for f in counted)
    ratios = [Context(prec=80).divide(f.points * 100, f.max) for f in counted]
    assert s.index.mean == half_up_mean(ratios)
    # The lowest and highest index are the node indices the units' scorecards show.
    assert s.index.low == min(f.index for f in counted if f.index is not None)
    assert s.index.high == max(f.index for f in counted if f.index is not None)
    assert s.full_marks == sum(1 for f in counted if f.points == f.max)
    assert s.points.low <= s.points.mean <= s.points.high
    assert s.index.low <= s.index.mean <= s.index.high <= 100


@FAST
@given(node_figures(), st.randoms())
def test_the_order_of_the_units_changes_nothing(units: list[UnitNodes], rnd: random.Random) -> None:
    shuffled = list(units)
    rnd.shuffle(shuffled)
    assert node_statistics(FW, FW.node("1"), shuffled) == node_statistics(FW, FW.node("1"), units)


@FAST
@given(node_figures())
def test_groups_add_up_to_every_unit(units: list[UnitNodes]) -> None:
    scopes = cycle_statistics(FW, units)
    groups = [s for s in scopes if not s.is_all]
    everyone = scope_statistics(FW, units)
    assert sum(s.units for s in groups) == len(units)
    parts = [by_code(s).get("1") for s in groups]
    whole = by_code(everyone).get("1")
    counted = [p for p in parts if p is not None]
    if whole is None:
        assert not counted
        return
    assert sum(p.full_marks for p in counted) == whole.full_marks
    assert sum(p.units for p in counted) == whole.units
    assert min(p.points.low for p in counted) == whole.points.low
    assert max(p.index.high for p in counted) == whole.index.high
