"""Recompute the keyed hash chain and report the first event that breaks it.

Reads the events in sequence order with a server-side iterator, so a chain of millions of
events is checked in constant memory. Besides each event's link and HMAC, it checks the head
row, the heads recorded at publications (``PublishedHead``) and, when given, an expected head
exported with a publication (``--expect <event number>:<hash>``): the only check that still
catches the newest events removed together with the head row and the recorded heads.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from parindex.audit.chain import HASHED_FIELDS, chain_hash, event_fields, head_text
from parindex.audit.keys import AuditKey, KeySource, audit_key
from parindex.audit.models import GENESIS_HASH, AuditEvent, AuditHead, PublishedHead

CHUNK = 2000


@dataclass(frozen=True)
class ChainBreak:
    sequence: int
    problem: str

    def __str__(self) -> str:
        return _("event #%(sequence)s: %(problem)s") % {
            "sequence": self.sequence,
            "problem": self.problem,
        }


@dataclass(frozen=True)
class ChainReport:
    """What a check proved: ``count`` events verified (all of them when ``ok``), the head it
    ends at, whether the expected head was found (None: none given, or the chain broke before
    it), and how many heads recorded at publications were found intact."""

    count: int
    head_sequence: int
    head_hash: str
    error: ChainBreak | None
    key_source: KeySource = "environment"
    expected: tuple[int, str] | None = None
    expected_matched: bool | None = None
    published_heads_checked: int = 0

    @property
    def ok(self) -> bool:
        return self.error is None

    @property
    def head(self) -> str:
        return head_text(self.head_sequence, self.head_hash)


class _Row:
    __slots__ = (*HASHED_FIELDS, "hash", "prev_hash")
    # The slots the verification reads by name (the other hashed fields go to event_fields).
    sequence: int
    hash: str
    prev_hash: str

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


def _published_heads() -> dict[int, list[tuple[str, int]]]:
    """Heads recorded at publications: event number → [(hash, cycle id)] (a few per year)."""
    heads: dict[int, list[tuple[str, int]]] = {}
    for sequence, hash_, cycle_id in PublishedHead.objects.order_by("sequence").values_list(
        "sequence", "hash", "cycle_id"
    ):
        heads.setdefault(int(sequence), []).append((hash_, cycle_id))
    return heads


def verify_chain(
    *, expect: tuple[int, str] | None = None, key: AuditKey | None = None
) -> ChainReport:
    """Check every event: consecutive sequence numbers from 1, each ``prev_hash`` equal to the
    previous event's hash, each hash equal to the HMAC recomputed under ``key`` (the key in
    force by default), the head row pointing at the last event, every head recorded at a
    publication still in the chain with its hash, and, if given, the expected head
    ``(event number, hash)`` too. Stops at the first problem, in sequence order."""
    walk = _Walk(key or audit_key(), _published_heads(), expect)
    for row in _rows():
        error = walk.event(row)
        if error is not None:
            return walk.report(error)
    head = AuditHead.objects.filter(pk=1).first()
    recorded = (head.sequence, head.hash) if head else (0, GENESIS_HASH)
    return walk.report(walk.end(*recorded), head=recorded)


class _Walk:
    """The chain as checked so far, event by event in sequence order: how many events are
    verified, the hash it ends at, how many heads recorded at publications were found intact
    and whether the expected head matched (None until it is known)."""

    def __init__(
        self,
        key: AuditKey,
        published: dict[int, list[tuple[str, int]]],
        expect: tuple[int, str] | None,
    ) -> None:
        self.key = key
        self.published = published
        self.expect = expect
        self.count = 0  # the events verified, numbered 1 to count
        self.running_hash = GENESIS_HASH
        self.checked_heads = 0
        self.matched: bool | None = None

    def report(self, error: ChainBreak | None, head: tuple[int, str] = (0, "")) -> ChainReport:
        return ChainReport(
            self.count,
            head[0],
            head[1],
            error,
            key_source=self.key.source,
            expected=self.expect,
            expected_matched=self.matched if self.expect is not None else None,
            published_heads_checked=self.checked_heads,
        )

    def event(self, row: _Row) -> ChainBreak | None:
        """Check the next event; if it holds, the chain now ends at it."""
        sequence = int(row.sequence)
        error = (
            self.sequence_break(sequence)
            or self.hash_break(row, sequence)
            or self.published_break(row, sequence)
            or self.expected_break(row, sequence)
        )
        if error is None:
            self.running_hash = row.hash
            self.count += 1
        return error

    def sequence_break(self, sequence: int) -> ChainBreak | None:
        """The event's number follows the last one's."""
        expected = self.count + 1
        if sequence == expected:
            return None
        if sequence > expected:
            missing = f"#{expected}" if sequence == expected + 1 else f"#{expected}–#{sequence - 1}"
            problem = _(
                "gap in sequence: expected #%(expected)s, found #%(found)s "
                "(event %(missing)s removed)"
            ) % {"expected": expected, "found": sequence, "missing": missing}
        else:
            problem = _("sequence out of order: expected #%(expected)s, found #%(found)s") % {
                "expected": expected,
                "found": sequence,
            }
        return ChainBreak(sequence, problem)

    def hash_break(self, row: _Row, sequence: int) -> ChainBreak | None:
        """The event links to the one before, and its hash is the HMAC of its fields."""
        if row.prev_hash != self.running_hash:
            return ChainBreak(
                sequence, _("previous-hash mismatch: the link to the event before was altered")
            )
        recomputed = chain_hash(self.running_hash, event_fields(row), self.key.secret)
        if recomputed != row.hash:
            return ChainBreak(
                sequence,
                _(
                    "hash mismatch: the event's recorded fields were altered, or its hash "
                    "was computed without the audit key (stored %(stored)s…, recomputed "
                    "%(recomputed)s…)"
                )
                % {"stored": row.hash[:12], "recomputed": recomputed[:12]},
            )
        return None

    def published_break(self, row: _Row, sequence: int) -> ChainBreak | None:
        """Every head recorded at a publication at this event has its hash."""
        for recorded_hash, cycle_id in self.published.get(sequence, ()):
            if recorded_hash != row.hash:
                return ChainBreak(
                    sequence,
                    _(
                        "the hash differs from the head recorded at a publication of cycle "
                        "%(cycle)s (%(recorded)s…): the chain up to it was rewritten"
                    )
                    % {"cycle": cycle_id, "recorded": recorded_hash[:12]},
                )
            self.checked_heads += 1
        return None

    def expected_break(self, row: _Row, sequence: int) -> ChainBreak | None:
        """The expected head, if it is this event, has its hash."""
        expect = self.expect
        if expect is None or sequence != expect[0] or row.hash == expect[1]:
            return None
        self.matched = False
        return ChainBreak(
            sequence,
            _(
                "the hash %(found)s… does not match the expected head %(expected)s…: "
                "the chain up to it was rewritten (or the head is from another "
                "database or key)"
            )
            % {"found": row.hash[:12], "expected": expect[1][:12]},
        )

    def end(self, head_sequence: int, head_hash: str) -> ChainBreak | None:
        """After the last event: the head row points at it, and no head recorded at a
        publication nor the expected head lies beyond it (events removed at the end)."""
        last = self.count
        if head_sequence != last or head_hash != self.running_hash:
            if head_sequence > last:
                problem = _(
                    "head mismatch: the head records #%(head)s but the last event is #%(last)s "
                    "(events removed at the end)"
                ) % {"head": head_sequence, "last": last}
            else:
                problem = _(
                    "head mismatch: the head records #%(head)s (%(head_hash)s…) but the last "
                    "event is #%(last)s (%(last_hash)s…)"
                ) % {
                    "head": head_sequence,
                    "head_hash": head_hash[:12],
                    "last": last,
                    "last_hash": self.running_hash[:12],
                }
            first_bad = last + 1 if head_sequence > last else head_sequence + 1
            return ChainBreak(first_bad, problem)
        beyond = [sequence for sequence in self.published if sequence > last]
        if beyond:
            sequence = beyond[0]
            problem = _(
                "the head recorded at a publication of cycle %(cycle)s is not in the chain: it "
                "ends at #%(last)s (events removed at the end)"
            ) % {"cycle": self.published[sequence][0][1], "last": last}
            return ChainBreak(sequence, problem)
        if self.expect is not None and self.expect[0] > last:
            self.matched = False
            problem = _(
                "the expected head #%(expected)s is not in the chain: it ends at #%(last)s "
                "(events removed at the end, or the head is from another database)"
            ) % {"expected": self.expect[0], "last": last}
            return ChainBreak(self.expect[0], problem)
        self.matched = True
        return None
