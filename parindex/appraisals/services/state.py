"""What an appraisal write leaves behind: the assessment moved by the workflow's table
(audited), the appraisal's fields as the audit trail records them, the figure in force for a
leaf mirrored into ``results.AppraisedValue``, and the cycle's results on both bases."""

from __future__ import annotations

from collections.abc import Mapping

from parindex.accounts.models import User
from parindex.appraisals.leaves import in_force
from parindex.appraisals.models import LeafAppraisal
from parindex.assessments.access import unit_roles
from parindex.assessments.models import Assessment
from parindex.assessments.refusals import workflow_refusal
from parindex.audit.services import audit_record
from parindex.core.workflow import Action, State, WorkflowError, transition
from parindex.cycles.models import Cycle
from parindex.results.models import Basis
from parindex.results.services import appraised_value_set, cycle_compute

from .errors import AppraisalError


def workflow_check(
    locked: Assessment,
    action: Action,
    actor: User,
    *,
    roles: set[str] | None = None,
    reason: str = "",
    say: Mapping[str, str] | None = None,
) -> State:
    """The state ``action`` moves the locked assessment to, as the workflow's table decides
    for the actor's roles towards its unit; a refusal raises :class:`AppraisalError` worded
    for the page (``say``, else the action's, state's and roles' labels)."""
    roles = roles if roles is not None else unit_roles(actor, locked.unit_id)
    try:
        return transition(locked.state, action, roles, reason)
    except WorkflowError:
        raise AppraisalError(
            workflow_refusal(locked.state, action, roles, reason, say=say)
        ) from None


def set_state(
    locked: Assessment,
    action: Action,
    actor: User,
    *,
    roles: set[str] | None = None,
    reason: str = "",
    extra: dict[str, object] | None = None,
    say: Mapping[str, str] | None = None,
) -> None:
    """Move the locked assessment by ``action`` (as the table allows), audited."""
    target = workflow_check(locked, action, actor, roles=roles, reason=reason, say=say)
    before = {"state": locked.state}
    locked.state = target
    locked.version += 1
    fields = ["state", "version"]
    for name, value in (extra or {}).items():
        setattr(locked, name, value)
        fields.append(name)
    locked.save(update_fields=fields)
    audit_record(
        actor=actor,
        action=f"assessment.{action.value}",
        target=locked,
        before=before,
        after={"state": target, **(extra or {})},
        reason=reason,
        cycle_id=locked.cycle_id,
        unit_id=locked.unit_id,
    )


def appraisal_values(la: LeafAppraisal | None) -> dict[str, object]:
    if la is None:
        return {"decision": None}
    return {
        "decision": la.decision,
        "value": la.value,
        "points": la.points,
        "reason": la.reason,
        "outcome": la.outcome,
        "settled_value": la.settled_value,
        "settled_points": la.settled_points,
    }


def final_sync(assessment: Assessment, la: LeafAppraisal) -> None:
    value, points = in_force(la)
    appraised_value_set(
        cycle=assessment.cycle,
        unit_id=assessment.unit_id,
        leaf_code=la.leaf_code,
        value=value,
        points=points,
    )


def results_refresh(cycle: Cycle) -> None:
    """Store both bases of the cycle's results again, from the core."""
    cycle_compute(cycle=cycle, basis=Basis.SELF)
    cycle_compute(cycle=cycle, basis=Basis.FINAL)
