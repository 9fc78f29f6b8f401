"""The checker of a database, run after every restore and by ``parindex restore --check-only``.

- Every stored result reproduces: each cycle's results are computed again by the core from the
  stored answers and appraised values (``results.services.cycle_result``, what
  ``cycle_compute`` stores from), on every basis stored, and compared figure by figure with the
  stored ``UnitResult`` rows (points, maximum, index, rank, band, group, listing position, every
  node and leaf, the missing leaves). Nothing is written.
- The audit chain verifies under the audit key in force (``audit.verify.verify_chain``), heads
  recorded at publications included.
- Every evidence file the database refers to is in storage with its SHA-256 and size.
- With a manifest: every table holds the rows the manifest counted, and the audit head is the
  one recorded at the backup.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.files.storage import default_storage
from django.db import models
from django.db.backends.utils import format_number

from parindex.audit.verify import ChainReport, verify_chain

# The function cycle_compute stores each unit's figures with: what is compared is what a
# computation would store.
from parindex.core import Framework, Scorer
from parindex.cycles.models import Cycle
from parindex.evidence.models import StoredFile
from parindex.results.explained import Record, leaf_explained
from parindex.results.models import UnitResult
from parindex.results.services import stored_result

from .database import MIGRATE_TABLES, current_facts

SHOWN = 20  # problems listed; all are counted
COMPARED = (
    "group",
    "points",
    "max",
    "index",
    "rank",
    "band",
    "position",
    "nodes",
    "leaves",
    "missing",
    "areas",
)


@dataclass
class CheckReport:
    cycles: int = 0
    results: int = 0
    files: int = 0
    chain: ChainReport | None = None
    tables: int = 0
    problems: list[str] = field(default_factory=list)
    problem_count: int = 0

    def problem(self, text: str) -> None:
        self.problem_count += 1
        if len(self.problems) < SHOWN:
            self.problems.append(text)

    @property
    def ok(self) -> bool:
        return self.problem_count == 0

    def lines(self) -> list[str]:
        lines = [
            f"results: {self.results} stored results of {self.cycles} cycles recomputed by the "
            "core",
            f"evidence: {self.files} stored files read and hashed",
        ]
        if self.chain is not None:
            lines.append(f"audit: {self.chain.count} events (head {self.chain.head})")
        if self.tables:
            lines.append(f"manifest: rows of {self.tables} tables compared")
        if self.ok:
            lines.append("check passed: every result reproduces, the audit chain verifies")
        else:
            lines.extend(f"problem: {text}" for text in self.problems)
            if self.problem_count > len(self.problems):
                lines.append(f"… and {self.problem_count - len(self.problems)} more problems")
            lines.append(f"check FAILED: {self.problem_count} problems")
        return lines


def _stored_form(name: str, value: Any) -> Any:
    """``value`` as the field ``name`` of ``UnitResult`` stores it (decimals to their places)."""
    if value is None:
        return None
    model_field = UnitResult._meta.get_field(name)
    if isinstance(model_field, models.DecimalField):
        stored = format_number(Decimal(value), model_field.max_digits, model_field.decimal_places)
        return None if stored is None else Decimal(stored)
    return value


def _difference(stored: Any, expected: Any) -> str:
    if isinstance(stored, dict) and isinstance(expected, dict):
        for key in sorted(set(stored) | set(expected)):
            if stored.get(key) != expected.get(key):
                return f"[{key}] stored {stored.get(key)!r}, recomputed {expected.get(key)!r}"
    return f"stored {stored!r}, recomputed {expected!r}"


def _explained_as_stored(
    fw: Framework, scorer: Scorer, have: dict[str, Record], want: dict[str, Record]
) -> dict[str, Record]:
    """The recomputed leaves, explained where the stored ones carry their explanation (results
    stored before explanations were made on reading): the texts are compared too."""
    return {
        code: leaf_explained(fw, code, record, scorer)
        if "vi" in (have.get(code) or {}) and "vi" not in record
        else record
        for code, record in want.items()
    }


def check_results(report: CheckReport) -> None:
    cycles = (
        Cycle.objects.filter(pk__in=UnitResult.objects.values("cycle_id"))
        .select_related("framework_version")
        .order_by("year", "pk")
    )
    for cycle in cycles:
        report.cycles += 1
        bases = sorted(set(UnitResult.objects.filter(cycle=cycle).values_list("basis", flat=True)))
        for basis in bases:
            where = f"cycle {cycle.year} #{cycle.pk} ({basis})"
            computed, fields = stored_result(cycle=cycle, basis=basis)
            scorer = Scorer(computed.framework)
            expected = {
                unit.unit.code: {"position": position, **fields.of(unit)}
                for position, unit in enumerate(computed.units)
            }
            stored = {
                row.pop("unit__code"): row
                for row in UnitResult.objects.filter(cycle=cycle, basis=basis).values(
                    "unit__code", *COMPARED
                )
            }
            report.results += len(stored)
            for code in sorted(set(expected) | set(stored)):
                if code not in stored:
                    report.problem(f"{where}: unit {code} has no stored result")
                    continue
                if code not in expected:
                    report.problem(f"{where}: unit {code} has a stored result but is not in scope")
                    continue
                for name in COMPARED:
                    want = _stored_form(name, expected[code][name])
                    have = stored[code][name]
                    if name == "leaves":
                        want = _explained_as_stored(computed.framework, scorer, have, want)
                    if have != want:
                        report.problem(f"{where}: unit {code}, {name}: {_difference(have, want)}")


def check_evidence(report: CheckReport) -> None:
    for stored in StoredFile.objects.order_by("pk").iterator(chunk_size=2000):
        report.files += 1
        digest = hashlib.sha256()
        size = 0
        try:
            with default_storage.open(stored.storage_name, "rb") as handle:
                while chunk := handle.read(1024 * 1024):
                    digest.update(chunk)
                    size += len(chunk)
        except OSError:
            report.problem(f"evidence file {stored.storage_name} is missing from storage")
            continue
        if digest.hexdigest() != stored.sha256 or size != stored.size:
            report.problem(
                f"evidence file {stored.storage_name}: SHA-256 {digest.hexdigest()[:16]}… "
                f"({size} B), the database says {stored.sha256[:16]}… ({stored.size} B)"
            )


def check_chain(report: CheckReport) -> None:
    report.chain = verify_chain()
    if report.chain.error is not None:
        report.problem(f"audit chain broken at {report.chain.error}")


def check_manifest(report: CheckReport, manifest: dict[str, Any]) -> None:
    facts = current_facts()
    recorded: dict[str, int] = manifest["database"]["tables"]
    report.tables = len(set(recorded) - MIGRATE_TABLES)
    for table, count in sorted(recorded.items()):
        if table in MIGRATE_TABLES:  # `migrate` after a restore adds to them
            continue
        found = facts.tables.get(table)
        if found != count:
            shown = "no such table" if found is None else f"{found} rows"
            report.problem(f"table {table}: {shown}, the manifest counted {count}")
    head = manifest.get("audit_head")
    if head is not None and facts.audit_head != head:
        report.problem(f"audit head {facts.audit_head}, the manifest recorded {head}")


def check_database(manifest: dict[str, Any] | None = None) -> CheckReport:
    """Run every check on the database Django is connected to; writes nothing."""
    report = CheckReport()
    if manifest is not None:
        check_manifest(report, manifest)
    check_chain(report)
    check_evidence(report)
    check_results(report)
    return report
