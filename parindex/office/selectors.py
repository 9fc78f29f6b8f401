"""Reads for the PAR administrator's cycle pages: the cycles (cancelled ones on request), last
year's cycle and what copying it brings (units followed through the register's successions,
appraiser assignments, the calendar a year later)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, QuerySet
from django.utils import timezone

from parindex.appraisals.models import AppraiserAssignment
from parindex.assessments.models import Stage, StageWindow
from parindex.cycles.models import Cycle
from parindex.frameworks.models import FrameworkVersion
from parindex.units.models import Unit
from parindex.units.selectors import Followed, follow_successions

Windows = dict[str, tuple[datetime.datetime, datetime.datetime]]


def cycles_for_admin(*, cancelled: bool = False) -> QuerySet[Cycle]:
    """The live cycles, newest first, or only the cancelled ones (the admin's filter)."""
    rows = (
        Cycle.all_objects.filter(state=Cycle.State.CANCELLED) if cancelled else Cycle.objects.all()
    )
    return (
        rows.select_related("framework_version")
        .annotate(unit_count=Count("units", distinct=True))
        .order_by("-year", "title")
    )


def last_year_cycle(year: int) -> Cycle | None:
    """The (most recent) live cycle of the year before ``year``."""
    return (
        Cycle.objects.filter(year=year - 1)
        .select_related("framework_version")
        .order_by("-pk")
        .first()
    )


def default_version() -> FrameworkVersion | None:
    """The framework version the wizard proposes: the newest imported version of the framework
    the latest cycle runs on (a framework imported for another purpose, such as the national
    index of the provinces, is not proposed for the province's own cycle), else the newest
    imported."""
    versions = FrameworkVersion.objects.order_by("-imported_at", "-pk")
    last = Cycle.objects.select_related("framework_version").order_by("-year", "-pk").first()
    if last is not None:
        same = versions.filter(code=last.framework_version.code).first()
        if same is not None:
            return same
    return versions.first()


def cycle_windows(cycle: Cycle) -> Windows:
    return {
        w.stage: (w.opens_at, w.closes_at)
        for w in StageWindow.objects.filter(cycle=cycle).order_by("opens_at")
    }


def year_later(moment: datetime.datetime, years: int = 1) -> datetime.datetime:
    """The same local time ``years`` later (29 February becomes 28 February)."""
    local = timezone.localtime(moment)
    try:
        return local.replace(year=local.year + years)
    except ValueError:
        return local.replace(year=local.year + years, day=28)


def shifted_windows(cycle: Cycle, years: int = 1) -> Windows:
    """The cycle's calendar moved ``years`` later, stage by stage."""
    return {
        stage: (year_later(opens, years), year_later(closes, years))
        for stage, (opens, closes) in cycle_windows(cycle).items()
    }


def self_assessment_opens(cycle: Cycle) -> datetime.datetime | None:
    window = StageWindow.objects.filter(cycle=cycle, stage=Stage.SELF_ASSESSMENT).first()
    return window.opens_at if window is not None else None


def self_assessment_started(cycle: Cycle, now: datetime.datetime | None = None) -> bool:
    """Has the cycle's self-assessment opened (its window's opening time passed)?"""
    opens = self_assessment_opens(cycle)
    return opens is not None and opens <= (now or timezone.now())


@dataclass
class Copy:
    """What copying ``source`` into a new cycle brings."""

    source: Cycle
    followed: Followed
    windows: Windows
    assignments: list[AppraiserAssignment] = field(default_factory=list)

    @property
    def unit_codes(self) -> set[str]:
        return {u.code for u in self.followed.units}


def copy_of(source: Cycle, *, day: datetime.date, years: int = 1) -> Copy:
    """Last year's cycle as the start of a new one: its units as they stand on ``day`` (a
    merged unit's successor instead of its predecessors), its appraiser assignments, its
    calendar ``years`` later."""
    units = list(source.units.order_by("code"))
    assignments = list(
        AppraiserAssignment.objects.filter(cycle=source)
        .select_related("user")
        .order_by("area_code", "user__username")
    )
    return Copy(
        source=source,
        followed=follow_successions(units, day),
        windows=shifted_windows(source, years),
        assignments=assignments,
    )


def units_in_scope(cycle: Cycle) -> list[Unit]:
    return list(cycle.units.order_by("type", "code"))
