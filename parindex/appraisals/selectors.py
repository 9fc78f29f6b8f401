"""Reads of the appraisal: the appraiser's queue, a unit's appraisal page, the administrator's
tracking board and the council's page. Every figure of points comes from the core (``Scorer``
for one leaf, ``results.services.cycle_result`` for a whole cycle)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Q, QuerySet

from parindex.accounts.models import Role, RoleAssignment, User
from parindex.assessments.models import AnswerEvidence, Assessment
from parindex.core import Framework, LeafScore, Node
from parindex.core.workflow import State
from parindex.cycles.models import Cycle
from parindex.evidence.models import Evidence
from parindex.frameworks.selectors import core_framework
from parindex.results.models import Answer, Basis, ResultSnapshot, UnitResult
from parindex.results.services import cycle_result

from .leaves import Points, appraisable, appraised_figure, area_of, in_force
from .models import (
    AppraisalComment,
    AppraisalRound,
    AppraiserAssignment,
    Decision,
    LeafAppraisal,
    LeafReply,
    Outcome,
    ReplyEvidence,
)

QUEUE_STATES = (State.SUBMITTED, State.IN_APPRAISAL, State.REPLIED)
"""Assessments an appraiser works on: submitted, in appraisal, and replied (to settle)."""

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
    appraised_value: str
    appraised_points: str
    final_value: str
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


def figures(
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
    appraised_value = appraised_points = ""
    if la is not None:
        appraised_value, set_points = appraised_figure(la, declared)
        appraised_points = points.text(leaf, appraised_value, set_points)
    final_value, final_points = declared, self_points
    if la is not None:
        value, set_points = in_force(la)
        if value is not None or set_points is not None:
            final_value = value or ""
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
        appraised_value=appraised_value,
        appraised_points=appraised_points,
        final_value=final_value,
        final_points=final_points,
        reply=reply,
    )


# -- the appraiser's queue ---------------------------------------------------------------------


@dataclass
class Queue:
    framework: Framework
    areas: list[Node]
    rows: list[LeafFigures]
    units: list[Assessment]
    excluded: list[str]  # names of the appraiser's own units, left out
    counts: dict[str, int]


def _sent_replies(assessment_ids: list[int]) -> dict[tuple[int, str], LeafReply]:
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


def appraiser_queue(
    cycle: Cycle,
    user: User,
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
    replies = _sent_replies(ids)
    points = Points(fw)
    rows: list[LeafFigures] = []
    counts = dict.fromkeys(STATUSES, 0)
    for assessment in shown:
        for leaf in appraisable(fw, assessment.unit.type):
            if areas_of[leaf.code] not in chosen_areas:
                continue
            key = (assessment.pk, leaf.code)
            row = figures(
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
    return Queue(fw, area_nodes, rows, assessments, excluded, counts)


def appraiser_cycles(user: User) -> QuerySet[Cycle]:
    return (
        Cycle.objects.filter(appraiser_assignments__user=user)
        .select_related("framework_version")
        .distinct()
        .order_by("-year")
    )


# -- one unit's appraisal page -----------------------------------------------------------------


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
    round: AppraisalRound | None
    rounds: list[AppraisalRound]
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
    replies = _sent_replies([assessment.pk]) if show_appraisal else {}
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
    for link in AnswerEvidence.objects.filter(assessment=assessment).select_related("evidence"):
        evidence[link.leaf_code].append(link.evidence)
    points = Points(fw)
    blocks: dict[str, list[UnitRow]] = defaultdict(list)
    open_count = 0
    for leaf in appraisable(fw, assessment.unit.type):
        la = appraisals.get(leaf.code)
        row = figures(
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
        round=current,
        rounds=rounds,
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


# -- the tracking board ------------------------------------------------------------------------


@dataclass
class AreaProgress:
    code: str
    answered: int
    total: int

    @property
    def percent(self) -> int:
        return 100 if self.total == 0 else self.answered * 100 // self.total


@dataclass
class TrackingRow:
    assessment: Assessment
    started: bool
    areas: list[AreaProgress]
    disputes: int
    open_leaves: int

    @property
    def complete(self) -> bool:
        return all(a.answered == a.total for a in self.areas)


@dataclass
class Tracking:
    framework: Framework
    area_codes: list[str]
    rows: list[TrackingRow]
    never_logged_in: list[tuple[User, list[str]]]


TRACKING_FILTERS = ("started", "submitted", "closed", "disputes", "complete")


def tracking(cycle: Cycle, filters: dict[str, str] | None = None) -> Tracking:
    """Per unit of the cycle: started or not, percent answered per area, submitted at,
    explanation closed at, leaves in dispute; and the cycle's people who never logged in.
    A fixed number of queries, whatever the number of units."""
    filters = filters or {}
    fw = core_framework(cycle.framework_version)
    areas_of = area_of(fw)
    area_codes = [n.code for n in fw.nodes]
    assessments = list(
        Assessment.objects.filter(cycle=cycle).select_related("unit").order_by("unit__code")
    )
    answered: dict[int, set[str]] = defaultdict(set)
    for unit_id, code in (
        Answer.objects.filter(cycle=cycle).exclude(value="").values_list("unit_id", "leaf_code")
    ):
        answered[unit_id].add(code)
    disputes: dict[int, int] = defaultdict(int)
    open_leaves: dict[int, int] = defaultdict(int)
    ids = [a.pk for a in assessments]
    replies = _sent_replies(ids)
    for la in LeafAppraisal.objects.filter(assessment_id__in=ids).exclude(
        decision=Decision.ACCEPTED
    ):
        if la.needs_reply:
            open_leaves[la.assessment_id] += 1
        if leaf_status(la, replies.get((la.assessment_id, la.leaf_code))) == "disputed":
            disputes[la.assessment_id] += 1
    per_type: dict[str | None, dict[str, list[str]]] = {}
    rows = []
    for assessment in assessments:
        unit_type = assessment.unit.type
        if unit_type not in per_type:
            leaves: dict[str, list[str]] = defaultdict(list)
            for leaf in appraisable(fw, unit_type):
                leaves[areas_of[leaf.code]].append(leaf.code)
            per_type[unit_type] = leaves
        done = answered.get(assessment.unit_id, set())
        progress = [
            AreaProgress(code, len(done.intersection(codes)), len(codes))
            for code in area_codes
            if (codes := per_type[unit_type].get(code))
        ]
        rows.append(
            TrackingRow(
                assessment=assessment,
                started=bool(done) or assessment.state != State.DRAFT,
                areas=progress,
                disputes=disputes.get(assessment.pk, 0),
                open_leaves=open_leaves.get(assessment.pk, 0),
            )
        )
    rows = [row for row in rows if _keep(row, filters)]
    shown_codes = [c for c in area_codes if any(a.code == c for r in rows for a in r.areas)]
    return Tracking(fw, shown_codes, rows, never_logged_in(cycle))


def _keep(row: TrackingRow, filters: dict[str, str]) -> bool:
    tests = {
        "started": row.started,
        "submitted": row.assessment.submitted_at is not None,
        "closed": row.assessment.explanation_closed_at is not None,
        "disputes": row.disputes > 0,
        "complete": row.complete,
    }
    for name, holds in tests.items():
        wanted = filters.get(name, "")
        if wanted == "yes" and not holds:
            return False
        if wanted == "no" and holds:
            return False
    state = filters.get("state", "")
    return not state or row.assessment.state == state


def never_logged_in(cycle: Cycle) -> list[tuple[User, list[str]]]:
    """Active people with work in the cycle (a role in a unit in scope, or an appraiser's
    assignment) who have never logged in, with what they do."""
    what: dict[int, list[str]] = defaultdict(list)
    people: dict[int, User] = {}
    unit_roles = RoleAssignment.objects.filter(
        unit__in=cycle.units.all(),
        role__in=[Role.UNIT_EDITOR, Role.UNIT_HEAD],
        user__last_login__isnull=True,
        user__is_active=True,
    ).select_related("user", "unit")
    for role in unit_roles.order_by("user__username", "unit__code"):
        people[role.user_id] = role.user
        what[role.user_id].append(f"{role.get_role_display()} — {role.unit.code}")
    for assignment in (
        AppraiserAssignment.objects.filter(
            cycle=cycle, user__last_login__isnull=True, user__is_active=True
        )
        .select_related("user")
        .order_by("user__username", "area_code")
    ):
        people[assignment.user_id] = assignment.user
        what[assignment.user_id].append(f"{Role.APPRAISER.label} — {assignment.area_code}")
    return [(people[pk], what[pk]) for pk in sorted(people, key=lambda pk: people[pk].username)]


def cycle_person(cycle: Cycle, user_id: int) -> User | None:
    """A person with work in the cycle who never logged in (the reminder's target)."""
    return (
        User.objects.filter(
            Q(roles__unit__in=cycle.units.all(), roles__role__in=[Role.UNIT_EDITOR, Role.UNIT_HEAD])
            | Q(appraiser_assignments__cycle=cycle),
            pk=user_id,
            is_active=True,
            last_login__isnull=True,
        )
        .distinct()
        .first()
    )


# -- the council -------------------------------------------------------------------------------


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
    replies = _sent_replies(ids)
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


def assignments(cycle: Cycle) -> list[AppraiserAssignment]:
    return list(
        AppraiserAssignment.objects.filter(cycle=cycle)
        .select_related("user", "assigned_by")
        .order_by("area_code", "user__username")
    )


def appraisers() -> QuerySet[User]:
    """People holding the appraiser role, for the assignment form."""
    return (
        User.objects.filter(roles__role=Role.APPRAISER, is_active=True)
        .distinct()
        .order_by("username")
    )


__all__ = ["STATUSES", "Outcome", "appraiser_queue", "council", "tracking", "unit_appraisal"]
