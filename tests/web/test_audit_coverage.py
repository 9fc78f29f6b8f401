"""Every change the assessment and appraisal services make writes its audit event (issue 3, item
10): exactly one event per change, with the actor, the action, the values before and after and,
where the change needs one, the reason; and in the same transaction as the change.

Each case runs its service twice on a real world (the appraisal fixtures). The first call has
the event's write fail just after the event is written: the call raises, no event is left and
the change is rolled back with it. The second, untouched call then succeeds and leaves exactly
the expected events; it could not, had the first call's change survived (the state would have
moved on, the assignment or role would exist, the reply would have a ``before``...).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.utils import timezone

from parindex.accounts import services as account_services
from parindex.accounts.models import Role, RoleAssignment, User
from parindex.appraisals import services
from parindex.appraisals.models import AppraiserAssignment, LeafReply
from parindex.assessments import services as assessment_services
from parindex.assessments.models import Stage
from parindex.audit import services as audit_services
from parindex.audit.models import AuditEvent
from parindex.evidence.models import Evidence
from parindex.results.models import Answer

from . import appraisals_fixtures as fx
from .appraisals_fixtures import CHOICE_LEAF, DAY, DEDUCTION_LEAF, RATIO_LEAF, Appraisal
from .factories import person

appraisal = fx.appraisal

# Every module that imported ``audit_record`` by name: the failing write is put in each.
AUDITING_MODULES = [
    "parindex.accounts.services",
    "parindex.assessments.services",
    "parindex.appraisals.services.assignment",
    "parindex.appraisals.services.council",
    "parindex.appraisals.services.council_members",
    "parindex.appraisals.services.decisions",
    "parindex.appraisals.services.explanation",
    "parindex.appraisals.services.people",
    "parindex.appraisals.services.state",
]


class AuditWriteFailed(Exception):
    pass


@dataclass(frozen=True)
class Case:
    """One change: ``setup`` brings the world to where it can happen and returns what
    ``change`` needs; ``change`` calls the service. The event with ``action`` is checked
    against the rest; ``events`` counts every event the call writes, by action."""

    setup: Callable[[Appraisal], Any]
    change: Callable[[Appraisal, Any], object]
    action: str
    actor: str
    before: dict[str, object] | None = field(default_factory=dict)
    after: dict[str, object] | None = field(default_factory=dict)
    reason: str = ""
    events: dict[str, int] | None = None


def nothing(ap: Appraisal) -> None:
    return None


def ward_editor(ap: Appraisal) -> tuple[User, Answer]:
    editor = person("editor.ward", Role.UNIT_EDITOR, ap.world.ward)
    answer = Answer.objects.get(cycle=ap.cycle, unit=ap.world.ward, leaf_code=DEDUCTION_LEAF)
    return editor, answer


def ward_document(ap: Appraisal) -> tuple[User, Evidence]:
    editor, _answer = ward_editor(ap)
    return editor, fx.reference_of(ap.ward, editor)


def second_document(ap: Appraisal) -> Evidence:
    disagreement_drafted(ap)
    return fx.reference_of(ap.a, ap.editor_a, title="Biên bản kiểm tra")


def disagreement_drafted(ap: Appraisal) -> LeafReply:
    fx.released(ap)
    return services.reply_save(
        assessment=ap.a,
        leaf_code=RATIO_LEAF,
        agrees=False,
        reason="Đã hoàn thành.",
        evidence=[fx.reference_of(ap.a, ap.editor_a)],
        actor=ap.editor_a,
    )


def replies_drafted(ap: Appraisal) -> None:
    disagreement_drafted(ap)
    services.reply_save(
        assessment=ap.a, leaf_code=CHOICE_LEAF, agrees=True, reason="", actor=ap.editor_a
    )


def ratio_settled(ap: Appraisal) -> None:
    fx.replied(ap)
    services.leaf_settle(
        assessment=ap.a,
        leaf_code=RATIO_LEAF,
        outcome="keep",
        reason="Giữ kết quả.",
        actor=ap.appraiser,
    )


def accepted_whole(ap: Appraisal) -> None:
    fx.accept_all(ap, ap.b)


def flagged_rest_accepted(ap: Appraisal) -> None:
    fx.adjust_and_flag(ap)
    fx.accept_all(ap, ap.a)


def approved(ap: Appraisal) -> None:
    fx.all_appraised(ap)
    services.cycle_approve(cycle=ap.cycle, actor=ap.council)


def council_member(ap: Appraisal) -> User:
    """Every unit appraised, and a member besides the chair, who has not decided yet."""
    fx.all_appraised(ap)
    member = person("member.1", Role.COUNCIL)
    services.council_member_set(cycle=ap.cycle, user=member, role="member", actor=ap.admin)
    return member


def ward_head_ready(ap: Appraisal) -> User:
    head = person("head.ward", Role.UNIT_HEAD, ap.world.ward)
    for leaf in assessment_services.missing_evidence(ap.ward):
        assessment_services.answer_evidence_link(
            assessment=ap.ward,
            leaf_code=leaf.code,
            evidence=fx.reference_of(ap.ward, head),
            actor=head,
        )
    return head


# Fixed once, so the case's expected value and its call agree.
PUBLICATION_CLOSES = (timezone.now() + 60 * DAY).replace(microsecond=0)
EXTENDED_UNTIL = (timezone.now() + 30 * DAY).replace(microsecond=0)


def appraiser_3(ap: Appraisal) -> User:
    return fx.appraiser_create("appraiser.3", "3")


CASES: dict[str, Case] = {
    "answer value": Case(
        setup=ward_editor,
        change=lambda ap, ctx: assessment_services.answer_save(
            assessment=ap.ward,
            leaf_code=DEDUCTION_LEAF,
            value="2",
            version=ctx[1].version,
            actor=ctx[0],
        ),
        action="answer.value",
        actor="editor.ward",
        after={"value": "2", "points": "0.50"},
    ),
    "evidence link": Case(
        setup=ward_document,
        change=lambda ap, ctx: assessment_services.answer_evidence_link(
            assessment=ap.ward, leaf_code=DEDUCTION_LEAF, evidence=ctx[1], actor=ctx[0]
        ),
        action="evidence.link",
        actor="editor.ward",
        before=None,
        after={"title": "Báo cáo bổ sung"},
    ),
    "calendar set": Case(
        setup=nothing,
        change=lambda ap, ctx: assessment_services.cycle_calendar_set(
            cycle=ap.cycle,
            windows={
                **{s: (w.opens_at, w.closes_at) for s, w in _windows(ap).items()},
                Stage.PUBLICATION: (_windows(ap)[Stage.PUBLICATION].opens_at, PUBLICATION_CLOSES),
            },
            actor=ap.admin,
        ),
        action="calendar.set",
        actor="admin",
        after={"stage": "publication", "closes_at": PUBLICATION_CLOSES.isoformat()},
    ),
    "stage extension": Case(
        setup=nothing,
        change=lambda ap, ctx: assessment_services.stage_extend(
            assessment=ap.ward,
            stage=Stage.SELF_ASSESSMENT,
            closes_at=EXTENDED_UNTIL,
            reason="Đơn vị mất điện một tuần.",
            actor=ap.admin,
        ),
        action="stage.extend",
        actor="admin",
        before={"stage": "self_assessment"},
        after={"stage": "self_assessment", "closes_at": EXTENDED_UNTIL.isoformat()},
        reason="Đơn vị mất điện một tuần.",
    ),
    "submit": Case(
        setup=ward_head_ready,
        change=lambda ap, head: assessment_services.assessment_submit(
            assessment=ap.ward, actor=head
        ),
        action="assessment.submit",
        actor="head.ward",
        before={"state": "draft"},
        after={"state": "submitted"},
    ),
    "reopen the self-assessment": Case(
        setup=nothing,
        change=lambda ap, ctx: assessment_services.assessment_reopen(
            assessment=ap.b, actor=ap.admin, reason="Thiếu số liệu quý IV."
        ),
        action="assessment.reopen",
        actor="admin",
        before={"state": "submitted"},
        after={"state": "draft"},
        reason="Thiếu số liệu quý IV.",
    ),
    "start appraisal and adjust": Case(
        setup=nothing,
        change=lambda ap, ctx: services.leaf_appraise(
            assessment=ap.a,
            leaf_code=CHOICE_LEAF,
            decision="adjusted",
            value="cham",
            reason="Ban hành quá hạn.",
            actor=ap.appraiser,
        ),
        action="appraisal.adjusted",
        actor="appraiser",
        after={"decision": "adjusted", "value": "cham"},
        reason="Ban hành quá hạn.",
        events={"assessment.start_appraisal": 1, "appraisal.adjusted": 1},
    ),
    "start appraisal": Case(
        setup=nothing,
        change=lambda ap, ctx: services.leaf_appraise(
            assessment=ap.b, leaf_code=RATIO_LEAF, decision="accepted", actor=ap.appraiser
        ),
        action="assessment.start_appraisal",
        actor="appraiser",
        before={"state": "submitted"},
        after={"state": "in_appraisal"},
        events={"assessment.start_appraisal": 1, "appraisal.accepted": 1},
    ),
    "release": Case(
        setup=flagged_rest_accepted,
        change=lambda ap, ctx: services.assessment_release(assessment=ap.a, actor=ap.admin),
        action="assessment.release",
        actor="admin",
        before={"state": "in_appraisal"},
        after={"state": "returned"},
    ),
    "finish": Case(
        setup=accepted_whole,
        change=lambda ap, ctx: services.assessment_release(assessment=ap.b, actor=ap.admin),
        action="assessment.finish",
        actor="admin",
        before={"state": "in_appraisal"},
        after={"state": "appraised"},
    ),
    "reply save": Case(
        setup=fx.released,
        change=lambda ap, ctx: services.reply_save(
            assessment=ap.a, leaf_code=CHOICE_LEAF, agrees=True, reason="", actor=ap.editor_a
        ),
        action="reply.save",
        actor="editor.a",
        before=None,
        after={"agrees": True, "round": 1},
    ),
    "reply evidence link": Case(
        setup=second_document,
        change=lambda ap, document: services.reply_save(
            assessment=ap.a,
            leaf_code=RATIO_LEAF,
            agrees=False,
            reason="Đã hoàn thành.",
            evidence=[document],
            actor=ap.editor_a,
        ),
        action="reply.evidence_link",
        actor="editor.a",
        before=None,
        after={"title": "Biên bản kiểm tra", "round": 1},
        # The unchanged reply is saved (and audited) again with the new document.
        events={"reply.save": 1, "reply.evidence_link": 1},
    ),
    "reply (send)": Case(
        setup=replies_drafted,
        change=lambda ap, ctx: services.replies_send(assessment=ap.a, actor=ap.editor_a),
        action="assessment.reply",
        actor="editor.a",
        before={"state": "returned"},
        after={"state": "replied"},
        # The adjustment the unit agrees with is closed at once: a change of its own.
        events={"assessment.reply": 1, "appraisal.agreed": 1},
    ),
    "leaf settle": Case(
        setup=fx.replied,
        change=lambda ap, ctx: services.leaf_settle(
            assessment=ap.a,
            leaf_code=RATIO_LEAF,
            outcome="new",
            value="75/100",
            reason="Báo cáo bổ sung cho thấy 75%.",
            actor=ap.appraiser,
        ),
        action="appraisal.settle",
        actor="appraiser",
        before={"decision": "flagged", "outcome": ""},
        after={"outcome": "new", "settled_value": "75/100"},
        reason="Báo cáo bổ sung cho thấy 75%.",
    ),
    "settle (close the round)": Case(
        setup=ratio_settled,
        change=lambda ap, ctx: services.round_close(assessment=ap.a, actor=ap.appraiser),
        action="assessment.settle",
        actor="appraiser",
        before={"state": "replied"},
        after={"state": "appraised"},
    ),
    "return again": Case(
        setup=fx.replied,
        change=lambda ap, ctx: services.round_return(
            assessment=ap.a, actor=ap.admin, reason="Bổ sung biên bản."
        ),
        action="assessment.return_again",
        actor="admin",
        before={"state": "replied"},
        after={"state": "returned"},
        reason="Bổ sung biên bản.",
    ),
    "approve": Case(
        setup=fx.all_appraised,
        change=lambda ap, ctx: services.cycle_approve(cycle=ap.cycle, actor=ap.council),
        action="assessment.approve",
        actor="council",
        before={"state": "appraised"},
        after={"state": "approved"},
        # The chair's decision, one per unit, the snapshot, and the cycle's own state.
        events={
            "council.vote": 1,
            "assessment.approve": 4,
            "results.snapshot": 1,
            "cycle.state": 1,
        },
    ),
    "reopen": Case(
        setup=approved,
        change=lambda ap, ctx: services.cycle_reopen(
            cycle=ap.cycle, actor=ap.council, reason="Sai số liệu.", units=[ap.world.unit_b]
        ),
        action="assessment.reopen",
        actor="council",
        before={"state": "approved"},
        after={"state": "appraised"},
        reason="Sai số liệu.",
        events={
            "assessment.reopen": 1,
            "results.snapshot_superseded": 1,
            "cycle.state": 1,
            "council.vote": 1,  # the chair's decision, superseded: the next approval is afresh
        },
    ),
    "publish": Case(
        setup=approved,
        change=lambda ap, ctx: services.cycle_publish(
            cycle=ap.cycle,
            actor=ap.council,
            decision="12/QĐ-UBND",
            decision_date=timezone.localdate(),
        ),
        action="assessment.publish",
        actor="council",
        before={"state": "approved"},
        after={"state": "published"},
        events={"assessment.publish": 4, "cycle.state": 1, "council.settings": 1},
    ),
    "council decision": Case(
        setup=council_member,
        change=lambda ap, member: services.council_vote(
            cycle=ap.cycle, actor=member, vote="object", note="Xem lại đơn vị SNV."
        ),
        action="council.vote",
        actor="member.1",
        before=None,
        after={"vote": "object", "note": "Xem lại đơn vị SNV."},
    ),
    "council member": Case(
        setup=lambda ap: person("member.2", Role.COUNCIL),
        change=lambda ap, user: services.council_member_set(
            cycle=ap.cycle, user=user, role="member", actor=ap.admin
        ),
        action="council.member",
        actor="admin",
        before=None,
        after={"user": "member.2", "role": "member"},
    ),
    "withdraw": Case(
        setup=nothing,
        change=lambda ap, ctx: assessment_services.assessment_withdraw(
            assessment=ap.a, actor=ap.head_a
        ),
        action="assessment.withdraw",
        actor="head.a",
        before={"state": "submitted", "withdrawals": 0},
        after={"state": "draft", "withdrawals": 1},
    ),
    "appraiser assignment": Case(
        setup=appraiser_3,
        change=lambda ap, user: services.appraiser_assign(
            cycle=ap.cycle, user=user, area_code="3", actor=ap.admin
        ),
        action="appraiser.assign",
        actor="admin",
        before=None,
        after={"user": "appraiser.3", "area": "3"},
    ),
    "appraiser unassignment": Case(
        setup=lambda ap: AppraiserAssignment.objects.get(cycle=ap.cycle, user=ap.appraiser_2),
        change=lambda ap, assignment: services.appraiser_unassign(
            assignment=assignment, actor=ap.admin
        ),
        action="appraiser.unassign",
        actor="admin",
        before={"user": "appraiser.2", "area": "2"},
        after=None,
    ),
    "role add": Case(
        setup=nothing,
        change=lambda ap, ctx: account_services.account_role_add(
            actor=ap.admin,
            user=ap.viewer,
            spec=account_services.RoleSpec(Role.UNIT_EDITOR, unit=ap.world.ward),
            reason="Chuyển công tác về Phường 1.",
        ),
        action="account.role_add",
        actor="admin",
        before=None,
        after={"role": "unit_editor", "unit": "P01", "area": ""},
        reason="Chuyển công tác về Phường 1.",
    ),
    "role remove": Case(
        setup=lambda ap: RoleAssignment.objects.get(user=ap.editor_b, role=Role.UNIT_EDITOR),
        change=lambda ap, assignment: account_services.account_role_remove(
            actor=ap.admin, assignment=assignment, reason="Nghỉ hưu."
        ),
        action="account.role_remove",
        actor="admin",
        before={"role": "unit_editor", "unit": "STP", "area": ""},
        after=None,
        reason="Nghỉ hưu.",
    ),
}


def _windows(ap: Appraisal) -> dict[str, Any]:
    return {w.stage: w for w in ap.cycle.stages.all()}


def new_events(since: int) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(sequence__gt=since).order_by("sequence"))


def last_sequence() -> int:
    last = AuditEvent.objects.order_by("-sequence").first()
    return last.sequence if last else 0


def fail_after_writing(monkeypatch: pytest.MonkeyPatch, action: str) -> None:
    """Make the write of the event with ``action`` fail just after the event is written."""
    real = audit_services.audit_record

    def write_then_fail(**kwargs: Any) -> AuditEvent:
        event = real(**kwargs)
        if kwargs["action"] == action:
            raise AuditWriteFailed(action)
        return event

    for module in AUDITING_MODULES:
        monkeypatch.setattr(f"{module}.audit_record", write_then_fail)


@pytest.mark.parametrize("name", list(CASES))
def test_each_change_writes_one_event_in_its_transaction(
    name: str, appraisal: Appraisal, monkeypatch: pytest.MonkeyPatch
) -> None:
    ap = appraisal
    case = CASES[name]
    context = case.setup(ap)
    start = last_sequence()

    fail_after_writing(monkeypatch, case.action)
    with pytest.raises(AuditWriteFailed):
        case.change(ap, context)
    assert new_events(start) == [], "the failed change left events behind"

    monkeypatch.undo()
    ap.refresh()
    case.change(ap, context)

    events = new_events(start)
    assert Counter(e.action for e in events) == Counter(case.events or {case.action: 1})
    event = next(e for e in events if e.action == case.action)
    assert event.actor is not None and event.actor.username == case.actor
    if case.before is None:
        assert event.before is None
    else:
        assert event.before is not None
        assert {k: event.before.get(k) for k in case.before} == case.before
    if case.after is None:
        assert event.after is None
    else:
        assert event.after is not None
        assert {k: event.after.get(k) for k in case.after} == case.after
    assert event.reason == case.reason
    assert event.created_at is not None and event.target_id
