"""The assessment workflow: states of a unit's assessment and who may move it.

A unit's assessment (*hồ sơ tự đánh giá*) in a cycle moves through
``draft → submitted → in_appraisal → returned ⇄ replied → appraised → approved → published``.
The transition table below is the single source of truth; services persist a transition only
after ``transition`` accepts it, and pages ask ``may`` before offering a button.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from .errors import ParindexError


class WorkflowError(ParindexError):
    """An action that the current state or the actor's role does not allow."""


class State(StrEnum):
    DRAFT = "draft"  # đang tự đánh giá
    SUBMITTED = "submitted"  # đã nộp (chốt)
    IN_APPRAISAL = "in_appraisal"  # đang thẩm định
    RETURNED = "returned"  # trả lại để giải trình
    REPLIED = "replied"  # đã giải trình
    APPRAISED = "appraised"  # đã thẩm định xong
    APPROVED = "approved"  # Hội đồng đã phê duyệt
    PUBLISHED = "published"  # đã công bố


class Action(StrEnum):
    SUBMIT = "submit"  # the unit head signs off the self-assessment
    REOPEN_SELF = "reopen_self"  # the administrator reopens one unit's self-assessment
    START_APPRAISAL = "start_appraisal"
    RELEASE = "release"  # the administrator releases the appraisal round to the unit
    REPLY = "reply"  # the unit sends its explanations
    RETURN_AGAIN = "return_again"  # another explanation round
    SETTLE = "settle"  # the appraisers settle every disputed leaf
    FINISH = "finish"  # appraisal done with nothing to explain
    APPROVE = "approve"  # the council approves the final scores
    REOPEN = "reopen"  # the council reopens an approved assessment
    PUBLISH = "publish"


class Role(StrEnum):
    PAR_ADMIN = "par_admin"
    UNIT_EDITOR = "unit_editor"
    UNIT_HEAD = "unit_head"
    APPRAISER = "appraiser"
    COUNCIL = "council"
    VIEWER = "viewer"


@dataclass(frozen=True)
class Transition:
    source: State
    action: Action
    target: State
    roles: frozenset[Role]
    needs_reason: bool = False


def _t(
    source: State, action: Action, target: State, *roles: Role, reason: bool = False
) -> Transition:
    return Transition(source, action, target, frozenset(roles), reason)


TRANSITIONS: tuple[Transition, ...] = (
    _t(State.DRAFT, Action.SUBMIT, State.SUBMITTED, Role.UNIT_HEAD),
    _t(State.SUBMITTED, Action.REOPEN_SELF, State.DRAFT, Role.PAR_ADMIN, reason=True),
    _t(State.SUBMITTED, Action.START_APPRAISAL, State.IN_APPRAISAL, Role.APPRAISER, Role.PAR_ADMIN),
    _t(State.IN_APPRAISAL, Action.RELEASE, State.RETURNED, Role.PAR_ADMIN),
    _t(State.IN_APPRAISAL, Action.FINISH, State.APPRAISED, Role.PAR_ADMIN),
    _t(State.RETURNED, Action.REPLY, State.REPLIED, Role.UNIT_HEAD, Role.UNIT_EDITOR),
    _t(State.REPLIED, Action.RETURN_AGAIN, State.RETURNED, Role.PAR_ADMIN, reason=True),
    _t(State.REPLIED, Action.SETTLE, State.APPRAISED, Role.APPRAISER, Role.PAR_ADMIN),
    _t(State.APPRAISED, Action.APPROVE, State.APPROVED, Role.COUNCIL),
    _t(State.APPROVED, Action.REOPEN, State.APPRAISED, Role.COUNCIL, reason=True),
    _t(State.APPROVED, Action.PUBLISH, State.PUBLISHED, Role.PAR_ADMIN, Role.COUNCIL),
)
_TABLE: dict[tuple[State, Action], Transition] = {(t.source, t.action): t for t in TRANSITIONS}

EDITABLE_BY_UNIT: frozenset[State] = frozenset({State.DRAFT})
"""States in which the unit may change its declared values and evidence."""

VISIBLE_APPRAISAL: frozenset[State] = frozenset(
    {State.RETURNED, State.REPLIED, State.APPRAISED, State.APPROVED, State.PUBLISHED}
)
"""States in which the unit sees the appraisers' results (after the administrator's release)."""


def find(state: State | str, action: Action | str) -> Transition | None:
    try:
        return _TABLE.get((State(state), Action(action)))
    except ValueError:
        return None


def may(
    roles: set[Role] | frozenset[Role] | set[str], action: Action | str, state: State | str
) -> bool:
    """May someone holding ``roles`` take ``action`` in ``state``?"""
    found = find(state, action)
    return found is not None and bool(found.roles & {Role(r) for r in roles})


def transition(
    state: State | str, action: Action | str, roles: set[Role] | set[str], reason: str = ""
) -> State:
    """The state after ``action``, or WorkflowError saying why it is refused."""
    found = find(state, action)
    if found is None:
        raise WorkflowError(f"action '{action}' is not possible in state '{state}'")
    if not found.roles & {Role(r) for r in roles}:
        allowed = ", ".join(sorted(r.value for r in found.roles))
        raise WorkflowError(f"action '{action}' needs one of the roles: {allowed}")
    if found.needs_reason and not reason.strip():
        raise WorkflowError(f"action '{action}' needs a written reason")
    return found.target


def actions_from(state: State | str) -> tuple[Transition, ...]:
    """Every transition leaving ``state``, in table order (for buttons and docs)."""
    return tuple(t for t in TRANSITIONS if t.source == State(state))
