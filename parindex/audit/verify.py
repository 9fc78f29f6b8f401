"""Recompute the hash chain and report the first event that breaks it.

Reads the events in sequence order with a server-side iterator, so a chain of millions of
events is checked in constant memory.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from parindex.audit.chain import HASHED_FIELDS, chain_hash, event_fields
from parindex.audit.models import GENESIS_HASH, AuditEvent, AuditHead

CHUNK = 2000


@dataclass(frozen=True)
class ChainBreak:
    sequence: int
    problem: str

    def __str__(self) -> str:
        return f"event #{self.sequence}: {self.problem}"


@dataclass(frozen=True)
class ChainReport:
    count: int
    head_sequence: int
    head_hash: str
    error: ChainBreak | None

    @property
    def ok(self) -> bool:
        return self.error is None


class _Row:
    __slots__ = (*HASHED_FIELDS, "hash", "prev_hash")

    def __init__(self, values: dict[str, Any]) -> None:
        for name in self.__slots__:
            setattr(self, name, values[name])


def _rows() -> Iterator[_Row]:
    fields = (*HASHED_FIELDS, "hash", "prev_hash")
    # The manager's ordering by sequence is the order of the chain.
    for values in (
        AuditEvent.objects.order_by("sequence").values(*fields).iterator(chunk_size=CHUNK)
    ):
        yield _Row(values)


def verify_chain() -> ChainReport:
    """Check every event: consecutive sequence numbers from 1, each ``prev_hash`` equal to the
    previous event's hash, each hash equal to the recomputed one, and the head pointing at the
    last event (which reveals events removed at the end)."""
    expected_sequence = 1
    running_hash = GENESIS_HASH
    count = 0
    for row in _rows():
        sequence = int(row.sequence)
        if sequence != expected_sequence:
            missing = (
                f"#{expected_sequence}"
                if sequence == expected_sequence + 1
                else f"#{expected_sequence}–#{sequence - 1}"
            )
            problem = (
                f"gap in sequence: expected #{expected_sequence}, found #{sequence} "
                f"(event {missing} removed)"
                if sequence > expected_sequence
                else f"sequence out of order: expected #{expected_sequence}, found #{sequence}"
            )
            return ChainReport(count, 0, "", ChainBreak(sequence, problem))
        if row.prev_hash != running_hash:
            return ChainReport(
                count,
                0,
                "",
                ChainBreak(
                    sequence,
                    "previous-hash mismatch: the link to the event before was altered",
                ),
            )
        recomputed = chain_hash(running_hash, event_fields(row))
        if recomputed != row.hash:
            return ChainReport(
                count,
                0,
                "",
                ChainBreak(
                    sequence,
                    "hash mismatch: the event's recorded fields were altered "
                    f"(stored {row.hash[:12]}…, recomputed {recomputed[:12]}…)",
                ),
            )
        running_hash = row.hash
        expected_sequence += 1
        count += 1
    head = AuditHead.objects.filter(pk=1).first()
    head_sequence = head.sequence if head else 0
    head_hash = head.hash if head else GENESIS_HASH
    last = expected_sequence - 1
    if head_sequence != last or head_hash != running_hash:
        if head_sequence > last:
            problem = (
                f"head mismatch: the head records #{head_sequence} but the last event is "
                f"#{last} (event{'s' if head_sequence - last > 1 else ''} removed at the end)"
            )
        else:
            problem = (
                f"head mismatch: the head records #{head_sequence} ({head_hash[:12]}…) but the "
                f"last event is #{last} ({running_hash[:12]}…)"
            )
        first_bad = last + 1 if head_sequence > last else head_sequence + 1
        return ChainReport(count, head_sequence, head_hash, ChainBreak(first_bad, problem))
    return ChainReport(count, head_sequence, head_hash, None)
