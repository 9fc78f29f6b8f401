"""Reads for the survey: the core questionnaire of a stored one, the sample plan and coverage,
the aggregated results, the links."""

from __future__ import annotations

import datetime
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache

from django.db.models import Count

from parindex.assessments.models import Stage, StageWindow
from parindex.core import Framework
from parindex.core.survey import Group, load_questionnaire
from parindex.core.survey import Questionnaire as CoreQuestionnaire
from parindex.cycles.models import Cycle
from parindex.frameworks.selectors import core_framework
from parindex.units.models import Unit

from .models import (
    PlanTarget,
    Questionnaire,
    RespondentLink,
    SurveyForm,
    SurveyJob,
    SurveyLeafResult,
)


@lru_cache(maxsize=32)
def _parse(sha256: str, text: str, source: str) -> CoreQuestionnaire:
    return load_questionnaire(text, source)


def core_questionnaire(questionnaire: Questionnaire) -> CoreQuestionnaire:
    """The core's questionnaire for a stored one (parsed once per process per content hash)."""
    return _parse(questionnaire.sha256, questionnaire.source_text, questionnaire.source_name)


def cycle_framework(questionnaire: Questionnaire) -> Framework:
    return core_framework(questionnaire.cycle.framework_version)


def cycle_units(cycle: Cycle) -> list[Unit]:
    return list(cycle.units.order_by("code"))


@dataclass
class CoverageCell:
    group: Group
    received: int
    target: int

    @property
    def below_min(self) -> bool:
        return self.received < self.group.min_n

    @property
    def reached(self) -> bool:
        return self.received >= self.target

    @property
    def percent(self) -> int:
        return 100 if self.target == 0 else min(100, self.received * 100 // self.target)


@dataclass
class CoverageRow:
    unit: Unit
    cells: list[CoverageCell] = field(default_factory=list)

    @property
    def received(self) -> int:
        return sum(c.received for c in self.cells)

    @property
    def target(self) -> int:
        return sum(c.target for c in self.cells)

    @property
    def below_min(self) -> bool:
        return any(c.below_min for c in self.cells)


@dataclass
class Coverage:
    groups: tuple[Group, ...]
    rows: list[CoverageRow]

    @property
    def received(self) -> int:
        return sum(r.received for r in self.rows)

    @property
    def target(self) -> int:
        return sum(r.target for r in self.rows)

    @property
    def below_min(self) -> int:
        return sum(1 for r in self.rows for c in r.cells if c.below_min)

    def by_group(self) -> list[tuple[Group, int, int]]:
        """(group, received, target) over every unit."""
        return [
            (
                g,
                sum(r.cells[i].received for r in self.rows),
                sum(r.cells[i].target for r in self.rows),
            )
            for i, g in enumerate(self.groups)
        ]


def coverage(questionnaire: Questionnaire) -> Coverage:
    """Forms received vs the plan's target, per unit × group: three queries."""
    core = core_questionnaire(questionnaire)
    received = Counter(
        {
            (row["unit_id"], row["group_code"]): row["n"]
            for row in SurveyForm.objects.filter(questionnaire=questionnaire)
            .values("unit_id", "group_code")
            .annotate(n=Count("pk"))
        }
    )
    targets = {
        (unit_id, group): target
        for unit_id, group, target in PlanTarget.objects.filter(
            questionnaire=questionnaire
        ).values_list("unit_id", "group_code", "target")
    }
    rows = []
    for unit in cycle_units(questionnaire.cycle):
        row = CoverageRow(unit)
        for group in core.groups:
            key = (unit.pk, group.code)
            row.cells.append(CoverageCell(group, received[key], targets.get(key, group.min_n)))
        rows.append(row)
    return Coverage(core.groups, rows)


def plan_targets(questionnaire: Questionnaire) -> dict[tuple[int, str], int]:
    return {
        (unit_id, group): target
        for unit_id, group, target in PlanTarget.objects.filter(
            questionnaire=questionnaire
        ).values_list("unit_id", "group_code", "target")
    }


def leaf_results(questionnaire: Questionnaire, unit: Unit | None = None) -> list[SurveyLeafResult]:
    rows = SurveyLeafResult.objects.filter(questionnaire=questionnaire).select_related("unit")
    if unit is not None:
        rows = rows.filter(unit=unit)
    return list(rows.order_by("unit__code", "pk"))


def results_by_unit(questionnaire: Questionnaire) -> list[tuple[Unit, dict[str, SurveyLeafResult]]]:
    """Every unit in scope with its leaf results by leaf code (empty before aggregation)."""
    by_unit: dict[int, dict[str, SurveyLeafResult]] = {}
    for result in SurveyLeafResult.objects.filter(questionnaire=questionnaire):
        by_unit.setdefault(result.unit_id, {})[result.leaf_code] = result
    return [(u, by_unit.get(u.pk, {})) for u in cycle_units(questionnaire.cycle)]


def scorecard_results(
    cycle_id: int, unit_id: int
) -> tuple[Questionnaire | None, dict[str, SurveyLeafResult]]:
    questionnaire = Questionnaire.objects.filter(cycle_id=cycle_id).select_related("cycle").first()
    if questionnaire is None:
        return None, {}
    rows = SurveyLeafResult.objects.filter(questionnaire=questionnaire, unit_id=unit_id)
    return questionnaire, {r.leaf_code: r for r in rows}


def links(
    questionnaire: Questionnaire, unit: Unit | None = None, unused_only: bool = False
) -> list[RespondentLink]:
    rows = RespondentLink.objects.filter(questionnaire=questionnaire).select_related("unit")
    if unit is not None:
        rows = rows.filter(unit=unit)
    if unused_only:
        rows = rows.filter(used_at__isnull=True)
    return list(rows)


def link_counts(questionnaire: Questionnaire) -> dict[tuple[int, str], tuple[int, int]]:
    """(unit id, group) -> (issued, used)."""
    counts: dict[tuple[int, str], tuple[int, int]] = {}
    for row in (
        RespondentLink.objects.filter(questionnaire=questionnaire)
        .values("unit_id", "group_code")
        .annotate(issued=Count("pk"), used=Count("used_at"))
    ):
        counts[(row["unit_id"], row["group_code"])] = (row["issued"], row["used"])
    return counts


def jobs(questionnaire: Questionnaire, kind: str | None = None) -> list[SurveyJob]:
    rows = SurveyJob.objects.filter(questionnaire=questionnaire)
    if kind is not None:
        rows = rows.filter(kind=kind)
    return list(rows[:20])


def form_count(questionnaire: Questionnaire) -> int:
    return SurveyForm.objects.filter(questionnaire=questionnaire).count()


def survey_closed(questionnaire: Questionnaire, now: datetime.datetime) -> bool:
    """Whether the survey has stopped taking answers through respondent links: once the council
    has approved the cycle (its inputs are fixed), once it is published, or once the publication
    stage of its calendar has opened. The cycle is read afresh, not from a cached relation."""
    state, published_at = Cycle.objects.filter(pk=questionnaire.cycle_id).values_list(
        "state", "published_at"
    )[0]
    if state in (Cycle.State.APPROVED, Cycle.State.PUBLISHED) or published_at is not None:
        return True
    return StageWindow.objects.filter(
        cycle_id=questionnaire.cycle_id, stage=Stage.PUBLICATION, opens_at__lte=now
    ).exists()
