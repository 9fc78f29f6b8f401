"""The workflow's refusals as the pages word them.

Whether a person may move an assessment is decided by ``core.workflow.transition`` alone;
the services of the self-assessment and of the appraisal ask it and, when it refuses, tell
the person why in their language. Which check refused (an impossible move, a missing role, a
missing reason) is the core's answer, never re-derived here; a service may word a refusal
its own way (``say``), for the pages that always said it so.
"""

from __future__ import annotations

from collections.abc import Mapping

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from parindex.accounts.models import ROLE_LABELS
from parindex.core.workflow import Action, WorkflowError, find, transition

from .templatetags.assessments import state_label

# The message codes of the core's refusals, in the order ``transition`` checks them.
NOT_POSSIBLE = "workflow.not_possible"
NEEDS_ROLE = "workflow.needs_role"
NEEDS_REASON = "workflow.needs_reason"

# The workflow's actions as the refusals name them (the core's own message is English).
ACTION_LABELS = {
    Action.SUBMIT: gettext_lazy("submit the self-assessment"),
    Action.WITHDRAW: gettext_lazy("withdraw the submitted self-assessment"),
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


def refusal_code(state: str, action: Action, roles: set[str], reason: str = "") -> str | None:
    """Which of the table's checks refuses ``action`` (a message code above), or None if the
    table allows it."""
    try:
        transition(state, action, roles, reason)
    except WorkflowError as exc:
        return exc.msg.code if exc.msg is not None else NOT_POSSIBLE
    return None


def workflow_refusal(
    state: str,
    action: Action,
    roles: set[str],
    reason: str = "",
    *,
    say: Mapping[str, str] | None = None,
) -> str:
    """Why the workflow's table refuses ``action``, in the reader's language: ``say`` worded
    for the refusing check where the caller gives it, else the action's, state's and roles'
    labels."""
    code = refusal_code(state, action, roles, reason) or NOT_POSSIBLE
    if say and code in say:
        return str(say[code])
    label = str(ACTION_LABELS.get(action, action))
    found = find(state, action)
    if code == NOT_POSSIBLE or found is None:
        return _("The action “%(action)s” is not possible while the assessment is “%(state)s”.") % {
            "action": label,
            "state": state_label(state),
        }
    if code == NEEDS_ROLE:
        names = [str(ROLE_LABELS[r]) for r in sorted(found.roles)]
        if len(names) > 1:
            names = [
                _("%(names)s or %(last)s") % {"names": ", ".join(names[:-1]), "last": names[-1]}
            ]
        return _("Only a person with the role %(roles)s may “%(action)s”.") % {
            "roles": names[0],
            "action": label,
        }
    return _("The action “%(action)s” needs a written reason.") % {"action": label}
