"""Arithmetic of a cycle: docs/methodology.md M22–M31 (docs/formats.md §1, "Arithmetic")."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest
from pxkit import errors_of, load, one_leaf, points

from parindex.core import (
    Framework,
    InputError,
    UnitInfo,
    UnitResult,
    ValueRuleError,
    compute,
)
from parindex.core.numbers import round_half_up


def fixed(value: Decimal | None, places: int = 2) -> str | None:
    return None if value is None else f"{value:.{places}f}"


def summary(result: UnitResult, places: int = 2) -> tuple[str | None, str | None, str | None]:
    """(points, max, index) as the JSON output would write them."""
    return fixed(result.points, places), fixed(result.max, places), fixed(result.index, places)


def node(result: UnitResult, code: str) -> tuple[str | None, str | None, str | None]:
    n = result.nodes[code]
    return fixed(n.points), fixed(n.max), fixed(n.index)


# -- M22 rounding -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "places", "quanta"),
    [
        (Fraction(1, 8), 2, 13),  # 0.125 → 0.13
        (Fraction(445, 1000), 2, 45),  # 0.445 → 0.45 (half-even would give 0.44)
        (Fraction(4449, 10000), 2, 44),  # 0.4449 → 0.44, rounded once
        (Fraction(1), 2, 100),  # 1.5 × 2/3 = 1 → 1.00
        (Fraction(1, 4), 1, 3),  # 0.25 at 0.1 → 0.3
        (Fraction(87125, 1000), 2, 8713),  # index 87.125 → 87.13
        (Fraction(-1, 8), 2, -13),  # away from zero
    ],
)
def test_m22_half_up_table(value: Fraction, places: int, quanta: int) -> None:
    """M22: the table of worked roundings."""
    assert round_half_up(value, places) == quanta


def test_m22_leaves_of_the_table() -> None:
    """M22: the table's leaves: 1/8 → 0.13, survey 44.5 → 0.45, 4449/10000 → 0.44, 2/3 of 1.5."""
    assert points(one_leaf("{type: proportional}"), "1/8") == "0.13"
    assert points(one_leaf("{type: survey}"), "44.5") == "0.45"
    assert points(one_leaf("{type: proportional}"), "4449/10000") == "0.44"
    assert points(one_leaf("{type: proportional}", max="1.5"), "2/3") == "1.00"
    assert points(one_leaf("{type: survey}", head='rounding: "0.1"\n'), "25") == "0.3"


# -- M23 leaves rounded, branches summed, then capped -------------------------------------------

M23 = """
- code: "1"
  title: A
  children:
    - {code: "1.1", title: a, max: 1, rule: {type: proportional}}
    - {code: "1.2", title: b, max: 1, rule: {type: proportional}}
    - {code: "1.3", title: c, max: 1, rule: {type: proportional}}
- code: "2"
  title: B
  max: 2
  children:
    - {code: "2.1", title: a, max: 1, rule: {type: yes_no}}
    - {code: "2.2", title: b, max: 1.5, rule: {type: yes_no}}
"""


def test_m23_branch_sums_rounded_leaves() -> None:
    """M23: three leaves 1/3 of 1 → 0.33 each; branch 0.99, not 1.00."""
    fw = load(M23)
    result = compute(fw, {"U": {"1.1": "1/3", "1.2": "1/3", "1.3": "1/3"}}).by_unit("U")
    assert [node(result, c)[0] for c in ("1.1", "1.2", "1.3")] == ["0.33"] * 3
    assert node(result, "1") == ("0.99", "3.00", "33.00")


def test_m23_branch_cap() -> None:
    """M23: branch 2 max 2: 1 + 1.5 = 2.5, capped → 2.00."""
    result = compute(load(M23), {"U": {"2.1": "yes", "2.2": "yes"}}).by_unit("U")
    assert node(result, "2") == ("2.00", "2.00", "100.00")
    assert result.points == Decimal("2.00") and result.max == Decimal("5.00")


# -- M24 applies_to -----------------------------------------------------------------------------

M24_HEAD = "unit_types: [department, commune]\n"
M24 = """
- code: "1"
  title: A
  children:
    - {code: "1.1", title: a, max: 1, rule: {type: yes_no}}
    - {code: "1.2", title: b, max: 1.5, rule: {type: proportional}, applies_to: [department]}
"""
UNITS_24 = [UnitInfo("D", type="department"), UnitInfo("C", type="commune"), UnitInfo("N")]


def test_m24_department() -> None:
    """M24: department D: 1 + 1 = 2.00 of 2.50, index 80.00."""
    fw = load(M24, M24_HEAD)
    result = compute(fw, {"D": {"1.1": "yes", "1.2": "2/3"}}, UNITS_24)
    assert summary(result.by_unit("D")) == ("2.00", "2.50", "80.00")


def test_m24_commune_drops_the_leaf() -> None:
    """M24: commune C: 1.00 of 1.00, index 100.00; node 1.2 is not among C's nodes."""
    fw = load(M24, M24_HEAD)
    c = compute(fw, {"C": {"1.1": "yes"}}, UNITS_24).by_unit("C")
    assert summary(c) == ("1.00", "1.00", "100.00")
    assert list(c.nodes) == ["1", "1.1"]
    assert c.missing == ()


def test_m24_unit_without_type_gets_every_node() -> None:
    """M24: a unit with no type is computed like D: 2.00 / 2.50 = 80.00."""
    fw = load(M24, M24_HEAD)
    n = compute(fw, {"N": {"1.1": "yes", "1.2": "2/3"}}, UNITS_24).by_unit("N")
    assert summary(n) == ("2.00", "2.50", "80.00")
    assert list(n.nodes) == ["1", "1.1", "1.2"]


def test_m24_branch_applies_when_a_leaf_under_it_does() -> None:
    """M24: a branch whose leaves all do not apply is not among the unit's nodes."""
    fw = load(
        """
        - {code: "1", title: A, max: 1, rule: {type: yes_no}}
        - code: "2"
          title: B
          applies_to: [department]
          children:
            - {code: "2.1", title: a, max: 1, rule: {type: yes_no}}
        """,
        M24_HEAD,
    )
    result = compute(fw, {}, [UnitInfo("C", type="commune"), UnitInfo("D", type="department")])
    assert list(result.by_unit("C").nodes) == ["1"]
    assert list(result.by_unit("D").nodes) == ["1", "2", "2.1"]


def test_m24_compute_ignores_values_of_non_applicable_leaves_with_a_warning() -> None:
    """M24/M36: compute() given a value for a leaf that does not apply warns and ignores it."""
    fw = load(M24, M24_HEAD)
    result = compute(fw, {"C": {"1.1": "yes", "1.2": "2/3"}}, UNITS_24)
    assert summary(result.by_unit("C")) == ("1.00", "1.00", "100.00")
    assert tuple(map(str, result.warnings)) == (
        "unit C, node 1.2: does not apply to type commune; value ignored",
    )
    assert result.warnings[0].render("vi") == (
        "đơn vị C, mục 1.2: không áp dụng cho loại đơn vị commune; giá trị được bỏ qua"
    )
    quiet = compute(fw, {"C": {"1.1": "yes", "1.2": ""}}, UNITS_24)
    assert quiet.warnings == ()  # D7


# -- M25 n/a: rescale or full -------------------------------------------------------------------

M25 = """
- code: "1"
  title: A
  children:
    - {code: "1.1", title: a, max: 1, rule: {type: proportional}}
    - {code: "1.2", title: b, max: 1.5, rule: {type: yes_no}, allow_na: true}
"""


def test_m25_na_rescale() -> None:
    """M25: rescale: 0.50 of 1.00, index 50.00."""
    result = compute(load(M25), {"U": {"1.1": "1/2", "1.2": "n/a"}}).by_unit("U")
    assert summary(result) == ("0.50", "1.00", "50.00")
    assert node(result, "1.2") == ("0.00", "0.00", None)
    assert result.missing == ()


def test_m25_na_full() -> None:
    """M25: full: 0.50 + 1.50 = 2.00 of 2.50, index 80.00."""
    fw = load(M25, "not_applicable: full\n")
    result = compute(fw, {"U": {"1.1": "1/2", "1.2": "n/a"}}).by_unit("U")
    assert summary(result) == ("2.00", "2.50", "80.00")
    assert node(result, "1.2") == ("1.50", "1.50", "100.00")


def test_m25_not_applicable_policy_values() -> None:
    error = errors_of(lambda: load(M25, "not_applicable: skip\n"))[0]
    assert "not_applicable 'skip' is not one of rescale, full" in str(error) and error.line == 5


# -- M26 capped branch maximum ------------------------------------------------------------------

M26 = """
- code: "1"
  title: A
  max: 2
  children:
    - {code: "1.1", title: a, max: 1, rule: {type: yes_no}}
    - {code: "1.2", title: b, max: 1.5, rule: {type: yes_no}, applies_to: [department],
       allow_na: true}
"""


def test_m26_capped_branch_max() -> None:
    """M26: department min(2, 2.5) = 2.00; commune min(2, 1) = 1.00; department n/a 1.00."""
    fw = load(M26, M24_HEAD)
    units = [
        UnitInfo("D", type="department"),
        UnitInfo("C", type="commune"),
        UnitInfo("E", type="department"),
    ]
    result = compute(fw, {"E": {"1.2": "n/a"}}, units)
    assert node(result.by_unit("D"), "1")[1] == "2.00"
    assert node(result.by_unit("C"), "1")[1] == "1.00"
    assert node(result.by_unit("E"), "1")[1] == "1.00"


# -- M27–M29 total, max, index, node results ----------------------------------------------------

M27 = """
- code: "1"
  title: A
  children:
    - {code: "1.1", title: a, max: 10, rule: {type: points}}
- code: "B"
  title: Bonus
  kind: bonus
  max: 2
  children:
    - {code: "B.1", title: b, max: 3, rule: {type: count, per_item: 0.5}}
- code: "P"
  title: Penalty
  kind: penalty
  max: 1
  children:
    - {code: "P.1", title: p, max: 2, rule: {type: count, per_item: 0.25}}
"""


def m27() -> Framework:
    return load(M27)


def test_m27_total_normal_plus_bonus_minus_penalty() -> None:
    """M27: unit X: 7.50 + 2.00 − 0.50 = 9.00 of 10.00, index 90.00."""
    x = compute(m27(), {"X": {"1.1": "7.5", "B.1": "5", "P.1": "2"}}).by_unit("X")
    assert summary(x) == ("9.00", "10.00", "90.00")


def test_m27_total_never_below_zero() -> None:
    """M27: unit Y: 0.25 − 1.00 < 0 → total 0.00, index 0.00."""
    y = compute(m27(), {"Y": {"1.1": "0.25", "P.1": "8"}}).by_unit("Y")
    assert summary(y) == ("0.00", "10.00", "0.00")
    assert node(y, "P") == ("1.00", "1.00", None)


def test_m28_index_above_100_with_bonus() -> None:
    """M28: unit Z: 10 + 2 = 12.00 of 10.00, index 120.00."""
    z = compute(m27(), {"Z": {"1.1": "10", "B.1": "4"}}).by_unit("Z")
    assert summary(z) == ("12.00", "10.00", "120.00")


def test_m28_index_87_125_rounds_to_87_13() -> None:
    """M28: 6.97 / 8 × 100 = 87.125 → 87.13 (87.125 under rounding 0.001)."""
    leaf = '- {code: "1", title: L, max: 8, rule: {type: points}}'
    result = compute(load(leaf), {"U": {"1": "6.97"}}).by_unit("U")
    assert summary(result) == ("6.97", "8.00", "87.13")
    assert node(result, "1")[2] == "87.13"
    fine = compute(load(leaf, 'rounding: "0.001"\n'), {"U": {"1": "6.97"}}).by_unit("U")
    assert summary(fine, 3) == ("6.970", "8.000", "87.125")


def test_m28_bonus_and_penalty_never_enter_the_max() -> None:
    """M28: the maximum is the normal top-level nodes' only."""
    fw = m27()
    assert fw.max_total == Decimal(10)
    assert compute(fw, {"U": {}}).by_unit("U").max == Decimal("10.00")


def test_m29_node_results_of_unit_x() -> None:
    """M29: node 1 7.50/10.00/75.00; B 2.00/2.00/null; B.1 2.50/3.00/null; P 0.50/1.00/null."""
    x = compute(m27(), {"X": {"1.1": "7.5", "B.1": "5", "P.1": "2"}}).by_unit("X")
    assert node(x, "1") == ("7.50", "10.00", "75.00")
    assert node(x, "B") == ("2.00", "2.00", None)
    assert node(x, "B.1") == ("2.50", "3.00", None)
    assert node(x, "P") == ("0.50", "1.00", None)
    assert node(x, "P.1") == ("0.50", "2.00", None)
    assert list(x.nodes) == ["1", "1.1", "B", "B.1", "P", "P.1"]


def test_m29_bonus_without_max_reports_children_sum_as_cap() -> None:
    """M8/M29: a bonus block without max is capped at its children's sum."""
    fw = load("""
        - {code: "1", title: A, max: 10, rule: {type: points}}
        - code: "B"
          title: Bonus
          kind: bonus
          children:
            - {code: "B.1", title: a, max: 0.5, rule: {type: yes_no}}
            - {code: "B.2", title: b, max: 1, rule: {type: yes_no}}
    """)
    u = compute(fw, {"U": {"1": "5", "B.1": "yes", "B.2": "yes"}}).by_unit("U")
    assert node(u, "B") == ("1.50", "1.50", None)
    assert summary(u) == ("6.50", "10.00", "65.00")


def test_d5_bonus_block_max_with_non_applicable_children() -> None:
    """D5: bonus B max 2 over B.1 (1.5, department only) and B.2 (1): department 2.00, commune
    1.00."""
    fw = load(
        """
        - {code: "1", title: A, max: 10, rule: {type: points}}
        - code: "B"
          title: Bonus
          kind: bonus
          max: 2
          children:
            - {code: "B.1", title: a, max: 1.5, rule: {type: yes_no}, applies_to: [department]}
            - {code: "B.2", title: b, max: 1, rule: {type: yes_no}}
        """,
        M24_HEAD,
    )
    units = [UnitInfo("D", type="department"), UnitInfo("C", type="commune")]
    result = compute(fw, {"D": {"B.1": "yes", "B.2": "yes"}, "C": {"B.2": "yes"}}, units)
    assert node(result.by_unit("D"), "B") == ("2.00", "2.00", None)
    assert node(result.by_unit("C"), "B") == ("1.00", "1.00", None)


# -- M30 missing --------------------------------------------------------------------------------


def test_m30_missing_normal_leaf() -> None:
    """M30: D answers only 1.1 yes: 1.00 of 2.50, index 40.00, missing [1.2]."""
    fw = load(M24, M24_HEAD)
    d = compute(fw, {"D": {"1.1": "yes"}}, UNITS_24).by_unit("D")
    assert summary(d) == ("1.00", "2.50", "40.00")
    assert d.missing == ("1.2",)


def test_m30_missing_empty_value_is_missing() -> None:
    """M30/M11: an empty value is no value."""
    fw = load(M24, M24_HEAD)
    d = compute(fw, {"D": {"1.1": "yes", "1.2": "  "}}, UNITS_24).by_unit("D")
    assert d.missing == ("1.2",)


def test_m30_bonus_and_penalty_are_never_missing() -> None:
    """M30: a unit answering only 1.1 10 has total 10.00 and missing []."""
    u = compute(m27(), {"U": {"1.1": "10"}}).by_unit("U")
    assert summary(u) == ("10.00", "10.00", "100.00")
    assert u.missing == ()


def test_m30_missing_in_framework_order() -> None:
    """docs/formats.md §3: missing lists leaf codes in framework order."""
    fw = load(M23)
    u = compute(fw, {"U": {"2.1": "yes"}}).by_unit("U")
    assert u.missing == ("1.1", "1.2", "1.3", "2.2")


# -- M31 maximum 0 ------------------------------------------------------------------------------

M31 = """
- code: "1"
  title: A
  children:
    - {code: "1.1", title: a, max: 1, rule: {type: yes_no}, allow_na: true}
"""
M31_BANDS = "bands:\n  - {code: A, min: 90}\n  - {code: B, min: 0}\n"


def test_m31_max_zero_gives_null_index_rank_band_and_is_listed_last() -> None:
    """M31: U0 answers n/a: points and max 0.00, index/rank/band null, listed after U1."""
    result = compute(load(M31, M31_BANDS), {"U0": {"1.1": "n/a"}, "U1": {"1.1": "yes"}})
    u1, u0 = result.by_unit("U1"), result.by_unit("U0")
    assert (summary(u1), u1.rank, u1.band and u1.band.code) == (("1.00", "1.00", "100.00"), 1, "A")
    assert (summary(u0), u0.rank, u0.band) == (("0.00", "0.00", None), None, None)
    assert node(u0, "1") == ("0.00", "0.00", None)
    assert [u.unit.code for u in result.units] == ["U1", "U0"]


# -- compute() input errors ---------------------------------------------------------------------


def test_compute_reports_every_bad_value_with_unit_and_node() -> None:
    """docs/formats.md §2: every error is reported, each naming unit, node and value."""
    fw = load(M24, M24_HEAD)
    found = errors_of(lambda: compute(fw, {"D": {"1.1": "maybe", "1.2": "2", "9": "1"}}, UNITS_24))
    assert len(found) == 3
    bad_yes_no, bad_ratio, unknown = found
    assert isinstance(bad_yes_no, ValueRuleError)
    assert (bad_yes_no.unit, bad_yes_no.node, bad_yes_no.value) == ("D", "1.1", "maybe")
    assert str(bad_yes_no).startswith("unit D, node 1.1, value 'maybe': yes_no rule")
    assert (bad_ratio.unit, bad_ratio.node, bad_ratio.value) == ("D", "1.2", "2")
    assert isinstance(unknown, InputError) and (unknown.unit, unknown.node) == ("D", "9")


def test_compute_units_must_cover_answers() -> None:
    """docs/formats.md §2: a unit with answers must be in the given units; units are unique."""
    fw = load(M24, M24_HEAD)
    error = errors_of(lambda: compute(fw, {"X": {"1.1": "yes"}}, UNITS_24))[0]
    assert isinstance(error, InputError) and error.unit == "X"
    twice = errors_of(lambda: compute(fw, {}, [UnitInfo("D"), UnitInfo("D")]))[0]
    assert isinstance(twice, InputError) and twice.unit == "D" and "twice" in str(twice)


def test_compute_unit_without_answers_has_every_leaf_missing() -> None:
    """M37: a unit without scores is computed with every leaf missing."""
    fw = load(M24, M24_HEAD)
    d = compute(fw, {}, UNITS_24).by_unit("D")
    assert summary(d) == ("0.00", "2.50", "0.00")
    assert d.missing == ("1.1", "1.2")
