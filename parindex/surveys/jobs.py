"""Background jobs of the survey, with a progress record that the job page polls.

A response file import checks the whole file with the core (every error, with its line), then
compares it with the forms already stored (a response id stored with other answers is an
error; an identical one is skipped), and only then stores the new forms, in one transaction:
a file is imported whole or not at all. Aggregation reads the stored forms into the core,
writes the survey leaves' answers and recomputes the cycle with ``cycle_compute``.

Jobs run in a thread of the web process (no broker to run). ``PARINDEX_SURVEY_JOBS_INLINE``
runs them in the request instead (tests, or a deployment that prefers it).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterator, Sequence
from pathlib import Path

from django.conf import settings
from django.db import close_old_connections, connections, transaction
from django.utils import timezone

from parindex.core import ParindexError
from parindex.core.survey_aggregate import (
    ResponseRow,
    RowsTable,
    aggregate,
    check_responses,
    read_responses,
)
from parindex.results.services import cycle_compute

from . import services
from .models import SurveyForm, SurveyJob
from .selectors import core_questionnaire
from .tables import count_rows, response_table

logger = logging.getLogger(__name__)
MAX_ERRORS_KEPT = 300
COMPARE_BATCH = 2000


class _Progress:
    """Writes a job's progress at most a few times a second."""

    interval = 0.25  # seconds between two writes of the progress record

    def __init__(self, job: SurveyJob) -> None:
        self.job = job
        self.last = 0.0

    def step(self, step: str, done: int = 0, total: int | None = None) -> None:
        self.job.step = step
        self.job.done = done
        if total is not None:
            self.job.total = total
        SurveyJob.objects.filter(pk=self.job.pk).update(
            step=step, done=done, total=self.job.total, state=SurveyJob.State.RUNNING
        )
        self.last = time.monotonic()

    def __call__(self, done: int, total: int | None = None) -> None:
        if time.monotonic() - self.last < self.interval:
            return
        self.step(self.job.step, min(done, total or self.job.total or done), total)


def start(job: SurveyJob) -> None:
    """Run the job once the request's transaction has committed."""
    if getattr(settings, "PARINDEX_SURVEY_JOBS_INLINE", False):
        run(job.pk)
        return
    transaction.on_commit(
        lambda: threading.Thread(target=_in_thread, args=(job.pk,), daemon=True).start()
    )


def _in_thread(job_id: int) -> None:
    close_old_connections()
    try:
        run(job_id)
    finally:
        connections.close_all()


def run(job_id: int) -> None:
    job = SurveyJob.objects.select_related(
        "questionnaire__cycle__framework_version", "created_by"
    ).get(pk=job_id)
    if job.state != SurveyJob.State.QUEUED:
        return
    SurveyJob.objects.filter(pk=job.pk).update(state=SurveyJob.State.RUNNING)
    try:
        if job.kind == SurveyJob.Kind.IMPORT:
            _run_import(job)
        else:
            _run_aggregate(job)
    except (ParindexError, services.SurveyRefused) as exc:
        _fail(job, str(exc).splitlines(), getattr(exc, "errors", None))
    except Exception as exc:  # a job must end; the page shows what happened
        logger.exception("survey job %s failed", job.pk)
        _fail(job, [f"{exc.__class__.__name__}: {exc}"])
    finally:
        if job.file_path:
            Path(job.file_path).unlink(missing_ok=True)


def _fail(job: SurveyJob, messages: list[str], errors: Sequence[object] | None = None) -> None:
    count = len(errors) if errors is not None else len(messages)
    SurveyJob.objects.filter(pk=job.pk).update(
        state=SurveyJob.State.FAILED,
        errors=messages[:MAX_ERRORS_KEPT],
        error_count=count,
        finished_at=timezone.now(),
    )


def _done(job: SurveyJob, **fields: object) -> None:
    SurveyJob.objects.filter(pk=job.pk).update(
        state=SurveyJob.State.DONE, finished_at=timezone.now(), done=job.total, **fields
    )


def _run_import(job: SurveyJob) -> None:
    questionnaire = job.questionnaire
    q = core_questionnaire(questionnaire)
    path = Path(job.file_path)
    table = response_table(path, job.file_name)
    units = dict(questionnaire.cycle.units.values_list("code", "pk"))
    progress = _Progress(job)
    progress.step("checking", 0, count_rows(path, job.file_name))
    total = check_responses(q, table, units=list(units), progress=progress)
    progress.step("comparing", 0, total)
    new: list[ResponseRow] = []
    conflicts: list[str] = []
    present = 0
    done = 0
    for batch in _batches(read_responses(q, table, units=list(units)), COMPARE_BATCH):
        stored = {
            response: (unit, group, answers)
            for response, unit, group, answers in SurveyForm.objects.filter(
                questionnaire=questionnaire, response_id__in=[r.response for r in batch]
            ).values_list("response_id", "unit__code", "group_code", "answers")
        }
        for row in batch:
            before = stored.get(row.response)
            if before is None:
                new.append(row)
            elif before == (row.unit, row.group, row.answers):
                present += 1
            else:
                conflicts.append(
                    f"{job.file_name}:{row.line}, column response, value {row.response!r}: this "
                    "response is already stored with another unit, group or answers"
                )
        done += len(batch)
        progress(done)
    if conflicts:
        _fail(job, conflicts, conflicts)
        return
    progress.step("storing", total, total)
    added = services.forms_store(job=job, rows=new, unit_ids=units, present=present)
    _done(job, forms_added=added, forms_present=present)


def _batches(rows: Iterator[ResponseRow], size: int) -> Iterator[list[ResponseRow]]:
    batch: list[ResponseRow] = []
    for row in rows:
        batch.append(row)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def _run_aggregate(job: SurveyJob) -> None:
    questionnaire = job.questionnaire
    q = core_questionnaire(questionnaire)
    cycle = questionnaire.cycle
    forms = SurveyForm.objects.filter(questionnaire=questionnaire)
    progress = _Progress(job)
    progress.step("aggregating", 0, forms.count())
    codes = [question.code for question in q.questions]

    def rows() -> Iterator[Sequence[str]]:
        yield ["response", "group", "unit", *codes]
        for response, group, unit, answers in forms.values_list(
            "response_id", "group_code", "unit__code", "answers"
        ).iterator(chunk_size=5000):
            yield [response, group, unit, *(answers.get(c, "") for c in codes)]

    units = list(cycle.units.order_by("code").values_list("code", flat=True))
    result = aggregate(
        q, RowsTable(rows, "stored forms"), units=units, progress=lambda n: progress(n)
    )
    progress.step("saving", 0, len(units))
    services.survey_results_apply(questionnaire=questionnaire, result=result, user=job.created_by)
    progress.step("computing", 0, len(units))
    cycle_compute(cycle=cycle, progress=lambda done, total: progress(done, total))
    job.total = len(units)
    _done(job)
