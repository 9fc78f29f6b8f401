"""The appraisers' decisions on leaves: accept as declared, adjust (a new value or points, with
a reason) or flag for explanation; and accepting every untouched leaf of a queue at once. The
first decision on a submitted assessment starts its appraisal."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from parindex.accounts.models import User
from parindex.appraisals.leaves import appraisable, area_of, declared_value, points_text
from parindex.appraisals.models import Decision, LeafAppraisal
from parindex.assessments.models import Assessment, Stage
from parindex.assessments.services import lock_assessment
from parindex.audit.services import audit_record
from parindex.core import Framework, Node
from parindex.core.workflow import Action, State
from parindex.frameworks.selectors import core_framework
from parindex.results.services import unit_results_refresh

from .checks import (
    appraiser_leaf,
    check_appraiser,
    checked_figure,
    leaf_for,
    open_or_refuse,
)
from .errors import AppraisalConflict, AppraisalError
from .state import appraisal_values, final_sync, set_state

APPRAISAL_STATES = frozenset({State.SUBMITTED, State.IN_APPRAISAL})
"""States in which the appraisers decide on leaves (the first decision starts the appraisal)."""


def _start_if_submitted(locked: Assessment, actor: User) -> None:
    """The first appraisal action on a submitted assessment moves it to in appraisal."""
    if locked.state == State.SUBMITTED:
        set_state(locked, Action.START_APPRAISAL, actor)


def _check_decision_time(locked: Assessment, now: datetime.datetime) -> None:
    if locked.state not in APPRAISAL_STATES:
        raise AppraisalError(
            _("The appraisal of %(unit)s is closed in its present state.")
            % {"unit": locked.unit.name}
        )
    open_or_refuse(
        locked, [Stage.APPRAISAL], now, _("The appraisal period is closed: nothing was saved.")
    )


@transaction.atomic
def leaf_appraise(
    *,
    assessment: Assessment,
    leaf_code: str,
    decision: str,
    actor: User,
    value: str = "",
    points: str | Decimal | None = None,
    reason: str = "",
    version: int | None = None,
    now: datetime.datetime | None = None,
) -> LeafAppraisal:
    """Accept a leaf as declared, adjust it (a re-declared figure scored by the core, or points
    set directly, with a mandatory reason), or flag it for explanation (with a comment).

    ``version`` is the appraisal's version the page showed (0 for a leaf not appraised yet): a
    stale one is refused with :class:`AppraisalConflict`."""
    now = now or timezone.now()
    decision = Decision(decision)
    locked, fw, leaf, area = appraiser_leaf(assessment, leaf_code, actor)
    _check_decision_time(locked, now)
    reason = reason.strip()
    new_value, new_points = "", None
    if decision == Decision.ADJUSTED:
        if not reason:
            raise AppraisalError(_("An adjustment needs a reason."))
        new_value, new_points = checked_figure(fw, leaf, value, points)
        if new_points is None and new_value == declared_value(locked, leaf.code):
            raise AppraisalError(
                _("This is the declared value: accept the leaf instead of adjusting it.")
            )
    elif decision == Decision.FLAGGED and not reason:
        raise AppraisalError(_("Say what the unit should explain."))
    la = (
        LeafAppraisal.objects.select_for_update()
        .filter(assessment=locked, leaf_code=leaf.code)
        .first()
    )
    if version is not None and (la.version if la else 0) != version:
        current = la or LeafAppraisal(assessment=locked, leaf_code=leaf.code)
        raise AppraisalConflict(
            _("Somebody else appraised this leaf since you opened it."), current=current
        )
    before = appraisal_values(la)
    _start_if_submitted(locked, actor)
    if la is None:
        la = LeafAppraisal(assessment=locked, leaf_code=leaf.code, area_code=area, version=0)
    la.decision = decision
    la.value, la.points, la.reason = new_value, new_points, reason
    la.appraised_by, la.appraised_at = actor, now
    la.version += 1
    la.save()
    final_sync(locked, la)
    declared = declared_value(locked, leaf.code)
    # The results before the event: the audit head is held from the event to the commit.
    unit_results_refresh(cycle=locked.cycle, unit=locked.unit)
    audit_record(
        actor=actor,
        action=f"appraisal.{decision.value}",
        target=la,
        before=before,
        after={
            **appraisal_values(la),
            "self_points": points_text(fw, leaf, declared, None),
            "appraised_points": points_text(fw, leaf, new_value or declared, new_points),
        },
        reason=reason,
        cycle_id=locked.cycle_id,
        unit_id=locked.unit_id,
        leaf_code=leaf.code,
    )
    return la


@dataclass(frozen=True)
class Target:
    """One leaf of one unit, as the queue lists it."""

    assessment: Assessment
    leaf_code: str


@transaction.atomic
def leaves_accept_untouched(
    *, targets: Iterable[Target], actor: User, now: datetime.datetime | None = None
) -> int:
    """Accept as declared every listed leaf that nobody has appraised yet, in one transaction,
    with one audit event per leaf. Leaves appraised in the meantime are left alone; any refusal
    (closed calendar, conflict of interest, another area) rolls the whole batch back."""
    now = now or timezone.now()
    by_assessment: dict[int, list[str]] = {}
    assessments: dict[int, Assessment] = {}
    for target in targets:
        by_assessment.setdefault(target.assessment.pk, []).append(target.leaf_code)
        assessments[target.assessment.pk] = target.assessment
    accepted = 0
    for pk in sorted(by_assessment):
        locked = lock_assessment(assessments[pk])
        fw = core_framework(locked.cycle.framework_version)
        areas = area_of(fw)
        _check_decision_time(locked, now)
        done = set(
            LeafAppraisal.objects.filter(
                assessment=locked, leaf_code__in=by_assessment[pk]
            ).values_list("leaf_code", flat=True)
        )
        fresh = []
        checked: set[str] = set()  # the actor is checked once per area of the unit
        for code in by_assessment[pk]:
            if code in done:
                continue
            leaf = leaf_for(locked, fw, code)
            if areas[leaf.code] not in checked:
                check_appraiser(actor, locked, areas[leaf.code])
                checked.add(areas[leaf.code])
            fresh.append(
                LeafAppraisal(
                    assessment=locked,
                    leaf_code=leaf.code,
                    area_code=areas[leaf.code],
                    decision=Decision.ACCEPTED,
                    appraised_by=actor,
                    appraised_at=now,
                )
            )
        if not fresh:
            continue
        _start_if_submitted(locked, actor)
        for la in LeafAppraisal.objects.bulk_create(fresh):
            saved = (
                la
                if la.pk
                else LeafAppraisal.objects.get(assessment=locked, leaf_code=la.leaf_code)
            )
            audit_record(
                actor=actor,
                action="appraisal.accepted",
                target=saved,
                before={"decision": None},
                after=appraisal_values(saved),
                reason=_("Accepted as declared (bulk)"),
                cycle_id=locked.cycle_id,
                unit_id=locked.unit_id,
                leaf_code=saved.leaf_code,
            )
            accepted += 1
    return accepted


def untouched_leaves(assessment: Assessment, fw: Framework | None = None) -> list[Node]:
    fw = fw or core_framework(assessment.cycle.framework_version)
    done = set(
        LeafAppraisal.objects.filter(assessment=assessment).values_list("leaf_code", flat=True)
    )
    return [leaf for leaf in appraisable(fw, assessment.unit.type) if leaf.code not in done]
