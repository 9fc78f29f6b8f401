"""One unit computed again (``recompute_unit``): after only that unit's answers or points
changed, it gives exactly what a whole ``compute`` of the cycle gives that unit, and the ranks
of its group in listing order, reading nothing but the other members' indices."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st
from pxkit import load

from parindex.core import UnitInfo, compute
from parindex.core.compute import APPRAISED_LABEL, recompute_unit
from parindex.core.ranking import rank_group

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
    - {code: "2.2", title: Rà soát, max: 2, rule: {type: points}, allow_na: true}
- {code: "3", title: Thưởng, kind: bonus, max: 1, rule: {type: points}}
"""
FW = load(NODES, "bands:\n  - {code: A, min: 80}\n  - {code: B, min: 50}\n  - {code: C, min: 0}\n")
UNITS = [
    UnitInfo("D1", "Sở 1", None, "so"),
    UnitInfo("D2", "Sở 2", None, "so"),
    UnitInfo("D3", "Sở 3", None, "so"),
    UnitInfo("X1", "Xã 1", None, "xa"),
    UnitInfo("X2", "Xã 2", None, "xa"),
    UnitInfo("N1", "Không nhóm", None, None),
]
VALUES = {
    "1.1": st.sampled_from(["0", "0.5", "1.25", "2"]),
    "1.2": st.sampled_from(["có", "không"]),
    "2.1": st.sampled_from(["du", "thieu"]),
    "2.2": st.sampled_from(["0", "1", "2", "n/a"]),
    "3": st.sampled_from(["0", "0.5"]),
}
answers_of_unit = st.fixed_dictionaries({}, optional=VALUES)
overrides_of_unit = st.dictionaries(
    st.sampled_from(["1.1", "2.2"]),
    st.integers(min_value=0, max_value=8).map(lambda q: Decimal(q) / 4),
    max_size=2,
)


@settings(max_examples=60, deadline=None)
@given(
    st.fixed_dictionaries({u.code: answers_of_unit for u in UNITS}),
    st.sampled_from([u.code for u in UNITS]),
    answers_of_unit,
    overrides_of_unit,
)
def test_one_unit_again_equals_the_whole_cycle(
    before: dict[str, dict[str, str]],
    code: str,
    answers: dict[str, str],
    overrides: dict[str, Decimal],
) -> None:
    old = compute(FW, before, UNITS)
    after = {**before, code: answers}
    expected = compute(
        FW, after, UNITS, overrides={code: overrides}, override_label=APPRAISED_LABEL
    )
    unit = next(u for u in UNITS if u.code == code)
    group = {r.unit.code: r.index for r in old.units if r.unit.group == unit.group}
    again = recompute_unit(
        FW, unit, answers, group, overrides=overrides, override_label=APPRAISED_LABEL
    )
    assert again.unit == expected.by_unit(code)
    assert list(again.group) == [
        (r.unit.code, r.rank) for r in expected.units if r.unit.group == unit.group
    ]


def test_a_group_is_ranked_as_in_the_whole_cycle() -> None:
    """Competition ranks, listed by rank then code; no index, no rank, listed last."""
    assert rank_group("so", {"B": 8000, "A": 9000, "C": 8000, "D": None, "E": 7000}) == [
        ("A", 1),
        ("B", 2),
        ("C", 2),
        ("E", 4),
        ("D", None),
    ]
