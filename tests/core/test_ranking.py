"""Ranking, bands and listing order: docs/methodology.md M32, M33, M41 (docs/formats.md §1, §3)."""

from __future__ import annotations

from decimal import Decimal

from pxkit import load

from parindex.core import UnitInfo, compute
from parindex.core.ranking import competition_ranks, listing_key, rank_in_groups

LEAF_250 = '- {code: "1", title: L, max: 250, rule: {type: points}}'
BANDS = (
    "bands:\n  - {code: A, min: 90}\n  - {code: B, min: 80}\n"
    "  - {code: C, min: 70}\n  - {code: D, min: 0}\n"
)


def test_m32_ranks_1_2_2_4() -> None:
    """M32: indices 90.00, 85.00, 85.00, 80.00 → 1, 2, 2, 4."""
    assert competition_ranks([9000, 8500, 8500, 8000]) == [1, 2, 2, 4]


def test_m32_ranks_in_compute() -> None:
    """M32: the same through compute(): 225, 212.5, 212.5, 200 of 250."""
    answers = {"P": {"1": "225"}, "Q": {"1": "212.5"}, "R": {"1": "212.5"}, "S": {"1": "200"}}
    result = compute(load(LEAF_250), answers)
    assert [(u.unit.code, f"{u.index}", u.rank) for u in result.units] == [
        ("P", "90.00", 1),
        ("Q", "85.00", 2),
        ("R", "85.00", 2),
        ("S", "80.00", 4),
    ]


def test_m32_ties_on_the_rounded_index() -> None:
    """M32: E 212.51 (85.004) and F 212.49 (84.996) both round to 85.00 and share rank 1."""
    result = compute(load(LEAF_250), {"F": {"1": "212.49"}, "E": {"1": "212.51"}})
    e, f = result.by_unit("E"), result.by_unit("F")
    assert (f"{e.index}", f"{f.index}") == ("85.00", "85.00")
    assert (e.rank, f.rank) == (1, 1)
    assert [u.unit.code for u in result.units] == ["E", "F"]


def test_m32_groups_rank_separately() -> None:
    """M32: the same index in different groups is rank 1 in each group."""
    units = [
        UnitInfo("D1", group="department"),
        UnitInfo("C1", group="commune"),
        UnitInfo("C2", group="commune"),
        UnitInfo("N1"),
    ]
    answers = {"D1": {"1": "200"}, "C1": {"1": "200"}, "C2": {"1": "225"}, "N1": {"1": "100"}}
    result = compute(load(LEAF_250), answers, units)
    assert {u.unit.code: u.rank for u in result.units} == {"D1": 1, "C2": 1, "C1": 2, "N1": 1}


def test_m32_units_without_index_have_no_rank() -> None:
    """M31/M32: no index, no rank; the others are ranked as if it were absent."""
    assert competition_ranks([None, 5, 7, None, 5]) == [None, 2, 1, None, 2]
    assert rank_in_groups(["a", "b", "c"], ["g", None, "g"], [1, 1, 2]) == {"a": 2, "b": 1, "c": 1}


def test_m33_bands() -> None:
    """M33: 87.13 → B; 224.99 of 250 = 89.996 → 90.00 → A; 69.99 → D."""
    fw = load(LEAF_250, BANDS)
    result = compute(fw, {"U": {"1": "224.99"}})
    u = result.by_unit("U")
    assert f"{u.index}" == "90.00"
    assert u.band is not None and u.band.code == "A"
    bands = [fw.band_for(Decimal(index)) for index in ("87.13", "69.99", "80.00", "100.5")]
    assert [b.code if b else None for b in bands] == ["B", "D", "B", "A"]


def test_m33_below_the_last_band_has_no_band() -> None:
    """M33: with bands A ≥ 90, B ≥ 50 only, 40.00 has no band."""
    fw = load(LEAF_250, "bands:\n  - {code: A, min: 90}\n  - {code: B, min: 50}\n")
    u = compute(fw, {"U": {"1": "100"}}).by_unit("U")
    assert f"{u.index}" == "40.00" and u.band is None
    assert fw.band_for(None) is None


def test_m33_no_bands_no_band() -> None:
    """docs/formats.md §1: bands are optional."""
    u = compute(load(LEAF_250), {"U": {"1": "250"}}).by_unit("U")
    assert u.band is None and u.rank == 1


def test_m41_listing_order() -> None:
    """M41: A2, Z9, a2 (group Huyện), then b1 (group Sở), then A1 (no group)."""
    units = [
        UnitInfo("b1", group="Sở"),
        UnitInfo("Z9", group="Huyện"),
        UnitInfo("A1"),
        UnitInfo("a2", group="Huyện"),
        UnitInfo("A2", group="Huyện"),
    ]
    answers = {u.code: {"1": "125"} for u in units}
    result = compute(load(LEAF_250), answers, units)
    assert [u.unit.code for u in result.units] == ["A2", "Z9", "a2", "b1", "A1"]


def test_m41_rank_before_code_and_unranked_last() -> None:
    """M41: within a group, by rank, then code; units without rank last."""
    keys = sorted(
        [("g", 2, "A"), ("g", None, "0"), ("g", 1, "Z"), (None, 1, "a"), ("f", 3, "x")],
        key=lambda k: listing_key(*k),
    )
    assert keys == [("f", 3, "x"), ("g", 1, "Z"), ("g", 2, "A"), ("g", None, "0"), (None, 1, "a")]
