"""Reads for plans: the dashboard's counts, the timeline, and the stored results of a cycle turned
back into core values for the points-lost analysis."""

from __future__ import annotations

import datetime
from collections import Counter
from dataclasses import dataclass, field

from django.db.models import Prefetch, QuerySet

from parindex.core.analysis import UnitNodes
from parindex.cycles.models import Cycle
from parindex.evidence.models import Evidence
from parindex.frameworks.selectors import core_framework
from parindex.results.models import Basis
from parindex.results.statistics import stored_unit_nodes
from parindex.shared.language import lang
from parindex.units.models import Unit

from .models import Plan, PlanTarget, ProgressReport, Task

STATUS_ORDER = [s.value for s in Task.Status]


def tasks_for_listing(tasks: QuerySet[Task]) -> list[Task]:
    """Tasks with their content, lead, coordinating agencies and latest report, in one go."""
    return list(
        tasks.select_related("area", "lead_agency").prefetch_related(
            "coordinating_agencies",
            Prefetch("reports", queryset=ProgressReport.objects.order_by("-reported_on", "-pk")),
        )
    )


def latest_percent(task: Task) -> int | None:
    reports = list(task.reports.all())
    return reports[0].percent if reports else None


@dataclass
class StatusCounts:
    """Tasks of one content or lead agency counted by status, and how many are overdue."""

    label: str
    counts: Counter[str] = field(default_factory=Counter)
    overdue: int = 0

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def cells(self) -> list[int]:
        return [self.counts.get(s, 0) for s in STATUS_ORDER]


@dataclass
class Dashboard:
    tasks: list[Task]
    overdue: list[Task]
    by_area: list[StatusCounts]
    by_lead: list[StatusCounts]
    totals: StatusCounts


def dashboard(plan: Plan, tasks: list[Task], today: datetime.date) -> Dashboard:
    """Counts by status per content and per lead agency; overdue tasks first in the list."""
    by_area: dict[int, StatusCounts] = {
        a.pk: StatusCounts(str(a)) for a in plan.areas.order_by("position")
    }
    by_lead: dict[int, StatusCounts] = {}
    totals = StatusCounts("")
    for task in tasks:
        overdue = task.is_overdue_on(today)
        for bucket in (
            by_area.setdefault(task.area_id, StatusCounts(str(task.area))),
            by_lead.setdefault(task.lead_agency_id, StatusCounts(task.lead_agency.name)),
            totals,
        ):
            bucket.counts[task.status] += 1
            bucket.overdue += overdue
    ordered = sorted(
        tasks, key=lambda t: (not t.is_overdue_on(today), t.deadline, t.area.position, t.pk)
    )
    return Dashboard(
        tasks=ordered,
        overdue=[t for t in ordered if t.is_overdue_on(today)],
        by_area=list(by_area.values()),
        by_lead=sorted(by_lead.values(), key=lambda c: c.label),
        totals=totals,
    )


@dataclass(frozen=True)
class TargetRow:
    target: PlanTarget
    band_label: str  # an internal target's band named as its framework names it, e.g. "Khá"


@dataclass(frozen=True)
class TargetGroup:
    scope: str
    label: str
    rows: list[TargetRow]


def targets_by_scope(plan: Plan) -> list[TargetGroup]:
    """The plan's targets by year, the province's national ones first, then the units' internal
    ones; only the scopes that have a target."""
    targets = list(plan.targets.order_by("year"))
    internal_labels: dict[str, str] = {}
    if any(t.scope == PlanTarget.Scope.INTERNAL for t in targets):
        version = plan.framework_version
        if version is not None:
            language = lang()
            internal_labels = {b.code: b.label(language) for b in core_framework(version).bands}
    groups: list[TargetGroup] = []
    for scope in (PlanTarget.Scope.NATIONAL, PlanTarget.Scope.INTERNAL):
        labels = internal_labels if scope == PlanTarget.Scope.INTERNAL else {}
        rows = [TargetRow(t, labels.get(t.band, t.band)) for t in targets if t.scope == scope]
        if rows:
            groups.append(TargetGroup(scope.value, str(scope.label), rows))
    return groups


def report_evidence(reports: list[ProgressReport]) -> dict[int, list[Evidence]]:
    """Evidence of each report, read in one query."""
    from .models import ProgressEvidence

    linked: dict[int, list[Evidence]] = {r.pk: [] for r in reports}
    links = ProgressEvidence.objects.filter(report__in=reports).select_related(
        "evidence", "evidence__stored_file"
    )
    for link in links.order_by("pk"):
        linked[link.report_id].append(link.evidence)
    return linked


def plan_cycles(plan: Plan, visible: QuerySet[Cycle]) -> QuerySet[Cycle]:
    """Cycles whose results can feed the plan: on the plan's framework version when it names
    one; newest first."""
    cycles = visible
    if plan.framework_version_id is not None:
        cycles = cycles.filter(framework_version_id=plan.framework_version_id)
    return cycles.order_by("-year")


def cycle_unit_nodes(cycle: Cycle, basis: str = Basis.FINAL) -> tuple[UnitNodes, ...]:
    """The stored per-node figures of a cycle's results on ``basis`` (final: after
    appraisal), as core values."""
    return stored_unit_nodes(cycle, basis)


def cycle_units(cycle: Cycle) -> list[Unit]:
    return list(cycle.units.order_by("code"))
