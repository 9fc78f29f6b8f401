"""What the confirmation pages count before an irreversible or bulk action: the units a release
sends its appraisal to and their leaves to explain, and what removing an appraiser leaves."""

from __future__ import annotations

from dataclasses import dataclass

from parindex.appraisals.models import AppraiserAssignment, Decision, LeafAppraisal
from parindex.appraisals.services import untouched_leaves
from parindex.assessments.models import Assessment
from parindex.core.workflow import State
from parindex.cycles.models import Cycle


@dataclass(frozen=True)
class ReleaseRow:
    """One unit a release would send its appraisal to."""

    assessment: Assessment
    untouched: int  # leaves not appraised yet: the release is refused while any is
    flagged: int
    adjusted: int

    @property
    def to_explain(self) -> int:
        return self.flagged + self.adjusted


def release_row(assessment: Assessment) -> ReleaseRow:
    decisions = list(
        LeafAppraisal.objects.filter(assessment=assessment).values_list("decision", flat=True)
    )
    return ReleaseRow(
        assessment=assessment,
        untouched=len(untouched_leaves(assessment)),
        flagged=decisions.count(Decision.FLAGGED),
        adjusted=decisions.count(Decision.ADJUSTED),
    )


@dataclass(frozen=True)
class ReleaseAllPreview:
    ready: list[ReleaseRow]  # every leaf appraised: released (or finished) by the action
    waiting: list[ReleaseRow]  # in appraisal with leaves still untouched: left as they are

    @property
    def flagged(self) -> int:
        return sum(r.flagged for r in self.ready)

    @property
    def adjusted(self) -> int:
        return sum(r.adjusted for r in self.ready)

    @property
    def returned(self) -> int:
        """Units that will be asked to explain (the others finish their appraisal)."""
        return sum(1 for r in self.ready if r.to_explain)


def release_all_preview(cycle: Cycle) -> ReleaseAllPreview:
    rows = [
        release_row(a)
        for a in Assessment.objects.filter(cycle=cycle, state=State.IN_APPRAISAL)
        .select_related("cycle", "cycle__framework_version", "unit")
        .order_by("unit__code")
    ]
    return ReleaseAllPreview(
        ready=[r for r in rows if not r.untouched], waiting=[r for r in rows if r.untouched]
    )


@dataclass(frozen=True)
class UnassignPreview:
    assignment: AppraiserAssignment
    decisions: int  # leaf decisions the person made in this area: they stay, with their name
    others: int  # other appraisers of the same area in the cycle


def unassign_preview(assignment: AppraiserAssignment) -> UnassignPreview:
    return UnassignPreview(
        assignment=assignment,
        decisions=LeafAppraisal.objects.filter(
            assessment__cycle_id=assignment.cycle_id,
            area_code=assignment.area_code,
            appraised_by=assignment.user,
        ).count(),
        others=AppraiserAssignment.objects.filter(
            cycle_id=assignment.cycle_id, area_code=assignment.area_code
        )
        .exclude(pk=assignment.pk)
        .count(),
    )
