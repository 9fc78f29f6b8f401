"""Year over year: a unit's baseline from its own earlier index and its predecessors', and its
move in rank (docs/methodology.md Y3, Y4)."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from parindex.core.baseline import Member, Position, combine, rank_move

FAST = settings(max_examples=100, deadline=None)

indices = st.fractions(min_value=0, max_value=120, max_denominator=10_000)
weights = st.decimals(min_value="0.0001", max_value="100000", places=4)
members = st.lists(st.builds(Member, st.text(min_size=1, max_size=4), indices), min_size=1)


def test_y3_mean_of_the_predecessors() -> None:
    """Y3: Phường Mỹ Tho (five wards: 80.00, 85.50, 90.25, 70.00, 77.77) → 80.704 → 80.70."""
    wards = [
        Member(f"P0{n}", Fraction(Decimal(index)))
        for n, index in enumerate(["80.00", "85.50", "90.25", "70.00", "77.77"], start=1)
    ]
    baseline = combine(wards)
    assert baseline is not None
    assert baseline.index == Fraction(Decimal("403.52")) / 5
    assert baseline.rounded(2) == Decimal("80.70")
    assert not baseline.weighted


def test_y3_weighted_mean_when_every_member_has_a_weight() -> None:
    """Y3: 80.00 weighted 3 and 90.00 weighted 1 → 82.50; the plain mean would be 85.00."""
    weighted = combine(
        [Member("A", Fraction(80), Decimal(3)), Member("B", Fraction(90), Decimal(1))]
    )
    assert weighted is not None and weighted.weighted
    assert weighted.rounded(2) == Decimal("82.50")


def test_y3_a_missing_weight_falls_back_to_the_mean() -> None:
    """Y3: one member without a weight: the plain mean of all, stated as such."""
    baseline = combine([Member("A", Fraction(80), Decimal(3)), Member("B", Fraction(90))])
    assert baseline is not None and not baseline.weighted
    assert baseline.rounded(2) == Decimal("85.00")


def test_y3_half_up_once_from_the_exact_mean() -> None:
    """Y3: 84.995 and 85.00 … mean 84.9975 → 85.00 (half-up once, from the exact value)."""
    baseline = combine([Member("A", Fraction(Decimal("84.995"))), Member("B", Fraction(85))])
    assert baseline is not None
    assert baseline.rounded(2) == Decimal("85.00")
    baseline = combine([Member("A", Fraction(1, 3)), Member("B", Fraction(0))])
    assert baseline is not None and baseline.rounded(2) == Decimal("0.17")


def test_no_members_no_baseline() -> None:
    assert combine([]) is None


def test_a_weight_must_be_positive() -> None:
    with pytest.raises(ValueError, match="greater than 0"):
        combine([Member("A", Fraction(80), Decimal(0)), Member("B", Fraction(90), Decimal(1))])


@FAST
@given(members)
def test_the_mean_lies_between_the_smallest_and_the_largest(found: list[Member]) -> None:
    baseline = combine(found)
    assert baseline is not None
    assert min(m.index for m in found) <= baseline.index <= max(m.index for m in found)


@FAST
@given(st.lists(st.tuples(indices, weights), min_size=2, max_size=8))
def test_the_weighted_mean_lies_between_and_ignores_the_scale(
    pairs: list[tuple[Fraction, Decimal]],
) -> None:
    found = [Member(str(n), index, weight) for n, (index, weight) in enumerate(pairs)]
    baseline = combine(found)
    assert baseline is not None and baseline.weighted
    assert min(i for i, _ in pairs) <= baseline.index <= max(i for i, _ in pairs)
    scaled = combine([Member(m.unit, m.index, m.weight * 7) for m in found if m.weight])
    assert scaled is not None and scaled.index == baseline.index
    # Equal weights give the plain mean.
    equal = combine([Member(m.unit, m.index, Decimal(2)) for m in found])
    plain = combine([Member(m.unit, m.index) for m in found])
    assert equal is not None and plain is not None and equal.index == plain.index


@FAST
@given(members, st.randoms())
def test_the_order_of_the_members_does_not_matter(found: list[Member], rng) -> None:
    shuffled = list(found)
    rng.shuffle(shuffled)
    first, second = combine(found), combine(shuffled)
    assert first is not None and second is not None and first.index == second.index


@FAST
@given(indices, st.integers(min_value=0, max_value=4))
def test_one_member_is_its_own_index(index: Fraction, places: int) -> None:
    baseline = combine([Member("A", index, Decimal(5))])
    assert baseline is not None and baseline.index == index and not baseline.weighted


def test_y4_rank_moves_only_within_a_group_of_the_same_name() -> None:
    """Y4: 3 of 12 in "Sở, ban, ngành" → 5 of 12: down two; from another group: no move."""
    move = rank_move("Sở, ban, ngành", Position(3, 12), "Sở, ban, ngành", Position(5, 12))
    assert move is not None and move.steps == -2
    assert (move.before, move.after) == (Position(3, 12), Position(5, 12))
    assert rank_move("Xã", Position(1, 1), "Phường", Position(4, 20)) is None
    assert rank_move("Xã", None, "Xã", Position(4, 20)) is None
    assert rank_move(None, Position(2, 3), "", Position(1, 3)) is not None  # both ungrouped
