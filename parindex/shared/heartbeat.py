"""A worker's heartbeat: while a long job runs, a thread of the worker writes the job's
heartbeat about eight times per ``PARINDEX_JOB_HEARTBEAT_TIMEOUT`` (at most twice a second),
so that a sweep can tell a job still running from one whose worker died."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from django.conf import settings
from django.db import DatabaseError, connections

logger = logging.getLogger(__name__)


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
