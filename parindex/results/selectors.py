"""Reads for results: rankings and scorecards (the change since the previous cycle: ``change``)."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import get_language

from parindex.core import Framework, Node
from parindex.core.display import value_label
from parindex.cycles.models import Cycle
from parindex.frameworks.selectors import core_framework

from .change import Change, Comparison
from .models import Basis, UnitResult


@dataclass
class RankingRow:
    result: UnitResult
    area_indices: list[Decimal | None]
    change: Change | None = None  # since the baseline cycle, when there is one

    @property
    def index_change(self) -> Decimal | None:
        return None if self.change is None else self.change.index_change


@dataclass
class RankingGroup:
    name: str
    rows: list[RankingRow] = field(default_factory=list)


def areas(fw: Framework) -> list[Node]:
    """Top-level normal nodes: the areas (*lĩnh vực*) shown as index columns."""
    return [n for n in fw.nodes if n.kind == "normal"]


def _decimal(text: str | None) -> Decimal | None:
    return None if text is None else Decimal(text)


def bases_of(cycle: Cycle) -> list[str]:
    """The bases the cycle has stored results on, final first."""
    found = set(UnitResult.objects.filter(cycle=cycle).values_list("basis", flat=True).distinct())
    return [b for b in (Basis.FINAL, Basis.SELF) if b in found]


def preferred_basis(cycle: Cycle, requested: str | None = None) -> str:
    """``requested`` when the cycle has results on it, else final when it has them, else self."""
    return _choose(bases_of(cycle), requested)


def _choose(stored: list[str] | set[str], requested: str | None) -> str:
    if requested in stored:
        return str(requested)
    if Basis.FINAL in stored or not stored:
        return Basis.FINAL
    return Basis.SELF


def cycle_ranking(
    cycle: Cycle,
    *,
    unit_type: str | None = None,
    previous: Cycle | None = None,
    basis: str | None = None,
) -> list[RankingGroup]:
    """The cycle's results on ``basis`` (by default final when stored, else self) grouped as
    ranked, in listing order, with area indices and the change since ``previous`` (the
    baseline cycle, ``change.baseline_cycle``)."""
    return ranking_on_basis(cycle, unit_type=unit_type, previous=previous, basis=basis)[0]


def ranking_on_basis(
    cycle: Cycle,
    *,
    unit_type: str | None = None,
    previous: Cycle | None = None,
    basis: str | None = None,
) -> tuple[list[RankingGroup], list[str], str]:
    """The ranking on ``basis`` (as ``cycle_ranking``), the bases stored (final first) and the
    basis shown. Both bases are read in the same query, so offering the switch costs none; the
    previous cycle is compared on its final basis where it has one (``change.Comparison``)."""
    fw = core_framework(cycle.framework_version)
    area_codes = [a.code for a in areas(fw)]
    rows = UnitResult.objects.filter(cycle=cycle).select_related("unit").order_by("position")
    if unit_type:
        rows = rows.filter(unit__type=unit_type)
    by_basis: dict[str, list[UnitResult]] = {}
    for result in rows:
        by_basis.setdefault(result.basis, []).append(result)
    stored: list[str] = [b for b in (Basis.FINAL, Basis.SELF) if b in by_basis]
    if unit_type and not stored:
        stored = bases_of(cycle)
    basis = _choose(stored, basis)
    results = by_basis.get(basis, [])
    comparison = None
    if previous is not None and results:
        comparison = Comparison(cycle, previous, basis=basis)
    groups: dict[str, RankingGroup] = {}
    for result in results:
        group = groups.setdefault(result.group, RankingGroup(result.group))
        row = RankingRow(
            result,
            [_decimal(result.nodes.get(code, {}).get("index")) for code in area_codes],
        )
        if comparison is not None:
            row.change = comparison.change(result)
        group.rows.append(row)
    return list(groups.values()), stored, basis


@dataclass
class ScorecardLine:
    node: Node
    points: str | None
    max: str | None
    index: str | None
    leaf: dict[str, str] | None
    missing: bool
    self_points: str | None = None  # on the self basis, beside a final result
    appraised_points: str | None = None  # the appraisers' figure of a leaf, before explanation
    value: str = ""  # the declared value as its reader sees it (an option's title, Có, 0,5)


def self_result_of(result: UnitResult) -> UnitResult | None:
    """The self-assessed result beside a final one (None for a self result, or when the cycle
    has no self basis stored)."""
    if result.basis != Basis.FINAL:
        return None
    return UnitResult.objects.filter(
        cycle_id=result.cycle_id, unit_id=result.unit_id, basis=Basis.SELF
    ).first()


def scorecard_lines(
    result: UnitResult,
    *,
    compare: UnitResult | None = None,
    appraised: dict[str, str] | None = None,
) -> list[ScorecardLine]:
    """The node tree of a unit's result, in framework order, nodes that apply only; with
    ``compare`` (the self result) and ``appraised`` (leaf code → appraised points), the self,
    appraised and final points stand side by side."""
    fw = core_framework(result.cycle.framework_version)
    missing = set(result.missing)
    lines = []
    for node in fw.all_nodes:
        figures = result.nodes.get(node.code)
        if figures is None:
            continue
        own = compare.nodes.get(node.code) if compare is not None else None
        lines.append(
            ScorecardLine(
                node=node,
                points=figures["points"],
                max=figures["max"],
                index=figures["index"],
                leaf=result.leaves.get(node.code),
                missing=node.code in missing,
                self_points=own["points"] if own else None,
                appraised_points=(appraised or {}).get(node.code),
                value=_shown_value(node, result.leaves.get(node.code)),
            )
        )
    return lines


def _shown_value(node: Node, leaf: dict[str, str] | None) -> str:
    if not leaf or leaf.get("value") is None:
        return ""
    return value_label(node, leaf["value"], get_language() or "vi")


def group_area_means(result: UnitResult, area_codes: list[str]) -> list[Decimal | None]:
    """Mean area index of the unit's ranking group, for the profile chart (display only)."""
    sums: dict[str, Decimal] = {c: Decimal(0) for c in area_codes}
    counts: dict[str, int] = {c: 0 for c in area_codes}
    for nodes in UnitResult.objects.filter(
        cycle=result.cycle, group=result.group, basis=result.basis
    ).values_list("nodes", flat=True):
        for code in area_codes:
            index = nodes.get(code, {}).get("index")
            if index is not None:
                sums[code] += Decimal(index)
                counts[code] += 1
    return [
        (sums[c] / counts[c]).quantize(Decimal("0.01")) if counts[c] else None for c in area_codes
    ]
