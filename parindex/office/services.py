"""Writes of cycles: opening one with the wizard, changing its scope before the
self-assessment starts, cancelling one opened by mistake.

Only a PAR administrator writes here. ``cycle_check`` reads and checks everything the wizard
asks for and returns the plan its preview shows, creating nothing; ``cycle_create`` checks the
same again and, in one transaction, creates the cycle, its calendar, one assessment per unit in
scope and the appraiser assignments, each with its audit event (``cycle.create``,
``calendar.set``, ``assessment.open``, ``cycle.state``, ``appraiser.assign``). Nothing here
deletes a cycle: a cancelled cycle keeps every row (``cycle.cancel``).
"""

from __future__ import annotations

import datetime
import itertools
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from parindex.accounts.models import UNIT_SCOPED_ROLES, RoleAssignment, User
from parindex.accounts.roles import is_par_admin
from parindex.appraisals.models import AppraiserAssignment
from parindex.appraisals.services.assignment import appraiser_assign
from parindex.assessments.models import Assessment, Stage, StageExtension
from parindex.assessments.services import cycle_open
from parindex.audit.services import audit_record
from parindex.core import ParindexError
from parindex.core.workflow import Role, State
from parindex.cycles.models import Cycle
from parindex.frameworks.models import FrameworkVersion
from parindex.frameworks.selectors import core_framework
from parindex.results.models import Answer
from parindex.units.models import Unit, UnitType
from parindex.units.selectors import national_units

from .selectors import Windows, self_assessment_started

FIRST_YEAR, LAST_YEAR = 2000, 2100
STAGE_ORDER = [s.value for s in Stage]


class CycleError(ParindexError):
    """A cycle write parindex refuses; ``problems`` lists every reason found in one pass."""

    def __init__(self, problems: str | Sequence[str]) -> None:
        self.problems = [problems] if isinstance(problems, str) else list(problems)
        super().__init__(" ".join(self.problems))


def _require_admin(actor: User) -> None:
    if not is_par_admin(actor):
        raise CycleError(_("Only a PAR administrator manages cycles."))


# -- the wizard --------------------------------------------------------------------------------


@dataclass
class Assign:
    """An appraiser assignment the new cycle would get (``problem`` empty) or leaves out."""

    user: User
    area_code: str
    problem: str = ""
    agency: Unit | None = None  # the agency whose appraisal team the person sits on


@dataclass
class CyclePlan:
    """What ``cycle_create`` would create, as the preview shows it."""

    year: int
    title: str
    framework_version: FrameworkVersion
    register_date: datetime.date
    units: list[Unit]
    windows: Windows
    assignments: list[Assign] = field(default_factory=list)
    source: Cycle | None = None

    @property
    def by_type(self) -> list[tuple[str, int]]:
        counts = Counter(u.type for u in self.units)
        return [(str(label), counts[value]) for value, label in UnitType.choices if counts[value]]

    @property
    def assigned(self) -> list[Assign]:
        return [a for a in self.assignments if not a.problem]

    @property
    def left_out(self) -> list[Assign]:
        return [a for a in self.assignments if a.problem]

    @property
    def stages(self) -> list[tuple[str, datetime.datetime, datetime.datetime]]:
        return [(str(Stage(s).label), *self.windows[s]) for s in STAGE_ORDER if s in self.windows]


def _unit_problems(
    units: list[Unit], day: datetime.date, *, include_national: bool, include_closed: bool
) -> list[str]:
    problems = []
    national = set(
        Unit.objects.filter(national_units(), pk__in=[u.pk for u in units]).values_list(
            "pk", flat=True
        )
    )
    for unit in units:
        if unit.valid_from is not None and unit.valid_from > day:
            problems.append(
                _("%(unit)s did not exist yet on %(day)s.")
                % {"unit": unit.name, "day": day.strftime("%d/%m/%Y")}
            )
        elif not include_closed and not unit.is_active_on(day):
            problems.append(
                _("%(unit)s was no longer in the register on %(day)s (dissolved or merged).")
                % {"unit": unit.name, "day": day.strftime("%d/%m/%Y")}
            )
        if unit.pk in national and not include_national:
            problems.append(
                _(
                    "%(unit)s is a province of the national table, not a unit the province "
                    "evaluates."
                )
                % {"unit": unit.name}
            )
    return problems


def _window_problems(windows: Windows) -> list[str]:
    problems = []
    if Stage.SELF_ASSESSMENT not in windows:
        problems.append(_("The self-assessment stage needs dates."))
    for stage, (opens, closes) in windows.items():
        if closes <= opens:
            problems.append(
                _("%(stage)s: the closing time must come after the opening time.")
                % {"stage": Stage(stage).label}
            )
    ordered = [windows[s][0] for s in STAGE_ORDER if s in windows]
    if any(b < a for a, b in itertools.pairwise(ordered)):
        problems.append(_("The stages must open in their order: self-assessment first."))
    return problems


def _assignment_problem(
    user: User, area_code: str, areas: set[str], scope: set[int], agency: Unit | None
) -> str:
    if area_code not in areas:
        return _("%(code)s is not an area of this cycle's framework.") % {"code": area_code}
    if not user.is_active:
        return _("%(name)s is deactivated.") % {"name": user}
    held = RoleAssignment.objects.filter(user=user)
    if not held.filter(role=Role.APPRAISER).exists():
        return _("%(name)s no longer holds the appraiser role.") % {"name": user}
    own = set(held.filter(role__in=UNIT_SCOPED_ROLES).values_list("unit_id", flat=True))
    if agency is not None:
        own.add(agency.pk)
    if scope and scope <= own:
        return _(
            "%(name)s holds a role in every unit of this cycle: nobody appraises their own unit."
        ) % {"name": user}
    return ""


def cycle_check(
    *,
    year: int,
    title: str,
    framework_version: FrameworkVersion,
    register_date: datetime.date,
    unit_codes: Iterable[str],
    windows: Windows,
    assignments: Iterable[tuple[User, str]] = (),
    include_national: bool = False,
    include_closed: bool = False,
    source: Cycle | None = None,
    actor: User,
) -> CyclePlan:
    """Check a new cycle as the wizard describes it and return its plan; write nothing.

    Refused, with every problem at once: a year out of range, a live cycle of the same year on
    the same framework version, no unit, a code not in the register, a unit not valid on the
    register date (unless ``include_closed``: then one created after it still is), a province of
    the national table (unless ``include_national``), a calendar without self-assessment dates
    or out of order. An assignment that no longer holds (area gone from the framework, person
    deactivated or no longer an appraiser, every unit their own) is left out and said why."""
    _require_admin(actor)
    problems = []
    title = " ".join(title.split())
    if not FIRST_YEAR <= year <= LAST_YEAR:
        problems.append(
            _("The year must be between %(first)d and %(last)d.")
            % {"first": FIRST_YEAR, "last": LAST_YEAR}
        )
    if not title:
        problems.append(_("Give the cycle a title."))
    if Cycle.objects.filter(year=year, framework_version=framework_version).exists():
        problems.append(
            _("A cycle of %(year)d on this framework version already exists.") % {"year": year}
        )
    codes = sorted({c.strip() for c in unit_codes if c.strip()})
    units = list(Unit.objects.filter(code__in=codes).order_by("type", "code"))
    unknown = sorted(set(codes) - {u.code for u in units})
    if unknown:
        problems.append(_("Not in the unit register: %(codes)s.") % {"codes": ", ".join(unknown)})
    if not codes:
        problems.append(_("Choose at least one unit."))
    problems += _unit_problems(
        units, register_date, include_national=include_national, include_closed=include_closed
    )
    problems += _window_problems(windows)
    if problems:
        raise CycleError(problems)
    areas = {node.code for node in core_framework(framework_version).nodes}
    scope = {u.pk for u in units}
    # A person copied from last year stays on their agency's appraisal team.
    teams = (
        {
            (a.user_id, a.area_code): a.agency
            for a in AppraiserAssignment.objects.filter(cycle=source).select_related("agency")
        }
        if source is not None
        else {}
    )
    planned = []
    seen = set()
    for user, area_code in assignments:
        if (user.pk, area_code) in seen:
            continue
        seen.add((user.pk, area_code))
        agency = teams.get((user.pk, area_code))
        problem = _assignment_problem(user, area_code, areas, scope, agency)
        planned.append(Assign(user, area_code, problem, agency))
    return CyclePlan(
        year=year,
        title=title,
        framework_version=framework_version,
        register_date=register_date,
        units=units,
        windows=dict(windows),
        assignments=planned,
        source=source,
    )


@transaction.atomic
def cycle_create(*, actor: User, **wizard: Any) -> Cycle:
    """Create the cycle the wizard describes (the arguments of ``cycle_check``, checked again
    here) with its calendar, assessments and assignments, in one transaction, audited."""
    plan = cycle_check(actor=actor, **wizard)
    cycle = Cycle.objects.create(
        year=plan.year,
        title=plan.title,
        framework_version=plan.framework_version,
        register_date=plan.register_date,
        state=Cycle.State.PREPARING,
    )
    cycle.units.set(plan.units)
    version = plan.framework_version
    audit_record(
        actor=actor,
        action="cycle.create",
        target=cycle,
        after={
            "year": plan.year,
            "title": plan.title,
            "framework_version": f"{version.code} {version.version}",
            "register_date": plan.register_date,
            "units": sorted(u.code for u in plan.units),
            "copied_from": str(plan.source) if plan.source is not None else None,
        },
        cycle_id=cycle.pk,
    )
    cycle_open(cycle=cycle, windows=plan.windows, actor=actor)
    for assign in plan.assigned:
        appraiser_assign(
            cycle=cycle,
            user=assign.user,
            area_code=assign.area_code,
            actor=actor,
            agency=assign.agency,
        )
    cycle.refresh_from_db()
    return cycle


# -- scope before the self-assessment, cancelling ----------------------------------------------


def _reason(reason: str) -> str:
    reason = reason.strip()
    if not reason:
        raise CycleError(_("Give the reason."))
    return reason


def _lock(cycle: Cycle) -> Cycle:
    try:
        return Cycle.objects.select_for_update().get(pk=cycle.pk)
    except Cycle.DoesNotExist:
        raise CycleError(_("This cycle was cancelled.")) from None


def _scope_may_change(cycle: Cycle) -> None:
    if cycle.state not in (Cycle.State.PREPARING, Cycle.State.IN_PROGRESS):
        raise CycleError(_("The units of an approved or published cycle cannot change."))
    if self_assessment_started(cycle):
        raise CycleError(
            _(
                "The self-assessment has already opened: units can no longer be added to or "
                "removed from this cycle."
            )
        )


@transaction.atomic
def cycle_unit_add(*, cycle: Cycle, unit: Unit, reason: str, actor: User) -> Assessment | None:
    """Add ``unit`` to the cycle's scope before the self-assessment opens, with a reason; an
    opened cycle gives it its (draft) assessment at once. Refused for a unit not valid on the
    cycle's register date (today when the cycle has none) or already in scope."""
    _require_admin(actor)
    reason = _reason(reason)
    cycle = _lock(cycle)
    _scope_may_change(cycle)
    day = cycle.register_date or timezone.localdate()
    if cycle.units.filter(pk=unit.pk).exists():
        raise CycleError(_("%(unit)s is already in this cycle.") % {"unit": unit.name})
    if not unit.is_active_on(day):
        raise CycleError(
            _("%(unit)s was not in the register on %(day)s.")
            % {"unit": unit.name, "day": day.strftime("%d/%m/%Y")}
        )
    before = sorted(cycle.units.values_list("code", flat=True))
    cycle.units.add(unit)
    audit_record(
        actor=actor,
        action="cycle.unit_add",
        target=cycle,
        before={"units": before},
        after={"units": sorted([*before, unit.code])},
        reason=reason,
        cycle_id=cycle.pk,
        unit_id=unit.pk,
    )
    if cycle.state != Cycle.State.IN_PROGRESS:
        return None
    assessment, created = Assessment.objects.get_or_create(
        cycle=cycle, unit=unit, defaults={"state": State.DRAFT}
    )
    if created:
        audit_record(
            actor=actor,
            action="assessment.open",
            target=assessment,
            after={"state": State.DRAFT},
            cycle_id=cycle.pk,
            unit_id=unit.pk,
        )
    return assessment


@transaction.atomic
def cycle_unit_remove(*, cycle: Cycle, unit: Unit, reason: str, actor: User) -> None:
    """Take ``unit`` out of the cycle's scope before the self-assessment opens, with a reason.
    Its assessment, still an empty draft, goes with it (the event keeps its state); one that
    holds answers, evidence links or extensions is refused."""
    _require_admin(actor)
    reason = _reason(reason)
    cycle = _lock(cycle)
    _scope_may_change(cycle)
    if not cycle.units.filter(pk=unit.pk).exists():
        raise CycleError(_("%(unit)s is not in this cycle.") % {"unit": unit.name})
    assessment = Assessment.objects.filter(cycle=cycle, unit=unit).first()
    if assessment is not None and (
        assessment.state != State.DRAFT
        or Answer.objects.filter(cycle=cycle, unit=unit).exists()
        or assessment.evidence_links.exists()
        or StageExtension.objects.filter(assessment=assessment).exists()
    ):
        raise CycleError(
            _("%(unit)s already has work in this cycle: it cannot be removed.")
            % {"unit": unit.name}
        )
    before = sorted(cycle.units.values_list("code", flat=True))
    cycle.units.remove(unit)
    audit_record(
        actor=actor,
        action="cycle.unit_remove",
        target=cycle,
        before={"units": before},
        after={"units": [c for c in before if c != unit.code]},
        reason=reason,
        cycle_id=cycle.pk,
        unit_id=unit.pk,
    )
    if assessment is not None:
        assessment.delete()


@transaction.atomic
def cycle_cancel(*, cycle: Cycle, reason: str, actor: User) -> Cycle:
    """Cancel a cycle opened by mistake, with a reason: it leaves every list and page but the
    administrator's cancelled filter, keeps every row (units, assessments, calendar,
    assignments), and frees its year and framework version. An approved or published cycle
    cannot be cancelled."""
    _require_admin(actor)
    reason = _reason(reason)
    cycle = _lock(cycle)
    if cycle.state in (Cycle.State.APPROVED, Cycle.State.PUBLISHED):
        raise CycleError(_("An approved or published cycle cannot be cancelled."))
    before = cycle.state
    cycle.state = Cycle.State.CANCELLED
    cycle.cancelled_at = timezone.now()
    cycle.cancel_reason = reason
    cycle.save(update_fields=["state", "cancelled_at", "cancel_reason"])
    audit_record(
        actor=actor,
        action="cycle.cancel",
        target=cycle,
        before={"state": before},
        after={"state": Cycle.State.CANCELLED},
        reason=reason,
        cycle_id=cycle.pk,
    )
    return cycle
