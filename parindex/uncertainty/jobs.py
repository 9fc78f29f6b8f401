"""The rank uncertainty's run, done by a task worker (``manage.py db_worker``).

``start`` queues a run on the task queue (django-tasks, the database backend: the queue row is
written in the caller's transaction, with the run). ``run`` reads the cycle's final basis and
survey forms, runs ``parindex.core.rank_uncertainty`` with the run's seed and settings, writing
the draws made and a heartbeat as it goes (a thread of the worker beats while the core
computes), and stores the results; a run whose worker died is failed by
``services.runs_sweep_stale`` and can simply be started again (with the same seed, if wanted).
"""

from __future__ import annotations

import logging
import time
from contextlib import AbstractContextManager
from decimal import Decimal
from typing import Any

from django.utils import timezone

from parindex.core.messages import reader_language
from parindex.core.rank_uncertainty import AppraisalDraws, RankUncertainty, rank_uncertainty
from parindex.shared.jobs import beating

from . import services
from .models import RankUncertaintyRun
from .selectors import run_inputs

logger = logging.getLogger(__name__)
PROGRESS_INTERVAL = 0.25  # seconds between two writes of the draws made


def start(run: RankUncertaintyRun) -> None:
    """Queue the run for a task worker (in the caller's transaction)."""
    from .tasks import rank_uncertainty_run

    rank_uncertainty_run.enqueue(run.pk, reader_language())


def run(run_id: int) -> None:
    """Run a queued run once; a second worker given it does nothing."""
    now = timezone.now()
    if not RankUncertaintyRun.objects.filter(
        pk=run_id, state=RankUncertaintyRun.State.QUEUED
    ).update(state=RankUncertaintyRun.State.RUNNING, started_at=now, heartbeat_at=now):
        return
    job = RankUncertaintyRun.objects.select_related("cycle__framework_version").get(pk=run_id)
    try:
        inputs = run_inputs(job.cycle, with_declared=job.keep_percent is not None)
        last = 0.0

        def progress(done: int, total: int) -> None:
            nonlocal last
            if done == total or time.monotonic() - last >= PROGRESS_INTERVAL:
                last = time.monotonic()
                services.run_progress(run=job, done=done)

        with _beating(job):
            result = rank_uncertainty(
                inputs.framework,
                inputs.answers,
                inputs.units,
                seed=job.seed,
                draws=job.draws,
                level=job.level,
                overrides=inputs.overrides,
                survey=inputs.sample,
                appraisal=(
                    None
                    if job.keep_percent is None or inputs.declared is None
                    else AppraisalDraws(inputs.declared, job.keep_percent)
                ),
                progress=progress,
            )
        stored = results_json(result, inputs.framework.places)
        if not services.run_finish(
            run=job, results=stored, inputs_sha256=inputs.inputs_sha256, forms=inputs.forms
        ):
            logger.warning("rank uncertainty run %s was taken for dead before it ended", job.pk)
    except Exception as exc:  # a run must end; its page shows what happened
        logger.exception("rank uncertainty run %s failed", job.pk)
        services.run_fail(run=job, errors=[f"{exc.__class__.__name__}: {exc}"])


def results_json(result: RankUncertainty, places: int) -> dict[str, Any]:
    """What a run stores: per unit its figures (decimals as text with the framework's places)
    and the draws per band, in listing order; the survey leaves drawn again, held and the
    adjusted leaves."""

    def figure(value: Decimal | None) -> str | None:
        return None if value is None else f"{value:.{places}f}"

    return {
        "units": [
            {
                "unit": u.unit.code,
                "name": u.unit.name,
                "group": u.unit.group,
                "type": u.unit.type,
                "group_size": u.group_size,
                "rank": u.rank,
                "rank_low": u.rank_low,
                "rank_high": u.rank_high,
                "rank_median": u.rank_median,
                "index": figure(u.index),
                "index_low": figure(u.index_low),
                "index_high": figure(u.index_high),
                "band": u.band,
                "bands": [[code, count] for code, count in u.band_draws],
            }
            for u in result.units
        ],
        "resampled": len(result.resampled),
        "held": [list(cell) for cell in result.held],
        "adjusted": len(result.adjusted),
    }


def _beating(job: RankUncertaintyRun) -> AbstractContextManager[None]:
    """A thread of the worker writes the heartbeat while the core computes."""

    def beat() -> None:
        RankUncertaintyRun.objects.filter(pk=job.pk, state=RankUncertaintyRun.State.RUNNING).update(
            heartbeat_at=timezone.now()
        )

    return beating(beat, name=f"rank-uncertainty-{job.pk}", label=f"rank uncertainty run {job.pk}")
