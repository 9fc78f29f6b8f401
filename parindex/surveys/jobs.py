"""Survey jobs, run by a task worker, with a progress record that the job page polls.

``start`` queues a job on the task queue (django-tasks, the database backend: the queue row is
written in the caller's transaction); a worker (``manage.py db_worker``) runs it with ``run``.
While it runs, the job's record gets a heartbeat from a thread of the worker; a running job
whose heartbeat is older than ``PARINDEX_JOB_HEARTBEAT_TIMEOUT`` is marked failed
(``services.jobs_sweep_stale``) and can be run again from its page.

A response file import checks the whole file with the core (every error, with its line), then
compares it with the forms already stored (a response id stored with other answers is an
error; an identical one is skipped) and stages the new forms in short transactions; only then
does one short transaction copy them into the forms, in one statement: a file is imported whole
or not at all, and no transaction holds the database for long. Aggregation reads the stored
forms into the core, then writes the survey leaves' answers and recomputes the cycle with
``cycle_compute`` in one transaction: both or neither.

``PARINDEX_SURVEY_JOBS_INLINE`` runs a job in the request instead of queueing it.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager
from pathlib import Path

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone

from parindex.core import ParindexError
from parindex.core.messages import reader_language
from parindex.core.survey_aggregate import (
    ResponseRow,
    RowsTable,
    aggregate,
    check_responses,
    read_responses,
)
from parindex.results.services import cycle_compute
from parindex.shared.jobs import beating

from . import services
from .models import SurveyForm, SurveyJob
from .selectors import core_questionnaire
from .tables import count_rows, response_table

logger = logging.getLogger(__name__)
MAX_ERRORS_KEPT = 100  # the first errors are kept to show; error_count counts them all
COMPARE_BATCH = 2000  # forms compared with the stored ones per query
STAGE_BATCH = 2000  # forms staged per transaction


class _Progress:
    """Writes a job's progress at most a few times a second, and its heartbeat.

    While ``held`` (inside a transaction of the job), progress is only kept in memory and the
    heartbeat thread writes it from its own connection, so the job's transaction never holds
    the job's row and the page still sees how far it got."""

    interval = 0.25  # seconds between two writes of the progress record

    def __init__(self, job: SurveyJob) -> None:
        self.job = job
        self.last = 0.0
        self.held = False

    def _ours(self) -> QuerySet[SurveyJob]:
        return SurveyJob.objects.filter(
            pk=self.job.pk, state=SurveyJob.State.RUNNING, attempt=self.job.attempt
        )

    def step(self, step: str, done: int = 0, total: int | None = None) -> None:
        self.job.step = step
        self.job.done = done
        if total is not None:
            self.job.total = total
        self.last = time.monotonic()
        if not self.held:
            self.beat()

    def __call__(self, done: int, total: int | None = None) -> None:
        if time.monotonic() - self.last < self.interval:
            return
        self.step(self.job.step, min(done, total or self.job.total or done), total)

    def beat(self) -> None:
        """Write the heartbeat with the progress, unless the job is no longer this attempt's
        running job (finished, failed, or swept and run again)."""
        self._ours().update(
            heartbeat_at=timezone.now(),
            step=self.job.step,
            done=self.job.done,
            total=self.job.total,
        )

    def beating(self) -> AbstractContextManager[None]:
        """A thread of the worker writes the heartbeat while the job runs."""
        pk = self.job.pk
        return beating(self.beat, name=f"survey-job-{pk}-heartbeat", label=f"survey job {pk}")


def start(job: SurveyJob) -> None:
    """Queue the job for a task worker. With the database backend the queue row is part of the
    caller's transaction: the job is queued exactly when its record is committed."""
    if getattr(settings, "PARINDEX_SURVEY_JOBS_INLINE", False):
        run(job.pk, job.attempt)
        return
    from .tasks import survey_job

    # The worker writes the job's messages in the language of whoever started it.
    survey_job.enqueue(job.pk, job.attempt, reader_language())


def run(job_id: int, attempt: int | None = None) -> None:
    """Run a queued job (this attempt of it), once: a second worker given the same job, or an
    attempt that was superseded by a retry, does nothing."""
    now = timezone.now()
    queued = SurveyJob.objects.filter(pk=job_id, state=SurveyJob.State.QUEUED)
    if attempt is not None:
        queued = queued.filter(attempt=attempt)
    if not queued.update(state=SurveyJob.State.RUNNING, started_at=now, heartbeat_at=now):
        return
    job = SurveyJob.objects.select_related(
        "questionnaire__cycle__framework_version", "created_by"
    ).get(pk=job_id)
    progress = _Progress(job)
    superseded = False
    try:
        with progress.beating():
            if job.kind == SurveyJob.Kind.IMPORT:
                _run_import(job, progress)
            else:
                _run_aggregate(job, progress)
    except services.JobSuperseded:
        superseded = True
        logger.warning("survey job %s attempt %s was superseded", job.pk, job.attempt)
    except ParindexError as exc:
        errors = getattr(exc, "errors", None)
        if errors is not None:
            _fail(job, [str(e) for e in errors[:MAX_ERRORS_KEPT]], len(errors))
        else:
            lines = str(exc).splitlines()
            _fail(job, lines[:MAX_ERRORS_KEPT], len(lines))
    except services.SurveyRefused as exc:
        _fail(job, [str(exc)], 1)
    except Exception as exc:  # a job must end; the page shows what happened
        logger.exception("survey job %s failed", job.pk)
        _fail(job, [f"{exc.__class__.__name__}: {exc}"], 1)
    finally:
        if job.kind == SurveyJob.Kind.IMPORT:
            services.forms_unstage(job=job)
        if job.file_path and not superseded:
            Path(job.file_path).unlink(missing_ok=True)


def _fail(job: SurveyJob, messages: Sequence[str], count: int) -> None:
    SurveyJob.objects.filter(pk=job.pk, state=SurveyJob.State.RUNNING, attempt=job.attempt).update(
        state=SurveyJob.State.FAILED,
        errors=list(messages[:MAX_ERRORS_KEPT]),
        error_count=count,
        finished_at=timezone.now(),
    )


def _run_import(job: SurveyJob, progress: _Progress) -> None:
    questionnaire = job.questionnaire
    q = core_questionnaire(questionnaire)
    path = Path(job.file_path)
    table = response_table(path, job.file_name)
    units = dict(questionnaire.cycle.units.values_list("code", "pk"))
    services.forms_unstage(job=job)  # what an earlier attempt left
    progress.step("checking", 0, count_rows(path, job.file_name))
    total = check_responses(q, table, units=list(units), progress=progress)
    progress.step("comparing", 0, total)
    pending: list[ResponseRow] = []
    conflicts: list[str] = []
    conflict_count = 0
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
                if not conflict_count:
                    pending.append(row)
            elif before == (row.unit, row.group, row.answers):
                present += 1
            else:
                conflict_count += 1
                if len(conflicts) < MAX_ERRORS_KEPT:
                    conflicts.append(
                        f"{job.file_name}:{row.line}, column response, value {row.response!r}: "
                        "this response is already stored with another unit, group or answers"
                    )
        if conflict_count:
            pending = []
        while len(pending) >= STAGE_BATCH:
            services.forms_stage(job=job, rows=pending[:STAGE_BATCH], unit_ids=units)
            del pending[:STAGE_BATCH]
        done += len(batch)
        progress(done)
    if conflict_count:
        _fail(job, conflicts, conflict_count)
        return
    if pending:
        services.forms_stage(job=job, rows=pending, unit_ids=units)
    progress.step("storing", total, total)
    try:
        services.forms_store(job=job, present=present)
    except IntegrityError:
        _fail(
            job,
            [
                f"{job.file_name}: another import stored some of these responses while this one "
                "ran; import the file again"
            ],
            1,
        )


def _batches(rows: Iterator[ResponseRow], size: int) -> Iterator[list[ResponseRow]]:
    batch: list[ResponseRow] = []
    for row in rows:
        batch.append(row)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def _run_aggregate(job: SurveyJob, progress: _Progress) -> None:
    questionnaire = job.questionnaire
    q = core_questionnaire(questionnaire)
    cycle = questionnaire.cycle
    forms = SurveyForm.objects.filter(questionnaire=questionnaire)
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
    # The answers and the results computed from them: committed together or not at all.
    with transaction.atomic():
        progress.held = True
        services.survey_results_apply(
            questionnaire=questionnaire, result=result, user=job.created_by
        )
        progress.step("computing", 0, len(units))
        cycle_compute(cycle=cycle, progress=lambda done, total: progress(done, total))
        services.job_finish(job=job, total=len(units))
