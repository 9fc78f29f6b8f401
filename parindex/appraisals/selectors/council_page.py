"""The council's page: every unit's self-assessed and final totals computed now by the core
(``results.services.cycle_result``), the largest changes per leaf, the leaves still open,
and the cycle's snapshots."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from parindex.appraisals.leaves import appraisable
from parindex.appraisals.models import Decision, LeafAppraisal
from parindex.assessments.models import Assessment
from parindex.core import Framework, Node
from parindex.core.workflow import State
from parindex.cycles.models import Cycle
from parindex.frameworks.selectors import core_framework
from parindex.results.models import Basis, ResultSnapshot
from parindex.results.services import cycle_result

from .figures import leaf_status, sent_replies


@dataclass
class CouncilRow:
    assessment: Assessment | None
    unit_code: str
    unit_name: str
    group: str
    self_points: Decimal
    self_index: Decimal | None
    self_rank: int | None
    final_points: Decimal
    final_index: Decimal | None
    final_rank: int | None

    @property
    def difference(self) -> Decimal:
        return self.final_points - self.self_points


@dataclass
class Adjustment:
    unit_code: str
    unit_name: str
    leaf: Node
    self_points: Decimal
    final_points: Decimal

    @property
    def difference(self) -> Decimal:
        return self.final_points - self.self_points


@dataclass
class OpenLeaf:
    assessment: Assessment
    leaf_code: str
    status: str


@dataclass
class Council:
    framework: Framework
    rows: list[CouncilRow]
    adjustments: list[Adjustment]
    open_leaves: list[OpenLeaf]
    untouched: dict[str, int]
    waiting: list[Assessment]
    snapshots: list[ResultSnapshot]


def council(cycle: Cycle, *, largest: int = 15) -> Council:
    """Every unit's self-assessed and final totals computed now by the core, the largest
    changes per leaf, the leaves still open, and the cycle's snapshots."""
    fw = core_framework(cycle.framework_version)
    own = cycle_result(cycle=cycle, basis=Basis.SELF)
    final = cycle_result(cycle=cycle, basis=Basis.FINAL)
    final_by_code = {u.unit.code: u for u in final.units}
    assessments = {
        a.unit.code: a
        for a in Assessment.objects.filter(cycle=cycle).select_related("unit", "cycle")
    }
    rows: list[CouncilRow] = []
    changes: list[Adjustment] = []
    for unit in own.units:
        after = final_by_code[unit.unit.code]
        rows.append(
            CouncilRow(
                assessment=assessments.get(unit.unit.code),
                unit_code=unit.unit.code,
                unit_name=unit.unit.name or unit.unit.code,
                group=unit.unit.group or "",
                self_points=unit.points,
                self_index=unit.index,
                self_rank=unit.rank,
                final_points=after.points,
                final_index=after.index,
                final_rank=after.rank,
            )
        )
        for code in set(unit.leaves) | set(after.leaves):
            before_score = unit.leaves.get(code)
            after_score = after.leaves.get(code)
            before_points = before_score.points if before_score else Decimal(0)
            after_points = after_score.points if after_score else Decimal(0)
            if before_points != after_points:
                changes.append(
                    Adjustment(
                        unit.unit.code,
                        unit.unit.name or unit.unit.code,
                        fw.by_code[code],
                        before_points,
                        after_points,
                    )
                )
    changes.sort(key=lambda c: (-abs(c.difference), c.unit_code, c.leaf.code))
    ids = [a.pk for a in assessments.values()]
    replies = sent_replies(ids)
    open_leaves = [
        OpenLeaf(
            la.assessment,
            la.leaf_code,
            leaf_status(la, replies.get((la.assessment_id, la.leaf_code))),
        )
        for la in LeafAppraisal.objects.filter(assessment_id__in=ids)
        .exclude(decision=Decision.ACCEPTED)
        .filter(outcome="")
        .select_related("assessment", "assessment__unit")
        .order_by("assessment__unit__code", "leaf_code")
    ]
    done: dict[int, int] = defaultdict(int)
    for assessment_id in LeafAppraisal.objects.filter(assessment_id__in=ids).values_list(
        "assessment_id", flat=True
    ):
        done[assessment_id] += 1
    untouched = {}
    per_type: dict[str | None, int] = {}
    for code, assessment in assessments.items():
        unit_type = assessment.unit.type
        if unit_type not in per_type:
            per_type[unit_type] = len(appraisable(fw, unit_type))
        missing = per_type[unit_type] - done.get(assessment.pk, 0)
        if missing and assessment.state in (State.SUBMITTED, State.IN_APPRAISAL):
            untouched[code] = missing
    waiting = [
        a
        for a in sorted(assessments.values(), key=lambda a: a.unit.code)
        if a.state not in (State.APPRAISED, State.APPROVED, State.PUBLISHED)
    ]
    snapshots = list(
        ResultSnapshot.objects.filter(cycle=cycle).select_related("created_by", "superseded_by")
    )
    return Council(fw, rows, changes[:largest], open_leaves, untouched, waiting, snapshots)
