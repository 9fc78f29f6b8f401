"""Concurrent writers get consecutive sequence numbers and one unforked chain (PostgreSQL: the
head row lock; SQLite serializes write transactions by itself and has no concurrent writers to
test against an in-memory test database)."""

from __future__ import annotations

import threading

import pytest
from django.db import connections, transaction

from parindex.audit.models import AuditEvent
from parindex.audit.services import audit_record
from parindex.audit.verify import verify_chain

WRITERS = 4
EVENTS_EACH = 15


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_do_not_fork_the_chain() -> None:
    start = threading.Barrier(WRITERS)
    errors: list[BaseException] = []

    def writer(number: int) -> None:
        try:
            start.wait()
            for n in range(EVENTS_EACH):
                with transaction.atomic():
                    audit_record(actor=None, action="test.concurrent", after={"w": number, "n": n})
        except BaseException as exc:  # reported by the main thread
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=writer, args=(i,)) for i in range(WRITERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    sequences = list(AuditEvent.objects.values_list("sequence", flat=True))
    assert sequences == list(range(1, WRITERS * EVENTS_EACH + 1))
    report = verify_chain()
    assert report.ok and report.count == WRITERS * EVENTS_EACH
