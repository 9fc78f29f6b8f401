"""Import of national PAR Index results (CSV) and the record of province mergers.

Two CSV formats, UTF-8 (a BOM is accepted), comma-separated, header on the first line that is
not a comment (lines starting with ``#`` before the header are comments naming the sources):

- results: ``year,province,index,rank,band`` plus optional ``province_code``, ``of`` (provinces
  ranked), ``index_provenance`` and ``rank_provenance`` (how each figure is known: ``direct``,
  ``derived``, ``secondary`` or ``unverified``), ``source``, ``note`` and per-area indices
  ``area_1``, ``area_2``…; a row needs an index, a rank, a band or at least a note (a year
  searched and not found is worth keeping);
- years: ``year`` plus optional ``provinces``, ``average``, ``bands`` (``A:90;B:80;C:70``),
  ``source``, ``note``.

A file is checked whole; every problem is reported with the file, line (physical line in the
file), column and value; nothing is written unless the whole file is right. Provinces are units
of type province, found by code (given, or derived from the name) and created when missing.

An import never overwrites silently: when a row would change a value already stored (a
province's index for a year, a year's average…), nothing is written and
:class:`ConfirmationNeeded` carries the differences, old → new per row, with a token; the same
import called again with that token applies them. The token covers the file and the differences
shown, so a file or a stored value that changed since the preview asks again. Applying writes one
audit event per row added or changed (before and after), and one per province created; rows
already stored as they are in the file are skipped.
"""

from __future__ import annotations

import csv
import datetime
import hashlib
import io
import json
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from functools import partial
from typing import TYPE_CHECKING

from django.db import transaction
from django.db.models import Model
from django.utils.translation import gettext as _

from parindex.audit.services import audit_record
from parindex.core import ParindexError
from parindex.core.cells import character_name, control_character
from parindex.core.numbers import NumberSyntaxError, parse_decimal
from parindex.shared.fields import model_field
from parindex.units.models import Succession, Unit, UnitType

from .models import NationalResult, NationalYear, Provenance

if TYPE_CHECKING:
    from parindex.accounts.models import User

RESULT_REQUIRED = ("year", "province", "index", "rank", "band")
RESULT_OPTIONAL = ("province_code", "of", "index_provenance", "rank_provenance", "source", "note")
YEAR_REQUIRED = ("year",)
YEAR_OPTIONAL = ("provinces", "average", "bands", "source", "note")
AREA_COLUMN = re.compile(r"area_([1-9][0-9]?)")
CODE = re.compile(r"[A-Z0-9][A-Z0-9-]*")
NAME_MAX_CHARS = Unit._meta.get_field("name").max_length or 200
CODE_MAX_CHARS = Unit._meta.get_field("code").max_length or 40


@dataclass(frozen=True)
class Problem:
    source: str
    line: int | None
    column: str | None
    value: str | None
    message: str

    def __str__(self) -> str:
        where = [self.source if self.line is None else f"{self.source}:{self.line}"]
        if self.column:
            where.append(_("column %(column)s") % {"column": self.column})
        if self.value is not None:
            where.append(_("value “%(value)s”") % {"value": self.value})
        return f"{', '.join(where)}: {self.message}"


class NationalImportError(ParindexError):
    """Every problem of an import file; nothing was written."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


@dataclass
class ImportSummary:
    rows: int = 0
    created_provinces: list[str] = field(default_factory=list)
    added: int = 0
    changed: int = 0
    unchanged: int = 0


@dataclass(frozen=True)
class Change:
    """A row that would change what is stored: the fields that differ, old and new, as text."""

    line: int
    label: str
    fields: list[tuple[str, str, str]]  # (field's name, stored value, value in the file)


@dataclass(frozen=True)
class ImportPreview:
    """What an import would do; ``token`` confirms exactly these changes of this file."""

    source: str
    sha256: str
    token: str
    changes: list[Change]
    added: int
    unchanged: int


class ConfirmationNeeded(ParindexError):
    """The file changes values already stored; nothing was written. Import it again with
    ``confirm=preview.token`` to apply the changes shown."""

    def __init__(self, preview: ImportPreview) -> None:
        self.preview = preview
        super().__init__(
            _("The file changes %(count)d rows already stored; confirm to apply.")
            % {"count": len(preview.changes)}
        )


def province_code(name: str) -> str:
    """A stable code from a province's name: Tiền Giang → TIEN-GIANG, Bà Rịa - Vũng Tàu →
    BA-RIA-VUNG-TAU."""
    text = unicodedata.normalize("NFD", name.replace("Đ", "D").replace("đ", "d"))
    text = "".join(ch for ch in text if unicodedata.category(ch) != "Mn")
    return re.sub(r"[^A-Z0-9]+", "-", text.upper()).strip("-")


def _read(
    text: str,
    source: str,
    required: tuple[str, ...],
    optional: tuple[str, ...],
    *,
    areas: bool,
) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """Header and data rows, each with its physical line number; comment lines before the
    header and blank lines are skipped. A header with unknown, repeated or missing columns is
    refused with every problem on the header's line."""
    text = text.removeprefix("\ufeff")
    lines = text.splitlines()
    start = 0
    while start < len(lines) and (not lines[start].strip() or lines[start].startswith("#")):
        start += 1
    if start == len(lines):
        raise NationalImportError([Problem(source, None, None, None, _("The file is empty."))])
    reader = csv.reader(io.StringIO("\n".join(lines[start:])))
    rows: list[tuple[int, list[str]]] = []
    header: list[str] = []
    try:
        for offset, row in enumerate(reader):
            if offset == 0:
                header = [h.strip() for h in row]
            elif any(cell.strip() for cell in row):
                rows.append((start + 1 + reader.line_num - 1, row))
    except csv.Error as exc:
        raise NationalImportError(
            [Problem(source, start + reader.line_num, None, None, str(exc))]
        ) from None
    problems = _check_header(header, required, optional, source, start + 1, areas=areas)
    if problems:
        raise NationalImportError(problems)
    return header, rows


def _check_header(
    header: list[str],
    required: tuple[str, ...],
    optional: tuple[str, ...],
    source: str,
    line: int,
    *,
    areas: bool,
) -> list[Problem]:
    problems = []
    seen: set[str] = set()
    for name in header:
        if name in seen:
            problems.append(Problem(source, line, name, None, _("The column appears twice.")))
        seen.add(name)
        if (
            name not in required
            and name not in optional
            and not (areas and AREA_COLUMN.fullmatch(name))
        ):
            problems.append(Problem(source, line, name, None, _("Unknown column.")))
    for name in required:
        if name not in seen:
            problems.append(Problem(source, line, name, None, _("The required column is missing.")))
    return problems


class _Row:
    def __init__(
        self, source: str, line: int, header: list[str], cells: list[str], problems: list[Problem]
    ) -> None:
        self.source, self.line, self.problems = source, line, problems
        self.values = {
            name: (cells[i].strip() if i < len(cells) else "") for i, name in enumerate(header)
        }
        if len(cells) > len(header):
            self.error(None, None, _("The row has more cells than the header."))
        for name, text in self.values.items():
            found = control_character(text)
            if found is not None:  # PostgreSQL refuses a NUL; a name with one is another name
                self.error(
                    name,
                    None,
                    _(
                        "The cell holds the control character %(char)s (an invisible character, "
                        "often pasted from another program); delete it."
                    )
                    % {"char": character_name(text[found])},
                )

    def error(self, column: str | None, value: str | None, message: str) -> None:
        self.problems.append(Problem(self.source, self.line, column, value, message))

    def get(self, column: str) -> str:
        return self.values.get(column, "")

    def year(self) -> int | None:
        """The row's year: required, from 1990 to next year."""
        year = self.integer("year", 1990, datetime.date.today().year + 1)
        if not self.get("year"):
            self.error("year", "", _("The year is required."))
        return year

    def integer(self, column: str, low: int, high: int) -> int | None:
        text = self.get(column)
        if not text:
            return None
        if not text.isascii() or not text.isdigit() or not low <= int(text) <= high:
            self.error(
                column,
                text,
                _("Write a whole number from %(low)d to %(high)d.") % {"low": low, "high": high},
            )
            return None
        return int(text)

    def provenance(self, column: str, figure: str) -> str:
        """How the figure of column ``figure`` is known; only for a figure that is given."""
        text = self.get(column).lower()
        if not text:
            return ""
        if text not in Provenance.values:
            self.error(
                column,
                self.get(column),
                _("Write one of: %(values)s.") % {"values": ", ".join(Provenance.values)},
            )
            return ""
        if not self.get(figure):
            self.error(
                column,
                self.get(column),
                _("The column %(figure)s is empty: there is no figure to say this of.")
                % {"figure": figure},
            )
            return ""
        return text

    def decimal(self, column: str, high: Decimal = Decimal(100)) -> Decimal | None:
        text = self.get(column)
        if not text:
            return None
        try:
            value = parse_decimal(text)
        except NumberSyntaxError:
            if "," in text:
                message = _("Use a point as the decimal separator, e.g. %(example)s.") % {
                    "example": text.replace(",", ".")
                }
            else:
                message = _("Write a number such as 80.89.")
            self.error(column, text, message)
            return None
        if value > high:
            self.error(column, text, _("The number must be at most %(high)s.") % {"high": high})
            return None
        exponent = value.as_tuple().exponent
        assert isinstance(exponent, int)  # parse_decimal reads digits: never NaN or infinity
        if exponent < -2:
            self.error(column, text, _("Give at most two decimals."))
            return None
        return value


def _bands(row: _Row) -> list[dict[str, str]]:
    text = row.get("bands")
    if not text:
        return []
    bands: list[dict[str, str]] = []
    for part in text.split(";"):
        code, sep, low = part.partition(":")
        try:
            value = parse_decimal(low.strip()) if sep else None
        except NumberSyntaxError:
            value = None
        if not code.strip() or value is None or (bands and value >= Decimal(bands[-1]["min"])):
            row.error("bands", text, _("Write bands as A:90;B:80;C:70, minimums decreasing."))
            return []
        bands.append({"code": code.strip(), "min": f"{value}"})
    return bands


@dataclass
class _ResultRow:
    line: int
    code: str
    name: str
    year: int
    index: Decimal | None
    rank: int | None
    band: str
    index_provenance: str
    rank_provenance: str
    areas: dict[str, str]
    source: str
    note: str


def _province(row: _Row) -> tuple[str, str]:
    """The province's name (NFC, spaces collapsed) and code (given, or made from the name)."""
    name = " ".join(unicodedata.normalize("NFC", row.get("province")).split())
    if not name:
        row.error("province", "", _("The province is required."))
    if len(name) > NAME_MAX_CHARS:
        row.error(
            "province",
            None,
            _("The name is longer than %(max)d characters.") % {"max": NAME_MAX_CHARS},
        )
    code = row.get("province_code").upper() or province_code(name)
    if row.get("province_code") and not CODE.fullmatch(code):
        row.error(
            "province_code",
            row.get("province_code"),
            _("Use capital letters, digits and '-' only."),
        )
    elif len(code) > CODE_MAX_CHARS and len(name) <= NAME_MAX_CHARS:
        row.error(
            "province_code" if row.get("province_code") else "province",
            None,
            _("The province code is longer than %(max)d characters.") % {"max": CODE_MAX_CHARS},
        )
    return name, code


def _rank(row: _Row) -> int | None:
    """The rank, never above the number of provinces ranked when that is given."""
    rank = row.integer("rank", 1, 200)
    of = row.integer("of", 1, 200)
    if rank is not None and of is not None and rank > of:
        row.error(
            "rank",
            row.get("rank"),
            _("The rank is larger than the number of provinces ranked (%(of)d).") % {"of": of},
        )
    return rank


def _areas(row: _Row, header: list[str]) -> dict[str, str]:
    """The areas' indices of the ``area_<code>`` columns that hold one."""
    areas = {}
    for column in header:
        match = AREA_COLUMN.fullmatch(column)
        if match:
            value = row.decimal(column)
            if value is not None:
                areas[match.group(1)] = f"{value}"
    return areas


def _codes_of_other_units(parsed: list[_ResultRow], source: str) -> list[Problem]:
    """A province code that the register gives to a unit of another type."""
    clashes = Unit.objects.filter(code__in={r.code for r in parsed}).exclude(type=UnitType.PROVINCE)
    return [
        Problem(
            source,
            next(r.line for r in parsed if r.code == unit.code),
            "province",
            unit.code,
            _("This code belongs to a unit that is not a province."),
        )
        for unit in clashes
    ]


def _parse_results(text: str, source: str) -> list[_ResultRow]:
    header, rows = _read(text, source, RESULT_REQUIRED, RESULT_OPTIONAL, areas=True)
    problems: list[Problem] = []
    parsed: list[_ResultRow] = []
    first: dict[tuple[str, int], int] = {}
    for line, cells in rows:
        row = _Row(source, line, header, cells, problems)
        before = len(problems)
        year = row.year()
        name, code = _province(row)
        index = row.decimal("index")
        rank = _rank(row)
        band = row.get("band")
        if len(band) > 40:
            row.error("band", band, _("At most 40 characters."))
        areas = _areas(row, header)
        index_provenance = row.provenance("index_provenance", "index")
        rank_provenance = row.provenance("rank_provenance", "rank")
        if (
            index is None
            and rank is None
            and not band
            and not row.get("index")
            and not row.get("rank")
            and not row.get("note")
        ):
            row.error(None, None, _("Give at least an index, a rank, a band or a note."))
        if len(problems) > before or year is None:
            continue
        key = (code, year)
        if key in first:
            row.error(
                "province",
                name,
                _("The same province and year are on line %(line)d.") % {"line": first[key]},
            )
            continue
        first[key] = line
        parsed.append(
            _ResultRow(
                line,
                code,
                name,
                year,
                index,
                rank,
                band,
                index_provenance,
                rank_provenance,
                areas,
                row.get("source"),
                row.get("note"),
            )
        )
    problems += _codes_of_other_units(parsed, source)
    if problems:
        raise NationalImportError(sorted(problems, key=lambda p: p.line or 0))
    return parsed


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, dict):
        return "; ".join(f"{k}: {v}" for k, v in sorted(value.items(), key=lambda kv: int(kv[0])))
    if isinstance(value, list):  # bands
        return ";".join(f"{b['code']}:{b['min']}" for b in value)
    return str(value)


def _differences(
    stored: dict[str, object], wanted: dict[str, object]
) -> tuple[dict[str, object], dict[str, object]]:
    """The fields whose stored value the file changes: (before, after)."""
    # Decimals compare by value: 73.7 in the file is the 73.70 stored.
    names = [n for n in wanted if stored.get(n) != wanted[n]]
    return {n: stored.get(n) for n in names}, {n: wanted[n] for n in names}


def _change(
    model: type[Model], line: int, label: str, before: dict[str, object], after: dict[str, object]
) -> Change:
    return Change(
        line,
        label,
        [
            (
                str(model_field(model, n).verbose_name),
                _text(before[n]),
                _text(after[n]),
            )
            for n in after
        ],
    )


def _preview(
    text: str, source: str, changes: list[Change], added: int, unchanged: int
) -> ImportPreview:
    sha256 = hashlib.sha256(text.encode("utf-8")).hexdigest()
    shown = [[c.line, c.label, c.fields] for c in changes]
    token = hashlib.sha256(
        (sha256 + json.dumps(shown, ensure_ascii=False, sort_keys=True)).encode("utf-8")
    ).hexdigest()
    return ImportPreview(source, sha256, token, changes, added, unchanged)


# A stored result's fields an import writes, with the row's attribute holding each.
_RESULT_FIELDS = {
    "index": "index",
    "rank": "rank",
    "band": "band",
    "index_provenance": "index_provenance",
    "rank_provenance": "rank_provenance",
    "area_indices": "areas",
    "source": "source",
    "note": "note",
}


def _result_values(row: _ResultRow) -> dict[str, object]:
    return {field: getattr(row, attribute) for field, attribute in _RESULT_FIELDS.items()}


def _stored_result(result: NationalResult) -> dict[str, object]:
    return {field: getattr(result, field) for field in _RESULT_FIELDS}


@transaction.atomic
def national_results_import(
    *, text: str, source_name: str, actor: User | None = None, confirm: str = ""
) -> ImportSummary:
    """Import a results file whole, or nothing (NationalImportError lists every problem).

    Rows that would change a stored result raise ConfirmationNeeded (nothing written) unless
    ``confirm`` is the token of that preview; rows stored as they are in the file are skipped."""
    rows = _parse_results(text, source_name)
    summary = ImportSummary(rows=len(rows))
    units = {u.code: u for u in Unit.objects.filter(code__in={r.code for r in rows})}
    stored = {
        (r.unit_id, r.year): r
        for r in NationalResult.objects.select_for_update().filter(
            unit__in=list(units.values()), year__in={r.year for r in rows}
        )
    }
    plan: list[tuple[_ResultRow, NationalResult | None, dict[str, object], dict[str, object]]]
    plan = []
    changes: list[Change] = []
    for row in rows:
        unit = units.get(row.code)
        existing = stored.get((unit.pk, row.year)) if unit is not None else None
        if existing is None:
            summary.added += 1
            plan.append((row, None, {}, _result_values(row)))
            continue
        before, after = _differences(_stored_result(existing), _result_values(row))
        if not after:
            summary.unchanged += 1
            continue
        summary.changed += 1
        plan.append((row, existing, before, after))
        label = f"{units[row.code].name} {row.year}"
        changes.append(_change(NationalResult, row.line, label, before, after))
    preview = _preview(text, source_name, changes, summary.added, summary.unchanged)
    if changes and confirm != preview.token:
        raise ConfirmationNeeded(preview)
    for row, existing, before, after in plan:
        unit = units.get(row.code)
        if unit is None:
            unit = units[row.code] = _new_province(row, actor, source_name)
            summary.created_provinces.append(row.name)
        _store_audited(
            existing,
            partial(NationalResult.objects.create, unit=unit, year=row.year, **after),
            before,
            after,
            actions=("national.result_add", "national.result_change"),
            audit_after={"province": unit.code, "year": row.year, **after},
            actor=actor,
            reason=source_name,
            unit_id=unit.pk,
        )
    return summary


def _new_province(row: _ResultRow, actor: User | None, source_name: str) -> Unit:
    """A province a results file names and the register does not hold yet, created (audited)."""
    unit = Unit.objects.create(code=row.code, name=row.name, type=UnitType.PROVINCE)
    audit_record(
        actor=actor,
        action="unit.create",
        target=unit,
        before=None,
        after={"code": unit.code, "name": unit.name, "type": unit.type},
        reason=source_name,
    )
    return unit


def _store_audited(
    existing: Model | None,
    create: Callable[[], Model],
    before: dict[str, object],
    after: dict[str, object],
    *,
    actions: tuple[str, str],
    audit_after: dict[str, object],
    actor: User | None,
    reason: str,
    unit_id: int | None = None,
) -> None:
    """A row of an import written: a new record (``create``) audited as ``actions[0]``, or the
    ``after`` values set on ``existing`` audited as ``actions[1]`` with the ``before`` values
    they replace."""
    if existing is None:
        record, action, before_value = create(), actions[0], None
    else:
        for name, value in after.items():
            setattr(existing, name, value)
        existing.save()
        record, action, before_value = existing, actions[1], before
    audit_record(
        actor=actor,
        action=action,
        target=record,
        before=before_value,
        after=audit_after,
        reason=reason,
        unit_id=unit_id,
    )


_YearRow = tuple[int, int | None, Decimal | None, list[dict[str, str]], str, str]


def _parse_years(text: str, source_name: str) -> tuple[list[_YearRow], dict[int, int]]:
    """A years file's rows (year, provinces, average, bands, source, note) and the line of each
    year; every problem raised at once (NationalImportError)."""
    header, rows = _read(text, source_name, YEAR_REQUIRED, YEAR_OPTIONAL, areas=False)
    problems: list[Problem] = []
    parsed: list[_YearRow] = []
    seen: dict[int, int] = {}
    for line, cells in rows:
        row = _Row(source_name, line, header, cells, problems)
        before = len(problems)
        year = row.year()
        provinces = row.integer("provinces", 1, 200)
        average = row.decimal("average")
        bands = _bands(row)
        if year is not None and year in seen:
            row.error(
                "year", str(year), _("The same year is on line %(line)d.") % {"line": seen[year]}
            )
        if len(problems) > before or year is None:
            continue
        seen[year] = line
        parsed.append((year, provinces, average, bands, row.get("source"), row.get("note")))
    if problems:
        raise NationalImportError(problems)
    return parsed, seen


@transaction.atomic
def national_years_import(
    *, text: str, source_name: str, actor: User | None = None, confirm: str = ""
) -> ImportSummary:
    """Import a years file (national average, provinces ranked, bands) whole, or nothing;
    changes to stored years need ``confirm`` as :func:`national_results_import`'s do."""
    parsed, seen = _parse_years(text, source_name)
    summary = ImportSummary(rows=len(parsed))
    stored = {
        y.year: y
        for y in NationalYear.objects.select_for_update().filter(year__in=[p[0] for p in parsed])
    }
    plan: list[tuple[int, NationalYear | None, dict[str, object], dict[str, object]]] = []
    changes: list[Change] = []
    for year, provinces, average, bands, source, note in parsed:
        wanted: dict[str, object] = {
            "provinces": provinces,
            "average": average,
            "bands": bands,
            "source": source,
            "note": note,
        }
        existing = stored.get(year)
        if existing is None:
            summary.added += 1
            plan.append((year, None, {}, wanted))
            continue
        current = {n: getattr(existing, n) for n in wanted}
        old, new = _differences(current, wanted)
        if not new:
            summary.unchanged += 1
            continue
        summary.changed += 1
        plan.append((year, existing, old, new))
        changes.append(_change(NationalYear, seen[year], str(year), old, new))
    preview = _preview(text, source_name, changes, summary.added, summary.unchanged)
    if changes and confirm != preview.token:
        raise ConfirmationNeeded(preview)
    for year, existing, old, new in plan:
        _store_audited(
            existing,
            partial(NationalYear.objects.create, year=year, **new),
            old,
            new,
            actions=("national.year_add", "national.year_change"),
            audit_after={"year": year, **new},
            actor=actor,
            reason=source_name,
        )
    return summary


@transaction.atomic
def province_merger_record(
    *,
    predecessors: list[Unit],
    successor_code: str,
    successor_name: str,
    date: datetime.date,
    legal_basis: str = "",
    actor: User | None = None,
) -> Unit:
    """Record that ``predecessors`` merged into a (new) province on ``date``: each is closed the
    day before and linked to the successor; their results keep their own names. One audit event
    for the successor when it is created, one per predecessor closed and linked."""
    successor, created = Unit.objects.get_or_create(
        code=successor_code,
        defaults={"name": successor_name, "type": UnitType.PROVINCE, "valid_from": date},
    )
    if created:
        audit_record(
            actor=actor,
            action="unit.create",
            target=successor,
            before=None,
            after={"code": successor.code, "name": successor.name, "type": successor.type},
            reason=legal_basis,
        )
    for unit in predecessors:
        if unit.type != UnitType.PROVINCE:
            raise ParindexError(_("%(name)s is not a province.") % {"name": unit.name})
        closed = date - datetime.timedelta(days=1)
        succession, linked = Succession.objects.get_or_create(
            predecessor=unit,
            successor=successor,
            defaults={"date": date, "kind": Succession.Kind.MERGER, "legal_basis": legal_basis},
        )
        if unit.valid_to == closed and not linked:
            continue
        before = {"valid_to": unit.valid_to}
        unit.valid_to = closed
        unit.save(update_fields=["valid_to"])
        audit_record(
            actor=actor,
            action="unit.merge",
            target=succession,
            before=before,
            after={
                "valid_to": closed,
                "predecessor": unit.code,
                "successor": successor.code,
                "date": succession.date,
                "kind": succession.kind,
            },
            unit_id=unit.pk,
            reason=legal_basis,
        )
    return successor
