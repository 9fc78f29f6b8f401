"""Reads for results: rankings, scorecards, comparisons with the previous cycle."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import QuerySet

from parindex.core import Framework, Node
from parindex.cycles.models import Cycle
from parindex.frameworks.selectors import core_framework

from .models import UnitResult


@dataclass
class RankingRow:
    result: UnitResult
    area_indices: list[Decimal | None]
    previous_index: Decimal | None = None
    previous_rank: int | None = None

    @property
    def index_change(self) -> Decimal | None:
        if self.result.index is None or self.previous_index is None:
            return None
        return self.result.index - self.previous_index

    @property
    def rank_change(self) -> int | None:
        """Positive when the unit moved up (its rank number fell)."""
        if self.result.rank is None or self.previous_rank is None:
            return None
        return self.previous_rank - self.result.rank


@dataclass
class RankingGroup:
    name: str
    rows: list[RankingRow] = field(default_factory=list)


def previous_cycle(cycle: Cycle, visible: QuerySet[Cycle]) -> Cycle | None:
    """The latest earlier cycle of the same framework that the reader may see."""
    return (
        visible.filter(framework_version__code=cycle.framework_version.code, year__lt=cycle.year)
        .order_by("-year")
        .first()
    )


def areas(fw: Framework) -> list[Node]:
    """Top-level normal nodes: the areas (*lĩnh vực*) shown as index columns."""
    return [n for n in fw.nodes if n.kind == "normal"]


def _decimal(text: str | None) -> Decimal | None:
    return None if text is None else Decimal(text)


def cycle_ranking(
    cycle: Cycle, *, unit_type: str | None = None, previous: Cycle | None = None
) -> list[RankingGroup]:
    """The cycle's results grouped as ranked, in listing order, with area indices and change."""
    fw = core_framework(cycle.framework_version)
    area_codes = [a.code for a in areas(fw)]
    results = UnitResult.objects.filter(cycle=cycle).select_related("unit").order_by("position")
    if unit_type:
        results = results.filter(unit__type=unit_type)
    before: dict[int, tuple[Decimal | None, int | None]] = {}
    if previous is not None:
        before = {
            unit_id: (index, rank)
            for unit_id, index, rank in UnitResult.objects.filter(cycle=previous).values_list(
                "unit_id", "index", "rank"
            )
        }
    groups: dict[str, RankingGroup] = {}
    for result in results:
        group = groups.setdefault(result.group, RankingGroup(result.group))
        row = RankingRow(
            result,
            [_decimal(result.nodes.get(code, {}).get("index")) for code in area_codes],
        )
        if result.unit_id in before:
            row.previous_index, row.previous_rank = before[result.unit_id]
        group.rows.append(row)
    return list(groups.values())


@dataclass
class ScorecardLine:
    node: Node
    points: str | None
    max: str | None
    index: str | None
    leaf: dict[str, str] | None
    missing: bool


def scorecard_lines(result: UnitResult) -> list[ScorecardLine]:
    """The node tree of a unit's result, in framework order, nodes that apply only."""
    fw = core_framework(result.cycle.framework_version)
    missing = set(result.missing)
    lines = []
    for node in fw.all_nodes:
        figures = result.nodes.get(node.code)
        if figures is None:
            continue
        lines.append(
            ScorecardLine(
                node=node,
                points=figures["points"],
                max=figures["max"],
                index=figures["index"],
                leaf=result.leaves.get(node.code),
                missing=node.code in missing,
            )
        )
    return lines


def group_area_means(result: UnitResult, area_codes: list[str]) -> list[Decimal | None]:
    """Mean area index of the unit's ranking group, for the profile chart (display only)."""
    sums: dict[str, Decimal] = {c: Decimal(0) for c in area_codes}
    counts: dict[str, int] = {c: 0 for c in area_codes}
    for nodes in UnitResult.objects.filter(cycle=result.cycle, group=result.group).values_list(
        "nodes", flat=True
    ):
        for code in area_codes:
            index = nodes.get(code, {}).get("index")
            if index is not None:
                sums[code] += Decimal(index)
                counts[code] += 1
    return [
        (sums[c] / counts[c]).quantize(Decimal("0.01")) if counts[c] else None for c in area_codes
    ]
