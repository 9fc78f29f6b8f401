"""Submission and reopening are refused by the workflow's table, in the page's own words.

The services ask ``core.workflow.transition`` whether the person may move the assessment and
take from its answer which check refused (an impossible move, a missing role, a missing
reason); nothing re-derives the rule by hand. Each refusal reads in Vietnamese and changes
nothing."""

from __future__ import annotations

import pytest
from django.utils import translation

from parindex.assessments.services import AssessmentError, assessment_reopen, assessment_submit
from parindex.audit.models import AuditEvent

from .assessments_fixtures import Open
from .test_assessments_submit import attach_all_required


def refused(call, **kwargs) -> str:  # type: ignore[no-untyped-def]
    with translation.override("vi"), pytest.raises(AssessmentError) as caught:
        call(**kwargs)
    return caught.value.message


def test_an_editor_is_refused_submission_by_the_table(opened: Open, editor_a) -> None:
    attach_all_required(opened, editor_a)
    message = refused(assessment_submit, assessment=opened.a, actor=editor_a)
    assert message == "Chỉ thủ trưởng đơn vị mới được nộp hồ sơ tự đánh giá."
    opened.a.refresh_from_db()
    assert opened.a.state == "draft"
    assert not AuditEvent.objects.filter(action="assessment.submit").exists()


def test_reopening_a_draft_is_not_possible(opened: Open, admin) -> None:
    message = refused(assessment_reopen, assessment=opened.a, actor=admin, reason="Bổ sung")
    assert message == "Chỉ mở lại được hồ sơ tự đánh giá đã nộp."


def test_reopening_needs_a_reason_and_the_administrator(opened: Open, head_a, admin) -> None:
    attach_all_required(opened, head_a)
    assessment_submit(assessment=opened.a, actor=head_a)
    blank = refused(assessment_reopen, assessment=opened.a, actor=admin, reason="  ")
    assert blank == "Hãy nêu lý do mở lại."
    by_head = refused(assessment_reopen, assessment=opened.a, actor=head_a, reason="Bổ sung")
    assert by_head == "Chỉ quản trị viên CCHC mới được mở lại hồ sơ tự đánh giá."
    # the table checks the role before the reason: nobody without it is asked for one
    assert refused(assessment_reopen, assessment=opened.a, actor=head_a, reason="") == by_head
    opened.a.refresh_from_db()
    assert opened.a.state == "submitted"
    assert not AuditEvent.objects.filter(action="assessment.reopen").exists()
