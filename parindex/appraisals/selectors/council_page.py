"""The council's page: every unit's self-assessed and final totals computed now by the core
(``results.services.cycle_result``), the largest changes per leaf, the leaves still open,
and the cycle's snapshots."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count

from parindex.appraisals.leaves import appraisable
from parindex.appraisals.models import Decision, LeafAppraisal
from parindex.assessments.models import Assessment
from parindex.core import Framework, Node
from parindex.core.workflow import State
from parindex.cycles.models import Cycle
from parindex.frameworks.selectors import core_framework
from parindex.results.models import AppraisedValue, Basis, ResultSnapshot, UnitResult
from parindex.results.services import cycle_result
from parindex.results.stored_figures import JSONArrayLength

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
    snapshots: Sequence[ResultSnapshot]  # each with ``units``, how many it holds


def council(cycle: Cycle, *, largest: int = 15) -> Council:
    """Every unit's self-assessed and final totals, the largest changes per leaf, the leaves
    still open, and the cycle's snapshots. The totals are the results stored on both bases
    (every save stores its unit's again, in its transaction; approving computes the cycle again
    before freezing it); a cycle without both stored is computed now by the core. A fixed
    number of queries whatever the number of units, and only the leaves of the units whose
    figures the appraisers changed are read."""
    fw = core_framework(cycle.framework_version)
    assessments = {
        a.unit.code: a
        for a in Assessment.objects.filter(cycle=cycle).select_related("unit", "cycle")
    }
    stored = _stored_totals(cycle)
    if stored is None:
        rows, changes = _computed(cycle, fw, assessments)
    else:
        rows = [own.row(assessments.get(own.code), final) for own, final in stored]
        changes = _stored_changes(cycle, fw)
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
    done = dict(
        LeafAppraisal.objects.filter(assessment_id__in=ids)
        .values_list("assessment_id")
        .annotate(count=Count("pk"))
        .values_list("assessment_id", "count")
        .order_by()
    )
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
        ResultSnapshot.objects.filter(cycle=cycle)
        .defer("results")
        .annotate(units=JSONArrayLength("results"))
        .select_related("created_by", "superseded_by")
    )
    return Council(fw, rows, changes[:largest], open_leaves, untouched, waiting, snapshots)


@dataclass(frozen=True)
class _Totals:
    code: str
    name: str
    group: str
    points: Decimal
    index: Decimal | None
    rank: int | None

    def row(self, assessment: Assessment | None, final: _Totals) -> CouncilRow:
        return CouncilRow(
            assessment=assessment,
            unit_code=self.code,
            unit_name=self.name or self.code,
            group=self.group,
            self_points=self.points,
            self_index=self.index,
            self_rank=self.rank,
            final_points=final.points,
            final_index=final.index,
            final_rank=final.rank,
        )


def _stored_totals(cycle: Cycle) -> list[tuple[_Totals, _Totals]] | None:
    """Each unit's stored totals on the self and the final basis, in the self basis's listing
    order; None unless every unit has both."""
    found: dict[str, dict[int, tuple[int, _Totals]]] = {Basis.SELF: {}, Basis.FINAL: {}}
    for unit_id, code, name, basis, group, points, index, rank, position in (
        UnitResult.objects.filter(cycle=cycle)
        .values_list(
            "unit_id",
            "unit__code",
            "unit__name",
            "basis",
            "group",
            "points",
            "index",
            "rank",
            "position",
        )
        .order_by()
    ):
        found[basis][unit_id] = (position, _Totals(code, name, group, points, index, rank))
    own, final = found[Basis.SELF], found[Basis.FINAL]
    if not own or set(own) != set(final):
        return None
    return [
        (totals, final[unit_id][1])
        for unit_id, (_, totals) in sorted(own.items(), key=lambda item: item[1][0])
    ]


def _stored_changes(cycle: Cycle, fw: Framework) -> list[Adjustment]:
    """The leaves whose points differ between the two stored bases: only a leaf with a value or
    points in force after appraisal can differ, so only those units' leaves are read."""
    appraised = AppraisedValue.objects.filter(cycle=cycle).values("unit_id")
    leaves: dict[int, dict[str, tuple[str, str, dict[str, dict[str, str]]]]] = defaultdict(dict)
    for unit_id, code, name, basis, figures in (
        UnitResult.objects.filter(cycle=cycle, unit_id__in=appraised)
        .values_list("unit_id", "unit__code", "unit__name", "basis", "leaves")
        .order_by()
    ):
        leaves[unit_id][basis] = (code, name, figures)
    changes: list[Adjustment] = []
    for bases in leaves.values():
        if Basis.SELF not in bases or Basis.FINAL not in bases:
            continue
        code, name, before = bases[Basis.SELF]
        after = bases[Basis.FINAL][2]
        for leaf_code in set(before) | set(after):
            before_points = (
                Decimal(before[leaf_code]["points"]) if leaf_code in before else Decimal(0)
            )
            after_points = Decimal(after[leaf_code]["points"]) if leaf_code in after else Decimal(0)
            if before_points != after_points:
                changes.append(
                    Adjustment(
                        code, name or code, fw.by_code[leaf_code], before_points, after_points
                    )
                )
    return changes


def _computed(
    cycle: Cycle, fw: Framework, assessments: dict[str, Assessment]
) -> tuple[list[CouncilRow], list[Adjustment]]:
    """Both bases computed now by the core, for a cycle whose results are not stored on both."""
    own = cycle_result(cycle=cycle, basis=Basis.SELF)
    final = cycle_result(cycle=cycle, basis=Basis.FINAL)
    final_by_code = {u.unit.code: u for u in final.units}
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
    return rows, changes
