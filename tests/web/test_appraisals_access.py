"""Access matrix of every appraisal page and action × role: the appraiser of the leaf's area
(own area), the appraiser of another area, an appraiser who holds a role in the unit (own
unit), the unit's editor and head (own unit), another unit's editor (other unit), the PAR
administrator, a council member, a viewer, an anonymous visitor, and the same actions after
their stage's deadline. Refusals change nothing."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from parindex.accounts.models import User
from parindex.appraisals.models import (
    AppraiserAssignment,
    LeafAppraisal,
    LeafReply,
    ReplyEvidence,
)
from parindex.audit.models import AuditEvent
from parindex.core.workflow import State

from . import appraisals_fixtures as fx
from .appraisals_fixtures import CHOICE_LEAF, RATIO_LEAF, Appraisal
from .confirming import post_from_page
from .factories import browse

appraisal = fx.appraisal

PERSONAS = (
    "anonymous",
    "viewer",
    "admin",
    "council",
    "appraiser",  # area 1: the leaves below are in their area
    "appraiser_2",  # area 2: another area
    "conflicted",  # area 1, and an editor of unit A: own unit
    "editor_a",  # own unit
    "head_a",  # own unit
    "editor_b",  # another unit
)


@pytest.fixture
def ap(appraisal: Appraisal) -> Appraisal:
    return appraisal


def client_of(ap: Appraisal, name: str) -> Client:
    return Client() if name == "anonymous" else browse(getattr(ap, name))


OK = "ok"  # allowed: the request reaches the service (which may still refuse on its own terms)


def check(
    ap: Appraisal,
    request: Callable[[Client], object],
    expected: dict[str, int | str],
    *,
    default: int = 403,
    unchanged: Callable[[], object] | None = None,
) -> None:
    """Every persona gets its expected status (``default`` if not listed; anonymous is sent to
    log in). The allowed ones are tried last, in the order given, so the refusals see the state
    unchanged; the first allowed persona does the action, the next ones may find it done."""
    statuses = {
        name: expected.get(name, 302 if name == "anonymous" else default) for name in PERSONAS
    }
    order = [name for name in PERSONAS if name not in expected] + list(expected)
    before = unchanged() if unchanged else None
    for name in order:
        response = request(client_of(ap, name))
        status = response.status_code  # type: ignore[attr-defined]
        if statuses[name] == OK:
            assert status in (200, 302, 409, 422), f"{name}: refused with {status}"
            if status == 302:
                assert "/accounts/login/" not in response["Location"]  # type: ignore[index]
            continue
        assert status == statuses[name], f"{name}: {status} instead of {statuses[name]}"
        if name == "anonymous":
            assert "/accounts/login/" in response["Location"]  # type: ignore[index]
        if unchanged and name not in expected:
            assert unchanged() == before, f"{name} changed something"


def appraisals_of(ap: Appraisal) -> list[tuple[str, str, int]]:
    return list(LeafAppraisal.objects.values_list("leaf_code", "decision", "version"))


def test_index(ap: Appraisal) -> None:
    check(ap, lambda c: c.get("/appraisals/"), {}, default=200)


def test_queue(ap: Appraisal) -> None:
    check(
        ap,
        lambda c: c.get(ap.url("queue")),
        {"appraiser": 200, "appraiser_2": 200, "conflicted": 200},
    )


def test_leaf_page(ap: Appraisal) -> None:
    check(ap, lambda c: c.get(ap.leaf_url("leaf", CHOICE_LEAF)), {"appraiser": 200})


def test_decide(ap: Appraisal) -> None:
    check(
        ap,
        lambda c: c.post(
            ap.leaf_url("decide", CHOICE_LEAF), {"decision": "accepted", "version": 0}
        ),
        {"appraiser": 302},
        unchanged=lambda: appraisals_of(ap),
    )


def test_decide_after_the_appraisal_deadline(ap: Appraisal) -> None:
    fx.close_stage(ap.cycle, "appraisal")
    response = browse(ap.appraiser).post(
        ap.leaf_url("decide", CHOICE_LEAF), {"decision": "accepted", "version": 0}
    )
    assert response.status_code == 403
    assert not LeafAppraisal.objects.exists()
    ap.a.refresh_from_db()
    assert ap.a.state == State.SUBMITTED


def test_bulk_accept(ap: Appraisal) -> None:
    check(
        ap,
        lambda c: post_from_page(c, ap.url("accept_untouched"), {"unit": "SNV"}),
        {"appraiser": 302, "appraiser_2": 302, "conflicted": 302},
        unchanged=lambda: appraisals_of(ap),
    )
    # Each accepted the leaves of their own area, and the conflicted appraiser none of SNV's
    # (their accept came after the other area-1 appraiser's, or was refused before).
    areas = set(LeafAppraisal.objects.filter(assessment=ap.a).values_list("area_code", flat=True))
    assert areas == {"1", "2"}


def test_settle(ap: Appraisal) -> None:
    fx.replied(ap)
    check(
        ap,
        lambda c: c.post(
            ap.leaf_url("settle", RATIO_LEAF), {"outcome": "keep", "reason": "Giữ nguyên."}
        ),
        {"appraiser": 302},
        unchanged=lambda: appraisals_of(ap),
    )


def test_settle_after_the_explanation_deadline(ap: Appraisal) -> None:
    fx.replied(ap)
    fx.close_stage(ap.cycle, "explanation")
    response = browse(ap.appraiser).post(
        ap.leaf_url("settle", RATIO_LEAF), {"outcome": "keep", "reason": "Giữ nguyên."}
    )
    assert response.status_code == 403
    assert not LeafAppraisal.objects.get(assessment=ap.a, leaf_code=RATIO_LEAF).outcome


def test_unit_page(ap: Appraisal) -> None:
    check(
        ap,
        lambda c: c.get(ap.unit_url()),
        {
            "viewer": 200,
            "admin": 200,
            "council": 200,
            "appraiser": 200,
            "appraiser_2": 200,
            "conflicted": 200,  # as an editor of the unit
            "editor_a": 200,
            "head_a": 200,
        },
    )


def replies_of(ap: Appraisal) -> list[tuple[str, bool, str]]:
    return list(LeafReply.objects.values_list("leaf_code", "agrees", "reason"))


def test_reply(ap: Appraisal) -> None:
    fx.released(ap)
    check(
        ap,
        lambda c: c.post(ap.leaf_url("reply", CHOICE_LEAF), {"agrees": "yes"}),
        {"editor_a": 302, "head_a": 302, "conflicted": 302},
        unchanged=lambda: replies_of(ap),
    )


def test_reply_after_the_explanation_deadline(ap: Appraisal) -> None:
    fx.released(ap)
    fx.close_stage(ap.cycle, "explanation")
    response = browse(ap.editor_a).post(ap.leaf_url("reply", CHOICE_LEAF), {"agrees": "yes"})
    assert response.status_code == 403
    assert not LeafReply.objects.exists()


def test_send(ap: Appraisal) -> None:
    fx.released(ap)
    fx.services.reply_save(
        assessment=ap.a, leaf_code=CHOICE_LEAF, agrees=True, reason="", actor=ap.editor_a
    )
    fx.services.reply_save(
        assessment=ap.a, leaf_code=RATIO_LEAF, agrees=True, reason="", actor=ap.editor_a
    )

    def state() -> str:
        ap.a.refresh_from_db()
        return ap.a.state

    check(
        ap,
        lambda c: c.post(ap.unit_url("send")),
        {"head_a": OK, "editor_a": OK, "conflicted": OK},
        unchanged=state,
    )
    assert state() == State.REPLIED


def test_reply_evidence_unlink(ap: Appraisal) -> None:
    fx.released(ap)
    reply = fx.services.reply_save(
        assessment=ap.a,
        leaf_code=RATIO_LEAF,
        agrees=False,
        reason="Không đồng ý.",
        evidence=[
            fx.reference_of(ap.a, ap.editor_a, "Một"),
            fx.reference_of(ap.a, ap.editor_a, "Hai"),
        ],
        actor=ap.editor_a,
    )
    link = reply.evidence_links.first()
    check(
        ap,
        lambda c: c.post(
            reverse(
                "appraisals:reply_evidence_unlink",
                kwargs={"cycle_id": ap.cycle.pk, "unit_code": "SNV", "link_id": link.pk},
            )
        ),
        # The first unlinks it; for the unit's other people it is then gone.
        {"editor_a": 302, "head_a": 404, "conflicted": 404},
        unchanged=lambda: ReplyEvidence.objects.count(),
    )
    assert ReplyEvidence.objects.count() == 1


def test_close_the_round(ap: Appraisal) -> None:
    fx.replied(ap)
    fx.services.leaf_settle(
        assessment=ap.a, leaf_code=RATIO_LEAF, outcome="keep", reason="Giữ.", actor=ap.appraiser
    )

    def state() -> str:
        ap.a.refresh_from_db()
        return ap.a.state

    check(
        ap,
        lambda c: c.post(ap.unit_url("close")),
        {"appraiser": OK, "appraiser_2": OK, "admin": OK},
        unchanged=state,
    )
    assert state() == State.APPRAISED


@pytest.mark.parametrize("name", ["release", "return_again"])
def test_administrator_actions_on_a_unit(ap: Appraisal, name: str) -> None:
    if name == "release":
        fx.adjust_and_flag(ap)
        fx.accept_all(ap, ap.a)
    else:
        fx.replied(ap)

    def state() -> str:
        ap.a.refresh_from_db()
        return ap.a.state

    check(
        ap,
        lambda c: post_from_page(c, ap.unit_url(name), {"reason": "Giải trình thêm."}),
        {"admin": 302},
        unchanged=state,
    )
    assert state() == State.RETURNED


def test_release_all(ap: Appraisal) -> None:
    check(ap, lambda c: post_from_page(c, ap.url("release_all")), {"admin": 302})


def test_assignments(ap: Appraisal) -> None:
    check(ap, lambda c: c.get(ap.url("assignments")), {"admin": 200})
    newcomer = fx.appraiser_create("appraiser.new", "5")
    check(
        ap,
        lambda c: c.post(ap.url("assignments"), {"user": newcomer.pk, "area": "5"}),
        {"admin": 302},
        unchanged=lambda: AppraiserAssignment.objects.count(),
    )
    assignment = AppraiserAssignment.objects.get(user=newcomer)
    check(
        ap,
        lambda c: post_from_page(c, ap.url("unassign", assignment_id=assignment.pk)),
        {"admin": 302},
        unchanged=lambda: AppraiserAssignment.objects.count(),
    )


def test_tracking_and_reminders(ap: Appraisal) -> None:
    check(ap, lambda c: c.get(ap.url("tracking")), {"admin": 200})
    never = User.objects.get(username="head.b")  # never logs in during the test
    check(
        ap,
        lambda c: c.post(ap.url("remind", user_id=never.pk)),
        {"admin": 302},
        unchanged=lambda: AuditEvent.objects.filter(action="account.remind").count(),
    )


def test_council_page(ap: Appraisal) -> None:
    check(ap, lambda c: c.get(ap.url("council")), {"admin": 200, "council": 200})


def test_council_actions(ap: Appraisal) -> None:
    fx.all_appraised(ap)

    def cycle_state() -> str:
        ap.cycle.refresh_from_db()
        return ap.cycle.state

    check(
        ap,
        lambda c: post_from_page(c, ap.url("approve"), {"vote": "approve"}),
        {"council": 302},
        unchanged=cycle_state,
    )
    assert cycle_state() == "approved"
    check(
        ap,
        lambda c: c.post(ap.url("reopen"), {"reason": "Xem lại."}),
        {"council": 302},
        unchanged=cycle_state,
    )
    assert cycle_state() == "in_progress"
    fx.services.cycle_approve(cycle=ap.cycle, actor=ap.council)
    check(
        ap,
        lambda c: post_from_page(
            c,
            ap.url("publish"),
            {"decision": "12/QĐ-UBND", "decision_date": str(timezone.localdate())},
        ),
        {"admin": OK, "council": OK},
        unchanged=cycle_state,
    )
    assert cycle_state() == "published"


def test_unknown_objects_are_404(ap: Appraisal) -> None:
    client = browse(ap.appraiser)
    assert client.get(f"/appraisals/{ap.cycle.pk + 99}/").status_code == 404
    assert client.get(ap.leaf_url("leaf", "9.9.9")).status_code == 404
    assert client.get(ap.leaf_url("leaf", "1")).status_code == 404  # a branch, not a leaf
    admin = browse(ap.admin)
    assert admin.post(f"/appraisals/{ap.cycle.pk}/units/NOPE/release/").status_code == 404
    assert admin.post(ap.url("unassign", assignment_id=99999)).status_code == 404
