"""Reads for the statistics by area: a cycle's stored per-node figures on one basis, turned back
into core values and described by ``parindex.core.statistics`` (the arithmetic lives there)."""

from __future__ import annotations

from decimal import Decimal

from parindex.core import NodeResult, UnitInfo
from parindex.core.analysis import UnitNodes
from parindex.core.statistics import ScopeStatistics, cycle_statistics
from parindex.cycles.models import Cycle
from parindex.frameworks.selectors import core_framework

from .models import Basis, UnitResult
from .selectors import bases_of


def stored_unit_nodes(cycle: Cycle, basis: str = Basis.FINAL) -> tuple[UnitNodes, ...]:
    """The stored per-node figures of a cycle's results on ``basis``, in listing order, as the
    core's values (each unit with its ranking group)."""
    rows = UnitResult.objects.filter(cycle=cycle, basis=basis).order_by("position")
    units = []
    for code, name, kind, group, nodes in rows.values_list(
        "unit__code", "unit__name", "unit__type", "group", "nodes"
    ):
        figures = {
            node: NodeResult(
                node,
                Decimal(f["points"]),
                Decimal(f["max"]),
                None if f.get("index") is None else Decimal(f["index"]),
            )
            for node, f in nodes.items()
        }
        units.append(UnitNodes(UnitInfo(code, name, kind, group or None), figures))
    return tuple(units)


def statistics_on_basis(
    cycle: Cycle, basis: str | None = None
) -> tuple[tuple[ScopeStatistics, ...], list[str], str]:
    """The cycle's statistics by area on ``basis`` (as the ranking: the requested basis when
    stored, else final when stored, else self), the bases stored (final first) and the basis
    described."""
    stored = bases_of(cycle)
    if basis not in stored:
        basis = Basis.FINAL if Basis.FINAL in stored or not stored else Basis.SELF
    if not stored:
        return (), stored, basis
    fw = core_framework(cycle.framework_version)
    return cycle_statistics(fw, stored_unit_nodes(cycle, basis)), stored, basis
