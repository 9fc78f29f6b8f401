"""Appraised points fed to ``compute`` as overrides (*điểm thẩm định*): the appraisers set a
leaf's points directly, and the unit's result must be exactly what scoring a value worth those
points would give."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st
from pxkit import load

from parindex.core import UnitInfo, compute
from parindex.core.compute import APPRAISED_LABEL

NODES = """
- code: "1"
  title: Chỉ đạo điều hành
  children:
    - {code: "1.1", title: Kế hoạch, max: 2, rule: {type: points, step: 0.25}}
    - {code: "1.2", title: Báo cáo, max: 1, rule: {type: yes_no}}
- code: "2"
  title: Thể chế
  max: 3
  children:
    - {code: "2.1", title: Văn bản, max: 2, rule: {type: choice, options: {du: 2, thieu: 1}}}
    - {code: "2.2", title: Rà soát, max: 2, rule: {type: points}}
"""
FW = load(NODES, "bands:\n  - {code: A, min: 80}\n  - {code: B, min: 0}\n")
UNITS = [UnitInfo("U1", "Sở A"), UnitInfo("U2", "Sở B")]
DECLARED = {"U1": {"1.1": "2", "1.2": "có", "2.1": "du", "2.2": "1"}, "U2": {"1.1": "1"}}


def test_appraised_points_are_explained_as_appraised() -> None:
    result = compute(
        FW,
        DECLARED,
        UNITS,
        overrides={"U1": {"1.2": Decimal("0.5")}},
        override_label=APPRAISED_LABEL,
    ).by_unit("U1")
    leaf = result.leaves["1.2"]
    assert leaf.explanation.vi == "Điểm thẩm định: 0.5"
    assert leaf.explanation.en == "Appraised points: 0.5"
    assert leaf.value == "có"  # the declared value stays on record beside the appraised points
    assert result.nodes["1.2"].points == Decimal("0.50")


def test_default_label_is_unchanged_for_what_if() -> None:
    result = compute(FW, DECLARED, UNITS, overrides={"U1": {"1.2": Decimal("0")}})
    assert result.by_unit("U1").leaves["1.2"].explanation.vi == "Điểm được xác định lại: 0"


@given(
    st.sampled_from(["1.1", "2.2"]),
    st.integers(min_value=0, max_value=8),
    st.sampled_from(["U1", "U2"]),
)
def test_points_override_equals_scoring_the_same_points(
    leaf: str, quarters: int, unit: str
) -> None:
    """Setting points directly on a ``points`` leaf gives the same unit result, node by node,
    as declaring that number: the override is scoring, not a second arithmetic."""
    points = Decimal(quarters) / 4
    if points > FW.node(leaf).max:
        points = FW.node(leaf).max
    declared = {u: dict(v) for u, v in DECLARED.items()}
    overridden = compute(
        FW, declared, UNITS, overrides={unit: {leaf: points}}, override_label=APPRAISED_LABEL
    )
    declared[unit][leaf] = f"{points:f}"
    scored = compute(FW, declared, UNITS)
    for code in ("U1", "U2"):
        a, b = overridden.by_unit(code), scored.by_unit(code)
        assert (a.points, a.max, a.index, a.rank, a.band) == (
            b.points,
            b.max,
            b.index,
            b.rank,
            b.band,
        )
        assert a.nodes == b.nodes
        assert a.missing == b.missing
