"""The administrator's tracking board: per unit, how far the self-assessment got, where the
appraisal and the explanation stand; and the cycle's people who never logged in. A fixed
number of queries, whatever the number of units."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Q

from parindex.accounts.models import ROLE_LABELS, UNIT_SCOPED_ROLES, Role, RoleAssignment, User
from parindex.appraisals.leaves import appraisable, area_of
from parindex.appraisals.models import AppraiserAssignment, Decision, LeafAppraisal
from parindex.assessments.models import Assessment
from parindex.core.workflow import State
from parindex.cycles.models import Cycle
from parindex.frameworks.selectors import core_framework
from parindex.results.models import Answer

from .figures import leaf_status, sent_replies


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
    replies = sent_replies(ids)
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
    return Tracking(shown_codes, rows, never_logged_in(cycle))


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
        role__in=UNIT_SCOPED_ROLES,
        user__last_login__isnull=True,
        user__is_active=True,
    ).select_related("user", "unit")
    for role in unit_roles.order_by("user__username", "unit__code"):
        if role.unit is None:  # never: unit-scoped roles have a unit
            continue
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
        what[assignment.user_id].append(f"{ROLE_LABELS[Role.APPRAISER]} — {assignment.area_code}")
    return [(people[pk], what[pk]) for pk in sorted(people, key=lambda pk: people[pk].username)]


def cycle_person(cycle: Cycle, user_id: int) -> User | None:
    """A person with work in the cycle who never logged in (the reminder's target)."""
    return (
        User.objects.filter(
            Q(roles__unit__in=cycle.units.all(), roles__role__in=UNIT_SCOPED_ROLES)
            | Q(appraiser_assignments__cycle=cycle),
            pk=user_id,
            is_active=True,
            last_login__isnull=True,
        )
        .distinct()
        .first()
    )
