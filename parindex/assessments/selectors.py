"""Reads of the self-assessment: the page's leaves grouped by area, progress, the unit's points
computed by the core, last cycle's answers, the calendar and the unit's deadline."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import get_language

from parindex.core import (
    Framework,
    LeafScore,
    Node,
    NodeResult,
    UnitInfo,
    ValueRuleError,
    compute,
    score_leaf,
)
from parindex.core.workflow import State
from parindex.cycles.models import Cycle
from parindex.cycles.selectors import previous_in_family
from parindex.evidence.models import Evidence
from parindex.frameworks.selectors import core_framework
from parindex.results.models import Answer, Basis, UnitResult

from .feeds import fed_marks
from .models import AnswerEvidence, Assessment, FedValue, Stage, StageExtension, StageWindow
from .services import evidence_required
from .stages import effective_close


@dataclass
class Previous:
    """The unit's answer and points for the same leaf code in the previous cycle."""

    year: int
    value: str
    points: str | None


@dataclass
class LeafRow:
    leaf: Node
    position: int  # index in the framework's leaves, for element ids
    rule_text: str
    answer: Answer | None
    score: LeafScore | None
    score_error: str = ""
    links: list[AnswerEvidence] = field(default_factory=list)
    previous: Previous | None = None
    fed: FedValue | None = None  # the value came from another system, unchanged since
    input: Any = None  # the form parts (``forms.LeafInput``), set by the view

    @property
    def value(self) -> str:
        return self.answer.value if self.answer else ""

    @property
    def version(self) -> int:
        return self.answer.version if self.answer else 0

    @property
    def from_survey(self) -> bool:
        return self.leaf.source == "survey"

    @property
    def answered(self) -> bool:
        return bool(self.value)

    @property
    def needs_evidence(self) -> bool:
        return evidence_required(self.leaf, self.value)

    @property
    def evidence_missing(self) -> bool:
        return self.needs_evidence and not self.links

    @property
    def dom_id(self) -> str:
        return f"leaf-{self.position}"


@dataclass
class AreaBlock:
    node: Node
    rows: list[LeafRow]
    points: Decimal | None
    max: Decimal | None


@dataclass
class Progress:
    answered: int
    answerable: int
    evidence_done: int
    evidence_required: int

    @staticmethod
    def _percent(done: int, total: int) -> int:
        return 100 if total == 0 else done * 100 // total

    @property
    def answered_percent(self) -> int:
        return self._percent(self.answered, self.answerable)

    @property
    def evidence_percent(self) -> int:
        return self._percent(self.evidence_done, self.evidence_required)


@dataclass
class Totals:
    points: Decimal
    max: Decimal
    index: Decimal | None


@dataclass
class AssessmentPage:
    framework: Framework
    areas: list[AreaBlock]
    progress: Progress
    missing_evidence: list[LeafRow]
    unanswered: list[LeafRow]
    totals: Totals
    previous_cycle: Cycle | None

    @property
    def rows(self) -> list[LeafRow]:
        return [row for area in self.areas for row in area.rows]

    @property
    def fed(self) -> list[LeafRow]:
        """The leaves whose value another system sent, for the unit to check before it submits."""
        return [row for row in self.rows if row.fed is not None]


def rule_text(leaf: Node, lang: str) -> str:
    return leaf.rule.describe(leaf).get(lang) if leaf.rule else ""


def score_row(fw: Framework, leaf: Node, value: str) -> tuple[LeafScore | None, str]:
    try:
        return score_leaf(fw, leaf, value or None), ""
    except ValueRuleError as exc:
        return None, exc.text(get_language() or "vi")


def previous_answers(
    assessment: Assessment, fw: Framework, codes: list[str]
) -> tuple[Cycle | None, dict[str, Previous]]:
    """The unit's previous-cycle value and points for each leaf code that the previous cycle's
    framework version also has: its stored result when computed, else its answer scored by the
    core on that version."""
    before = previous_in_family(assessment.cycle)
    if before is None:
        return None, {}
    old_fw = core_framework(before.framework_version)
    codes = [c for c in codes if c in old_fw.by_code and old_fw.by_code[c].is_leaf]
    found: dict[str, Previous] = {}
    stored = {
        r.basis: r for r in UnitResult.objects.filter(cycle=before, unit_id=assessment.unit_id)
    }
    # The points that counted (final basis), unless the appraisers' figures of that cycle are
    # still hidden from the unit (in appraisal): then its own self-assessed points.
    state = (
        Assessment.objects.filter(cycle=before, unit_id=assessment.unit_id)
        .values_list("state", flat=True)
        .first()
    )
    result = stored.get(Basis.SELF) if state == State.IN_APPRAISAL else None
    result = result or stored.get(Basis.FINAL) or stored.get(Basis.SELF)
    if result is not None:
        for code in codes:
            leaf = result.leaves.get(code)
            if leaf is not None and leaf.get("value"):
                found[code] = Previous(before.year, leaf["value"], leaf.get("points"))
        return before, found
    answers = Answer.objects.filter(
        cycle=before, unit_id=assessment.unit_id, leaf_code__in=codes
    ).values_list("leaf_code", "value")
    for code, value in answers:
        if value:
            score, _ = score_row(old_fw, old_fw.by_code[code], value)
            found[code] = Previous(before.year, value, str(score.points) if score else None)
    return before, found


def unit_totals(
    assessment: Assessment, fw: Framework, values: dict[str, str]
) -> tuple[Totals, dict[str, NodeResult]]:
    """The unit's self-declared points by the core's ``compute`` (one unit): total and per
    node. Values the rule refuses (none are saved that way; a framework could change) count as
    missing here and are flagged on their leaf."""
    unit = assessment.unit
    valid = {
        code: value
        for code, value in values.items()
        if value and code in fw.by_code and score_row(fw, fw.by_code[code], value)[0] is not None
    }
    result = compute(
        fw, {unit.code: valid}, [UnitInfo(unit.code, unit.name, unit.type, unit.group or None)]
    ).units[0]
    return Totals(result.points, result.max, result.index), result.nodes


def assessment_page(assessment: Assessment, lang: str) -> AssessmentPage:
    """Everything the self-assessment page shows, in framework order (a fixed number of
    queries whatever the number of leaves)."""
    fw = core_framework(assessment.cycle.framework_version)
    unit_type = assessment.unit.type
    answers = {
        a.leaf_code: a
        for a in Answer.objects.filter(
            cycle_id=assessment.cycle_id, unit_id=assessment.unit_id
        ).select_related("updated_by")
    }
    links: dict[str, list[AnswerEvidence]] = {}
    for link in (
        AnswerEvidence.objects.filter(assessment=assessment)
        .select_related("evidence", "evidence__stored_file")
        .order_by("linked_at", "id")
    ):
        links.setdefault(link.leaf_code, []).append(link)
    fed = fed_marks(assessment, answers)
    applicable = [leaf for leaf in fw.leaves if leaf.applies(unit_type)]
    before, previous = previous_answers(assessment, fw, [leaf.code for leaf in applicable])
    positions = {leaf.code: n for n, leaf in enumerate(fw.leaves)}
    totals, nodes = unit_totals(
        assessment, fw, {code: answer.value for code, answer in answers.items()}
    )
    rows_by_area: dict[str, list[LeafRow]] = {}
    area_of: dict[str, Node] = {}
    for top in fw.nodes:
        for node in top.walk():
            area_of[node.code] = top
    for leaf in applicable:
        answer = answers.get(leaf.code)
        score, error = score_row(fw, leaf, answer.value if answer else "")
        row = LeafRow(
            leaf=leaf,
            position=positions[leaf.code],
            rule_text=rule_text(leaf, lang),
            answer=answer,
            score=score,
            score_error=error,
            links=links.get(leaf.code, []),
            previous=previous.get(leaf.code),
            fed=fed.get(leaf.code),
        )
        rows_by_area.setdefault(area_of[leaf.code].code, []).append(row)
    areas = []
    for top in fw.nodes:
        rows = rows_by_area.get(top.code)
        if not rows:
            continue
        figures = nodes.get(top.code)
        areas.append(
            AreaBlock(
                top,
                rows,
                figures.points if figures else None,
                figures.max if figures else None,
            )
        )
    all_rows = [row for area in areas for row in area.rows]
    declared = [row for row in all_rows if not row.from_survey]
    needing = [row for row in declared if row.needs_evidence]
    progress = Progress(
        answered=sum(1 for row in declared if row.answered),
        answerable=len(declared),
        evidence_done=sum(1 for row in needing if row.links),
        evidence_required=len(needing),
    )
    return AssessmentPage(
        framework=fw,
        areas=areas,
        progress=progress,
        missing_evidence=[row for row in needing if not row.links],
        unanswered=[row for row in declared if not row.answered],
        totals=totals,
        previous_cycle=before,
    )


def leaf_row(assessment: Assessment, leaf: Node, lang: str) -> LeafRow:
    """One leaf of the page, for the fragment htmx swaps after a save."""
    fw = core_framework(assessment.cycle.framework_version)
    answer = (
        Answer.objects.filter(
            cycle_id=assessment.cycle_id, unit_id=assessment.unit_id, leaf_code=leaf.code
        )
        .select_related("updated_by")
        .first()
    )
    score, error = score_row(fw, leaf, answer.value if answer else "")
    links = list(
        AnswerEvidence.objects.filter(assessment=assessment, leaf_code=leaf.code)
        .select_related("evidence", "evidence__stored_file")
        .order_by("linked_at", "id")
    )
    _, previous = previous_answers(assessment, fw, [leaf.code])
    fed = fed_marks(assessment, {leaf.code: answer} if answer else {})
    return LeafRow(
        leaf=leaf,
        position=fw.leaves.index(leaf),
        rule_text=rule_text(leaf, lang),
        answer=answer,
        score=score,
        score_error=error,
        links=links,
        previous=previous.get(leaf.code),
        fed=fed.get(leaf.code),
    )


def unit_library(assessment: Assessment) -> QuerySet[Evidence]:
    """The unit's evidence documents, newest first, to attach to leaves."""
    return Evidence.objects.filter(unit_id=assessment.unit_id).order_by("-uploaded_at", "-id")


# -- the calendar ------------------------------------------------------------------------------


def cycle_windows(cycle: Cycle) -> dict[str, StageWindow]:
    return {w.stage: w for w in StageWindow.objects.filter(cycle=cycle)}


@dataclass
class CalendarRow:
    assessment: Assessment
    closes_at: datetime.datetime | None
    extensions: list[StageExtension]


def calendar_rows(cycle: Cycle) -> list[CalendarRow]:
    """Each unit's assessment with its self-assessment close and extensions (three queries)."""
    window = StageWindow.objects.filter(cycle=cycle, stage=Stage.SELF_ASSESSMENT).first()
    by_assessment: dict[int, list[StageExtension]] = {}
    for extension in StageExtension.objects.filter(assessment__cycle=cycle).select_related(
        "created_by"
    ):
        by_assessment.setdefault(extension.assessment_id, []).append(extension)
    rows = []
    for assessment in (
        Assessment.objects.filter(cycle=cycle).select_related("unit", "submitted_by")
    ).order_by("unit__code"):
        extensions = by_assessment.get(assessment.pk, [])
        own = [e for e in extensions if e.stage == Stage.SELF_ASSESSMENT]
        rows.append(CalendarRow(assessment, effective_close(window, own), extensions))
    return rows
