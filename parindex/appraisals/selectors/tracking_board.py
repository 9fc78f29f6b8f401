"""The administrator's tracking board: per unit, how far the self-assessment got, where the
appraisal and the explanation stand; the cycle's people who never logged in; and whom a
reminder cannot reach (a deactivated account, one never activated, no e-mail address), with the
units none of whose people it reaches. A fixed number of queries, whatever the number of
units."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Case, CharField, Count, Q, Value, When

from parindex.accounts.models import ROLE_LABELS, UNIT_SCOPED_ROLES, Role, RoleAssignment, User
from parindex.appraisals.leaves import appraisable, area_of
from parindex.appraisals.models import AppraiserAssignment, Decision, LeafAppraisal
from parindex.assessments.models import Assessment
from parindex.core.workflow import State
from parindex.cycles.models import Cycle
from parindex.frameworks.selectors import core_framework
from parindex.notifications.reach import UNREACHABLE, Reach, reach_of
from parindex.results.models import Answer
from parindex.units.models import Unit

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
class CyclePerson:
    """Somebody with work in the cycle: what they do ("Unit editor — SNV") and whether a
    reminder reaches them."""

    user: User
    work: list[str]
    reach: Reach

    @property
    def reachable(self) -> bool:
        return self.reach not in UNREACHABLE


@dataclass
class CyclePeople:
    people: list[CyclePerson]
    units_unreached: list[Unit]  # units in scope whose editors and heads no reminder reaches

    @property
    def never_logged_in(self) -> list[CyclePerson]:
        """Active people who never logged in (the reminder button's people)."""
        return [p for p in self.people if p.user.is_active and p.user.last_login is None]

    @property
    def not_reached(self) -> list[CyclePerson]:
        """People a reminder cannot reach, or reaches in the app only (no e-mail address)."""
        return [p for p in self.people if p.reach != Reach.EMAIL]


@dataclass
class Tracking:
    area_codes: list[str]
    rows: list[TrackingRow]
    people: CyclePeople

    @property
    def never_logged_in(self) -> list[CyclePerson]:
        return self.people.never_logged_in


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
    per_type: dict[str | None, dict[str, list[str]]] = {}
    for unit_type in {a.unit.type for a in assessments}:
        leaves: dict[str, list[str]] = defaultdict(list)
        for leaf in appraisable(fw, unit_type):
            leaves[areas_of[leaf.code]].append(leaf.code)
        per_type[unit_type] = leaves
    answered = _answered(cycle, per_type)
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
    rows = []
    for assessment in assessments:
        unit_type = assessment.unit.type
        done = answered.get(assessment.unit_id, {})
        progress = [
            AreaProgress(code, done.get(code, 0), len(codes))
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
    return Tracking(shown_codes, rows, cycle_people(cycle))


def _answered(
    cycle: Cycle, per_type: dict[str | None, dict[str, list[str]]]
) -> dict[int, dict[str | None, int]]:
    """Unit id → area code → how many of the unit's appraisable leaves of the area have a
    value (None: its other answers), counted by the database in one query: the cycle's
    answers themselves are not read."""
    whens = [
        When(
            Q(unit__type=unit_type) if unit_type is not None else Q(unit__type__isnull=True),
            leaf_code__in=codes,
            then=Value(area),
        )
        for unit_type, areas in per_type.items()
        for area, codes in areas.items()
    ]
    found: dict[int, dict[str | None, int]] = defaultdict(dict)
    if not whens:
        return found
    for unit_id, area, count in (
        Answer.objects.filter(cycle=cycle)
        .exclude(value="")
        .annotate(area=Case(*whens, default=Value(None), output_field=CharField()))
        .values_list("unit_id", "area")
        .annotate(count=Count("pk"))
        .values_list("unit_id", "area", "count")
        .order_by()
    ):
        found[unit_id][area] = count
    return found


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


def cycle_people(cycle: Cycle) -> CyclePeople:
    """Everybody with work in the cycle (a role in a unit in scope, or an appraiser's
    assignment), active or not, with what they do and whether a reminder reaches them; and the
    units in scope none of whose editors and heads a reminder reaches (nobody holds the role,
    or every holder is unreachable). Three queries."""
    what: dict[int, list[str]] = defaultdict(list)
    people: dict[int, User] = {}
    reached_units: set[int] = set()
    units = list(cycle.units.order_by("code"))
    unit_roles = RoleAssignment.objects.filter(
        unit__in=units, role__in=UNIT_SCOPED_ROLES
    ).select_related("user", "unit")
    for role in unit_roles.order_by("user__username", "unit__code"):
        if role.unit is None:  # never: unit-scoped roles have a unit
            continue
        people[role.user_id] = role.user
        what[role.user_id].append(f"{role.get_role_display()} — {role.unit.code}")
        if reach_of(role.user) not in UNREACHABLE:
            reached_units.add(role.unit.pk)
    for assignment in (
        AppraiserAssignment.objects.filter(cycle=cycle)
        .select_related("user")
        .order_by("user__username", "area_code")
    ):
        people[assignment.user_id] = assignment.user
        what[assignment.user_id].append(f"{ROLE_LABELS[Role.APPRAISER]} — {assignment.area_code}")
    ordered = sorted(people.values(), key=lambda user: user.username)
    return CyclePeople(
        [CyclePerson(user, what[user.pk], reach_of(user)) for user in ordered],
        [unit for unit in units if unit.pk not in reached_units],
    )


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
