"""The survey's tasks, run by the task workers (``manage.py db_worker``, docs/deployment.md).

The task framework is django-tasks (the API Django 6 ships as ``django.tasks``) with its
database backend: a queued task is a row written in the same transaction as its job, so a job
is queued exactly when it is committed, and a worker that dies leaves a row behind, not a
silent loss (the job's heartbeat tells the page, which offers to run it again)."""

from __future__ import annotations

from django.utils import translation
from django_tasks import task

from parindex.core.messages import reading_in

from . import jobs, services


@task()
def survey_job(job_id: int, attempt: int, lang: str = "vi") -> None:
    """Run one attempt of a survey job, its messages in ``lang`` (the language of the person
    who started it); first fail the jobs whose worker died, so a worker sweeps them even when
    nobody looks at their page."""
    services.jobs_sweep_stale()
    with translation.override(lang), reading_in(lang):
        jobs.run(job_id, attempt)
