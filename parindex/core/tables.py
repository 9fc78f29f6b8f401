"""The scores file and the units file (docs/formats.md §2), read from text handed in.

Every problem in a file is reported, each naming the file, the line (the header is line 1), the
unit, the item and the value. Nothing is returned unless the whole file is valid.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping
from dataclasses import dataclass

from .cells import character_name, control_character
from .compute import UnitInfo
from .errors import Collector, InputError, Notice, ValueRuleError
from .framework import Framework
from .messages import Message, Quoted, msg
from .scoring import Scorer

SCORES_COLUMNS = ("unit", "item", "value")
UNIT_COLUMNS = ("unit", "name", "type", "group")


@dataclass(frozen=True)
class _ScoreRow:
    """One row of a scores file, and where it is, for error messages."""

    source: str
    line: int
    unit: str
    item: str
    value: str

    def error(self, message: str | Message, column: str | None = None) -> InputError:
        return InputError(
            message,
            source=self.source,
            line=self.line,
            column=column,
            unit=self.unit or None,
            node=self.item or None,
            value=self.value,
        )


@dataclass(frozen=True)
class Scores:
    """A valid scores file: answers per unit and leaf, and the warnings it raised."""

    answers: dict[str, dict[str, str]]
    warnings: tuple[Notice, ...]


def _rows(text: str, source: str) -> tuple[list[str], list[tuple[int, list[str]]]]:
    reader = csv.reader(io.StringIO(text.removeprefix("\ufeff"), newline=""))
    header: list[str] | None = None
    rows: list[tuple[int, list[str]]] = []
    try:
        for row in reader:
            if header is None:
                header = [cell.strip() for cell in row]
                continue
            if not any(cell.strip() for cell in row):
                continue
            rows.append((reader.line_num, row))
    except csv.Error as exc:
        raise InputError(
            msg("table.bad_csv", reason=str(exc)), source=source, line=reader.line_num
        ) from None
    if header is None:
        raise InputError(msg("table.empty"), source=source, line=1)
    _refuse_control_characters(header, rows, source)
    return header, rows


def _refuse_control_characters(
    header: list[str], rows: list[tuple[int, list[str]]], source: str
) -> None:
    """NUL and the other control characters are refused, each naming its line and column."""
    problems = Collector()
    for line, cells in [(1, header), *rows]:
        for position, cell in enumerate(cells):
            found = control_character(cell)
            if found is not None:
                column = header[position] if position < len(header) else str(position + 1)
                char = character_name(cell[found])
                problems.add(
                    InputError(
                        msg("text.control_character", char=char),
                        source=source,
                        line=line,
                        column=column,
                    )
                )
    problems.raise_if_any()


def _columns(
    header: list[str], required: tuple[str, ...], allowed: tuple[str, ...], source: str
) -> dict[str, int]:
    problems = Collector()
    seen: dict[str, int] = {}
    for position, name in enumerate(header):
        if name not in allowed:
            problems.add(
                InputError(
                    msg("table.unknown_column", name=Quoted(name), allowed=allowed),
                    source=source,
                    line=1,
                )
            )
        elif name in seen:
            problems.add(
                InputError(msg("table.column_twice", name=Quoted(name)), source=source, line=1)
            )
        seen[name] = position
    for name in required:
        if name not in seen:
            problems.add(InputError(msg("table.missing_column", name=name), source=source, line=1))
    problems.raise_if_any()
    return seen


def _cell(row: list[str], position: int | None) -> str:
    if position is None or position >= len(row):
        return ""
    return row[position]


def read_units(
    text: str, source: str = "<units>", framework: Framework | None = None
) -> tuple[list[UnitInfo], tuple[Notice, ...]]:
    """Read a units file: header ``unit`` plus any of ``name,type,group``."""
    header, rows = _rows(text, source)
    columns = _columns(header, ("unit",), UNIT_COLUMNS, source)
    problems = Collector()
    warnings: list[Notice] = []
    units: list[UnitInfo] = []
    first_line: dict[str, int] = {}
    for line, row in rows:
        code = _cell(row, columns["unit"]).strip()
        if len(row) > len(header):
            problems.add(
                InputError(
                    msg("table.too_many_cells", count=len(row), width=len(header)),
                    source=source,
                    line=line,
                )
            )
        if not code:
            problems.add(
                InputError(msg("table.unit_code_empty"), source=source, line=line, column="unit")
            )
            continue
        if code in first_line:
            problems.add(
                InputError(
                    msg("table.duplicate_unit", first=str(first_line[code])),
                    source=source,
                    line=line,
                    unit=code,
                )
            )
            continue
        first_line[code] = line
        unit_type = _cell(row, columns.get("type")).strip() or None
        if (
            framework is not None
            and unit_type is not None
            and framework.unit_types
            and unit_type not in framework.unit_types
        ):
            warnings.append(
                Notice(
                    msg(
                        "warn.unit_type_unknown",
                        type=unit_type,
                        types=tuple(map(framework.unit_type_text, framework.unit_types)),
                    ),
                    source=source,
                    line=line,
                    unit=code,
                )
            )
        units.append(
            UnitInfo(
                code=code,
                name=_cell(row, columns.get("name")).strip() or None,
                type=unit_type,
                group=_cell(row, columns.get("group")).strip() or None,
            )
        )
    problems.raise_if_any()
    return units, tuple(warnings)


def read_scores(
    text: str,
    framework: Framework,
    source: str = "<scores>",
    units: Mapping[str, UnitInfo] | None = None,
    scorer: Scorer | None = None,
) -> Scores:
    """Read a scores file ``unit,item,value`` and check every value against its leaf's rule."""
    header, rows = _rows(text, source)
    columns = _columns(header, SCORES_COLUMNS, SCORES_COLUMNS, source)
    scorer = scorer or Scorer(framework)
    problems = Collector()
    warnings: list[Notice] = []
    answers: dict[str, dict[str, str]] = {}
    first_line: dict[tuple[str, str], int] = {}
    unknown_units: set[str] = set()
    for line, row in rows:
        cell = _ScoreRow(
            source,
            line,
            _cell(row, columns["unit"]).strip(),
            _cell(row, columns["item"]).strip(),
            _cell(row, columns["value"]),
        )
        unit, item, value = cell.unit, cell.item, cell.value
        if len(row) > len(header):
            problems.add(cell.error(msg("table.too_many_cells", count=len(row), width=len(header))))
            continue
        if not unit:
            problems.add(cell.error(msg("table.unit_empty"), "unit"))
            continue
        if not item:
            problems.add(cell.error(msg("table.item_empty"), "item"))
            continue
        known = units is None or unit in units
        if not known and unit not in unknown_units:
            # Reported once per unit; its rows are still checked for every other problem.
            problems.add(cell.error(msg("table.unit_unknown"), "unit"))
            unknown_units.add(unit)
        leaf = framework.by_code.get(item)
        if leaf is None or not leaf.is_leaf:
            problems.add(
                cell.error(
                    msg(
                        "table.item_is_branch" if leaf is not None else "table.item_not_node",
                        framework=framework.code,
                        version=framework.version,
                    ),
                    "item",
                )
            )
            continue
        key = (unit, item)
        if key in first_line:
            problems.add(cell.error(msg("table.duplicate_row", first=str(first_line[key]))))
            continue
        first_line[key] = line
        try:
            score = scorer(leaf, value)
        except ValueRuleError as exc:
            problems.add(cell.error(exc.msg or exc.message, "value"))
            continue
        if not known:
            continue
        unit_type = units[unit].type if units is not None else None
        if not leaf.applies(unit_type):
            if score.status != "missing":  # an empty cell is no value: nothing to ignore
                warnings.append(
                    Notice(
                        msg("warn.not_applicable", type=framework.unit_type_text(unit_type)),
                        source=source,
                        line=line,
                        unit=unit,
                        node=item,
                    )
                )
            continue
        answers.setdefault(unit, {})[item] = value
    problems.raise_if_any()
    return Scores(answers, tuple(warnings))
