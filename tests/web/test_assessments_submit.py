"""Evidence of the leaves and the formal submission (*chốt*): linking from the library, upload,
reference, unlinking (each audited); required evidence blocks submission and is listed; the
head alone submits, once, with an optional cover document; editing is locked afterwards; the
administrator reopens with a reason."""

from __future__ import annotations

import datetime
import threading

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.urls import reverse

from parindex.assessments.models import AnswerEvidence, Assessment
from parindex.assessments.services import (
    AlreadySubmitted,
    answer_evidence_link,
    assessment_submit,
    missing_evidence,
)
from parindex.audit.models import AuditEvent
from parindex.evidence.models import Evidence
from parindex.evidence.services import evidence_reference
from parindex.notifications.models import Notification
from parindex.results.models import Answer

from . import assessments_fixtures as fx
from . import evidence_samples as samples
from .assessments_fixtures import HX, Open
from .confirming import confirmed_post
from .factories import browse

# The assessment fixtures, made visible to pytest in this module.
opened = fx.opened
head_a = fx.head_a
media = fx.media


def reference(opened: Open, user, assessment: Assessment | None = None) -> Evidence:
    assessment = assessment or opened.a
    return evidence_reference(
        unit=assessment.unit,
        user=user,
        number="12/KH-SNV",
        issued_on=datetime.date(2025, 1, 10),
        issuer="Sở Nội vụ",
        title="Kế hoạch CCHC năm 2025",
    )


def attach_all_required(opened: Open, user, assessment: Assessment | None = None) -> Evidence:
    assessment = assessment or opened.a
    document = reference(opened, user, assessment)
    for leaf in missing_evidence(assessment):
        answer_evidence_link(
            assessment=assessment, leaf_code=leaf.code, evidence=document, actor=user
        )
    return document


def test_link_a_library_document_to_two_leaves_and_unlink_it(opened: Open, editor_a) -> None:
    document = reference(opened, editor_a)
    client = browse(editor_a)
    for code in ("1.1.1", "1.1.2"):
        response = client.post(
            opened.leaf_url(code, "evidence_attach"), {"evidence": document.pk}, **HX
        )
        assert response.status_code == 200
        assert "Kế hoạch CCHC năm 2025" in response.content.decode()
    assert AnswerEvidence.objects.filter(evidence=document).count() == 2
    link = AnswerEvidence.objects.get(evidence=document, leaf_code="1.1.1")
    response = client.post(
        reverse(
            "assessments:evidence_unlink",
            kwargs={
                "cycle_id": opened.cycle.pk,
                "unit_code": opened.a.unit.code,
                "leaf_code": "1.1.1",
                "link_id": link.pk,
            },
        ),
        **HX,
    )
    assert response.status_code == 200
    assert list(AnswerEvidence.objects.values_list("leaf_code", flat=True)) == ["1.1.2"]
    assert Evidence.objects.filter(pk=document.pk).exists()  # stays in the library
    actions = list(AuditEvent.objects.filter(unit=opened.a.unit).values_list("action", "leaf_code"))
    assert ("evidence.link", "1.1.1") in actions and ("evidence.link", "1.1.2") in actions
    assert ("evidence.unlink", "1.1.1") in actions


def test_upload_a_file_from_the_leaf_stores_it_in_the_library_and_links_it(
    opened: Open, editor_a
) -> None:
    upload = SimpleUploadedFile("ke-hoach.pdf", samples.pdf(), content_type="application/pdf")
    response = browse(editor_a).post(
        opened.leaf_url("1.1.1", "evidence_upload"), {"file": upload, "title": "Kế hoạch"}, **HX
    )
    assert response.status_code == 200, response.content[:500]
    link = AnswerEvidence.objects.get(leaf_code="1.1.1")
    assert link.evidence.unit == opened.a.unit and link.evidence.is_file
    # A disguised program is refused by the evidence store and nothing is linked.
    bad = SimpleUploadedFile("ke-hoach.pdf", samples.exe(), content_type="application/pdf")
    refused = browse(editor_a).post(
        opened.leaf_url("1.1.2", "evidence_upload"), {"file": bad}, **HX
    )
    assert refused.status_code == 422
    assert not AnswerEvidence.objects.filter(leaf_code="1.1.2").exists()


def test_cite_a_reference_from_the_leaf(opened: Open, editor_a) -> None:
    response = browse(editor_a).post(
        opened.leaf_url("1.4", "evidence_reference"),
        {
            "number": "5/BC-SNV",
            "issued_on": "2025-03-01",
            "issuer": "Sở Nội vụ",
            "title": "Báo cáo",
        },
        **HX,
    )
    assert response.status_code == 200
    assert AnswerEvidence.objects.get(leaf_code="1.4").evidence.number == "5/BC-SNV"


def test_another_units_evidence_cannot_be_linked(opened: Open, editor_a, editor_b) -> None:
    theirs = reference(opened, editor_b, opened.b)
    response = browse(editor_a).post(
        opened.leaf_url("1.1.1", "evidence_attach"), {"evidence": theirs.pk}, **HX
    )
    assert response.status_code == 403
    assert not AnswerEvidence.objects.exists()


def test_required_evidence_blocks_submission_and_the_page_lists_what_is_missing(
    opened: Open, head_a
) -> None:
    client = browse(head_a)
    page = client.get(opened.url("submit")).content.decode()
    assert "Còn thiếu tài liệu kiểm chứng" in page
    for code in ("1.1.1", "1.1.2", "1.4", "8.1.1"):
        assert f">{code}</a>" in page
    response = confirmed_post(client, opened.url("submit"))
    assert response.status_code == 409
    assert "thiếu tài liệu kiểm chứng" in response.content.decode()
    opened.a.refresh_from_db()
    assert opened.a.state == "draft"
    # Bonus leaves need evidence only once something is claimed.
    assert "B.1" not in [leaf.code for leaf in missing_evidence(opened.a)]
    Answer.objects.create(cycle=opened.cycle, unit=opened.a.unit, leaf_code="B.1", value="1")
    assert "B.1" in [leaf.code for leaf in missing_evidence(opened.a)]


def test_the_head_submits_once_time_and_actor_recorded_admins_notified(
    opened: Open, head_a, admin
) -> None:
    attach_all_required(opened, head_a)
    client = browse(head_a)
    response = confirmed_post(client, opened.url("submit"))
    assert response.status_code == 302
    opened.a.refresh_from_db()
    assert opened.a.state == "submitted" and opened.a.submitted_by == head_a
    assert opened.a.submitted_at is not None
    event = AuditEvent.objects.get(action="assessment.submit")
    assert event.before == {"state": "draft"} and event.after["state"] == "submitted"
    assert Notification.objects.filter(recipient=admin, verb="assessment_submitted").count() == 1
    # A double click: the second request is refused with a clear message, nothing doubled.
    second = client.post(opened.url("submit"))
    assert second.status_code == 409
    assert "đã được nộp" in second.content.decode()
    assert AuditEvent.objects.filter(action="assessment.submit").count() == 1
    assert Notification.objects.filter(verb="assessment_submitted").count() == 1
    with pytest.raises(AlreadySubmitted):
        assessment_submit(assessment=opened.a, actor=head_a)


def test_submission_with_a_signed_cover_document(opened: Open, head_a) -> None:
    attach_all_required(opened, head_a)
    cover = SimpleUploadedFile("cong-van.pdf", samples.pdf(), content_type="application/pdf")
    response = confirmed_post(browse(head_a), opened.url("submit"), {"file": cover})
    assert response.status_code == 302
    opened.a.refresh_from_db()
    assert opened.a.cover_evidence is not None
    assert opened.a.cover_evidence.unit == opened.a.unit


def test_an_editor_cannot_submit(opened: Open, editor_a) -> None:
    attach_all_required(opened, editor_a)
    response = browse(editor_a).post(opened.url("submit"))
    assert response.status_code == 403
    opened.a.refresh_from_db()
    assert opened.a.state == "draft"
    assert "Chỉ thủ trưởng" in browse(editor_a).get(opened.url("submit")).content.decode()


def test_after_submission_editing_is_locked_on_the_server(opened: Open, head_a, editor_a) -> None:
    document = attach_all_required(opened, head_a)
    assessment_submit(assessment=opened.a, actor=head_a)
    client = browse(editor_a)
    save = client.post(opened.leaf_url("1.2"), {"value": "1", "version": "0"}, **HX)
    assert save.status_code == 403 and "đã được nộp" in save.content.decode()
    attach = client.post(opened.leaf_url("1.2", "evidence_attach"), {"evidence": document.pk}, **HX)
    assert attach.status_code == 403
    link = AnswerEvidence.objects.filter(assessment=opened.a).first()
    assert link is not None
    unlink = client.post(
        reverse(
            "assessments:evidence_unlink",
            kwargs={
                "cycle_id": opened.cycle.pk,
                "unit_code": opened.a.unit.code,
                "leaf_code": link.leaf_code,
                "link_id": link.pk,
            },
        ),
        **HX,
    )
    assert unlink.status_code == 403
    assert AnswerEvidence.objects.filter(pk=link.pk).exists()
    assert not Answer.objects.filter(cycle=opened.cycle, leaf_code="1.2").exists()
    page = client.get(opened.url("page")).content.decode()
    assert "chỉ xem, không sửa" in page


def test_the_administrator_reopens_one_unit_with_a_reason(
    opened: Open, head_a, editor_a, admin
) -> None:
    attach_all_required(opened, head_a)
    assessment_submit(assessment=opened.a, actor=head_a)
    client = browse(admin)
    url = reverse("assessments:reopen", kwargs={"cycle_id": opened.cycle.pk})
    client.post(url, {"unit": opened.a.unit.code, "reason": ""})
    opened.a.refresh_from_db()
    assert opened.a.state == "submitted"
    client.post(url, {"unit": opened.a.unit.code, "reason": "Bổ sung số liệu tiêu chí 1.2"})
    opened.a.refresh_from_db()
    assert opened.a.state == "draft" and opened.a.submitted_at is None
    event = AuditEvent.objects.get(action="assessment.reopen")
    assert event.reason == "Bổ sung số liệu tiêu chí 1.2"
    assert Notification.objects.filter(recipient=editor_a, verb="assessment_reopened").exists()
    save = browse(editor_a).post(opened.leaf_url("1.2"), {"value": "1", "version": "0"}, **HX)
    assert save.status_code == 200


def test_submission_email_goes_to_administrators_with_an_address(
    opened: Open, head_a, admin, django_capture_on_commit_callbacks
) -> None:
    admin.email = "cchc@example.org"
    admin.save()
    attach_all_required(opened, head_a)
    with django_capture_on_commit_callbacks(execute=True):
        assessment_submit(assessment=opened.a, actor=head_a)
    assert [m.to for m in mail.outbox] == [["cchc@example.org"]]


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_submissions_submit_once(opened: Open, head_a) -> None:
    """Two requests racing (a double click reaching two server workers): the row lock lets one
    through; the other waits, then finds the state submitted."""
    attach_all_required(opened, head_a)
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def submit() -> None:
        try:
            barrier.wait()
            assessment_submit(assessment=Assessment.objects.get(pk=opened.a.pk), actor=head_a)
            outcomes.append("submitted")
        except AlreadySubmitted:
            outcomes.append("already submitted")
        finally:
            connection.close()

    threads = [threading.Thread(target=submit) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["already submitted", "submitted"]
    assert AuditEvent.objects.filter(action="assessment.submit").count() == 1


def test_an_oversized_cover_document_is_refused_and_nothing_is_submitted(
    opened: Open, head_a, settings
) -> None:
    settings.PARINDEX_EVIDENCE_MAX_BYTES = 1000
    attach_all_required(opened, head_a)
    big = SimpleUploadedFile(
        "cong-van.pdf", samples.pdf("x" * 5000), content_type="application/pdf"
    )
    response = browse(head_a).post(opened.url("submit"), {"file": big})
    assert response.status_code == 422
    opened.a.refresh_from_db()
    assert opened.a.state == "draft" and opened.a.cover_evidence is None
