"""Benchmark of the audit trail: writing events and verifying the hash chain.

Runs against a throwaway database (a fresh SQLite file unless DATABASE_URL points elsewhere)::

    .venv/bin/python bench/bench_audit.py [EVENTS]

It prints the rate of ``audit_record`` (one event per transaction, the way services call it,
and many in one transaction), then fills the table to EVENTS events (default 1,000,000) with a
valid chain written in bulk, and times ``manage.py audit_verify`` over all of them in a fresh
process, printing that process's peak memory: the check streams rows, so its memory does not
grow with the number of events.
"""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

VERIFY_ONLY = len(sys.argv) > 1 and sys.argv[1] == "--verify"
EVENTS = int(sys.argv[1]) if len(sys.argv) > 1 and not VERIFY_ONLY else 1_000_000
WRITES = 1_000
BATCH = 5_000

if "DATABASE_URL" not in os.environ and "PARINDEX_VAR_DIR" not in os.environ:
    os.environ["PARINDEX_VAR_DIR"] = tempfile.mkdtemp(prefix="parindex-bench-audit-")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "parindex.settings")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from parindex.audit.chain import chain_hash, event_fields, to_json_value  # noqa: E402
from parindex.audit.keys import audit_key  # noqa: E402
from parindex.audit.models import AuditEvent, AuditHead  # noqa: E402
from parindex.audit.services import audit_record  # noqa: E402
from parindex.audit.verify import verify_chain  # noqa: E402


def peak_mib() -> float:
    """The process's peak resident memory. On Linux from VmHWM, which starts afresh at exec;
    ``ru_maxrss`` would still count the parent's memory copied by fork."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def verify() -> None:
    started = time.perf_counter()
    report = verify_chain()
    elapsed = time.perf_counter() - started
    assert report.ok, report.error
    print(
        f"verify_chain: {report.count:,} events in {elapsed:.1f} s "
        f"({report.count / elapsed:,.0f} events/s), peak RSS of the process {peak_mib():.0f} MiB"
    )


def main() -> None:
    call_command("migrate", verbosity=0)
    print(f"database: {connection.vendor}; events: {EVENTS:,}")

    started = time.perf_counter()
    for n in range(WRITES):
        with transaction.atomic():
            audit_record(
                actor=None,
                action="answer.value",
                before={"value": str(n)},
                after={"value": str(n + 1)},
                reason="bench",
                cycle_id=1,
                unit_id=n % 150 + 1,
                leaf_code=f"{n % 9 + 1}.{n % 7 + 1}.1",
            )
    elapsed = time.perf_counter() - started
    print(
        f"audit_record: {WRITES:,} transactions in {elapsed:.2f} s "
        f"({WRITES / elapsed:,.0f} events/s)"
    )

    started = time.perf_counter()
    with transaction.atomic():
        for n in range(WRITES):
            audit_record(actor=None, action="answer.value", after={"value": str(n)}, cycle_id=1)
    elapsed = time.perf_counter() - started
    print(
        f"audit_record: {WRITES:,} events in one transaction in {elapsed:.2f} s "
        f"({WRITES / elapsed:,.0f} events/s)"
    )

    head = AuditHead.objects.get(pk=1)
    sequence, prev = head.sequence, head.hash
    key = audit_key().secret
    started = time.perf_counter()
    now = timezone.now()
    while sequence < EVENTS:
        batch = []
        for _ in range(min(BATCH, EVENTS - sequence)):
            sequence += 1
            event = AuditEvent(
                sequence=sequence,
                created_at=now,
                actor_id=None,
                action="answer.value",
                target_type="results.answer",
                target_id=str(sequence),
                cycle_id=1,
                unit_id=sequence % 150 + 1,
                leaf_code=f"{sequence % 9 + 1}.1.1",
                before=to_json_value({"value": str(sequence - 1)}),
                after=to_json_value({"value": str(sequence)}),
                reason="",
                prev_hash=prev,
            )
            event.hash = prev = chain_hash(prev, event_fields(event), key)
            batch.append(event)
        with transaction.atomic():
            AuditEvent.objects.bulk_create(batch)
            AuditHead.objects.filter(pk=1).update(sequence=sequence, hash=prev)
    print(f"bulk fill to {EVENTS:,} events: {time.perf_counter() - started:.1f} s")

    # A fresh process, so its peak memory is the check's alone.
    subprocess.run([sys.executable, __file__, "--verify"], check=True)


if __name__ == "__main__":
    if VERIFY_ONLY:
        verify()
    else:
        main()
