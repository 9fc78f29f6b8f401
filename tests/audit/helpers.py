"""Raw-SQL tampering with the audit table, as an attacker with database access would do it.

On PostgreSQL the append-only trigger refuses these statements; the tests first show that, then
switch the trigger off (inside the test's transaction, rolled back afterwards) to reach the state
that ``audit_verify`` must detect.
"""

from __future__ import annotations

import json

import pytest
from django.db import DatabaseError, connection, transaction

TABLE = "audit_auditevent"
TRIGGER = "audit_auditevent_append_only"


def _run(sql: str, params: list[object]) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def _bypassing_trigger(sql: str, params: list[object]) -> None:
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
    _bypassing_trigger(
        f"UPDATE {TABLE} SET after = %s{cast} WHERE sequence = %s",
        [json.dumps(after), sequence],
    )


def delete_raw(sequence: int) -> None:
    _bypassing_trigger(f"DELETE FROM {TABLE} WHERE sequence = %s", [sequence])
