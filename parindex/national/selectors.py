"""Reads of national results: a province's history with the national figures of each year and
the targets of the plans that aim at it."""

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


def sources_of(rows: list[PositionRow] | None = None, year: int | None = None) -> list[str]:
    """The distinct sources named by the figures shown, in order of first appearance."""
    texts: list[str] = []
    if rows is not None:
        for row in rows:
            for item in (row.national, row.result):
                if item is not None and item.source:
                    texts.append(item.source)
    if year is not None:
        national = NationalYear.objects.filter(year=year).first()
        if national and national.source:
            texts.append(national.source)
        texts += [r.source for r in NationalResult.objects.filter(year=year) if r.source]
    seen: list[str] = []
    for text in texts:
        for part in text.split(";"):
            part = part.strip()
            if part and part not in seen:
                seen.append(part)
    return seen
