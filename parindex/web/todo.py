"""Reads for the home page's to-do (*việc cần làm*): one block per role the person holds.

- a unit's editor or head: per assessment of their units in an open cycle, the
  self-assessment deadline, the leaves not filled, the leaves missing required evidence and the
  explanations awaiting the unit's reply;
- an appraiser: per cycle and area, the untouched leaves of their queue, overdue once the
  appraisal stage has closed;
- the PAR administrator: each open cycle's stage and what holds it back (units not submitted,
  leaves not appraised, no council named);
- a council member: the cycles where they sit, how many units are appraised, which are ready for
  approval.

Each block reads a fixed number of queries whatever the number of units (counts are grouped in
the database or summed here from one read); the leaves a unit declares and their areas come
from the framework (``appraisals.leaves``), as on the queue and the tracking board.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.contrib.auth.models import AnonymousUser
from django.db.models import Count
from django.utils import timezone

from parindex.accounts.models import Role, User
from parindex.accounts.roles import has_role, is_par_admin, own_unit_ids
from parindex.appraisals.leaves import appraisable, area_of
from parindex.appraisals.models import AppraiserAssignment, CouncilMember, Decision, LeafAppraisal
from parindex.appraisals.selectors import QUEUE_STATES
from parindex.appraisals.services import conflict_unit_ids
from parindex.assessments.models import (
    AnswerEvidence,
    Assessment,
    Stage,
    StageExtension,
    StageWindow,
)
from parindex.assessments.services import evidence_required
from parindex.assessments.stages import Deadline
from parindex.core import Framework
from parindex.core.workflow import EDITABLE_BY_UNIT, State
from parindex.cycles.models import Cycle
from parindex.frameworks.selectors import core_framework
from parindex.results.models import Answer

OPEN_CYCLES = (Cycle.State.IN_PROGRESS, Cycle.State.APPROVED)
"""Cycles with work left: in progress (self-assessment to council) or approved (to publish)."""

STAGE_ORDER = [value for value, _ in Stage.choices]


@dataclass
class UnitTodo:
    assessment: Assessment
    deadline: Deadline
    remaining: int | None
    editable: bool
    unfilled: int
    missing_evidence: int
    awaiting_reply: int

    @property
    def nothing_left(self) -> bool:
        return not (self.unfilled or self.missing_evidence or self.awaiting_reply)


@dataclass
class AreaQueue:
    code: str
    untouched: int


@dataclass
class AppraiserTodo:
    cycle: Cycle
    areas: list[AreaQueue]
    closed: bool  # the appraisal stage has closed

    @property
    def untouched(self) -> int:
        return sum(a.untouched for a in self.areas)

    @property
    def overdue(self) -> int:
        """The untouched leaves once the appraisal stage has closed."""
        return self.untouched if self.closed else 0


@dataclass
class CycleTodo:
    cycle: Cycle
    stage: str | None  # the stage open now, None between stages
    units: int = 0
    not_submitted: int = 0
    not_appraised: int = 0  # leaves of submitted units no appraiser has touched
    appraised: int = 0  # units appraised (or further)
    council_named: bool = False
    ready: bool = False  # every unit appraised: the council may approve

    @property
    def stage_label(self) -> str:
        return str(Stage(self.stage).label) if self.stage else ""


@dataclass
class Todo:
    units: list[UnitTodo] = field(default_factory=list)
    appraiser: list[AppraiserTodo] = field(default_factory=list)
    admin: list[CycleTodo] | None = None  # None: not an administrator
    council: list[CycleTodo] | None = None  # None: no council seat nor role

    @property
    def any(self) -> bool:
        return bool(
            self.units or self.appraiser or self.admin is not None or self.council is not None
        )


def home_todo(user: User | AnonymousUser, now: datetime.datetime | None = None) -> Todo | None:
    """The person's to-do, one block per role they hold; None for an anonymous visitor."""
    if not user.is_authenticated:
        return None
    now = now or timezone.now()
    todo = Todo(units=unit_todos(user, now), appraiser=appraiser_todos(user, now))
    if is_par_admin(user):
        todo.admin = admin_todos(now)
    if has_role(user, Role.COUNCIL) or CouncilMember.objects.filter(user=user).exists():
        todo.council = council_todos(user, now)
    return todo


# -- shared reads ---------------------------------------------------------------------------


def _windows(cycle_ids: list[int], stage: str | None = None) -> dict[tuple[int, str], StageWindow]:
    rows = StageWindow.objects.filter(cycle_id__in=cycle_ids)
    if stage is not None:
        rows = rows.filter(stage=stage)
    return {(w.cycle_id, w.stage): w for w in rows}


def _stage_now(
    windows: dict[tuple[int, str], StageWindow], cycle_id: int, now: datetime.datetime
) -> str | None:
    """The latest stage of the cycle open at ``now`` (windows may overlap)."""
    found = None
    for stage in STAGE_ORDER:
        window = windows.get((cycle_id, stage))
        if window is not None and window.opens_at <= now < window.closes_at:
            found = stage
    return found


def _declared_by_area(fw: Framework, unit_type: str | None) -> dict[str, int]:
    areas = area_of(fw)
    counts: dict[str, int] = defaultdict(int)
    for leaf in appraisable(fw, unit_type):
        counts[areas[leaf.code]] += 1
    return counts


# -- a unit's editor or head ------------------------------------------------------------------


def unit_todos(user: User | AnonymousUser, now: datetime.datetime) -> list[UnitTodo]:
    """Per assessment of the person's own units in an open cycle: the deadline and what is left
    (six queries, whatever the number of units and leaves)."""
    unit_ids = own_unit_ids(user)
    if not unit_ids:
        return []
    assessments = list(
        Assessment.objects.filter(unit_id__in=unit_ids, cycle__state__in=OPEN_CYCLES)
        .select_related("unit", "cycle", "cycle__framework_version")
        .order_by("-cycle__year", "unit__code")
    )
    if not assessments:
        return []
    cycle_ids = sorted({a.cycle_id for a in assessments})
    ids = [a.pk for a in assessments]
    windows = _windows(cycle_ids, Stage.SELF_ASSESSMENT)
    extensions: dict[int, list[StageExtension]] = defaultdict(list)
    for extension in StageExtension.objects.filter(
        assessment_id__in=ids, stage=Stage.SELF_ASSESSMENT
    ):
        extensions[extension.assessment_id].append(extension)
    values: dict[tuple[int, int], dict[str, str]] = defaultdict(dict)
    for cycle_id, unit_id, code, value in Answer.objects.filter(
        cycle_id__in=cycle_ids, unit_id__in=unit_ids
    ).values_list("cycle_id", "unit_id", "leaf_code", "value"):
        values[(cycle_id, unit_id)][code] = value
    linked: dict[int, set[str]] = defaultdict(set)
    for assessment_id, code in AnswerEvidence.objects.filter(assessment_id__in=ids).values_list(
        "assessment_id", "leaf_code"
    ):
        linked[assessment_id].add(code)
    returned = [a.pk for a in assessments if a.state == State.RETURNED]
    awaiting: dict[int, int] = defaultdict(int)
    if returned:
        for la in LeafAppraisal.objects.filter(assessment_id__in=returned, outcome="").exclude(
            decision=Decision.ACCEPTED
        ):
            awaiting[la.assessment_id] += 1
    rows = []
    for assessment in assessments:
        fw = core_framework(assessment.cycle.framework_version)
        declared = fw.declared_leaves(assessment.unit.type)
        given = values.get((assessment.cycle_id, assessment.unit_id), {})
        deadline = Deadline(
            Stage.SELF_ASSESSMENT,
            windows.get((assessment.cycle_id, Stage.SELF_ASSESSMENT)),
            tuple(extensions.get(assessment.pk, [])),
        )
        editable = assessment.state in EDITABLE_BY_UNIT
        rows.append(
            UnitTodo(
                assessment=assessment,
                deadline=deadline,
                remaining=deadline.remaining(now),
                editable=editable,
                unfilled=sum(1 for leaf in declared if not given.get(leaf.code)) if editable else 0,
                missing_evidence=sum(
                    1
                    for leaf in declared
                    if evidence_required(leaf, given.get(leaf.code, ""))
                    and leaf.code not in linked[assessment.pk]
                )
                if editable
                else 0,
                awaiting_reply=awaiting.get(assessment.pk, 0),
            )
        )
    return rows


# -- an appraiser -------------------------------------------------------------------------------


def appraiser_todos(user: User | AnonymousUser, now: datetime.datetime) -> list[AppraiserTodo]:
    """Per open cycle where the person appraises: the untouched leaves of each of their areas
    across the units of their queue (their own units and agencies left out), and whether the
    appraisal stage has closed on them. Five queries plus one per cycle."""
    if not user.is_authenticated:
        return []
    assigned: dict[int, set[str]] = defaultdict(set)
    for cycle_id, area in AppraiserAssignment.objects.filter(
        user=user, cycle__state=Cycle.State.IN_PROGRESS
    ).values_list("cycle_id", "area_code"):
        assigned[cycle_id].add(area)
    if not assigned:
        return []
    cycles = {
        c.pk: c for c in Cycle.objects.filter(pk__in=assigned).select_related("framework_version")
    }
    windows = _windows(list(assigned), Stage.APPRAISAL)
    excluded = {cycle_id: conflict_unit_ids(user, cycle_id) for cycle_id in assigned}
    queue = [
        a
        for a in Assessment.objects.filter(
            cycle_id__in=assigned, state__in=QUEUE_STATES
        ).select_related("unit")
        if a.unit_id not in excluded[a.cycle_id]
    ]
    touched: dict[tuple[int, str], int] = {
        (row["assessment_id"], row["area_code"]): row["n"]
        for row in LeafAppraisal.objects.filter(assessment_id__in=[a.pk for a in queue])
        .values("assessment_id", "area_code")
        .annotate(n=Count("id"))
    }
    untouched: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    per_type: dict[tuple[int, str | None], dict[str, int]] = {}
    for assessment in queue:
        cycle = cycles[assessment.cycle_id]
        key = (cycle.pk, assessment.unit.type)
        if key not in per_type:
            per_type[key] = _declared_by_area(
                core_framework(cycle.framework_version), assessment.unit.type
            )
        for area in assigned[cycle.pk]:
            total = per_type[key].get(area, 0)
            untouched[cycle.pk][area] += max(0, total - touched.get((assessment.pk, area), 0))
    rows = []
    for cycle in sorted(cycles.values(), key=lambda c: (-c.year, c.pk)):
        window = windows.get((cycle.pk, Stage.APPRAISAL))
        rows.append(
            AppraiserTodo(
                cycle=cycle,
                areas=[
                    AreaQueue(area, untouched[cycle.pk].get(area, 0))
                    for area in sorted(assigned[cycle.pk])
                ],
                closed=window is not None and window.closes_at <= now,
            )
        )
    return rows


# -- the PAR administrator and the council -------------------------------------------------------


def _cycle_todos(cycles: list[Cycle], now: datetime.datetime) -> list[CycleTodo]:
    """Each cycle's stage and blockers (four queries, whatever the number of cycles and units)."""
    if not cycles:
        return []
    ids = [c.pk for c in cycles]
    windows = _windows(ids)
    rows = {c.pk: CycleTodo(c, _stage_now(windows, c.pk, now)) for c in cycles}
    named = set(CouncilMember.objects.filter(cycle_id__in=ids).values_list("cycle_id", flat=True))
    assessments = list(
        Assessment.objects.filter(cycle_id__in=ids).values_list(
            "pk", "cycle_id", "state", "unit__type"
        )
    )
    in_queue = [pk for pk, _, state, _ in assessments if state in QUEUE_STATES]
    touched = dict(
        LeafAppraisal.objects.filter(assessment_id__in=in_queue)
        .values("assessment_id")
        .annotate(n=Count("id"))
        .values_list("assessment_id", "n")
    )
    frameworks = {c.pk: core_framework(c.framework_version) for c in cycles}
    declared: dict[tuple[int, str | None], int] = {}
    done_states = {State.APPRAISED, State.APPROVED, State.PUBLISHED}
    for pk, cycle_id, state, unit_type in assessments:
        row = rows[cycle_id]
        row.units += 1
        if state == State.DRAFT:
            row.not_submitted += 1
        if state in done_states:
            row.appraised += 1
        if state in QUEUE_STATES:
            key = (cycle_id, unit_type)
            if key not in declared:
                declared[key] = len(appraisable(frameworks[cycle_id], unit_type))
            row.not_appraised += max(0, declared[key] - touched.get(pk, 0))
    for row in rows.values():
        row.council_named = row.cycle.pk in named
        row.ready = (
            row.cycle.state == Cycle.State.IN_PROGRESS
            and row.units > 0
            and row.appraised == row.units
        )
    return [rows[c.pk] for c in cycles]


def admin_todos(now: datetime.datetime) -> list[CycleTodo]:
    cycles = list(
        Cycle.objects.filter(state__in=OPEN_CYCLES)
        .select_related("framework_version")
        .order_by("-year", "pk")
    )
    return _cycle_todos(cycles, now)


def council_todos(user: User | AnonymousUser, now: datetime.datetime) -> list[CycleTodo]:
    """The open cycles whose council the person sits on."""
    if not isinstance(user, User):
        return []
    cycles = list(
        Cycle.objects.filter(state__in=OPEN_CYCLES, council_members__user=user)
        .select_related("framework_version")
        .distinct()
        .order_by("-year", "pk")
    )
    return _cycle_todos(cycles, now)
