"""Migration 0003 re-keys a chain written before the chain was keyed (plain SHA-256) into the
HMAC chain, after checking it: an intact old chain verifies afterwards, a broken one is refused
rather than laundered into a valid keyed chain."""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps
from django.db import connection
from django.utils import timezone

from parindex.audit.chain import event_fields
from parindex.audit.models import GENESIS_HASH, AuditEvent, AuditHead
from parindex.audit.verify import verify_chain

from .helpers import bypassing_trigger, plain_sha256

pytestmark = pytest.mark.django_db

migration = importlib.import_module("parindex.audit.migrations.0003_keyed_chain_published_head")


class Editor:
    """What the migration's functions use of a schema editor."""

    connection = connection

    def execute(self, sql: str, params: object = None) -> None:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)


def legacy_chain(count: int) -> list[AuditEvent]:
    prev = GENESIS_HASH
    events = []
    for sequence in range(1, count + 1):
        event = AuditEvent(
            sequence=sequence,
            created_at=timezone.now(),
            action="answer.value",
            after={"value": str(sequence)},
            reason="Bổ sung",
            prev_hash=prev,
        )
        event.hash = prev = plain_sha256(prev, event_fields(event))
        events.append(event)
    AuditEvent.objects.bulk_create(events)
    AuditHead.objects.update_or_create(pk=1, defaults={"sequence": count, "hash": prev})
    return events


def test_an_intact_old_chain_is_re_keyed_and_verifies() -> None:
    legacy_chain(5)
    assert verify_chain().error.sequence == 1  # plain SHA-256 no longer verifies
    migration.rekey(apps, Editor())
    report = verify_chain()
    assert report.ok and report.count == 5
    assert AuditHead.objects.get(pk=1).hash == AuditEvent.objects.get(sequence=5).hash


def test_a_broken_old_chain_is_refused() -> None:
    events = legacy_chain(3)
    bypassing_trigger(
        "UPDATE audit_auditevent SET reason = %s WHERE sequence = %s", ["sửa", events[1].sequence]
    )
    with pytest.raises(RuntimeError, match="event #2"):
        migration.rekey(apps, Editor())
    assert AuditEvent.objects.get(sequence=3).hash == events[2].hash  # nothing re-keyed


def test_re_keying_back_restores_the_old_chain() -> None:
    events = legacy_chain(3)
    migration.rekey(apps, Editor())
    migration.unkey(apps, Editor())
    assert list(AuditEvent.objects.order_by("sequence").values_list("hash", flat=True)) == [
        e.hash for e in events
    ]
