"""Year over year: the baseline a unit's index is compared with, and its move in rank.

A unit's baseline (*mốc so sánh*) is its index in the previous published cycle of the same
framework family. A unit formed by a merger, a split or a renaming takes its baseline from the
units it continues (its predecessors, *đơn vị tiền thân*) and, when it existed already, from its
own earlier result: the mean of their indices, or their mean weighted by the register's weights
when every one of them has a weight. The arithmetic is exact; the baseline is rounded half-up
once, to the framework's rounding (docs/methodology.md Y1–Y4).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from .numbers import from_quanta, round_half_up


@dataclass(frozen=True)
class Member:
    """A unit whose earlier index enters a baseline: the unit itself, or a predecessor.
    ``weight`` is the register's weight of the unit in the merger (None: not given)."""

    unit: str
    index: Fraction
    weight: Decimal | None = None


@dataclass(frozen=True)
class Baseline:
    """An exact baseline index and the members it was computed from."""

    index: Fraction
    members: tuple[Member, ...]
    weighted: bool

    def rounded(self, places: int) -> Decimal:
        return from_quanta(round_half_up(self.index, places), places)


def combine(members: Sequence[Member]) -> Baseline | None:
    """The members' mean index, weighted when every member has a weight; None without members.
    A weight must be greater than 0."""
    if not members:
        return None
    if any(m.weight is not None and m.weight <= 0 for m in members):
        raise ValueError("a weight must be greater than 0")
    weights = [m.weight for m in members]
    if all(w is not None for w in weights) and len(members) > 1:
        total = sum((Fraction(w) for w in weights if w is not None), Fraction(0))
        index = sum(
            (Fraction(m.weight) * m.index for m in members if m.weight is not None), Fraction(0)
        )
        return Baseline(index / total, tuple(members), weighted=True)
    index = sum((m.index for m in members), Fraction(0)) / len(members)
    return Baseline(index, tuple(members), weighted=False)


@dataclass(frozen=True)
class Position:
    """A rank among the ranked units of a group: 3 of 12 (*hạng 3/12*)."""

    rank: int
    of: int


@dataclass(frozen=True)
class RankMove:
    before: Position
    after: Position

    @property
    def steps(self) -> int:
        """Positive when the unit moved up (its rank number fell)."""
        return self.before.rank - self.after.rank


def rank_move(
    before_group: str | None,
    before: Position | None,
    after_group: str | None,
    after: Position | None,
) -> RankMove | None:
    """The move in rank between two cycles, only within the same ranking group: a rank in a
    group of twenty says nothing about a rank in a group of one."""
    if before is None or after is None or (before_group or "") != (after_group or ""):
        return None
    return RankMove(before, after)
