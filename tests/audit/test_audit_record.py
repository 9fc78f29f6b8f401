"""``audit_record``: every field recorded, the hash chain, and the transaction requirement."""

from __future__ import annotations

import datetime
import hashlib
import hmac
import json
from decimal import Decimal

import pytest
from django.db import transaction

from parindex.accounts.models import User
from parindex.audit.chain import canonical_json
from parindex.audit.keys import audit_key
from parindex.audit.models import GENESIS_HASH, AuditEvent, AuditHead
from parindex.audit.selectors import events_for, events_for_leaf
from parindex.audit.services import AuditOutsideTransaction, audit_record

pytestmark = pytest.mark.django_db


@pytest.fixture
def alice() -> User:
    return User.objects.create_user(username="alice", full_name="Nguyễn Thị Alice")


def test_every_field_is_recorded(alice: User) -> None:
    with transaction.atomic():
        event = audit_record(
            actor=alice,
            action="answer.value",
            target=alice,
            before={"value": Decimal("1.50"), "on": datetime.date(2024, 3, 1)},
            after={
                "value": Decimal("2.75"),
                "at": datetime.datetime(2024, 3, 2, 8, 30, tzinfo=datetime.UTC),
            },
            reason="Bổ sung minh chứng",
            cycle_id=11,
            unit_id=22,
            leaf_code="1.2.3",
        )
    stored = AuditEvent.objects.get(pk=event.pk)
    assert stored.sequence == 1
    assert stored.actor == alice
    assert stored.action == "answer.value"
    assert stored.target_type == "accounts.user"
    assert stored.target_id == str(alice.pk)
    assert stored.before == {"value": "1.50", "on": "2024-03-01"}
    assert stored.after == {"value": "2.75", "at": "2024-03-02T08:30:00+00:00"}
    assert stored.reason == "Bổ sung minh chứng"
    assert (stored.cycle_id, stored.unit_id, stored.leaf_code) == (11, 22, "1.2.3")
    assert stored.created_at is not None
    assert stored.prev_hash == GENESIS_HASH
    fields = {
        "sequence": 1,
        "created_at": stored.created_at.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
        "actor_id": alice.pk,
        "action": "answer.value",
        "target_type": "accounts.user",
        "target_id": str(alice.pk),
        "cycle_id": 11,
        "unit_id": 22,
        "leaf_code": "1.2.3",
        "before": {"value": "1.50", "on": "2024-03-01"},
        "after": {"value": "2.75", "at": "2024-03-02T08:30:00+00:00"},
        "reason": "Bổ sung minh chứng",
    }
    text = json.dumps(fields, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    assert canonical_json(fields) == text
    assert "Bổ sung" in text  # ensure_ascii=False keeps Vietnamese as it is
    key = audit_key().secret  # the chain is keyed: HMAC-SHA256, not plain SHA-256
    assert stored.hash == hmac.new(key, (GENESIS_HASH + text).encode(), hashlib.sha256).hexdigest()


def test_explicit_target_type_and_system_actor() -> None:
    with transaction.atomic():
        event = audit_record(
            actor=None,
            action="assessment.state",
            target_type="assessments.assessment",
            target_id="7",
            before={"state": "draft"},
            after={"state": "submitted"},
        )
    event.refresh_from_db()
    assert event.actor_id is None
    assert (event.target_type, event.target_id) == ("assessments.assessment", "7")
    assert (event.cycle_id, event.unit_id, event.leaf_code) == (None, None, "")


def test_events_chain_with_consecutive_sequence_numbers(alice: User) -> None:
    with transaction.atomic():
        first = audit_record(actor=alice, action="a.one")
        second = audit_record(actor=alice, action="a.two")
    with transaction.atomic():
        third = audit_record(actor=None, action="a.three")
    assert [first.sequence, second.sequence, third.sequence] == [1, 2, 3]
    assert second.prev_hash == first.hash and third.prev_hash == second.hash
    head = AuditHead.objects.get(pk=1)
    assert (head.sequence, head.hash) == (3, third.hash)


def test_rolled_back_event_leaves_no_gap(alice: User) -> None:
    with transaction.atomic():
        audit_record(actor=alice, action="a.kept")
    with pytest.raises(RuntimeError), transaction.atomic():
        audit_record(actor=alice, action="a.rolled_back")
        raise RuntimeError("the caller's change failed")
    with transaction.atomic():
        event = audit_record(actor=alice, action="a.next")
    assert event.sequence == 2
    assert list(AuditEvent.objects.values_list("action", flat=True)) == ["a.kept", "a.next"]


def test_selectors_give_a_leafs_history_oldest_first(alice: User) -> None:
    with transaction.atomic():
        audit_record(
            actor=alice,
            action="answer.value",
            cycle_id=1,
            unit_id=2,
            leaf_code="1.1",
            after={"value": "1"},
        )
        audit_record(actor=alice, action="answer.value", cycle_id=1, unit_id=3, leaf_code="1.1")
        audit_record(actor=alice, action="answer.value", cycle_id=1, unit_id=2, leaf_code="1.2")
        audit_record(
            actor=alice,
            action="answer.value",
            cycle_id=1,
            unit_id=2,
            leaf_code="1.1",
            after={"value": "2"},
            target=alice,
        )
    history = events_for_leaf(cycle_id=1, unit_id=2, leaf_code="1.1")
    assert [e.after for e in history] == [{"value": "1"}, {"value": "2"}]
    assert [e.sequence for e in events_for(target=alice)] == [4]


def test_values_that_are_not_json_are_refused(alice: User) -> None:
    with pytest.raises(TypeError, match="cannot record"), transaction.atomic():
        audit_record(actor=alice, action="a.bad", after={"value": object()})


@pytest.mark.django_db(transaction=True)
def test_outside_a_transaction_is_an_error(alice: User) -> None:
    with pytest.raises(AuditOutsideTransaction):
        audit_record(actor=alice, action="answer.value")
    assert not AuditEvent.objects.exists()
