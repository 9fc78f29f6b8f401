"""Writes to the audit trail. Callers hold the transaction; this only appends inside it."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import TYPE_CHECKING, Any

from django.db import connection, models
from django.utils import timezone

from parindex.audit.chain import chain_hash, event_fields, to_json_value
from parindex.audit.keys import audit_key
from parindex.audit.models import GENESIS_HASH, AuditEvent, AuditHead, PublishedHead

if TYPE_CHECKING:
    # the user model (AUTH_USER_MODEL) as django-stubs types it, without importing accounts
    from django.contrib.auth.models import _User as User


class AuditOutsideTransaction(RuntimeError):
    """``audit_record`` was called outside ``transaction.atomic``: the event could outlive a
    change that was rolled back, or record one that never happened."""


# The channel a change came through when it is not a person on a page (an API token), named
# in the reason of every event recorded meanwhile: the services need no parameter for it.
_channel: ContextVar[str] = ContextVar("audit_channel", default="")


@contextmanager
def recorded_through(channel: str) -> Iterator[None]:
    """Every event recorded inside this block names ``channel`` (e.g. ``API token “Cổng DVC”
    (pxi_ab12cd34)``) after its reason, so the trail tells a change sent by a system from one a
    person made on a page, whichever service recorded it."""
    token = _channel.set(channel)
    try:
        yield
    finally:
        _channel.reset(token)


def with_channel(reason: str) -> str:
    """The reason as recorded: the service's reason, then the channel if one is set."""
    channel = _channel.get()
    if not channel:
        return reason
    return f"{reason} · {channel}" if reason else channel


def _locked_head() -> AuditHead:
    # The head row is created by the migration; a flushed test database may lack it.
    head = AuditHead.objects.select_for_update().filter(pk=1).first()
    if head is None:
        AuditHead.objects.get_or_create(pk=1, defaults={"sequence": 0, "hash": GENESIS_HASH})
        head = AuditHead.objects.select_for_update().get(pk=1)
    return head


def audit_record(
    *,
    actor: User | None,
    action: str,
    target: models.Model | None = None,
    target_type: str = "",
    target_id: str = "",
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    reason: str = "",
    cycle_id: int | None = None,
    unit_id: int | None = None,
    leaf_code: str = "",
) -> AuditEvent:
    """Append one event to the chain, in the caller's transaction.

    ``target`` (a saved model instance) fills ``target_type`` (``app_label.model``) and
    ``target_id`` (its pk). ``before``/``after`` are stored as plain JSON: Decimal becomes a
    string, dates and times ISO 8601. The chain head is locked until the caller commits, so
    concurrent writers get consecutive sequence numbers and one unforked chain.
    """
    if not connection.in_atomic_block:
        raise AuditOutsideTransaction(
            "audit_record must run inside the caller's transaction.atomic block"
        )
    if not action:
        raise ValueError("audit_record needs an action, e.g. 'answer.value'")
    if target is not None:
        if target.pk is None:
            raise ValueError("audit_record target must be saved (it has no primary key)")
        target_type = target._meta.label_lower
        target_id = str(target.pk)
    head = _locked_head()
    event = AuditEvent(
        sequence=head.sequence + 1,
        created_at=timezone.now(),
        actor_id=actor.pk if actor is not None else None,
        action=action,
        target_type=target_type,
        target_id=str(target_id),
        cycle_id=cycle_id,
        unit_id=unit_id,
        leaf_code=leaf_code,
        before=to_json_value(before),
        after=to_json_value(after),
        reason=with_channel(reason),
        prev_hash=head.hash,
    )
    event.hash = chain_hash(head.hash, event_fields(event), audit_key().secret)
    event.save(force_insert=True)
    AuditHead.objects.filter(pk=1).update(sequence=event.sequence, hash=event.hash)
    return event


def record_published_head(*, cycle_id: int, decision: str = "") -> PublishedHead:
    """Record the chain head at a cycle's publication, in the publication's transaction and
    after its events, so the head covers the publication itself. The head stays locked until
    the caller commits: no other event can slip in between."""
    if not connection.in_atomic_block:
        raise AuditOutsideTransaction(
            "record_published_head must run inside the caller's transaction.atomic block"
        )
    head = _locked_head()
    return PublishedHead.objects.create(
        cycle_id=cycle_id,
        sequence=head.sequence,
        hash=head.hash,
        decision=decision,
        recorded_at=timezone.now(),
    )
