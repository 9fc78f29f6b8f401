"""The assessment workflow's transition table, pinned transition by transition.

The services and pages take every decision about who may move an assessment from
``parindex.core.workflow``; nothing else re-checks it. So the table is written out again here
by hand, and any change to it (a role added to an action, a reason no longer required, a new
way out of a state) fails this file until the expected table below is changed too, deliberately.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from parindex.core.text import Text
from parindex.core.workflow import (
    EDITABLE_BY_UNIT,
    ROLE_NAMES,
    TRANSITIONS,
    VISIBLE_APPRAISAL,
    Action,
    Role,
    State,
    WorkflowError,
    actions_from,
    find,
    may,
    transition,
)

S, A, R = State, Action, Role

# (state, action) → (next state, the roles allowed, a written reason required)
EXPECTED: dict[tuple[State, Action], tuple[State, frozenset[Role], bool]] = {
    (S.DRAFT, A.SUBMIT): (S.SUBMITTED, frozenset({R.UNIT_HEAD}), False),
    (S.SUBMITTED, A.WITHDRAW): (S.DRAFT, frozenset({R.UNIT_HEAD}), False),
    (S.SUBMITTED, A.REOPEN_SELF): (S.DRAFT, frozenset({R.PAR_ADMIN}), True),
    (S.SUBMITTED, A.START_APPRAISAL): (
        S.IN_APPRAISAL,
        frozenset({R.APPRAISER, R.PAR_ADMIN}),
        False,
    ),
    (S.IN_APPRAISAL, A.RELEASE): (S.RETURNED, frozenset({R.PAR_ADMIN}), False),
    (S.IN_APPRAISAL, A.FINISH): (S.APPRAISED, frozenset({R.PAR_ADMIN}), False),
    (S.RETURNED, A.REPLY): (S.REPLIED, frozenset({R.UNIT_HEAD, R.UNIT_EDITOR}), False),
    (S.REPLIED, A.RETURN_AGAIN): (S.RETURNED, frozenset({R.PAR_ADMIN}), True),
    (S.REPLIED, A.SETTLE): (S.APPRAISED, frozenset({R.APPRAISER, R.PAR_ADMIN}), False),
    (S.APPRAISED, A.APPROVE): (S.APPROVED, frozenset({R.COUNCIL}), False),
    (S.APPROVED, A.REOPEN): (S.APPRAISED, frozenset({R.COUNCIL}), True),
    (S.APPROVED, A.PUBLISH): (S.PUBLISHED, frozenset({R.PAR_ADMIN, R.COUNCIL}), False),
}

ALLOWED = [
    (role, action, state)
    for (state, action), (_target, roles, _reason) in EXPECTED.items()
    for role in sorted(roles)
]
REFUSED = [
    (role, action, state)
    for state in State
    for action in Action
    for role in Role
    if (role, action, state) not in ALLOWED
]
REASON = "Hồ sơ thiếu tài liệu kiểm chứng"
BLANK_REASONS = ("", " ", "\t\n ")


def refusal(state: str, action: str, roles: set[Role] | set[str], reason: str = "") -> str:
    """The message code of the WorkflowError ``transition`` raises (it must raise one)."""
    with pytest.raises(WorkflowError) as caught:
        transition(state, action, roles, reason)
    assert caught.value.msg is not None
    return caught.value.msg.code


# -- the table itself ----------------------------------------------------------------------------


def test_the_table_is_exactly_the_expected_one() -> None:
    actual = {(t.source, t.action): (t.target, t.roles, t.needs_reason) for t in TRANSITIONS}
    assert actual == EXPECTED


def test_no_state_and_action_appears_twice() -> None:
    assert len(TRANSITIONS) == len({(t.source, t.action) for t in TRANSITIONS}) == len(EXPECTED)


def test_the_unit_edits_only_a_draft_and_sees_the_appraisal_only_once_released() -> None:
    assert frozenset({S.DRAFT}) == EDITABLE_BY_UNIT
    assert frozenset({S.RETURNED, S.REPLIED, S.APPRAISED, S.APPROVED, S.PUBLISHED}) == (
        VISIBLE_APPRAISAL
    )


def test_nothing_leaves_a_published_assessment() -> None:
    assert actions_from(S.PUBLISHED) == ()


@pytest.mark.parametrize("state", list(State))
def test_actions_from_lists_the_expected_ways_out_in_table_order(state: State) -> None:
    assert [(t.action, t.target) for t in actions_from(state)] == [
        (action, target)
        for (source, action), (target, _r, _n) in EXPECTED.items()
        if source == state
    ]


@pytest.mark.parametrize(("state", "action"), [(s, a) for s in State for a in Action])
def test_find_answers_from_the_table(state: State, action: Action) -> None:
    found = find(state, action)
    if (state, action) in EXPECTED:
        assert found is not None
        assert (found.target, found.roles, found.needs_reason) == EXPECTED[(state, action)]
        assert find(state.value, action.value) == found  # codes as stored and posted
    else:
        assert found is None


# -- every allowed move succeeds ---------------------------------------------------------------


@pytest.mark.parametrize(("role", "action", "state"), ALLOWED)
def test_every_allowed_move_reaches_its_next_state(
    role: Role, action: Action, state: State
) -> None:
    target, _roles, _needs_reason = EXPECTED[(state, action)]
    assert may({role}, action, state)
    assert may({role.value}, action.value, state.value)
    assert transition(state, action, {role}, REASON) == target
    assert transition(state.value, action.value, {role.value}, REASON) == target
    # holding other roles as well never takes a right away
    assert transition(state, action, set(Role), REASON) == target


@pytest.mark.parametrize(("role", "action", "state"), ALLOWED)
def test_a_reason_is_demanded_exactly_where_the_table_says(
    role: Role, action: Action, state: State
) -> None:
    target, _roles, needs_reason = EXPECTED[(state, action)]
    for blank in BLANK_REASONS:
        if needs_reason:
            assert refusal(state, action, {role}, blank) == "workflow.needs_reason"
        else:
            assert transition(state, action, {role}, blank) == target
    # ``may`` answers the buttons: the reason is asked for on the form behind them
    assert may({role}, action, state)


# -- every other combination is refused, for the right reason ----------------------------------


@pytest.mark.parametrize(("role", "action", "state"), REFUSED)
def test_every_other_move_is_refused(role: Role, action: Action, state: State) -> None:
    assert not may({role}, action, state)
    expected = "workflow.not_possible" if (state, action) not in EXPECTED else "workflow.needs_role"
    assert refusal(state, action, {role}, REASON) == expected
    # a reason never makes up for a missing role or an impossible move, nor does its absence
    # change why the move is refused
    assert refusal(state, action, {role}) == expected


@pytest.mark.parametrize(("state", "action"), list(EXPECTED))
def test_nobody_without_a_role_moves_anything(state: State, action: Action) -> None:
    assert not may(set(), action, state)
    assert refusal(state, action, set(), REASON) == "workflow.needs_role"


def test_the_role_refusal_names_the_roles_that_may() -> None:
    with pytest.raises(WorkflowError) as caught:
        transition(S.SUBMITTED, A.START_APPRAISAL, {R.UNIT_HEAD})
    assert caught.value.msg is not None
    named: tuple[Text, ...] = caught.value.msg.params["roles"]
    assert set(named) == {ROLE_NAMES[R.APPRAISER], ROLE_NAMES[R.PAR_ADMIN]}
    assert caught.value.text("en") == (
        "action 'start_appraisal' needs one of the roles: Appraiser, PAR administrator"
    )


def test_the_unit_editor_may_reply_but_never_submit() -> None:
    assert refusal(S.DRAFT, A.SUBMIT, {R.UNIT_EDITOR}) == "workflow.needs_role"
    assert transition(S.RETURNED, A.REPLY, {R.UNIT_EDITOR}) == S.REPLIED


def test_reopening_after_the_council_needs_the_council_and_a_reason() -> None:
    assert refusal(S.APPROVED, A.REOPEN, {R.COUNCIL}) == "workflow.needs_reason"
    assert refusal(S.APPROVED, A.REOPEN, {R.PAR_ADMIN}, REASON) == "workflow.needs_role"
    assert transition(S.APPROVED, A.REOPEN, {R.COUNCIL}, REASON) == S.APPRAISED


@pytest.mark.parametrize(("state", "action"), [("archived", "submit"), ("draft", "fly"), ("", "")])
def test_a_state_or_action_outside_the_table_is_not_possible(state: str, action: str) -> None:
    assert find(state, action) is None
    assert not may(set(Role), action, state)
    assert refusal(state, action, set(Role), REASON) == "workflow.not_possible"


# -- the table, the buttons and the services agree on every triple -----------------------------


@settings(max_examples=400, deadline=None)
@given(
    roles=st.frozensets(st.sampled_from(list(Role))),
    action=st.sampled_from(list(Action)),
    state=st.sampled_from(list(State)),
    reason=st.one_of(st.sampled_from(BLANK_REASONS), st.text(max_size=20)),
)
def test_any_roles_action_and_state_agree_with_the_pinned_table(
    roles: frozenset[Role], action: Action, state: State, reason: str
) -> None:
    expected = EXPECTED.get((state, action))
    allowed = expected is not None and bool(expected[1] & roles)
    assert may(roles, action, state) is allowed
    assert may({r.value for r in roles}, action.value, state.value) is allowed
    if expected is None:
        assert refusal(state, action, set(roles), reason) == "workflow.not_possible"
    elif not allowed:
        assert refusal(state, action, set(roles), reason) == "workflow.needs_role"
    elif expected[2] and not reason.strip():
        assert refusal(state, action, set(roles), reason) == "workflow.needs_reason"
    else:
        assert transition(state, action, set(roles), reason) == expected[0]
