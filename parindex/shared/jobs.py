"""Jobs run by a task worker (survey imports and aggregation, rank uncertainty runs): the record
they share, with its progress and heartbeat, the heartbeat itself and the sweep's choice of the
jobs whose worker died.

While a job runs, a thread of its worker writes the job's heartbeat about eight times per
``PARINDEX_JOB_HEARTBEAT_TIMEOUT`` (at most twice a second); a running job without a heartbeat
for that long is one whose worker died, which the sweep marks failed (``interrupted``)."""

from __future__ import annotations

import datetime
import logging
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TypeVar

from django.conf import settings
from django.db import DatabaseError, connections, models
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

logger = logging.getLogger(__name__)


class WorkerJob(models.Model):
    """What every job's record holds: its state, how much is done, its errors, and when it was
    asked for, started, last beat and finished; ``interrupted`` when its worker died."""

    class State(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    state = models.CharField(max_length=10, choices=State.choices, default=State.QUEUED)
    done = models.PositiveIntegerField(default=0)
    errors = models.JSONField(default=list)
    interrupted = models.BooleanField(default=False, help_text="its worker stopped")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        abstract = True

    @property
    def finished(self) -> bool:
        return self.state in (self.State.DONE, self.State.FAILED)


J = TypeVar("J", bound=WorkerJob)


def stale_running(jobs: QuerySet[J]) -> QuerySet[J]:
    """The running ``jobs`` whose worker gave no sign of life (no heartbeat, or none since it
    was asked for) for ``PARINDEX_JOB_HEARTBEAT_TIMEOUT`` seconds."""
    cutoff = timezone.now() - datetime.timedelta(seconds=settings.PARINDEX_JOB_HEARTBEAT_TIMEOUT)
    return jobs.filter(state=WorkerJob.State.RUNNING).filter(
        Q(heartbeat_at__lt=cutoff) | Q(heartbeat_at__isnull=True, created_at__lt=cutoff)
    )


@contextmanager
def beating(beat: Callable[[], None], *, name: str, label: str) -> Iterator[None]:
    """Call ``beat`` from a thread named ``name`` until the block ends. A beat the database
    refuses (busy) is logged as ``label``'s and left to the next one; the thread closes its
    own database connections when it stops."""
    every = max(0.5, float(settings.PARINDEX_JOB_HEARTBEAT_TIMEOUT) / 8)
    stop = threading.Event()

    def loop() -> None:
        try:
            while not stop.wait(every):
                try:
                    beat()
                except DatabaseError:  # the database is busy: the next beat will do
                    logger.warning("%s: heartbeat not written", label)
        finally:
            connections.close_all()

    thread = threading.Thread(target=loop, name=name, daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join()
