"""The open-data files of a published cycle, written from its stored final results by the
core's writers (docs/formats.md §3.5): the CSV and JSON are what ``parindex compute`` prints
for the same inputs, the JSON with a few optional keys added (the cycle, titles); the .xlsx
holds the same table with numbers as numbers; the framework file is the stored text itself."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

from django.utils import timezone
from openpyxl import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from parindex.core import Framework, Text
from parindex.core.report import CSV_COLUMNS, json_document, records_csv, unit_record
from parindex.cycles.models import Cycle
from parindex.frameworks.selectors import core_framework
from parindex.results.models import Basis, UnitResult
from parindex.shared.documents import decimal_format
from parindex.spreadsheets import make_inert, put_text


def file_name(cycle: Cycle, kind: str) -> str:
    """Predictable names: ``2023_province-internal_ket-qua.csv``; the framework file is
    ``province-internal_2024.yaml`` (its code and version)."""
    version = cycle.framework_version
    if kind == "yaml":
        return f"{version.code}_{version.version}.yaml"
    return f"{cycle.year}_{version.code}_ket-qua.{kind}"


def records(cycle: Cycle) -> tuple[Framework, list[dict[str, Any]]]:
    """Each unit's final result as docs/formats.md §3 writes it, in listing order."""
    fw = core_framework(cycle.framework_version)
    rows = (
        UnitResult.objects.filter(cycle=cycle, basis=Basis.FINAL)
        .select_related("unit")
        .order_by("position")
    )
    return fw, [
        unit_record(
            fw,
            unit=r.unit.code,
            name=r.unit.name,
            type=r.unit.type or None,
            group=r.group or None,
            points=r.points,
            max=r.max,
            index=r.index,
            rank=r.rank,
            band=r.band or None,
            nodes=r.nodes,
            missing=r.missing,
        )
        for r in rows
    ]


def results_csv(cycle: Cycle) -> str:
    fw, units = records(cycle)
    return records_csv(fw, units)


def _title(text: Text | None) -> dict[str, str | None] | None:
    return None if text is None else {"vi": text.vi, "en": text.en}


def results_json(cycle: Cycle) -> str:
    """The JSON of docs/formats.md §3, plus the optional keys of §3.5: ``framework.title``,
    ``framework.sha256``, ``cycle`` and ``names`` (the titles of nodes, bands, unit types)."""
    fw, units = records(cycle)
    document = json_document(fw, units)
    version = cycle.framework_version
    document["framework"].update(title=_title(fw.title), sha256=version.sha256)
    document = {
        "framework": document["framework"],
        "cycle": {
            "year": cycle.year,
            "title": cycle.title,
            "basis": Basis.FINAL.value,
            "published_at": cycle.published_at.isoformat() if cycle.published_at else None,
            "publication_decision": cycle.publication_decision or None,
        },
        "units": document["units"],
        "names": {
            "nodes": {n.code: _title(n.title) for n in fw.all_nodes},
            "bands": {b.code: _title(b.title) for b in fw.bands},
            "unit_types": {code: _title(t) for code, t in fw.unit_type_titles.items()},
        },
    }
    return json.dumps(document, ensure_ascii=False, indent=1) + "\n"


def results_xlsx(cycle: Cycle) -> bytes:
    """The CSV's table on a sheet ``results`` (decimals and ranks as numbers, the header
    frozen, filters on), every node on ``nodes``, and the cycle on ``cycle``."""
    fw, units = records(cycle)
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "results"
    codes = [n.code for n in fw.all_nodes]
    header = [*CSV_COLUMNS, *(f"points_{c}" for c in codes)]
    sheet.append(header)
    number = decimal_format(fw.places)
    for row, unit in enumerate(units, start=2):
        texts = (unit["unit"], unit["name"], unit["type"], unit["group"])
        for column, text in enumerate(texts, start=1):
            put_text(sheet, row, column, text)
        figures = [unit["points"], unit["max"], unit["index"]]
        for column, figure in enumerate(figures, start=5):
            _number(sheet, row, column, figure, number)
        sheet.cell(row, 8, unit["rank"])
        put_text(sheet, row, 9, unit["band"])
        put_text(sheet, row, 10, ";".join(unit["missing"]))
        for column, code in enumerate(codes, start=11):
            node = unit["nodes"].get(code)
            _number(sheet, row, column, node["points"] if node else None, number)
    _frame(sheet, filters=True)
    _nodes_sheet(book.create_sheet("nodes"), fw)
    _cycle_sheet(book.create_sheet("cycle"), cycle)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _number(sheet: Worksheet, row: int, column: int, text: str | None, format: str) -> None:
    cell = sheet.cell(row, column, None if text is None else Decimal(text))
    cell.number_format = format


def _frame(sheet: Worksheet, *, filters: bool = False) -> None:
    sheet.freeze_panes = "A2"
    if filters and sheet.max_row > 1:
        sheet.auto_filter.ref = sheet.dimensions


def _nodes_sheet(sheet: Worksheet, fw: Framework) -> None:
    sheet.append(["code", "parent", "title_vi", "title_en", "kind", "max", "rule_vi", "rule_en"])
    for row, node in enumerate(fw.all_nodes, start=2):
        rule = node.rule.describe(node) if node.rule else None
        texts = [node.code, node.parent, node.title.vi, node.title.en, node.kind]
        for column, text in enumerate(texts, start=1):
            put_text(sheet, row, column, text)
        sheet.cell(row, 6, node.full_max)
        put_text(sheet, row, 7, rule.vi if rule else None)
        put_text(sheet, row, 8, (rule.en or rule.vi) if rule else None)
    _frame(sheet)


def _cycle_sheet(sheet: Worksheet, cycle: Cycle) -> None:
    version = cycle.framework_version
    sheet.append(["key", "value"])
    for key, value in _cycle_facts(cycle, version.code, version.version, version.sha256):
        sheet.append([key, value])
    make_inert(cell for row in sheet.iter_rows() for cell in row)
    _frame(sheet)


def _cycle_facts(cycle: Cycle, code: str, version: str, sha256: str) -> Iterator[tuple[str, Any]]:
    yield "year", cycle.year
    yield "title", cycle.title
    yield "framework", code
    yield "framework_version", version
    yield "framework_sha256", sha256
    yield "basis", Basis.FINAL.value
    if cycle.published_at is not None:
        yield "published_at", timezone.localtime(cycle.published_at).replace(tzinfo=None)
    yield "publication_decision", cycle.publication_decision
