"""Statistics by area (*thống kê theo lĩnh vực*): for each area and criterion, over the units of
a scope (a ranking group, or every unit), the mean, lowest and highest points and index, and how
many units earned the node's full marks.

The input is the per-node figures ``compute`` gave (``UnitNodes``, as for the points lost), so
nothing is scored again. The rule, written in docs/methodology.md (ST1):

- a unit counts for a node when the node applies to it and its maximum there is above 0 (every
  leaf n/a under ``rescale`` leaves nothing to earn);
- the lowest and highest points are the units' own points (already rounded); the mean of the
  points is Σ points / n, exact, rounded once half-up to the framework's ``rounding``;
- a unit's index on a node is points / max × 100, exact; the lowest and highest index are those
  exact ratios rounded once (which is the node index the unit's scorecard shows); the mean index
  is the exact mean of the exact ratios, rounded once: never a mean of rounded indices;
- full marks: points equal to the maximum.

Only normal nodes are described: a bonus is claimed, a penalty avoided, neither is a maximum a
unit falls short of.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from .analysis import UnitNodes
from .framework import Framework, Node
from .numbers import from_quanta, round_half_up


@dataclass(frozen=True)
class Spread:
    """Mean, lowest and highest of one figure over the units of a scope."""

    mean: Decimal
    low: Decimal
    high: Decimal


@dataclass(frozen=True)
class NodeStatistics:
    """One area's or criterion's figures over the units of a scope that it applies to."""

    node: Node
    units: int
    max_low: Decimal  # the node's maximum: the same for every unit unless applies_to or n/a
    max_high: Decimal  # under rescale make it differ
    points: Spread
    index: Spread
    full_marks: int

    @property
    def code(self) -> str:
        return self.node.code

    @property
    def max_varies(self) -> bool:
        return self.max_low != self.max_high


@dataclass(frozen=True)
class ScopeStatistics:
    """The statistics of one scope: a ranking group (``group``), or every unit (``None``)."""

    group: str | None
    units: int
    nodes: tuple[NodeStatistics, ...]

    @property
    def is_all(self) -> bool:
        return self.group is None


def described_nodes(framework: Framework) -> tuple[Node, ...]:
    """The areas and their criteria (normal nodes of depth 0 and 1), in framework order."""
    return tuple(n for n in framework.all_nodes if n.kind == "normal" and n.depth <= 1)


def _rounded(value: Fraction, places: int) -> Decimal:
    return from_quanta(round_half_up(value, places), places)


def node_statistics(
    framework: Framework, node: Node, units: Iterable[UnitNodes]
) -> NodeStatistics | None:
    """``node``'s statistics over ``units``; None when it has nothing to earn for any of them."""
    places = framework.places
    points: list[Fraction] = []
    maxima: list[Fraction] = []
    for unit in units:
        figures = unit.nodes.get(node.code)
        if figures is None or figures.max <= 0:
            continue
        points.append(Fraction(figures.points))
        maxima.append(Fraction(figures.max))
    if not points:
        return None
    n = len(points)
    ratios = [p * 100 / m for p, m in zip(points, maxima, strict=True)]
    return NodeStatistics(
        node=node,
        units=n,
        max_low=_rounded(min(maxima), places),
        max_high=_rounded(max(maxima), places),
        points=Spread(
            _rounded(sum(points, Fraction(0)) / n, places),
            _rounded(min(points), places),
            _rounded(max(points), places),
        ),
        index=Spread(
            _rounded(sum(ratios, Fraction(0)) / n, places),
            _rounded(min(ratios), places),
            _rounded(max(ratios), places),
        ),
        full_marks=sum(1 for p, m in zip(points, maxima, strict=True) if p >= m),
    )


def scope_statistics(
    framework: Framework, units: Sequence[UnitNodes], *, group: str | None = None
) -> ScopeStatistics:
    """Every described node's statistics over ``units`` (a node no unit can earn is left out)."""
    found = (node_statistics(framework, node, units) for node in described_nodes(framework))
    return ScopeStatistics(group, len(units), tuple(s for s in found if s is not None))


def cycle_statistics(
    framework: Framework, units: Sequence[UnitNodes]
) -> tuple[ScopeStatistics, ...]:
    """One scope per ranking group, in the order the groups are first listed, then every unit
    together; with a single group (or none) that group is every unit, and is given once, as
    the group. A unit without a group is in the group ``""``, as ranked."""
    groups: dict[str, list[UnitNodes]] = {}
    for unit in units:
        groups.setdefault(unit.unit.group or "", []).append(unit)
    scopes = [scope_statistics(framework, members, group=name) for name, members in groups.items()]
    if len(groups) > 1:
        scopes.append(scope_statistics(framework, units))
    return tuple(scopes)


__all__ = [
    "NodeStatistics",
    "ScopeStatistics",
    "Spread",
    "cycle_statistics",
    "described_nodes",
    "node_statistics",
    "scope_statistics",
]
