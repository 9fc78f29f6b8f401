"""Survey responses through the API: import a response file as a job, and follow the job.

The PAR administrator only (``surveys.access``, as the survey pages). The file is kept and its
import queued by ``surveys.services.import_prepare`` and ``surveys.jobs.start``, as the page
does; the job runs in a task worker and its progress is read here. The queueing is audited
(``survey.import_queue``) with the token named; the import itself is audited by the job
(``survey.forms_import``) with the token's owner as actor.
"""

from __future__ import annotations

from django.db import transaction
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Status

from parindex.accounts.apitokens import channel
from parindex.audit.services import audit_record, recorded_through
from parindex.surveys import access, jobs, services
from parindex.surveys.models import Questionnaire, SurveyForm, SurveyJob
from parindex.surveys.views import UPLOAD_MAX_BYTES  # the survey page's limit

from .auth import TokenAuth, acting, require_write
from .common import ID, Reply, answers
from .schemas import JobOut, QuestionnaireOut
from .uploads import multipart, receive

router = Router(auth=TokenAuth(), tags=["surveys"])


def _job(job: SurveyJob) -> dict[str, object]:
    return {
        "id": job.pk,
        "kind": job.kind,
        "state": job.state,
        "step": job.step,
        "done": job.done,
        "total": job.total,
        "percent": job.percent,
        "errors": [str(e) for e in job.errors],
        "error_count": job.error_count,
        "file_name": job.file_name,
        "forms_added": job.forms_added,
        "forms_present": job.forms_present,
        "created_at": job.created_at,
        "finished_at": job.finished_at,
    }


@router.get("/cycles/{cycle_id}/questionnaire", response=answers({200: QuestionnaireOut}, 403, 404))
def questionnaire(request: HttpRequest, cycle_id: int = ID) -> dict[str, object]:
    """The cycle's survey questionnaire and how many forms are stored."""
    cycle = access.get_cycle_for_survey_admin(request, cycle_id)
    found = Questionnaire.objects.filter(cycle=cycle).first()
    if found is None:
        raise Http404
    return {
        "id": found.pk,
        "cycle": cycle.pk,
        "code": found.code,
        "version": found.version,
        "title_vi": found.title_vi,
        "forms": SurveyForm.objects.filter(questionnaire=found).count(),
        "released_at": found.released_at,
        "aggregated_at": found.aggregated_at,
    }


@router.post(
    "/questionnaires/{questionnaire_id}/responses",
    response=answers({202: JobOut}, 403, 404, 409, 413),
    openapi_extra=multipart("The response file: CSV (UTF-8) or .xlsx, as on the survey page"),
)
def responses_import(request: HttpRequest, questionnaire_id: int = ID) -> Reply:
    """Queue the import of a response file; follow it at ``GET /survey-jobs/{job_id}``. The
    whole file is imported or nothing; a file imported before is refused (409)."""
    token = require_write(request)
    found = access.get_questionnaire_for_admin(request, questionnaire_id)
    received = receive(request, UPLOAD_MAX_BYTES)
    if received.too_large:
        return Status(413, {"detail": _("The file is larger than 200 MB.")})
    upload = received.file
    if upload is None or not (upload.name or "").lower().endswith((".csv", ".xlsx")):
        return Status(422, {"detail": _("Send a .csv or .xlsx file as the form field “file”.")})
    with recorded_through(channel(token)):
        try:
            with transaction.atomic():
                job = services.import_prepare(
                    questionnaire=found, upload=upload, user=acting(request)
                )
                audit_record(
                    actor=acting(request),
                    action="survey.import_queue",
                    target=job,
                    after={"file_name": job.file_name, "sha256": job.file_sha256},
                    cycle_id=found.cycle_id,
                )
        except services.SurveyRefused as exc:
            return Status(409, {"detail": str(exc)})
        jobs.start(job)  # committed first, as on the page: a worker may take it at once
    job.refresh_from_db()
    return Status(202, _job(job))


@router.get("/survey-jobs/{job_id}", response=answers({200: JobOut}, 403, 404))
def job(request: HttpRequest, job_id: int = ID) -> dict[str, object]:
    """A survey job's state and progress (a job whose worker stopped is marked failed)."""
    found = access.get_job_for_admin(request, job_id)
    if services.jobs_sweep_stale(questionnaire=found.questionnaire):
        found.refresh_from_db()
    return _job(found)
