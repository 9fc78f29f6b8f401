"""The keyed chain and the heads recorded at publications.

Events written before this migration were chained with plain SHA-256
(``sha256(prev_hash + canonical JSON)``), which anybody can recompute. ``rekey`` first checks that
old chain whole (links, hashes, head) and refuses to migrate a broken one, since re-keying it would
turn tampered history into a valid keyed chain; then it rewrites every ``prev_hash`` and ``hash``
as HMAC-SHA256 under the audit key in force (``parindex.audit.keys``) and moves the head. On
PostgreSQL the append-only trigger is switched off for those updates only, inside this migration's
transaction. ``unkey`` is the reverse, under the same checks.
"""

import hashlib
from collections.abc import Callable, Iterator
from typing import Any

import django.db.models.deletion
from django.apps.registry import Apps
from django.db import migrations, models
from django.db.backends.base.schema import BaseDatabaseSchemaEditor

from parindex.audit.chain import chain_hash, event_fields
from parindex.audit.keys import audit_key

GENESIS = "0" * 64
TABLE = "audit_auditevent"
TRIGGER = "audit_auditevent_append_only"
CHUNK = 2000

# A chain's hash function: (previous hash, the event's fields, key) -> hash.
Scheme = Callable[[str, dict[str, Any], bytes], str]


def _plain(prev: str, fields: dict[str, Any], key: bytes) -> str:
    from parindex.audit.chain import canonical_json

    return hashlib.sha256((prev + canonical_json(fields)).encode("utf-8")).hexdigest()


def _keyed(prev: str, fields: dict[str, Any], key: bytes) -> str:
    return chain_hash(prev, fields, key)


def _chunks(AuditEvent: Any, alias: str) -> Iterator[list[Any]]:  # historical models: untyped
    events = AuditEvent._base_manager.using(alias).order_by("sequence")
    after = 0
    while True:
        chunk = list(events.filter(sequence__gt=after)[:CHUNK])
        if not chunk:
            return
        yield chunk
        after = chunk[-1].sequence


def _check(AuditEvent: Any, AuditHead: Any, alias: str, scheme: Scheme, key: bytes) -> None:
    """The whole chain under ``scheme``, or RuntimeError naming the first bad event."""
    prev, expected = GENESIS, 1
    for chunk in _chunks(AuditEvent, alias):
        for event in chunk:
            if event.sequence != expected or event.prev_hash != prev:
                bad = f"event #{event.sequence}: gap or broken link"
            elif scheme(prev, event_fields(event), key) != event.hash:
                bad = f"event #{event.sequence}: hash mismatch"
            else:
                bad = ""
            if bad:
                raise RuntimeError(
                    f"the audit chain is broken at {bad}; it is not re-keyed, since that would "
                    "make the altered history verify. Find out what happened (parindex audit "
                    "verify on the previous release), then migrate."
                )
            prev, expected = event.hash, expected + 1
    head = AuditHead.objects.using(alias).filter(pk=1).first()
    if head is not None and (head.sequence, head.hash) != (expected - 1, prev):
        raise RuntimeError(
            f"the audit chain's head records #{head.sequence} but the chain ends at "
            f"#{expected - 1}; it is not re-keyed. Find out what happened, then migrate."
        )


def _rewrite(
    apps: Apps, schema_editor: BaseDatabaseSchemaEditor, old: Scheme, new: Scheme
) -> None:
    AuditEvent = apps.get_model("audit", "AuditEvent")
    AuditHead = apps.get_model("audit", "AuditHead")
    alias = schema_editor.connection.alias
    key = audit_key().secret
    _check(AuditEvent, AuditHead, alias, old, key)
    postgres = schema_editor.connection.vendor == "postgresql"
    if postgres:
        schema_editor.execute(f"ALTER TABLE {TABLE} DISABLE TRIGGER {TRIGGER}", params=None)
    prev, last = GENESIS, 0
    for chunk in _chunks(AuditEvent, alias):
        for event in chunk:
            event.prev_hash = prev
            event.hash = prev = new(prev, event_fields(event), key)
            last = event.sequence
        AuditEvent._base_manager.using(alias).bulk_update(chunk, ["prev_hash", "hash"])
    if postgres:
        schema_editor.execute(f"ALTER TABLE {TABLE} ENABLE TRIGGER {TRIGGER}", params=None)
    AuditHead.objects.using(alias).filter(pk=1).update(sequence=last, hash=prev)


def rekey(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    _rewrite(apps, schema_editor, _plain, _keyed)


def unkey(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    _rewrite(apps, schema_editor, _keyed, _plain)


class Migration(migrations.Migration):

    dependencies = [
        ('audit', '0002_head_row_and_append_only_trigger'),
        ('cycles', '0001_initial'),
    ]

    operations = [
        migrations.CreateModel(
            name='PublishedHead',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('sequence', models.PositiveBigIntegerField(verbose_name='sequence')),
                ('hash', models.CharField(max_length=64, verbose_name='hash')),
                ('decision', models.CharField(blank=True, max_length=200, verbose_name='publication decision')),
                ('recorded_at', models.DateTimeField(verbose_name='time')),
                ('cycle', models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='cycles.cycle', verbose_name='cycle')),
            ],
            options={
                'verbose_name': 'audit head at publication',
                'verbose_name_plural': 'audit heads at publication',
                'ordering': ['sequence'],
                'indexes': [models.Index(fields=['cycle', 'sequence'], name='audit_published_head_idx')],
            },
        ),
        migrations.RunPython(rekey, unkey),
    ]
