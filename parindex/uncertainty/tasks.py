"""The rank uncertainty's task, run by the task workers (``manage.py db_worker``), on the same
django-tasks database queue as the survey's jobs."""

from __future__ import annotations

from django.utils import translation
from django_tasks import task

from parindex.core.messages import reading_in

from . import jobs, services


@task()
def rank_uncertainty_run(run_id: int, lang: str = "vi") -> None:
    """Run a queued run, in the language of whoever started it; first fail the runs whose
    worker died."""
    services.runs_sweep_stale()
    with translation.override(lang), reading_in(lang):
        jobs.run(run_id)
