"""The other writes of the API: evidence uploaded to a unit's library (the store's size limit
and type sniffing) and linked to a leaf, a task's status and progress, and a survey response
file imported as a job; each through the pages' service, audited with the token named."""

from __future__ import annotations

import datetime

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from web.evidence_samples import pdf
from web.surveys_fixtures import GOOD_ROWS, responses_csv

from parindex.assessments.models import AnswerEvidence
from parindex.audit.models import AuditEvent
from parindex.evidence.models import Evidence
from parindex.plans.models import ProgressReport, Task
from parindex.surveys.models import SurveyForm, SurveyJob

from .conftest import RATIO_LEAF, ApiWorld


def named_token(event: AuditEvent, name: str) -> bool:
    return f"API token “{name}” (pxi_" in event.reason


def test_a_document_is_uploaded_to_the_library_and_linked_to_a_leaf(api: ApiWorld) -> None:
    system = api.as_("editor_a", "write")
    upload = system.post(
        "/units/SNV/evidence",
        {"file": SimpleUploadedFile("Kế hoạch.pdf", pdf("Kế hoạch")), "title": "Kế hoạch CCHC"},
    )
    assert upload.status_code == 201, upload.content
    document = upload.json()
    assert document["content_type"] == "application/pdf" and document["title"] == "Kế hoạch CCHC"
    link = system.post(
        f"{api.unit_path()}/leaves/{RATIO_LEAF}/evidence", {"evidence": document["id"]}
    )
    assert link.status_code == 200
    assert AnswerEvidence.objects.filter(
        assessment=api.a, leaf_code=RATIO_LEAF, evidence_id=document["id"]
    ).exists()
    for action in ("evidence.upload", "evidence.link"):
        event = AuditEvent.objects.filter(action=action).last()
        assert event is not None
        assert event.actor == api.people["editor_a"]
        assert named_token(event, "editor_a write all")


def test_a_document_the_store_refuses_leaves_nothing(api: ApiWorld, settings) -> None:  # type: ignore[no-untyped-def]
    system = api.as_("editor_a", "write")
    before = Evidence.objects.count()
    program = system.post(
        "/units/SNV/evidence", {"file": SimpleUploadedFile("bao-cao.pdf", b"MZ\x90\x00" * 64)}
    )
    assert program.status_code == 422
    settings.PARINDEX_EVIDENCE_MAX_BYTES = 100
    large = system.post(
        "/units/SNV/evidence", {"file": SimpleUploadedFile("Báo cáo.pdf", pdf("Báo cáo dài"))}
    )
    assert large.status_code == 413
    assert Evidence.objects.count() == before


def test_another_units_document_cannot_be_linked(api: ApiWorld) -> None:
    system_b = api.as_("editor_b", "write")
    response = system_b.post(
        f"/cycles/{api.cycle.pk}/units/STP/leaves/{RATIO_LEAF}/evidence",
        {"evidence": api.evidence_a.pk},
    )
    assert response.status_code == 403
    assert not AnswerEvidence.objects.exists()


def test_the_lead_agency_reports_a_tasks_progress(api: ApiWorld) -> None:
    system = api.as_("editor_a", "write")
    task = api.plans.task_a
    report = system.post(
        f"/tasks/{task.pk}/reports",
        {
            "reported_on": timezone.localdate().isoformat(),
            "text": "Đã ban hành kế hoạch.",
            "percent": 100,
            "evidence": [api.evidence_a.pk],
        },
    )
    assert report.status_code == 201, report.content
    assert report.json()["status"] == Task.Status.DONE
    assert report.json()["reports"][0]["evidence"] == [api.evidence_a.pk]
    assert named_token(AuditEvent.objects.get(action="task.report"), "editor_a write all")
    status = system.post(f"/tasks/{task.pk}/status", {"status": "in_progress"})
    assert status.status_code == 200 and status.json()["status"] == "in_progress"
    assert named_token(AuditEvent.objects.get(action="task.status"), "editor_a write all")


def test_a_report_the_service_refuses_changes_nothing(api: ApiWorld) -> None:
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    response = api.as_("editor_a", "write").post(
        f"/tasks/{api.plans.task_a.pk}/reports",
        {"reported_on": tomorrow.isoformat(), "text": "Sẽ làm.", "percent": 10},
    )
    assert response.status_code == 422
    assert not ProgressReport.objects.exists()


def test_a_response_file_is_imported_as_a_job_whose_progress_is_read(api: ApiWorld) -> None:
    admin = api.as_("par_admin", "write")
    path = f"/questionnaires/{api.questionnaire.pk}/responses"
    content = responses_csv(GOOD_ROWS)
    queued = admin.post(path, {"file": SimpleUploadedFile("responses.csv", content)})
    assert queued.status_code == 202, queued.content
    job = queued.json()
    assert job["kind"] == SurveyJob.Kind.IMPORT
    progress = admin.get(f"/survey-jobs/{job['id']}").json()
    assert progress["state"] == SurveyJob.State.DONE and progress["percent"] == 100
    assert progress["forms_added"] == len(GOOD_ROWS)
    assert SurveyForm.objects.filter(questionnaire=api.questionnaire).count() == len(GOOD_ROWS)
    queue = AuditEvent.objects.get(action="survey.import_queue")
    assert queue.actor == api.people["par_admin"]
    assert named_token(queue, "par_admin write all")
    imported = AuditEvent.objects.get(action="survey.forms_import")
    assert imported.actor == api.people["par_admin"]
    again = admin.post(path, {"file": SimpleUploadedFile("responses.csv", content)})
    assert again.status_code == 409


def test_a_response_file_must_be_csv_or_xlsx(api: ApiWorld) -> None:
    response = api.as_("par_admin", "write").post(
        f"/questionnaires/{api.questionnaire.pk}/responses",
        {"file": SimpleUploadedFile("responses.txt", b"response,group\n")},
    )
    assert response.status_code == 422
    assert not SurveyJob.objects.filter(kind=SurveyJob.Kind.IMPORT).exists()
