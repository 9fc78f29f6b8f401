"""Where the points were lost (*điểm bị mất*): nodes ranked by points lost, for a Pareto view.

A node's points lost for a set of units is Σ (max − points) over the units the node applies to,
from the figures the core computed (``CycleResult``, or stored per-unit node figures turned back
into core values). Only normal nodes count: a bonus is claimed, not owed, and a penalty is a
deduction the unit can only avoid, not a maximum it falls short of.

Nothing here scores anything: the figures are the ones ``compute`` gave.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import Literal

from .compute import CycleResult, NodeResult, UnitInfo
from .errors import InputError
from .framework import Framework, Node
from .messages import msg
from .numbers import from_quanta, round_half_up

Level = Literal["leaf", "criterion", "area"]
LEVELS: tuple[Level, ...] = ("leaf", "criterion", "area")


@dataclass(frozen=True)
class UnitNodes:
    """A unit's computed figures per node (only the nodes that apply to it)."""

    unit: UnitInfo
    nodes: Mapping[str, NodeResult]


@dataclass(frozen=True)
class UnitLoss:
    """What one unit lost on one node."""

    unit: UnitInfo
    points: Decimal
    max: Decimal

    @property
    def lost(self) -> Decimal:
        return self.max - self.points


@dataclass(frozen=True)
class NodeLoss:
    """A node's points lost, summed over the units in scope, and who lost them.

    ``share`` and ``cumulative`` are percentages of all points lost at the level, each rounded
    half-up to 0.01 from the exact ratio (the cumulative one from the exact running sum).
    """

    node: Node
    points: Decimal
    max: Decimal
    share: Decimal
    cumulative: Decimal
    units: tuple[UnitLoss, ...]

    @property
    def lost(self) -> Decimal:
        return self.max - self.points

    @property
    def code(self) -> str:
        return self.node.code


def unit_nodes(result: CycleResult) -> tuple[UnitNodes, ...]:
    """The per-unit node figures of a computation, in listing order."""
    return tuple(UnitNodes(u.unit, u.nodes) for u in result.units)


def in_scope(
    units: Iterable[UnitNodes], *, unit_type: str | None = None, unit_code: str | None = None
) -> tuple[UnitNodes, ...]:
    """The units of a scope: all of them, those of one type, or one unit."""
    return tuple(
        u
        for u in units
        if (unit_type is None or u.unit.type == unit_type)
        and (unit_code is None or u.unit.code == unit_code)
    )


def level_nodes(framework: Framework, level: Level) -> tuple[Node, ...]:
    """The normal nodes of a level: leaves, criteria (the areas' children) or areas."""
    if level == "leaf":
        return tuple(n for n in framework.leaves if n.kind == "normal")
    if level == "area":
        return tuple(n for n in framework.nodes if n.kind == "normal")
    if level == "criterion":
        return tuple(n for n in framework.all_nodes if n.kind == "normal" and n.depth == 1)
    raise InputError(msg("analysis.level", levels=LEVELS), value=str(level))


def _percent(part: Decimal, whole: Decimal) -> Decimal:
    return from_quanta(round_half_up(Fraction(part) * 100 / Fraction(whole), 2), 2)


def points_lost(
    framework: Framework, units: Sequence[UnitNodes], *, level: Level = "leaf"
) -> tuple[NodeLoss, ...]:
    """The nodes of ``level`` where the units lost points, most lost first.

    Equal losses keep framework order. Nodes where nothing was lost are left out. Each node
    lists the units that lost points on it, most first (then by unit code).
    """
    found: list[tuple[Decimal, int, Node, Decimal, Decimal, tuple[UnitLoss, ...]]] = []
    for order, node in enumerate(level_nodes(framework, level)):
        points = Decimal(0)
        maximum = Decimal(0)
        losing: list[UnitLoss] = []
        for u in units:
            figures = u.nodes.get(node.code)
            if figures is None:
                continue
            points += figures.points
            maximum += figures.max
            if figures.max > figures.points:
                losing.append(UnitLoss(u.unit, figures.points, figures.max))
        lost = maximum - points
        if lost > 0:
            losing.sort(key=lambda loss: (-loss.lost, loss.unit.code))
            found.append((lost, order, node, points, maximum, tuple(losing)))
    found.sort(key=lambda item: (-item[0], item[1]))
    total = sum((item[0] for item in found), Decimal(0))
    ranked: list[NodeLoss] = []
    running = Decimal(0)
    for lost, _, node, points, maximum, losers in found:
        running += lost
        ranked.append(
            NodeLoss(
                node=node,
                points=points,
                max=maximum,
                share=_percent(lost, total),
                cumulative=_percent(running, total),
                units=losers,
            )
        )
    return tuple(ranked)


__all__ = [
    "LEVELS",
    "Level",
    "NodeLoss",
    "UnitLoss",
    "UnitNodes",
    "in_scope",
    "level_nodes",
    "points_lost",
    "unit_nodes",
]
