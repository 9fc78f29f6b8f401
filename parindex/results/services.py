"""Writes for results: every figure comes from the core's ``compute``, never recomputed here."""

from __future__ import annotations

import hashlib
import json
import zlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db import connection, transaction
from django.utils import timezone

from parindex.core import CycleResult, Framework, LeafScore, Scorer, UnitInfo
from parindex.core.compute import APPRAISED_LABEL, recompute_unit
from parindex.core.compute import UnitResult as CoreUnitResult
from parindex.core.numbers import format_quanta, from_quanta
from parindex.core.report import unit_json
from parindex.core.score_table import TableLeafScores, compute_answers
from parindex.cycles.models import Cycle
from parindex.frameworks.selectors import core_framework

from .models import Answer, AppraisedValue, Basis, ResultSnapshot, UnitResult

if TYPE_CHECKING:
    from parindex.accounts.models import User
    from parindex.units.models import Unit


def cycle_answers(cycle: Cycle) -> dict[str, dict[str, str]]:
    answers: dict[str, dict[str, str]] = {}
    rows = Answer.objects.filter(cycle=cycle).values_list("unit__code", "leaf_code", "value")
    for unit_code, leaf_code, value in rows.iterator(chunk_size=5000):
        answers.setdefault(unit_code, {})[leaf_code] = value
    return answers


@dataclass
class Inputs:
    """What the core computes a basis from: values as written, and points set directly."""

    answers: dict[str, dict[str, str]]
    overrides: dict[str, dict[str, Decimal]] = field(default_factory=dict)


def cycle_inputs(cycle: Cycle, basis: str = Basis.FINAL) -> Inputs:
    """The declared values (self basis), overlaid for the final basis by the appraised values:
    a re-declared figure replaces the declared one, points set directly become an override."""
    inputs = Inputs(cycle_answers(cycle))
    if basis == Basis.SELF:
        return inputs
    rows = AppraisedValue.objects.filter(cycle=cycle).values_list(
        "unit__code", "leaf_code", "value", "points"
    )
    for unit_code, leaf_code, value, points in rows.iterator(chunk_size=5000):
        if points is None:
            inputs.answers.setdefault(unit_code, {})[leaf_code] = value
        else:
            inputs.overrides.setdefault(unit_code, {})[leaf_code] = points
    return inputs


def _unit_infos(cycle: Cycle) -> list[UnitInfo]:
    return [UnitInfo(u.code, u.name, u.type, u.group or None) for u in cycle.units.order_by("code")]


def cycle_result(*, cycle: Cycle, basis: str = Basis.FINAL) -> CycleResult:
    """Compute every unit in scope on ``basis`` with the core, storing nothing."""
    return stored_result(cycle=cycle, basis=basis)[0]


def stored_result(*, cycle: Cycle, basis: str = Basis.FINAL) -> tuple[CycleResult, StoredFields]:
    """:func:`cycle_result`, and the fields each unit's result is stored with."""
    fw = core_framework(cycle.framework_version)
    infos = _unit_infos(cycle)
    inputs = cycle_inputs(cycle, basis)
    # By columns: the numeric rules' values scored by vector passes (``compute`` scores each
    # distinct value through the scalar rules: 150,000 of them in a cycle of 5,000 units).
    result = compute_answers(
        fw,
        inputs.answers,
        infos,
        scorer=Scorer(fw),
        overrides=inputs.overrides,
        override_label=APPRAISED_LABEL,
    )
    return result, StoredFields(fw, inputs.overrides)


@transaction.atomic
def cycle_compute(
    *,
    cycle: Cycle,
    basis: str | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> CycleResult:
    """Compute every unit in scope with the core and replace the cycle's stored results on
    ``basis``. Without one: the final basis (the declared values where nothing was appraised),
    and the self basis too when the cycle has it stored, so a recomputation after new answers
    (e.g. the survey's) leaves no basis behind. Returns the computation of ``basis`` (final)."""
    if basis is None:
        if UnitResult.objects.filter(cycle=cycle, basis=Basis.SELF).exists():
            _cycle_compute(cycle=cycle, basis=Basis.SELF, progress=None)
        return _cycle_compute(cycle=cycle, basis=Basis.FINAL, progress=progress)
    return _cycle_compute(cycle=cycle, basis=Basis(basis), progress=progress)


def _cycle_compute(
    *, cycle: Cycle, basis: Basis, progress: Callable[[int, int], None] | None
) -> CycleResult:
    result, stored = stored_result(cycle=cycle, basis=basis)
    by_code = dict(cycle.units.values_list("code", "pk"))
    rows = []
    total = len(result.order)
    for position, row in enumerate(result.order):
        rows.append(
            UnitResult(
                cycle=cycle,
                unit_id=by_code[result.unit_infos[row].code],
                basis=basis,
                position=position,
                **stored.of_row(result, row),
            )
        )
        if progress is not None and (position + 1) % 50 == 0:
            progress(position + 1, total)
    UnitResult.objects.filter(cycle=cycle, basis=basis).delete()
    results_insert(rows)
    if progress is not None:
        progress(total, total)
    return result


# The columns a result is written with, in one COPY on PostgreSQL.
_COPIED = (
    "cycle_id",
    "unit_id",
    "basis",
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
    "computed_at",
)
_JSON = frozenset({"nodes", "leaves", "missing", "areas"})


def results_insert(rows: list[UnitResult]) -> None:
    """Insert results in bulk: on PostgreSQL with one COPY (Django's ``bulk_create`` sends each
    column as an array whose text, a JSON document per row, psycopg escapes character by
    character: 27 s for 5,000 units instead of about 2 s), elsewhere with ``bulk_create``."""
    if connection.vendor != "postgresql":
        UnitResult.objects.bulk_create(rows, batch_size=500)
        return
    now = timezone.now()
    table = connection.ops.quote_name(UnitResult._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(c) for c in _COPIED)
    with (
        connection.cursor() as cursor,
        cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy,
    ):
        for row in rows:
            row.computed_at = now
            copy.write_row(
                [
                    json.dumps(getattr(row, c), ensure_ascii=False, separators=(",", ":"))
                    if c in _JSON
                    else getattr(row, c)
                    for c in _COPIED
                ]
            )


class StoredFields:
    """Units' results as ``UnitResult`` stores them (all but cycle, unit, basis and position).

    A leaf is stored as {value, status, points}: its explanation follows from the value by the
    framework version's rule, which never changes, and is made when the leaf is read
    (:func:`parindex.results.explained.leaf_explained`), a hundred leaves on a scorecard rather
    than every distinct value of a whole cycle each time it is stored (150,000 in a cycle of
    5,000 units: most of a recompute's time, and most of the stored text). A leaf whose points
    the appraisers set (``overrides``: unit code → leaf code → points) keeps its explanation
    ("Điểm thẩm định: 0,5"), which no rule gives. Each record is made once per leaf, value,
    status, points and appraisal and shared, so the thousands of units declaring the same value
    do not write it out again."""

    def __init__(
        self, fw: Framework, overrides: Mapping[str, Mapping[str, Decimal]] | None = None
    ) -> None:
        self.fw = fw
        self.overrides = overrides or {}
        self.places = fw.places
        self.area_codes = [node.code for node in fw.nodes if node.kind == "normal"]
        self.node_codes = [node.code for node in fw.all_nodes]
        self.leaf_codes = [leaf.code for leaf in fw.leaves]
        self.records: dict[tuple[str, str | None, str, int, bool], dict[str, str | None]] = {}
        self.texts: dict[int, str] = {}

    def text(self, quanta: int) -> str:
        """A figure as ``unit_json`` writes it, made once per value."""
        found = self.texts.get(quanta)
        if found is None:
            found = self.texts[quanta] = format_quanta(quanta, self.places)
        return found

    def leaf(self, code: str, score: LeafScore, appraised: bool) -> dict[str, str | None]:
        return self.record(code, score.value, score.status, score.points_q, appraised, score)

    def record(
        self,
        code: str,
        value: str | None,
        status: str,
        points_q: int,
        appraised: bool,
        score: LeafScore | None,
    ) -> dict[str, str | None]:
        """The stored record of a leaf; ``score`` gives the explanation of appraised points."""
        key = (code, value, status, points_q, appraised)
        found = self.records.get(key)
        if found is None:
            found = {"value": value, "status": status, "points": self.text(points_q)}
            if appraised:
                assert score is not None
                explanation = score.explanation
                found.update(vi=explanation.vi, en=explanation.en or explanation.vi)
            self.records[key] = found
        return found

    def leaves_of_row(self, result: CycleResult, row: int) -> dict[str, dict[str, str | None]]:
        appraised = self.overrides.get(result.unit_infos[row].code, {})
        if isinstance(result.leaf_scores, TableLeafScores):  # no scoring: read from the table
            return {
                code: self.record(
                    code, cell.value, cell.status, cell.points_q, code in appraised, cell.override
                )
                for code, cell in result.leaf_scores.cells(row).items()
            }
        return {
            code: self.leaf(code, score, code in appraised)
            for code, score in result.leaf_scores[row].items()
        }

    def of_row(self, result: CycleResult, row: int) -> dict[str, object]:
        """What :meth:`of` gives for the unit at ``row`` of the computation's arrays, read from
        the arrays: no per-unit result is built, each figure's text is made once per value."""
        places, text = self.places, self.text
        points, maxima = result.node_points[row].tolist(), result.node_max[row].tolist()
        indices, applies = result.node_index[row].tolist(), result.node_applies[row].tolist()
        nodes: dict[str, dict[str, str | None]] = {}
        for n, code in enumerate(self.node_codes):
            if applies[n]:
                index_q = indices[n]
                nodes[code] = {
                    "points": text(points[n]),
                    "max": text(maxima[n]),
                    "index": None if index_q < 0 else text(index_q),
                }
        index_q = int(result.total_index[row])
        index = None if index_q < 0 else from_quanta(index_q, places)
        band = self.fw.band_for(index)
        missing = result.missing_mask[row].tolist()
        return {
            "group": result.unit_infos[row].group or "",
            "points": from_quanta(int(result.total[row]), places),
            "max": from_quanta(int(result.total_max[row]), places),
            "index": index,
            "rank": result.ranks[row],
            "band": band.code if band else "",
            "nodes": nodes,
            "missing": [code for code, gone in zip(self.leaf_codes, missing, strict=True) if gone],
            "leaves": self.leaves_of_row(result, row),
            "areas": {code: nodes[code]["index"] for code in self.area_codes if code in nodes},
        }

    def of(self, unit_result: CoreUnitResult) -> dict[str, object]:
        data = unit_json(unit_result, self.places)
        nodes = data["nodes"]
        appraised = self.overrides.get(unit_result.unit.code, {})
        return {
            "group": unit_result.unit.group or "",
            "points": unit_result.points,
            "max": unit_result.max,
            "index": unit_result.index,
            "rank": unit_result.rank,
            "band": unit_result.band.code if unit_result.band else "",
            "nodes": nodes,
            "missing": data["missing"],
            "leaves": {
                code: self.leaf(code, score, code in appraised)
                for code, score in unit_result.leaves.items()
            },
            "areas": {code: nodes[code]["index"] for code in self.area_codes if code in nodes},
        }


# -- one unit at a time -------------------------------------------------------------------------


@transaction.atomic
def unit_results_refresh(*, cycle: Cycle, unit: Unit) -> None:
    """Store ``unit``'s results on both bases again, and the ranks of its group, after a save
    that changed its inputs (an answer, an appraisal, a settlement). Called by those services
    inside their own transaction, so the figures commit with the change.

    The unit is computed by the core alone (``recompute_unit``: the same ``compute``, over that
    one unit) and its group ranked again from the indices stored for the other members; one
    update writes the unit's row, one more the rank and position of the members that moved. The
    work and the number of queries do not depend on the number of units in the cycle (the
    group's rows are read through the ``(cycle, group)`` index). A basis on which the unit has
    no row in its group (nothing stored yet, or the register moved it to another group) is
    computed whole with :func:`cycle_compute` instead. The group is locked while it is ranked,
    so two units of a group saved at once do not rank from each other's old index: on
    PostgreSQL by one lock of the cycle's group held until the transaction ends (locking its
    rows one by one writes to each of them: a tenth of a second for a group of 5,000), elsewhere
    by locking its rows."""
    group = unit.group or ""
    rows = UnitResult.objects.filter(cycle=cycle, group=group)
    if connection.vendor == "postgresql":
        _group_lock(cycle, group)
    else:
        rows = rows.select_for_update(of=("self",))
    # In the index's order: no sort, no other index.
    ordered = rows.order_by("basis", "unit_id")
    stored = list(
        ordered.values_list("pk", "unit_id", "unit__code", "basis", "index", "rank", "position")
    )
    declared = dict(Answer.objects.filter(cycle=cycle, unit=unit).values_list("leaf_code", "value"))
    appraised = list(
        AppraisedValue.objects.filter(cycle=cycle, unit=unit).values_list(
            "leaf_code", "value", "points"
        )
    )
    fw = core_framework(cycle.framework_version)
    info = UnitInfo(unit.code, unit.name, unit.type, unit.group or None)
    scorer = Scorer(fw)
    now = timezone.now()
    for basis in (Basis.SELF, Basis.FINAL):
        members = [row for row in stored if row[3] == basis]
        if not any(row[1] == unit.pk for row in members):
            # No row of the unit in its group: nothing stored yet, or the register moved it.
            _cycle_compute(cycle=cycle, basis=basis, progress=None)
            continue
        answers: dict[str, str] = dict(declared)
        overrides: dict[str, Decimal] = {}
        if basis == Basis.FINAL:
            for leaf_code, value, points in appraised:
                if points is None:
                    answers[leaf_code] = value
                else:
                    overrides[leaf_code] = points
        again = recompute_unit(
            fw,
            info,
            answers,
            {row[2]: row[4] for row in members if row[1] != unit.pk},
            scorer=scorer,
            overrides=overrides,
            override_label=APPRAISED_LABEL,
        )
        # The group's units hold a run of consecutive positions in the listing (group first):
        # the same run, in the group's new order.
        by_code = {row[2]: row for row in members}
        moved: list[tuple[int, int | None, int]] = []
        for (code, rank), position in zip(
            again.group, sorted(row[6] for row in members), strict=True
        ):
            pk, _unit_id, _code, _basis, _index, old_rank, old_position = by_code[code]
            if code == unit.code:
                UnitResult.objects.filter(pk=pk).update(
                    position=position,
                    computed_at=now,
                    **StoredFields(fw, {unit.code: overrides}).of(again.unit),
                )
            elif (rank, position) != (old_rank, old_position):
                moved.append((pk, rank, position))
        if moved:
            _ranks_update(moved)


def _group_lock(cycle: Cycle, group: str) -> None:
    """PostgreSQL's transaction-level advisory lock on (cycle, group): taken by every refresh of
    a unit of the group, released at commit or rollback. Two groups whose names share a CRC
    share a lock, which only makes them wait for each other."""
    key = zlib.crc32(group.encode("utf-8")) - 2**31  # a signed 32-bit integer
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [cycle.pk % 2**31, key])


def _ranks_update(moved: list[tuple[int, int | None, int]]) -> None:
    """Write the new rank and position of the results that moved, (pk, rank, position). A unit
    that leaves a tie in a group of thousands moves them all: on PostgreSQL one ``UPDATE …
    FROM unnest(…)`` of three arrays (Django's ``bulk_update`` writes a CASE of one branch per
    row, which both Python and the database take quadratic time over: 9 s for 5,000 units
    instead of a tenth of a second), elsewhere ``bulk_update``."""
    if connection.vendor != "postgresql":
        rows = [UnitResult(pk=pk, rank=rank, position=position) for pk, rank, position in moved]
        UnitResult.objects.bulk_update(rows, ["rank", "position"])
        return
    table = connection.ops.quote_name(UnitResult._meta.db_table)
    ids, ranks, positions = (list(column) for column in zip(*moved, strict=True))
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} AS r SET rank = v.rank, position = v.position "
            "FROM unnest(%s::bigint[], %s::integer[], %s::integer[]) AS v (id, rank, position) "
            "WHERE r.id = v.id",
            [ids, ranks, positions],
        )


# -- appraised values (the final basis) ---------------------------------------------------------


@transaction.atomic
def appraised_value_set(
    *,
    cycle: Cycle,
    unit_id: int,
    leaf_code: str,
    value: str | None = None,
    points: Decimal | None = None,
) -> AppraisedValue | None:
    """Put in force the value (or, with ``points``, the points) of a leaf after appraisal;
    both None removes it, so the declared value counts again. Only the appraisal services call
    this, in the transaction that records the appraisal and its audit event."""
    if value is None and points is None:
        AppraisedValue.objects.filter(cycle=cycle, unit_id=unit_id, leaf_code=leaf_code).delete()
        return None
    if value is not None and points is not None:
        raise ValueError("an appraised value is a value or points, not both")
    row, _ = AppraisedValue.objects.update_or_create(
        cycle=cycle,
        unit_id=unit_id,
        leaf_code=leaf_code,
        defaults={"value": value or "", "points": points},
    )
    return row


# -- snapshots ----------------------------------------------------------------------------------


def inputs_sha256(cycle: Cycle) -> str:
    """SHA-256 of everything the final results are computed from, in canonical order: the
    framework version's hash, the units in scope (code, type, group), every declared value and
    every appraised value or points. Any change of an input changes it; nothing else does."""
    units = sorted(cycle.units.values_list("code", "type", "group"))
    answers = sorted(
        Answer.objects.filter(cycle=cycle).values_list("unit__code", "leaf_code", "value")
    )
    appraised = sorted(
        (unit, leaf, value, None if points is None else f"{points.normalize():f}")
        for unit, leaf, value, points in AppraisedValue.objects.filter(cycle=cycle).values_list(
            "unit__code", "leaf_code", "value", "points"
        )
    )
    document = {
        "framework": cycle.framework_version.sha256,
        "units": [list(u) for u in units],
        "answers": [list(a) for a in answers],
        "appraised": [list(a) for a in appraised],
    }
    text = json.dumps(document, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _snapshot_rows(cycle: Cycle) -> list[dict[str, object]]:
    rows = (
        UnitResult.objects.filter(cycle=cycle, basis=Basis.FINAL)
        .select_related("unit")
        .order_by("position")
    )
    return [
        {
            "unit": r.unit.code,
            "name": r.unit.name,
            "group": r.group,
            "points": str(r.points),
            "max": str(r.max),
            "index": None if r.index is None else str(r.index),
            "rank": r.rank,
            "band": r.band,
            "nodes": r.nodes,
            "leaves": r.leaves,
            "missing": r.missing,
        }
        for r in rows
    ]


@transaction.atomic
def snapshot_create(*, cycle: Cycle, actor: User) -> ResultSnapshot:
    """Freeze the cycle's final results: compute both bases with the core, store them, and keep
    a copy of every unit's final result with the hash of the inputs. A snapshot still in force
    is superseded first (the caller records why)."""
    cycle_compute(cycle=cycle, basis=Basis.SELF)
    cycle_compute(cycle=cycle, basis=Basis.FINAL)
    return ResultSnapshot.objects.create(
        cycle=cycle,
        basis=Basis.FINAL,
        results=_snapshot_rows(cycle),
        inputs_sha256=inputs_sha256(cycle),
        framework_sha256=cycle.framework_version.sha256,
        created_by=actor,
    )


@transaction.atomic
def snapshot_supersede(*, cycle: Cycle, actor: User, reason: str) -> list[ResultSnapshot]:
    """Mark the cycle's snapshots in force as superseded (they are kept, never deleted)."""
    current = list(
        ResultSnapshot.objects.select_for_update().filter(cycle=cycle, superseded_at=None)
    )
    now = timezone.now()
    for snapshot in current:
        snapshot.superseded_at = now
        snapshot.superseded_by = actor
        snapshot.superseded_reason = reason
        snapshot.save(update_fields=["superseded_at", "superseded_by", "superseded_reason"])
    return current
