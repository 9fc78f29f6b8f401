"""Irreversible and bulk actions act only from their confirmation page: a GET says what will
happen and counts it (leaves answered and missing evidence before a submission, leaves a bulk
acceptance takes, units and flagged leaves a release sends, what approving and publishing
mean, what removing an appraiser leaves), and the POST acts only with that page's token. A
POST without it, a stray click or an old form, is sent back to the page and changes nothing."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from parindex.accounts.models import Role
from parindex.appraisals import services
from parindex.appraisals.models import AppraiserAssignment, LeafAppraisal
from parindex.assessments.models import AnswerEvidence, Assessment
from parindex.assessments.services import missing_evidence
from parindex.audit.models import AuditEvent
from parindex.cycles.models import Cycle
from parindex.evidence.services import evidence_reference

from . import appraisals_fixtures as fx
from .appraisals_fixtures import Appraisal
from .confirming import confirm_token, confirmed_post
from .factories import browse, person


def events() -> int:
    return AuditEvent.objects.count()


def refused_without_token(client, url: str, data: dict | None = None) -> None:  # type: ignore[no-untyped-def]
    """A POST without the token, and one with another page's token, change nothing."""
    before = events()
    for token in (None, "0" * 20):
        posted = dict(data or {})
        if token:
            posted["confirm"] = token
        response = client.post(url, posted)
        assert response.status_code == 302, response.status_code
        assert response["Location"].split("?")[0] == url
    assert events() == before


def test_submit_counts_leaves_and_missing_evidence(appraisal: Appraisal) -> None:
    ap = appraisal
    ward = ap.ward
    head = person("head.ward", Role.UNIT_HEAD, ward.unit)
    url = reverse(
        "assessments:submit", kwargs={"cycle_id": ap.cycle.pk, "unit_code": ward.unit.code}
    )
    client = browse(head)
    page = client.get(url).content.decode()
    assert "cần kê khai" in page and "đã trả lời" in page
    assert "tài liệu kiểm chứng bắt buộc" in page
    # The required evidence is linked, then the submission goes through its page.
    document = evidence_reference(
        unit=ward.unit,
        user=head,
        number="01/KH",
        issued_on=datetime.date(2025, 1, 10),
        issuer=ward.unit.name,
        title="Kế hoạch",
    )
    AnswerEvidence.objects.bulk_create(
        [
            AnswerEvidence(assessment=ward, leaf_code=leaf.code, evidence=document, linked_by=head)
            for leaf in missing_evidence(ward)
        ]
    )
    refused_without_token(client, url)
    ward.refresh_from_db()
    assert ward.state == "draft"
    assert confirmed_post(client, url).status_code == 302
    ward.refresh_from_db()
    assert ward.state == "submitted"


def test_accept_untouched_counts_the_leaves(appraisal: Appraisal) -> None:
    ap = appraisal
    client = browse(ap.appraiser)
    url = ap.url("accept_untouched")
    untouched = [
        leaf
        for leaf in services.untouched_leaves(ap.a)
        if services.area_of(ap.world.fw)[leaf.code] == "1"
    ]
    page = client.get(url, {"unit": ap.a.unit.code}).content.decode()
    assert f"{len(untouched)} nội dung" in page
    refused_without_token(client, url, {"unit": ap.a.unit.code})
    assert not LeafAppraisal.objects.exists()
    response = confirmed_post(client, url, {"unit": ap.a.unit.code})
    assert response.status_code == 302
    assert LeafAppraisal.objects.filter(assessment=ap.a).count() == len(untouched)
    # A token from a page that counted other leaves is not enough.
    token = confirm_token(client, url, {"unit": ap.b.unit.code})
    fx.services.leaf_appraise(
        assessment=ap.b, leaf_code=fx.CHOICE_LEAF, decision="accepted", actor=ap.appraiser
    )
    response = client.post(url, {"unit": ap.b.unit.code, "confirm": token})
    assert response.status_code == 302
    assert LeafAppraisal.objects.filter(assessment=ap.b).count() == 1


def test_release_counts_the_units_and_flagged_leaves(appraisal: Appraisal) -> None:
    ap = appraisal
    fx.adjust_and_flag(ap, ap.a)
    fx.accept_all(ap, ap.a)
    fx.accept_all(ap, ap.b)
    client = browse(ap.admin)
    page = client.get(ap.url("release_all")).content.decode()
    assert "2 đơn vị" in page and "1 nội dung được đề nghị giải trình" in page
    refused_without_token(client, ap.url("release_all"))
    assert Assessment.objects.filter(cycle=ap.cycle, state="in_appraisal").count() == 2
    one = ap.unit_url("release", ap.a)
    assert "1 nội dung được đề nghị giải trình" in client.get(one).content.decode()
    refused_without_token(client, one)
    assert confirmed_post(client, one).status_code == 302
    ap.refresh()
    assert ap.a.state == "returned"
    assert confirmed_post(client, ap.url("release_all")).status_code == 302
    ap.refresh()
    assert ap.b.state == "appraised"


def test_approve_and_publish_need_their_pages(appraisal: Appraisal) -> None:
    ap = appraisal
    fx.all_appraised(ap)
    council = browse(ap.council)
    page = council.get(ap.url("approve")).content.decode()
    assert "4 đơn vị" in page
    refused_without_token(council, ap.url("approve"), {"vote": "approve"})
    assert Cycle.objects.get(pk=ap.cycle.pk).state != Cycle.State.APPROVED
    assert confirmed_post(council, ap.url("approve"), {"vote": "approve"}).status_code == 302
    ap.refresh()
    assert ap.cycle.state == Cycle.State.APPROVED
    admin = browse(ap.admin)
    assert "4 đơn vị" in admin.get(ap.url("publish")).content.decode()
    data = {"decision": "12/QĐ-UBND", "decision_date": timezone.localdate().isoformat()}
    refused_without_token(admin, ap.url("publish"), data)
    ap.refresh()
    assert ap.cycle.state == Cycle.State.APPROVED
    assert confirmed_post(admin, ap.url("publish"), data).status_code == 302
    ap.refresh()
    assert ap.cycle.state == Cycle.State.PUBLISHED


def test_removing_an_assignment_says_what_stays(appraisal: Appraisal) -> None:
    ap = appraisal
    fx.services.leaf_appraise(
        assessment=ap.b, leaf_code=fx.AREA_2_LEAF, decision="accepted", actor=ap.appraiser_2
    )
    assignment = AppraiserAssignment.objects.get(cycle=ap.cycle, user=ap.appraiser_2)
    url = ap.url("unassign", assignment_id=assignment.pk)
    client = browse(ap.admin)
    page = client.get(url).content.decode()
    assert "1 quyết định" in page and "Không còn ai thẩm định lĩnh vực này" in page
    refused_without_token(client, url)
    assert AppraiserAssignment.objects.filter(pk=assignment.pk).exists()
    assert confirmed_post(client, url).status_code == 302
    assert not AppraiserAssignment.objects.filter(pk=assignment.pk).exists()


@pytest.mark.parametrize("name", ["approve", "publish", "release_all", "accept_untouched"])
def test_the_confirmation_pages_are_for_those_who_may_act(appraisal: Appraisal, name: str) -> None:
    ap = appraisal
    assert browse(ap.editor_a).get(ap.url(name)).status_code == 403
