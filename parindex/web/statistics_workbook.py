"""The statistics by area as an .xlsx: one row per scope × area or criterion, every figure a
numeric cell with the framework's decimals, the header frozen and filtered, so a reader sorts
and filters without retyping anything."""

from __future__ import annotations

import io
from decimal import Decimal

from django.utils.translation import gettext as _

from parindex.core import Framework
from parindex.core.statistics import ScopeStatistics
from parindex.cycles.models import Cycle
from parindex.shared.documents import decimal_format, sheet_table
from parindex.shared.language import lang
from parindex.spreadsheets import make_inert

HEADER_ROW = 3
WIDTHS = [24.0, 8.0, 48.0, 10.0, 10.0, 10.0, 10.0, 10.0, 10.0, 12.0, 12.0, 12.0, 12.0]


def headers() -> list[str]:
    return [
        _("Ranking group"),
        _("Code"),
        _("Area / criterion"),
        _("Number of units"),
        _("Maximum (lowest)"),
        _("Maximum (highest)"),
        _("Mean points"),
        _("Lowest points"),
        _("Highest points"),
        _("Mean index"),
        _("Lowest index"),
        _("Highest index"),
        _("Units with full marks"),
    ]


def statistics_xlsx(
    cycle: Cycle, fw: Framework, scopes: list[tuple[str, ScopeStatistics]], basis_label: str
) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = _("Statistics by area")[:31]
    ws["A1"] = f"{_('Statistics by area')}: {cycle.title}"
    ws["A1"].font = Font(bold=True, size=13)
    ws["A2"] = f"{_('Basis')}: {basis_label}"
    ws["A2"].font = Font(italic=True)
    ws.append(headers())
    figures = decimal_format(fw.places)
    language = lang()
    for label, scope in scopes:
        for s in scope.nodes:
            numbers: list[Decimal] = [
                s.max_low,
                s.max_high,
                s.points.mean,
                s.points.low,
                s.points.high,
                s.index.mean,
                s.index.low,
                s.index.high,
            ]
            ws.append([label, s.code, s.node.title.get(language), s.units, *numbers, s.full_marks])
            row = ws[ws.max_row]
            make_inert(row[:3])  # group names and titles are text people typed
            row[3].number_format = row[12].number_format = "0"
            for cell in row[4:12]:
                cell.number_format = figures
            if s.node.depth == 0:
                for cell in row:
                    cell.font = Font(bold=True)
    sheet_table(ws, header_row=HEADER_ROW, last_row=ws.max_row, widths=WIDTHS, filters=True)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
