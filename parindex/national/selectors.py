"""Reads of national results: a province's history with the national figures of each year and
the targets of the plans that aim at it, and the history of the provinces it was formed from."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth.models import AnonymousUser
from django.db.models import F

from parindex.accounts.models import User
from parindex.plans.access import visible_plans
from parindex.plans.models import PlanTarget
from parindex.units.models import Succession, Unit

from .models import NationalResult, NationalYear


@dataclass
class PositionRow:
    year: int
    result: NationalResult | None
    national: NationalYear | None
    targets: list[PlanTarget]

    @property
    def versus_average(self) -> Decimal | None:
        if self.result is None or self.result.index is None:
            return None
        if self.national is None or self.national.average is None:
            return None
        return self.result.index - self.national.average

    @property
    def rank_target_met(self) -> bool | None:
        ranks = [t.rank for t in self.targets if t.rank is not None]
        if not ranks or self.result is None or self.result.rank is None:
            return None
        return self.result.rank <= min(ranks)

    @property
    def band_target_met(self) -> bool | None:
        bands = [t.band for t in self.targets if t.band]
        if not bands or self.result is None or not self.result.band:
            return None
        return self.result.band in bands or self.result.band < min(bands)


def position(unit: Unit, user: User | AnonymousUser) -> list[PositionRow]:
    """One row per year that has a result or a target, oldest first."""
    results = {r.year: r for r in NationalResult.objects.filter(unit=unit)}
    targets: dict[int, list[PlanTarget]] = {}
    plans = visible_plans(user).filter(province=unit)
    for target in PlanTarget.objects.filter(
        plan__in=plans, scope=PlanTarget.Scope.NATIONAL
    ).select_related("plan"):
        targets.setdefault(target.year, []).append(target)
    years = sorted(set(results) | set(targets))
    national = {y.year: y for y in NationalYear.objects.filter(year__in=years)}
    return [PositionRow(y, results.get(y), national.get(y), targets.get(y, [])) for y in years]


@dataclass
class Predecessor:
    """A province this one was formed from (*tỉnh tiền thân*), with its own results by year."""

    unit: Unit
    succession: Succession
    results: dict[int, NationalResult]


@dataclass
class PredecessorRow:
    year: int
    national: NationalYear | None
    results: list[NationalResult | None]  # one per predecessor, in the order of the columns


def predecessors(into: list[Succession]) -> list[Predecessor]:
    """The provinces of ``into`` (the successions that formed a province) with their results,
    by code (the name without its marks: Đồng Tháp, DONG-THAP, before Tiền Giang); one query."""
    units = {s.predecessor_id: s for s in into}
    results: dict[int, dict[int, NationalResult]] = {pk: {} for pk in units}
    for result in NationalResult.objects.filter(unit_id__in=list(units)):
        results[result.unit_id][result.year] = result
    return sorted(
        (Predecessor(s.predecessor, s, results[pk]) for pk, s in units.items()),
        key=lambda p: p.unit.code,
    )


def predecessor_rows(history: list[Predecessor]) -> list[PredecessorRow]:
    """The predecessors side by side: one row per year any of them has a result, oldest
    first, with the national figures of the year; one query."""
    years = sorted({year for p in history for year in p.results})
    national = {y.year: y for y in NationalYear.objects.filter(year__in=years)}
    return [
        PredecessorRow(year, national.get(year), [p.results.get(year) for p in history])
        for year in years
    ]


def successions(unit: Unit) -> tuple[list[Succession], list[Succession]]:
    """What the province became, and what it was made from."""
    out = list(Succession.objects.filter(predecessor=unit).select_related("successor"))
    into = list(Succession.objects.filter(successor=unit).select_related("predecessor"))
    return out, into


def year_table(year: int) -> list[NationalResult]:
    return list(
        NationalResult.objects.filter(year=year)
        .select_related("unit")
        .order_by(F("rank").asc(nulls_last=True), F("index").desc(nulls_last=True), "unit__name")
    )


def sources_of(
    rows: list[PositionRow] | None = None,
    year: int | None = None,
    history: list[PredecessorRow] | None = None,
) -> list[str]:
    """The distinct sources named by the figures shown (a province's rows, a year's table, its
    predecessors' rows), in order of first appearance."""
    texts: list[str] = []
    items: list[NationalResult | NationalYear | None] = []
    for row in rows or []:
        items += [row.national, row.result]
    for past in history or []:
        items += [past.national, *past.results]
    texts += [item.source for item in items if item is not None and item.source]
    if year is not None:
        national = NationalYear.objects.filter(year=year).first()
        if national and national.source:
            texts.append(national.source)
        texts += [r.source for r in NationalResult.objects.filter(year=year) if r.source]
    seen: list[str] = []
    for text in texts:
        for part in text.split(";"):
            part = part.strip().removeprefix("also ")
            if part and part not in seen:
                seen.append(part)
    return seen
