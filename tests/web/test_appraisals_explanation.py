"""The explanation round (*giải trình*): the administrator's release (returned, or finished when
nothing is to explain), the unit's replies (a disagreement needs a reason and supplementary
evidence, kept apart from the original evidence), sending them, the appraisers' settlement,
closing the round, another round (round 2 with its own replies and comments, both rounds on the
unit's page), and the comments kept per round."""

from __future__ import annotations

import re
from unittest import mock

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile

from parindex.appraisals import services
from parindex.appraisals.models import (
    AppraisalComment,
    AppraisalRound,
    CommentKind,
    LeafAppraisal,
    LeafReply,
    Outcome,
    ReplyEvidence,
)
from parindex.assessments.models import AnswerEvidence
from parindex.audit.models import AuditEvent
from parindex.core.workflow import State
from parindex.results import services as results_services
from parindex.results.models import AppraisedValue

from . import appraisals_fixtures as fx
from . import evidence_samples as samples
from .appraisals_fixtures import CHOICE_LEAF, RATIO_LEAF, Appraisal
from .factories import browse
from .test_results_live import recomputed, stored


def test_release_returns_the_unit_when_leaves_are_flagged_or_adjusted(
    appraisal: Appraisal, django_capture_on_commit_callbacks
) -> None:
    ap = appraisal
    ap.head_a.email = "head.a@example.vn"
    ap.head_a.save()
    fx.adjust_and_flag(ap)
    with pytest.raises(services.AppraisalError, match="chưa được thẩm định"):
        services.assessment_release(assessment=ap.a, actor=ap.admin)
    fx.accept_all(ap, ap.a)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        released = services.assessment_release(assessment=ap.a, actor=ap.admin)
    assert released.state == State.RETURNED
    round_ = AppraisalRound.objects.get(assessment=ap.a)
    assert round_.number == 1
    comments = AppraisalComment.objects.filter(assessment=ap.a, round=1, kind=CommentKind.APPRAISAL)
    assert sorted(c.leaf_code for c in comments) == [CHOICE_LEAF, RATIO_LEAF]
    assert AuditEvent.objects.filter(action="assessment.release", unit_id=ap.a.unit_id).exists()
    assert ["head.a@example.vn"] in [m.to for m in mail.outbox]


def test_release_finishes_when_every_leaf_is_accepted(appraisal: Appraisal) -> None:
    ap = appraisal
    fx.accept_all(ap, ap.b)
    finished = services.assessment_release(assessment=ap.b, actor=ap.admin)
    assert finished.state == State.APPRAISED
    assert not AppraisalRound.objects.filter(assessment=ap.b).exists()


def test_a_disagreement_needs_a_reason_and_supplementary_evidence(appraisal: Appraisal) -> None:
    ap = appraisal
    fx.released(ap)
    with pytest.raises(services.AppraisalError, match="lý do"):
        services.reply_save(
            assessment=ap.a, leaf_code=RATIO_LEAF, agrees=False, reason=" ", actor=ap.editor_a
        )
    with pytest.raises(services.AppraisalError, match="tài liệu kiểm chứng bổ sung"):
        services.reply_save(
            assessment=ap.a,
            leaf_code=RATIO_LEAF,
            agrees=False,
            reason="Đã hoàn thành.",
            actor=ap.editor_a,
        )
    assert not LeafReply.objects.exists()
    document = fx.reference_of(ap.a, ap.editor_a)
    reply = services.reply_save(
        assessment=ap.a,
        leaf_code=RATIO_LEAF,
        agrees=False,
        reason="Đã hoàn thành.",
        evidence=[document],
        actor=ap.editor_a,
    )
    # Kept apart: a supplementary link, not an evidence link of the leaf.
    assert ReplyEvidence.objects.filter(reply=reply, evidence=document).exists()
    assert not AnswerEvidence.objects.filter(evidence=document).exists()


def test_disagree_on_the_page_with_an_uploaded_document(appraisal: Appraisal) -> None:
    ap = appraisal
    fx.released(ap)
    client = browse(ap.editor_a)
    url = ap.leaf_url("reply", RATIO_LEAF)
    page = client.get(ap.unit_url())
    assert page.status_code == 200
    refused = client.post(url, {"agrees": "no", "reason": "Không đồng ý."})
    assert refused.status_code == 422
    assert "tài liệu kiểm chứng bổ sung" in refused.content.decode()
    upload = SimpleUploadedFile("Báo cáo bổ sung.pdf", samples.pdf(), "application/pdf")
    done = client.post(
        url, {"agrees": "no", "reason": "Không đồng ý.", "file": upload, "title": "Báo cáo"}
    )
    assert done.status_code == 302
    reply = LeafReply.objects.get(assessment=ap.a, leaf_code=RATIO_LEAF)
    assert reply.evidence_links.count() == 1


def test_send_settle_and_close(appraisal: Appraisal) -> None:
    ap = appraisal
    fx.released(ap)
    services.reply_save(
        assessment=ap.a, leaf_code=CHOICE_LEAF, agrees=True, reason="", actor=ap.editor_a
    )
    with pytest.raises(services.AppraisalError, match=RATIO_LEAF):
        services.replies_send(assessment=ap.a, actor=ap.editor_a)
    services.reply_save(
        assessment=ap.a,
        leaf_code=RATIO_LEAF,
        agrees=False,
        reason="Đã hoàn thành 100%.",
        evidence=[fx.reference_of(ap.a, ap.editor_a)],
        actor=ap.editor_a,
    )
    sent = services.replies_send(assessment=ap.a, actor=ap.editor_a)
    assert sent.state == State.REPLIED
    # The adjustment the unit agreed with is closed; the flag waits for the appraisers.
    choice = LeafAppraisal.objects.get(assessment=ap.a, leaf_code=CHOICE_LEAF)
    assert choice.outcome == Outcome.AGREED
    assert AppraisedValue.objects.get(unit=ap.a.unit, leaf_code=CHOICE_LEAF).value == "cham"
    with pytest.raises(services.AppraisalError, match=RATIO_LEAF):
        services.round_close(assessment=ap.a, actor=ap.appraiser)
    with pytest.raises(services.AppraisalError, match="lý do"):
        services.leaf_settle(
            assessment=ap.a, leaf_code=RATIO_LEAF, outcome="keep", reason="", actor=ap.appraiser
        )
    settled = services.leaf_settle(
        assessment=ap.a,
        leaf_code=RATIO_LEAF,
        outcome="unit",
        reason="Báo cáo bổ sung xác nhận số liệu.",
        actor=ap.appraiser,
    )
    assert settled.outcome == Outcome.UNIT
    assert not AppraisedValue.objects.filter(unit=ap.a.unit, leaf_code=RATIO_LEAF).exists()
    closed = services.round_close(assessment=ap.a, actor=ap.appraiser)
    assert closed.state == State.APPRAISED
    assert closed.explanation_closed_at is not None
    kinds = list(
        AppraisalComment.objects.filter(assessment=ap.a, leaf_code=RATIO_LEAF).values_list(
            "round", "kind"
        )
    )
    assert kinds == [(1, "appraisal"), (1, "reply"), (1, "settlement")]


def rounds_shown(html: str, leaf_code: str) -> dict[str, str]:
    """The rounds block of one leaf's article on the unit's page: heading → its comments."""
    article = re.search(
        rf'<article[^>]*data-leaf="{re.escape(leaf_code)}".*?</article>', html, re.S
    )
    assert article is not None, f"no article for {leaf_code}"
    block = re.search(r'<div class="rounds">(.*?)</div>', article.group(0), re.S)
    assert block is not None, f"no rounds for {leaf_code}"
    parts = re.split(r"<h4>(.*?)</h4>", block.group(1))
    return dict(zip(parts[1::2], parts[2::2], strict=True))


def test_a_release_and_a_closed_round_compute_no_unit_again(appraisal: Appraisal) -> None:
    """Releasing an appraisal and closing its round change the unit's state only: each decision
    and settlement stored the results already, so neither computes the cycle again (work that
    grew with the number of units), and what is stored is what a whole computation gives."""
    ap = appraisal
    fx.adjust_and_flag(ap)
    fx.accept_all(ap, ap.a)
    whole = mock.patch.object(
        results_services, "_cycle_compute", wraps=results_services._cycle_compute
    )
    with whole as computed:
        services.assessment_release(assessment=ap.a, actor=ap.admin)
    assert computed.call_count == 0
    services.reply_save(
        assessment=ap.a, leaf_code=CHOICE_LEAF, agrees=True, reason="", actor=ap.editor_a
    )
    services.reply_save(
        assessment=ap.a,
        leaf_code=RATIO_LEAF,
        agrees=False,
        reason="Đã hoàn thành 100% nhiệm vụ, xem báo cáo.",
        evidence=[fx.reference_of(ap.a, ap.editor_a)],
        actor=ap.editor_a,
    )
    services.replies_send(assessment=ap.a, actor=ap.editor_a)
    services.leaf_settle(
        assessment=ap.a,
        leaf_code=RATIO_LEAF,
        outcome="new",
        value="75/100",
        reason="Báo cáo bổ sung cho thấy 75% nhiệm vụ hoàn thành.",
        actor=ap.appraiser,
    )
    with whole as computed:
        closed = services.round_close(assessment=ap.a, actor=ap.appraiser)
    assert computed.call_count == 0
    assert closed.state == State.APPRAISED
    assert stored(ap.cycle.pk) == recomputed(ap.cycle.pk)


def test_return_again_starts_round_two_with_its_own_comments(appraisal: Appraisal) -> None:
    ap = appraisal
    fx.replied(ap)  # round 1: the adjustment agreed, the flag disputed
    round_1_reply = LeafReply.objects.get(assessment=ap.a, leaf_code=RATIO_LEAF, round=1)
    services.round_return(assessment=ap.a, actor=ap.admin, reason="Nộp kèm biên bản kiểm tra.")
    ap.refresh()
    assert ap.a.state == State.RETURNED
    second = AppraisalRound.objects.get(assessment=ap.a, number=2)
    assert second.reason == "Nộp kèm biên bản kiểm tra." and second.replied_at is None
    # Round 2 asks only about the leaf still open, and starts without a reply.
    with pytest.raises(services.AppraisalError, match=RATIO_LEAF):
        services.replies_send(assessment=ap.a, actor=ap.editor_a)
    with pytest.raises(services.AppraisalError):
        services.reply_save(
            assessment=ap.a, leaf_code=CHOICE_LEAF, agrees=True, reason="", actor=ap.editor_a
        )
    minutes = fx.reference_of(ap.a, ap.editor_a, title="Biên bản kiểm tra")
    services.reply_save(
        assessment=ap.a,
        leaf_code=RATIO_LEAF,
        agrees=False,
        reason="Biên bản kiểm tra xác nhận 100%.",
        evidence=[minutes],
        actor=ap.editor_a,
    )
    services.replies_send(assessment=ap.a, actor=ap.editor_a)
    services.leaf_settle(
        assessment=ap.a,
        leaf_code=RATIO_LEAF,
        outcome="unit",
        reason="Biên bản xác nhận số liệu của đơn vị.",
        actor=ap.appraiser,
    )
    services.round_close(assessment=ap.a, actor=ap.appraiser)

    # The round-1 reply is untouched; round 2 has its own reply and its own document.
    round_1_reply.refresh_from_db()
    assert round_1_reply.reason == "Đã hoàn thành 100% nhiệm vụ, xem báo cáo."
    replies = LeafReply.objects.filter(assessment=ap.a, leaf_code=RATIO_LEAF).order_by("round")
    assert [(r.round, r.reason) for r in replies] == [
        (1, "Đã hoàn thành 100% nhiệm vụ, xem báo cáo."),
        (2, "Biên bản kiểm tra xác nhận 100%."),
    ]
    assert [link.evidence for link in replies[1].evidence_links.all()] == [minutes]
    assert minutes.pk not in round_1_reply.evidence_links.values_list("evidence_id", flat=True)
    comments = list(
        AppraisalComment.objects.filter(assessment=ap.a, leaf_code=RATIO_LEAF)
        .order_by("round", "created_at", "pk")
        .values_list("round", "kind", "text")
    )
    assert comments == [
        (1, "appraisal", "Giải trình số nhiệm vụ hoàn thành."),
        (1, "reply", "Đã hoàn thành 100% nhiệm vụ, xem báo cáo."),
        (2, "return", "Nộp kèm biên bản kiểm tra."),
        (2, "reply", "Biên bản kiểm tra xác nhận 100%."),
        (2, "settlement", "Biên bản xác nhận số liệu của đơn vị."),
    ]
    assert not AppraisalComment.objects.filter(leaf_code=CHOICE_LEAF, round=2).exists()

    # Both rounds show on the unit's page, each with its own comments.
    response = browse(ap.editor_a).get(ap.unit_url())
    assert response.status_code == 200
    shown = rounds_shown(response.content.decode(), RATIO_LEAF)
    assert list(shown) == ["Vòng 1", "Vòng 2"]
    assert "Giải trình số nhiệm vụ hoàn thành." in shown["Vòng 1"]
    assert "Đã hoàn thành 100% nhiệm vụ, xem báo cáo." in shown["Vòng 1"]
    assert "Nộp kèm biên bản kiểm tra." not in shown["Vòng 1"]
    for text in (
        "Nộp kèm biên bản kiểm tra.",
        "Biên bản kiểm tra xác nhận 100%.",
        "Biên bản xác nhận số liệu của đơn vị.",
    ):
        assert text in shown["Vòng 2"]
    assert "Đã hoàn thành 100% nhiệm vụ" not in shown["Vòng 2"]
    assert list(rounds_shown(response.content.decode(), CHOICE_LEAF)) == ["Vòng 1"]
