"""Withdrawing a submission (*rút lại*): the unit head takes the submitted self-assessment back
to draft to correct it, until the appraisers' first decision on the unit; once per cycle unless
the PAR administrator allows another; each withdrawal and allowance audited."""

from __future__ import annotations

import pytest
from django.urls import reverse

from parindex.assessments import services as assessment_services
from parindex.audit.models import AuditEvent

from . import appraisals_fixtures as fx
from .appraisals_fixtures import CHOICE_LEAF, Appraisal
from .confirming import confirmed_post
from .factories import browse


def url(ap: Appraisal, name: str = "withdraw") -> str:
    return reverse(
        f"assessments:{name}", kwargs={"cycle_id": ap.cycle.pk, "unit_code": ap.a.unit.code}
    )


def allow_url(ap: Appraisal) -> str:
    return reverse("assessments:allow_withdrawal", kwargs={"cycle_id": ap.cycle.pk})


def test_the_head_withdraws_before_the_appraisal_starts_audited(appraisal: Appraisal) -> None:
    ap = appraisal
    client = browse(ap.head_a)
    page = client.get(url(ap))
    assert page.status_code == 200
    assert "Rút lại hồ sơ đã nộp" in page.content.decode()
    # The unit's page offers the button while it may.
    assert url(ap) in client.get(url(ap, "page")).content.decode()
    # A POST without the page's confirmation does nothing.
    stray = client.post(url(ap))
    assert stray.status_code == 302 and stray["Location"] == url(ap)
    ap.a.refresh_from_db()
    assert ap.a.state == "submitted"
    response = confirmed_post(client, url(ap))
    assert response.status_code == 302
    ap.a.refresh_from_db()
    assert ap.a.state == "draft" and ap.a.withdrawals == 1
    assert ap.a.submitted_at is None and ap.a.submitted_by is None
    event = AuditEvent.objects.get(action="assessment.withdraw")
    assert event.actor == ap.head_a and event.unit_id == ap.a.unit_id
    assert event.before["state"] == "submitted" and event.after["state"] == "draft"
    assert event.after["withdrawals"] == 1


def test_only_the_head_withdraws(appraisal: Appraisal) -> None:
    ap = appraisal
    for user in (ap.editor_a, ap.editor_b, ap.admin, ap.appraiser):
        assert browse(user).post(url(ap), {"confirm": "x"}).status_code == 403
    with pytest.raises(assessment_services.AssessmentError):
        assessment_services.assessment_withdraw(assessment=ap.a, actor=ap.editor_a)
    ap.a.refresh_from_db()
    assert ap.a.state == "submitted"


def test_after_the_first_appraisal_decision_the_withdrawal_is_refused(
    appraisal: Appraisal,
) -> None:
    ap = appraisal
    fx.services.leaf_appraise(
        assessment=ap.a, leaf_code=CHOICE_LEAF, decision="accepted", actor=ap.appraiser
    )
    ap.a.refresh_from_db()
    assert ap.a.state == "in_appraisal"
    with pytest.raises(assessment_services.AssessmentError):
        assessment_services.assessment_withdraw(assessment=ap.a, actor=ap.head_a)
    client = browse(ap.head_a)
    assert url(ap) not in client.get(url(ap, "page")).content.decode()
    response = client.post(url(ap), {"confirm": "x"})
    ap.a.refresh_from_db()
    assert ap.a.state == "in_appraisal"
    assert not AuditEvent.objects.filter(action="assessment.withdraw").exists()
    assert response.status_code in (302, 409)


def test_a_second_withdrawal_waits_for_the_administrator(appraisal: Appraisal) -> None:
    ap = appraisal
    assessment_services.assessment_withdraw(assessment=ap.a, actor=ap.head_a)
    fx.submit_unit(ap.a, ap.head_a)
    ap.a.refresh_from_db()
    assert ap.a.state == "submitted"
    with pytest.raises(assessment_services.AssessmentError) as refused:
        assessment_services.assessment_withdraw(assessment=ap.a, actor=ap.head_a)
    assert "1" in refused.value.message
    page = browse(ap.head_a).get(url(ap)).content.decode()
    assert "cho phép" in page  # the page says who may allow another
    # Only the administrator allows another; the head cannot.
    assert browse(ap.head_a).post(allow_url(ap), {"unit": ap.a.unit.code}).status_code == 403
    response = browse(ap.admin).post(
        allow_url(ap), {"unit": ap.a.unit.code, "reason": "Sai số liệu tiêu chí 2"}
    )
    assert response.status_code == 302
    ap.a.refresh_from_db()
    assert ap.a.withdrawals_allowed == 2
    allowed = AuditEvent.objects.get(action="assessment.withdrawal_allow")
    assert allowed.actor == ap.admin and allowed.after == {"withdrawals_allowed": 2}
    assessment_services.assessment_withdraw(assessment=ap.a, actor=ap.head_a)
    ap.a.refresh_from_db()
    assert ap.a.state == "draft" and ap.a.withdrawals == 2
    assert AuditEvent.objects.filter(action="assessment.withdraw").count() == 2
