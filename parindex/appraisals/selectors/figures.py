"""One leaf of one unit as every appraisal page shows it: declared, appraised and final
figures (points always scored by the core), its status, and the unit's sent replies."""

from __future__ import annotations

from dataclasses import dataclass, field

from parindex.appraisals.leaves import Points, appraised_figure, in_force
from parindex.appraisals.models import AppraisalRound, Decision, LeafAppraisal, LeafReply
from parindex.assessments.models import Assessment
from parindex.core import LeafScore, Node
from parindex.evidence.models import Evidence

STATUSES = ("untouched", "accepted", "adjusted", "flagged", "disputed", "settled")


def leaf_status(la: LeafAppraisal | None, reply: LeafReply | None) -> str:
    """untouched, accepted, adjusted, flagged, disputed (the unit disagreed and nothing is
    settled yet) or settled. ``reply`` is the unit's latest sent reply."""
    if la is None:
        return "untouched"
    if la.outcome:
        return "settled"
    if la.decision == Decision.ACCEPTED:
        return "accepted"
    if reply is not None and not reply.agrees:
        return "disputed"
    return str(la.decision)


def leaf_dom_id(unit_code: str, leaf_code: str) -> str:
    """The id of a leaf's block on the pages, the anchor a redirect returns to."""
    return f"leaf-{unit_code}-{leaf_code}".replace(".", "-")


@dataclass
class LeafFigures:
    """One leaf of one unit: declared, appraised and final, with status and evidence."""

    assessment: Assessment
    leaf: Node
    area: str
    declared: str
    self_points: str
    self_score: LeafScore | None
    appraisal: LeafAppraisal | None
    status: str
    appraised_points: str
    final_points: str
    evidence: list[Evidence] = field(default_factory=list)
    reply: LeafReply | None = None
    supplementary: list[Evidence] = field(default_factory=list)

    @property
    def version(self) -> int:
        return self.appraisal.version if self.appraisal else 0

    @property
    def dom_id(self) -> str:
        return leaf_dom_id(self.assessment.unit.code, self.leaf.code)

    @property
    def changed(self) -> bool:
        return self.final_points != self.self_points


def leaf_figures(
    points: Points,
    assessment: Assessment,
    leaf: Node,
    area: str,
    declared: str,
    la: LeafAppraisal | None,
    reply: LeafReply | None,
) -> LeafFigures:
    score = points.score(leaf, declared)
    self_points = points.text(leaf, declared)
    appraised_points, final_points = "", self_points
    if la is not None:
        appraised_points = points.text(leaf, *appraised_figure(la, declared))
        value, set_points = in_force(la)
        if value is not None or set_points is not None:
            final_points = points.text(leaf, value or "", set_points)
    return LeafFigures(
        assessment=assessment,
        leaf=leaf,
        area=area,
        declared=declared,
        self_points=self_points,
        self_score=score,
        appraisal=la,
        status=leaf_status(la, reply),
        appraised_points=appraised_points,
        final_points=final_points,
        reply=reply,
    )


def sent_replies(assessment_ids: list[int]) -> dict[tuple[int, str], LeafReply]:
    """The latest reply per leaf that the unit has sent (its round has a reply time)."""
    sent_rounds = set(
        AppraisalRound.objects.filter(
            assessment_id__in=assessment_ids, replied_at__isnull=False
        ).values_list("assessment_id", "number")
    )
    found: dict[tuple[int, str], LeafReply] = {}
    for reply in LeafReply.objects.filter(assessment_id__in=assessment_ids).order_by("round"):
        if (reply.assessment_id, reply.round) in sent_rounds:
            found[(reply.assessment_id, reply.leaf_code)] = reply
    return found
