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
from .messages import msg
from .text import Text


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
    WITHDRAW = "withdraw"  # the unit head takes a submission back before its appraisal starts
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


# What a refusal calls states, actions and roles, in the words of the web pages (the assessment
# states, the appraisal refusals, the accounts' roles). In English a state and an action keep
# their code, as the API, the CLI and the audit trail say it; a role is named by its label.
STATE_NAMES: dict[State, Text] = {
    State.DRAFT: Text("Đang tự đánh giá", "draft"),
    State.SUBMITTED: Text("Đã nộp", "submitted"),
    State.IN_APPRAISAL: Text("Đang thẩm định", "in_appraisal"),
    State.RETURNED: Text("Trả lại để giải trình", "returned"),
    State.REPLIED: Text("Đã giải trình", "replied"),
    State.APPRAISED: Text("Đã thẩm định", "appraised"),
    State.APPROVED: Text("Hội đồng đã phê duyệt", "approved"),
    State.PUBLISHED: Text("Đã công bố", "published"),
}
ACTION_NAMES: dict[Action, Text] = {
    Action.SUBMIT: Text("nộp hồ sơ tự đánh giá", "submit"),
    Action.WITHDRAW: Text("rút lại hồ sơ đã nộp", "withdraw"),
    Action.REOPEN_SELF: Text("mở lại hồ sơ tự đánh giá", "reopen_self"),
    Action.START_APPRAISAL: Text("bắt đầu thẩm định", "start_appraisal"),
    Action.RELEASE: Text("chuyển kết quả thẩm định cho đơn vị", "release"),
    Action.REPLY: Text("gửi giải trình", "reply"),
    Action.RETURN_AGAIN: Text("yêu cầu giải trình thêm một vòng", "return_again"),
    Action.SETTLE: Text("chốt các nội dung có ý kiến khác nhau", "settle"),
    Action.FINISH: Text("kết thúc thẩm định", "finish"),
    Action.APPROVE: Text("phê duyệt kết quả", "approve"),
    Action.REOPEN: Text("mở lại kết quả đã phê duyệt", "reopen"),
    Action.PUBLISH: Text("công bố kết quả", "publish"),
}
ROLE_NAMES: dict[Role, Text] = {
    Role.PAR_ADMIN: Text("Quản trị CCHC (Sở Nội vụ)", "PAR administrator"),
    Role.UNIT_EDITOR: Text("Cán bộ đầu mối của đơn vị", "Unit editor"),
    Role.UNIT_HEAD: Text("Thủ trưởng đơn vị", "Unit head"),
    Role.APPRAISER: Text("Thành viên tổ thẩm định", "Appraiser"),
    Role.COUNCIL: Text("Thành viên Hội đồng thẩm định", "Council member"),
    Role.VIEWER: Text("Người xem", "Viewer"),
}


def _name(names: dict[State, Text] | dict[Action, Text], value: object) -> Text:
    """The label of a state or action; a value outside the table keeps its text as written."""
    found = next((label for key, label in names.items() if key == value), None)
    return found if found is not None else Text(str(value), str(value))


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
    _t(State.SUBMITTED, Action.WITHDRAW, State.DRAFT, Role.UNIT_HEAD),
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
    named = _name(ACTION_NAMES, action)
    if found is None:
        raise WorkflowError(
            msg("workflow.not_possible", action=named, state=_name(STATE_NAMES, state))
        )
    if not found.roles & {Role(r) for r in roles}:
        allowed = tuple(ROLE_NAMES[r] for r in sorted(found.roles))
        raise WorkflowError(msg("workflow.needs_role", action=named, roles=allowed))
    if found.needs_reason and not reason.strip():
        raise WorkflowError(msg("workflow.needs_reason", action=named))
    return found.target


def actions_from(state: State | str) -> tuple[Transition, ...]:
    """Every transition leaving ``state``, in table order (for buttons and docs)."""
    return tuple(t for t in TRANSITIONS if t.source == State(state))
