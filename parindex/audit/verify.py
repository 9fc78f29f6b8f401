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
    key = key or audit_key()
    secret = key.secret
    published = _published_heads()
    checked_heads = 0

    def report(
        count: int,
        error: ChainBreak | None,
        matched: bool | None = None,
        head: tuple[int, str] = (0, ""),
    ) -> ChainReport:
        return ChainReport(
            count,
            head[0],
            head[1],
            error,
            key_source=key.source,
            expected=expect,
            expected_matched=matched if expect is not None else None,
            published_heads_checked=checked_heads,
        )

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
                _(
                    "gap in sequence: expected #%(expected)s, found #%(found)s "
                    "(event %(missing)s removed)"
                )
                % {"expected": expected_sequence, "found": sequence, "missing": missing}
                if sequence > expected_sequence
                else _("sequence out of order: expected #%(expected)s, found #%(found)s")
                % {"expected": expected_sequence, "found": sequence}
            )
            return report(count, ChainBreak(sequence, problem))
        if row.prev_hash != running_hash:
            return report(
                count,
                ChainBreak(
                    sequence,
                    _("previous-hash mismatch: the link to the event before was altered"),
                ),
            )
        recomputed = chain_hash(running_hash, event_fields(row), secret)
        if recomputed != row.hash:
            return report(
                count,
                ChainBreak(
                    sequence,
                    _(
                        "hash mismatch: the event's recorded fields were altered, or its hash "
                        "was computed without the audit key (stored %(stored)s…, recomputed "
                        "%(recomputed)s…)"
                    )
                    % {"stored": row.hash[:12], "recomputed": recomputed[:12]},
                ),
            )
        for recorded_hash, cycle_id in published.get(sequence, ()):
            if recorded_hash != row.hash:
                return report(
                    count,
                    ChainBreak(
                        sequence,
                        _(
                            "the hash differs from the head recorded at a publication of cycle "
                            "%(cycle)s (%(recorded)s…): the chain up to it was rewritten"
                        )
                        % {"cycle": cycle_id, "recorded": recorded_hash[:12]},
                    ),
                )
            checked_heads += 1
        if expect is not None and sequence == expect[0] and row.hash != expect[1]:
            return report(
                count,
                ChainBreak(
                    sequence,
                    _(
                        "the hash %(found)s… does not match the expected head %(expected)s…: "
                        "the chain up to it was rewritten (or the head is from another "
                        "database or key)"
                    )
                    % {"found": row.hash[:12], "expected": expect[1][:12]},
                ),
                matched=False,
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
            problem = _(
                "head mismatch: the head records #%(head)s but the last event is #%(last)s "
                "(events removed at the end)"
            ) % {"head": head_sequence, "last": last}
        else:
            problem = _(
                "head mismatch: the head records #%(head)s (%(head_hash)s…) but the last event "
                "is #%(last)s (%(last_hash)s…)"
            ) % {
                "head": head_sequence,
                "head_hash": head_hash[:12],
                "last": last,
                "last_hash": running_hash[:12],
            }
        first_bad = last + 1 if head_sequence > last else head_sequence + 1
        return report(count, ChainBreak(first_bad, problem), head=(head_sequence, head_hash))
    beyond = [sequence for sequence in published if sequence > last]
    if beyond:
        sequence = beyond[0]
        problem = _(
            "the head recorded at a publication of cycle %(cycle)s is not in the chain: it "
            "ends at #%(last)s (events removed at the end)"
        ) % {"cycle": published[sequence][0][1], "last": last}
        return report(count, ChainBreak(sequence, problem), head=(head_sequence, head_hash))
    if expect is not None and expect[0] > last:
        problem = _(
            "the expected head #%(expected)s is not in the chain: it ends at #%(last)s (events "
            "removed at the end, or the head is from another database)"
        ) % {"expected": expect[0], "last": last}
        return report(
            count, ChainBreak(expect[0], problem), matched=False, head=(head_sequence, head_hash)
        )
    return report(count, None, matched=True, head=(head_sequence, head_hash))
