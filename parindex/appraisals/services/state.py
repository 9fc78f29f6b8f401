"""What an appraisal write leaves behind: the assessment moved by the workflow's table
(audited), the appraisal's fields as the audit trail records them, the figure in force for a
leaf mirrored into ``results.AppraisedValue``, and the cycle's results on both bases."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from parindex.accounts.models import Role, User
from parindex.appraisals.leaves import in_force
from parindex.appraisals.models import LeafAppraisal
from parindex.assessments.access import unit_roles
from parindex.assessments.models import Assessment
from parindex.assessments.templatetags.assessments import state_label
from parindex.audit.services import audit_record
from parindex.core.workflow import Action, State, WorkflowError, find, transition
from parindex.cycles.models import Cycle
from parindex.results.models import Basis
from parindex.results.services import appraised_value_set, cycle_compute

from .errors import AppraisalError

# The workflow's actions as the refusals name them (the core's own message is English).
ACTION_LABELS = {
    Action.SUBMIT: gettext_lazy("submit the self-assessment"),
    Action.REOPEN_SELF: gettext_lazy("reopen the self-assessment"),
    Action.START_APPRAISAL: gettext_lazy("start the appraisal"),
    Action.RELEASE: gettext_lazy("release the appraisal to the unit"),
    Action.REPLY: gettext_lazy("send the explanations"),
    Action.RETURN_AGAIN: gettext_lazy("return for another explanation round"),
    Action.SETTLE: gettext_lazy("settle the disputed items"),
    Action.FINISH: gettext_lazy("finish the appraisal"),
    Action.APPROVE: gettext_lazy("approve the results"),
    Action.REOPEN: gettext_lazy("reopen the approved results"),
    Action.PUBLISH: gettext_lazy("publish the results"),
}


def workflow_refusal(state: str, action: Action, roles: set[str]) -> str:
    """Why the workflow's table refuses ``action``, in the reader's language: the checks of
    ``core.workflow.transition``, in its order, named by the action's, state's and roles'
    labels."""
    label = str(ACTION_LABELS.get(action, action))
    found = find(state, action)
    if found is None:
        return _("The action “%(action)s” is not possible while the assessment is “%(state)s”.") % {
            "action": label,
            "state": state_label(state),
        }
    allowed = sorted(r.value for r in found.roles)
    if not set(allowed) & {str(r) for r in roles}:
        names = [str(Role(r).label) if r in Role.values else r for r in allowed]
        if len(names) > 1:
            names = [
                _("%(names)s or %(last)s") % {"names": ", ".join(names[:-1]), "last": names[-1]}
            ]
        return _("Only a person with the role %(roles)s may “%(action)s”.") % {
            "roles": names[0],
            "action": label,
        }
    return _("The action “%(action)s” needs a written reason.") % {"action": label}


def _workflow(state: str, action: Action, roles: set[str], reason: str = "") -> State:
    try:
        return transition(state, action, roles, reason)
    except WorkflowError:
        raise AppraisalError(workflow_refusal(state, action, roles)) from None


def set_state(
    locked: Assessment,
    action: Action,
    actor: User,
    *,
    roles: set[str] | None = None,
    reason: str = "",
    extra: dict[str, object] | None = None,
) -> None:
    """Move the locked assessment by ``action`` (as the table allows), audited."""
    roles = roles if roles is not None else unit_roles(actor, locked.unit_id)
    target = _workflow(locked.state, action, roles, reason)
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
