"""One unit's appraisal: its page (every leaf's figures side by side, the comments of each
round, the unit's draft replies, its totals); the appraisers' points on its scorecard and what
was said about each leaf, for its scoring table."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from parindex.appraisals.leaves import Points, appraisable, appraised_figure, area_of
from parindex.appraisals.models import (
    AppraisalComment,
    AppraisalRound,
    CommentKind,
    LeafAppraisal,
    LeafReply,
    ReplyEvidence,
)
from parindex.assessments.models import AnswerEvidence, Assessment
from parindex.core import Framework, Node
from parindex.evidence.models import Evidence
from parindex.frameworks.selectors import core_framework
from parindex.results.models import Answer, Basis, UnitResult

from .figures import LeafFigures, leaf_figures, sent_replies


@dataclass
class RoundComments:
    number: int
    comments: list[AppraisalComment]


@dataclass
class UnitRow:
    figures: LeafFigures
    rounds: list[RoundComments]
    draft: LeafReply | None  # the unit's reply in the open round (a draft until sent)
    draft_evidence: list[ReplyEvidence]


@dataclass
class UnitAppraisal:
    framework: Framework
    areas: list[tuple[Node, list[UnitRow]]]
    totals: dict[str, Decimal | None]
    open_count: int

    @property
    def rows(self) -> list[UnitRow]:
        return [row for _, rows in self.areas for row in rows]


def unit_appraisal(assessment: Assessment, *, show_appraisal: bool) -> UnitAppraisal:
    """Every appraisable leaf of the unit with its self, appraised and final points side by
    side (the appraisal only when ``show_appraisal``), its comments per round and the unit's
    reply in the open round."""
    fw = core_framework(assessment.cycle.framework_version)
    areas_of = area_of(fw)
    declared = dict(
        Answer.objects.filter(cycle_id=assessment.cycle_id, unit_id=assessment.unit_id).values_list(
            "leaf_code", "value"
        )
    )
    appraisals = (
        {la.leaf_code: la for la in LeafAppraisal.objects.filter(assessment=assessment)}
        if show_appraisal
        else {}
    )
    rounds = list(AppraisalRound.objects.filter(assessment=assessment).order_by("number"))
    current = rounds[-1] if rounds else None
    replies = sent_replies([assessment.pk]) if show_appraisal else {}
    drafts = {}
    draft_links: dict[int, list[ReplyEvidence]] = defaultdict(list)
    if show_appraisal and current is not None:
        drafts = {
            r.leaf_code: r
            for r in LeafReply.objects.filter(assessment=assessment, round=current.number)
        }
        for link in ReplyEvidence.objects.filter(reply__in=drafts.values()).select_related(
            "evidence"
        ):
            draft_links[link.reply_id].append(link)
    comments: dict[str, dict[int, list[AppraisalComment]]] = defaultdict(lambda: defaultdict(list))
    if show_appraisal:
        for comment in AppraisalComment.objects.filter(assessment=assessment).select_related(
            "author"
        ):
            comments[comment.leaf_code][comment.round].append(comment)
    supplementary: dict[str, list[Evidence]] = defaultdict(list)
    if show_appraisal:
        for link in ReplyEvidence.objects.filter(
            reply__assessment=assessment,
            reply__round__in=[r.number for r in rounds if r.replied_at],
        ).select_related("evidence", "reply"):
            supplementary[link.reply.leaf_code].append(link.evidence)
    evidence: dict[str, list[Evidence]] = defaultdict(list)
    for answer_link in AnswerEvidence.objects.filter(assessment=assessment).select_related(
        "evidence"
    ):
        evidence[answer_link.leaf_code].append(answer_link.evidence)
    points = Points(fw)
    blocks: dict[str, list[UnitRow]] = defaultdict(list)
    open_count = 0
    for leaf in appraisable(fw, assessment.unit.type):
        la = appraisals.get(leaf.code)
        row = leaf_figures(
            points,
            assessment,
            leaf,
            areas_of[leaf.code],
            declared.get(leaf.code, ""),
            la,
            replies.get((assessment.pk, leaf.code)),
        )
        row.evidence = evidence.get(leaf.code, [])
        row.supplementary = supplementary.get(leaf.code, [])
        if la is not None and la.needs_reply:
            open_count += 1
        draft = drafts.get(leaf.code)
        blocks[row.area].append(
            UnitRow(
                figures=row,
                rounds=[
                    RoundComments(number, items)
                    for number, items in sorted(comments[leaf.code].items())
                ],
                draft=draft,
                draft_evidence=draft_links.get(draft.pk, []) if draft else [],
            )
        )
    return UnitAppraisal(
        framework=fw,
        areas=[(node, blocks[node.code]) for node in fw.nodes if blocks.get(node.code)],
        totals=_unit_totals(assessment, show_appraisal),
        open_count=open_count,
    )


def _unit_totals(assessment: Assessment, show_final: bool) -> dict[str, Decimal | None]:
    """The unit's stored totals on each basis (final only when the unit may see it)."""
    found: dict[str, Decimal | None] = {}
    for basis, points, index in UnitResult.objects.filter(
        cycle_id=assessment.cycle_id, unit_id=assessment.unit_id
    ).values_list("basis", "points", "index"):
        if basis == Basis.FINAL and not show_final:
            continue
        found[f"{basis}_points"] = points
        found[f"{basis}_index"] = index
    return found


def appraised_points(result: UnitResult) -> dict[str, str]:
    """Leaf code → the appraisers' points (before explanation) for a unit's scorecard; empty
    when the unit was not appraised."""
    assessment = Assessment.objects.filter(cycle_id=result.cycle_id, unit_id=result.unit_id).first()
    if assessment is None:
        return {}
    fw = core_framework(result.cycle.framework_version)
    declared = dict(
        Answer.objects.filter(cycle_id=result.cycle_id, unit_id=result.unit_id).values_list(
            "leaf_code", "value"
        )
    )
    points = Points(fw)
    found = {}
    for la in LeafAppraisal.objects.filter(assessment=assessment):
        leaf = fw.by_code.get(la.leaf_code)
        if leaf is None:
            continue
        found[la.leaf_code] = points.text(
            leaf, *appraised_figure(la, declared.get(la.leaf_code, ""))
        )
    return found


@dataclass(frozen=True)
class LeafNotes:
    """What was said about one leaf in the explanation rounds, oldest first: the unit's replies
    (*giải trình của đơn vị*) and the appraisers' remarks (*ý kiến thẩm định*: the appraisal,
    a return for another round, the settlement)."""

    unit: tuple[str, ...] = ()
    appraisers: tuple[str, ...] = ()


def leaf_notes(result: UnitResult) -> dict[str, LeafNotes]:
    """Leaf code → what was said about it for a unit's scoring table. Comments are written when
    a round is released to the unit, so they hold nothing the unit has not been shown."""
    said: dict[str, tuple[list[str], list[str]]] = defaultdict(lambda: ([], []))
    for leaf_code, kind, text in (
        AppraisalComment.objects.filter(
            assessment__cycle_id=result.cycle_id, assessment__unit_id=result.unit_id
        )
        .order_by("round", "created_at", "id")
        .values_list("leaf_code", "kind", "text")
    ):
        unit, appraisers = said[leaf_code]
        (unit if kind == CommentKind.REPLY else appraisers).append(text)
    return {
        code: LeafNotes(tuple(unit), tuple(appraisers)) for code, (unit, appraisers) in said.items()
    }
