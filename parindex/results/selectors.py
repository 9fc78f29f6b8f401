"""Reads for results: rankings and scorecards (the change since the previous cycle: ``change``)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import Count, F, Min, Q, QuerySet, Window
from django.db.models.functions import RowNumber
from django.utils.translation import get_language

from parindex.core import Framework, Node
from parindex.core.display import value_label
from parindex.cycles.models import Cycle
from parindex.frameworks.selectors import core_framework

from .change import Change, Comparison
from .explained import leaf_explained
from .models import Basis, UnitResult
from .stored_figures import AreaIndex, area_index_sums


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
    page: Page[Any] | None = None  # the rows shown, when the ranking is paginated

    @property
    def size(self) -> int:
        """How many units the group ranks (on every page)."""
        return len(self.rows) if self.page is None else self.page.paginator.count


# Rows of a group shown at once on the ranking page: a province's groups fit on one page; a
# national index of thousands of communes is read a page at a time.
RANKING_PAGE_ROWS = 100


def areas(fw: Framework) -> list[Node]:
    """Top-level normal nodes: the areas (*lĩnh vực*) shown as index columns."""
    return [n for n in fw.nodes if n.kind == "normal"]


def _decimal(text: str | None) -> Decimal | None:
    return None if text is None else Decimal(text)


def bases_of(cycle: Cycle) -> list[str]:
    """The bases the cycle has stored results on, final first."""
    found = set(
        UnitResult.objects.filter(cycle=cycle).order_by().values_list("basis", flat=True).distinct()
    )
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


def _area_index(code: str) -> str:
    return f"area_index_{code}"


def ranking_page(
    cycle: Cycle,
    *,
    unit_type: str | None = None,
    previous: Cycle | None = None,
    basis: str | None = None,
    group: str | None = None,
    page: str | int | None = None,
    per_page: int | None = None,
) -> tuple[list[RankingGroup], list[str], str]:
    """As :func:`ranking_on_basis`, each group read a page of ``per_page`` rows (by default
    ``RANKING_PAGE_ROWS``) at a time: page ``page`` of ``group``, the first page of the others.
    Two queries (the groups' sizes on each basis, then every group's page) and a page's worth
    of rows, whatever the number of units: the nodes and leaves stored with each result are not
    read, only the areas' indices, which the database takes out of ``areas``."""
    per_page = per_page or RANKING_PAGE_ROWS
    fw = core_framework(cycle.framework_version)
    area_codes = [a.code for a in areas(fw)]
    results: QuerySet[UnitResult] = UnitResult.objects.filter(cycle=cycle)
    if unit_type:
        results = results.filter(unit__type=unit_type)
    sizes: dict[str, list[tuple[int, str, int]]] = {}
    for found_basis, name, first, size in (
        results.values_list("basis", "group")
        .annotate(first=Min("position"), size=Count("*"))  # "*": an index-only scan
        .order_by()
    ):
        sizes.setdefault(found_basis, []).append((first, name, size))
    stored: list[str] = [b for b in (Basis.FINAL, Basis.SELF) if b in sizes]
    if unit_type and not stored:
        stored = bases_of(cycle)
    basis = _choose(stored, basis)
    paginators: list[tuple[str, Paginator[int], int]] = []
    for _first, name, size in sorted(sizes.get(basis, [])):
        paginator = Paginator(range(size), per_page)
        number = paginator.get_page(page if name == group else 1).number
        paginators.append((name, paginator, number))
    wanted = Q(pk__in=[])
    for name, _paginator, number in paginators:
        wanted |= Q(group=name, row__gt=(number - 1) * per_page, row__lte=number * per_page)
    shown: dict[str, list[UnitResult]] = {}
    if paginators:
        # The rows are numbered on the columns of the group index alone, then read whole.
        numbered = (
            results.filter(basis=basis)
            .annotate(
                row=Window(RowNumber(), partition_by=[F("group")], order_by=F("position").asc())
            )
            .filter(wanted)
            .values("pk")
        )
        for found in (
            UnitResult.objects.filter(pk__in=numbered)
            .select_related("unit")
            .defer("nodes", "leaves", "missing", "areas")
            .annotate(**{_area_index(code): AreaIndex(code) for code in area_codes})
            .order_by("position")
        ):
            shown.setdefault(found.group, []).append(found)
    unit_ids = [r.unit_id for rows in shown.values() for r in rows]
    comparison = None
    if previous is not None and unit_ids:
        comparison = Comparison(cycle, previous, basis=basis, unit_ids=unit_ids)
    groups: list[RankingGroup] = []
    for name, paginator, number in paginators:
        ranking_group = RankingGroup(name, page=Page(shown.get(name, []), number, paginator))
        for result in shown.get(name, []):
            row = RankingRow(
                result,
                [_decimal(getattr(result, _area_index(code))) for code in area_codes],
            )
            if comparison is not None:
                row.change = comparison.change(result)
            ranking_group.rows.append(row)
        groups.append(ranking_group)
    return groups, stored, basis


@dataclass
class ScorecardLine:
    node: Node
    points: str | None
    max: str | None
    index: str | None
    leaf: dict[str, str | None] | None
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
        record = result.leaves.get(node.code)
        lines.append(
            ScorecardLine(
                node=node,
                points=figures["points"],
                max=figures["max"],
                index=figures["index"],
                leaf=None if record is None else leaf_explained(fw, node.code, record),
                missing=node.code in missing,
                self_points=own["points"] if own else None,
                appraised_points=(appraised or {}).get(node.code),
                value=_shown_value(node, record),
            )
        )
    return lines


def _shown_value(node: Node, leaf: Mapping[str, str | None] | None) -> str:
    value = leaf.get("value") if leaf else None
    if value is None:
        return ""
    return value_label(node, value, get_language() or "vi")


def group_area_means(result: UnitResult, area_codes: list[str]) -> list[Decimal | None]:
    """Mean area index of the unit's ranking group, for the profile chart (display only). One
    query, summed by the database out of each result's ``areas``: the group's nodes are not
    read."""
    places = core_framework(result.cycle.framework_version).places
    found = UnitResult.objects.filter(
        cycle=result.cycle, group=result.group, basis=result.basis
    ).aggregate(**area_index_sums(area_codes))
    means: list[Decimal | None] = []
    for i in range(len(area_codes)):
        total, count = found[f"sum_{i}"], found[f"n_{i}"]
        mean = Decimal(total).scaleb(-places) / count if count else None
        means.append(None if mean is None else mean.quantize(Decimal("0.01")))
    return means
