"""What every appraisal write checks on arrival, before it changes anything: the assessment
locked, the stage of the calendar open, the actor an appraiser of the leaf's area who holds
no role in the unit and sits on no appraisal team of it, the leaf one the unit declares, and
a new figure one its rule accepts."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from parindex.accounts.models import User
from parindex.accounts.roles import own_unit_ids
from parindex.appraisals.leaves import area_of
from parindex.appraisals.models import AppraiserAssignment
from parindex.assessments.models import Assessment
from parindex.assessments.services import (
    AssessmentError,
    check_value,
    lock_assessment,
    self_leaf,
)
from parindex.assessments.stages import stage_is_open
from parindex.core import Framework, Node, ValueRuleError
from parindex.cycles.models import Cycle
from parindex.frameworks.selectors import core_framework
from parindex.shared.language import lang
from parindex.shared.numbers import format_plain

from .errors import AppraisalError, ConflictOfInterest, NotYourArea, StageClosed


def check_points(fw: Framework, leaf: Node, text: str | Decimal) -> Decimal:
    """Points set directly: a decimal within [0, max], a multiple of the framework's rounding.
    ``text`` is in the file spelling (``1.5``): the page reads what a person typed in their
    language first (``parindex.appraisals.forms.typed_figure``). The refusals write numbers
    in the reader's format (``1,5`` in Vietnamese)."""
    assert leaf.max is not None
    try:
        points = text if isinstance(text, Decimal) else Decimal(str(text).strip())
    except InvalidOperation:
        raise AppraisalError(_("Points must be a number such as 1.5.")) from None
    if not points.is_finite() or points < 0 or points > leaf.max:
        raise AppraisalError(
            _("Points must lie between 0 and %(max)s.") % {"max": format_plain(leaf.max)}
        )
    if points % fw.rounding != 0:
        raise AppraisalError(
            _("Points must be a multiple of %(step)s.") % {"step": format_plain(fw.rounding)}
        )
    return points


def checked_figure(
    fw: Framework, leaf: Node, value: str, points: str | Decimal | None
) -> tuple[str, Decimal | None]:
    """A checked figure: a value the leaf's rule accepts (stored as normalised), or points."""
    has_points = points is not None and str(points).strip() != ""
    has_value = bool(value.strip())
    if has_points and has_value:
        raise AppraisalError(_("Give either a new value or points, not both."))
    if has_points:
        assert points is not None
        return "", check_points(fw, leaf, points)
    if not has_value:
        raise AppraisalError(_("Give the new value or the points."))
    try:
        return check_value(fw, leaf, value), None
    except ValueRuleError as exc:
        raise AppraisalError(
            _("Value not accepted: %(reason)s") % {"reason": exc.text(lang())}
        ) from None


def open_or_refuse(
    assessment: Assessment, stages: Sequence[str], now: datetime.datetime, message: str
) -> None:
    if not any(stage_is_open(assessment, stage, now) for stage in stages):
        raise StageClosed(message)


def assigned_areas(user: User, cycle: Cycle | int) -> set[str]:
    cycle_id = cycle.pk if isinstance(cycle, Cycle) else cycle
    return set(
        AppraiserAssignment.objects.filter(cycle_id=cycle_id, user=user).values_list(
            "area_code", flat=True
        )
    )


def team_agency_ids(user: User, cycle: Cycle | int) -> set[int]:
    """The agencies whose appraisal teams ``user`` sits on in the cycle (their assignments')."""
    cycle_id = cycle.pk if isinstance(cycle, Cycle) else cycle
    return set(
        AppraiserAssignment.objects.filter(
            cycle_id=cycle_id, user=user, agency__isnull=False
        ).values_list("agency_id", flat=True)
    )


def conflict_unit_ids(user: User, cycle: Cycle | int) -> set[int]:
    """The units ``user`` must not appraise in the cycle: those where they hold a unit role
    (editor, head) and the agencies of the appraisal teams they sit on."""
    return own_unit_ids(user) | team_agency_ids(user, cycle)


def check_appraiser(actor: User, assessment: Assessment, area: str) -> None:
    """Refuse unless ``actor`` is assigned to ``area`` of the cycle, holds no unit role in the
    assessed unit and sits on no appraisal team of that unit (their own agency). Checked on
    every decision, so an assignment made before the conflict arose is refused too."""
    if assessment.unit_id in own_unit_ids(actor):
        raise ConflictOfInterest(
            _("You hold a role in %(unit)s: you cannot appraise your own unit.")
            % {"unit": assessment.unit.name}
        )
    if assessment.unit_id in team_agency_ids(actor, assessment.cycle_id):
        raise ConflictOfInterest(
            _("Your appraisal team belongs to %(unit)s: nobody appraises their own agency.")
            % {"unit": assessment.unit.name}
        )
    if area not in assigned_areas(actor, assessment.cycle_id):
        raise NotYourArea(_("You are not assigned to appraise this area in this cycle."))


def leaf_for(locked: Assessment, fw: Framework, leaf_code: str) -> Node:
    try:
        return self_leaf(fw, locked.unit.type, leaf_code)
    except AssessmentError as exc:
        raise AppraisalError(exc.message) from None


def appraiser_leaf(
    assessment: Assessment, leaf_code: str, actor: User
) -> tuple[Assessment, Framework, Node, str]:
    """The assessment locked, its framework, the leaf and its area, once ``actor`` is checked
    as an appraiser of that area."""
    locked = lock_assessment(assessment)
    fw = core_framework(locked.cycle.framework_version)
    leaf = leaf_for(locked, fw, leaf_code)
    area = area_of(fw)[leaf.code]
    check_appraiser(actor, locked, area)
    return locked, fw, leaf, area
