"""Raw-SQL tampering with the audit table, as an attacker with database access would do it.

On PostgreSQL the append-only trigger refuses these statements; the tests first show that, then
switch the trigger off (inside the test's transaction, rolled back afterwards) to reach the state
that ``audit_verify`` must detect.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable

import pytest
from django.db import DatabaseError, connection, transaction

TABLE = "audit_auditevent"
TRIGGER = "audit_auditevent_append_only"


def _run(sql: str, params: list[object]) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def bypassing_trigger(sql: str, params: list[object]) -> None:
    if connection.vendor == "postgresql":
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
            _run(sql, params)
        _run(f"ALTER TABLE {TABLE} DISABLE TRIGGER {TRIGGER}", [])
        try:
            _run(sql, params)
        finally:
            _run(f"ALTER TABLE {TABLE} ENABLE TRIGGER {TRIGGER}", [])
    else:
        _run(sql, params)


def tamper_after(sequence: int, after: dict[str, object]) -> None:
    cast = "::jsonb" if connection.vendor == "postgresql" else ""
    bypassing_trigger(
        f"UPDATE {TABLE} SET after = %s{cast} WHERE sequence = %s",
        [json.dumps(after), sequence],
    )


def delete_raw(sequence: int) -> None:
    bypassing_trigger(f"DELETE FROM {TABLE} WHERE sequence = %s", [sequence])


def rewrite_with(rehash: Callable[[str, dict[str, object]], str]) -> None:
    """Recompute every event's ``prev_hash`` and ``hash`` with ``rehash(prev, fields)`` and move
    the head to the new last hash: a whole consistent rewrite, as somebody who can write to the
    database but does not hold the audit key could make it."""
    from parindex.audit.chain import event_fields
    from parindex.audit.models import GENESIS_HASH, AuditEvent

    prev = GENESIS_HASH
    for event in list(AuditEvent.objects.order_by("sequence")):
        new = rehash(prev, event_fields(event))
        bypassing_trigger(
            f"UPDATE {TABLE} SET prev_hash = %s, hash = %s WHERE sequence = %s",
            [prev, new, event.sequence],
        )
        prev = new
    last = AuditEvent.objects.order_by("sequence").values_list("sequence", flat=True).last()
    _run("UPDATE audit_audithead SET sequence = %s, hash = %s", [last or 0, prev])


def plain_sha256(prev: str, fields: dict[str, object]) -> str:
    """The chain's hash before it was keyed: SHA-256 of the previous hash and the canonical JSON."""
    from parindex.audit.chain import canonical_json

    return hashlib.sha256((prev + canonical_json(fields)).encode("utf-8")).hexdigest()


def truncate_from(sequence: int) -> None:
    """Delete the events from ``sequence`` on and rewind the head to the one before: removing
    the newest events so that the rest of the chain still links up."""
    bypassing_trigger(f"DELETE FROM {TABLE} WHERE sequence >= %s", [sequence])
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT sequence, hash FROM {TABLE} WHERE sequence = %s", [sequence - 1])
        row = cursor.fetchone()
    last, last_hash = row if row else (0, "0" * 64)
    _run("UPDATE audit_audithead SET sequence = %s, hash = %s", [last, last_hash])


def delete_published_heads() -> None:
    """Remove the heads recorded at publications from the database too (they live beside the
    chain, so whoever truncates it can remove them: only an exported copy still counts)."""
    _run("DELETE FROM audit_publishedhead", [])
