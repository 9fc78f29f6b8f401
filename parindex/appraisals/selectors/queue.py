"""The appraiser's queue: the leaves of their areas across the units in appraisal, minus the
units where they hold a role."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from parindex.appraisals.leaves import Points, appraisable, area_of
from parindex.appraisals.models import LeafAppraisal
from parindex.assessments.models import AnswerEvidence, Assessment
from parindex.core import Node
from parindex.core.workflow import State
from parindex.cycles.models import Cycle
from parindex.evidence.models import Evidence
from parindex.frameworks.selectors import core_framework
from parindex.results.models import Answer

from .figures import STATUSES, LeafFigures, leaf_figures, sent_replies

QUEUE_STATES = (State.SUBMITTED, State.IN_APPRAISAL, State.REPLIED)
"""Assessments an appraiser works on: submitted, in appraisal, and replied (to settle)."""


@dataclass
class Queue:
    areas: list[Node]
    rows: list[LeafFigures]
    units: list[Assessment]
    excluded: list[str]  # names of the appraiser's own units, left out
    counts: dict[str, int]


def appraiser_queue(
    cycle: Cycle,
    areas: set[str],
    excluded_unit_ids: set[int],
    *,
    unit_code: str = "",
    status: str = "",
    area: str = "",
) -> Queue:
    """The leaves of the appraiser's areas across the units in appraisal, minus the appraiser's
    own units; filtered by unit, status and area."""
    fw = core_framework(cycle.framework_version)
    area_nodes = [n for n in fw.nodes if n.code in areas]
    areas_of = area_of(fw)
    chosen_areas = {area} if area in areas else areas
    base = Assessment.objects.filter(cycle=cycle, state__in=QUEUE_STATES).select_related(
        "unit", "cycle"
    )
    excluded = list(base.filter(unit_id__in=excluded_unit_ids).values_list("unit__name", flat=True))
    assessments = list(base.exclude(unit_id__in=excluded_unit_ids).order_by("unit__code"))
    shown = [a for a in assessments if not unit_code or a.unit.code == unit_code]
    ids = [a.pk for a in shown]
    unit_ids = [a.unit_id for a in shown]
    declared = {
        (unit_id, code): value
        for unit_id, code, value in Answer.objects.filter(
            cycle=cycle, unit_id__in=unit_ids
        ).values_list("unit_id", "leaf_code", "value")
    }
    appraisals = {
        (la.assessment_id, la.leaf_code): la
        for la in LeafAppraisal.objects.filter(assessment_id__in=ids, area_code__in=chosen_areas)
    }
    evidence: dict[tuple[int, str], list[Evidence]] = defaultdict(list)
    for link in AnswerEvidence.objects.filter(assessment_id__in=ids).select_related("evidence"):
        evidence[(link.assessment_id, link.leaf_code)].append(link.evidence)
    replies = sent_replies(ids)
    points = Points(fw)
    rows: list[LeafFigures] = []
    counts = dict.fromkeys(STATUSES, 0)
    for assessment in shown:
        for leaf in appraisable(fw, assessment.unit.type):
            if areas_of[leaf.code] not in chosen_areas:
                continue
            key = (assessment.pk, leaf.code)
            row = leaf_figures(
                points,
                assessment,
                leaf,
                areas_of[leaf.code],
                declared.get((assessment.unit_id, leaf.code), ""),
                appraisals.get(key),
                replies.get(key),
            )
            counts[row.status] += 1
            if status and row.status != status:
                continue
            row.evidence = evidence.get(key, [])
            rows.append(row)
    return Queue(area_nodes, rows, assessments, excluded, counts)
