"""The plan as an official appendix (*Phụ lục*): one table of tasks grouped by content, with the
columns of a Vietnamese plan annex — No., content, lead agency, coordinating agencies, deadline,
expected result — as .xlsx (openpyxl) and PDF (WeasyPrint). Draft tasks are left out: they are
not part of the plan until the administrator confirms them.

Numbers in the .xlsx are numeric cells and deadlines date cells (``dd/mm/yyyy``), so Excel sorts
and filters them as such. The PDF is laid out like the other documents an office prints
(``parindex.shared.documents``: A4 landscape, Liberation Serif, the header repeated on every page,
no row split across two) and written in the active language, like the pages."""

from __future__ import annotations

import datetime
import io
from dataclasses import dataclass

from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from parindex.shared.documents import DOCUMENT_CSS, pdf_bytes
from parindex.spreadsheets import make_inert, writable

from .models import Plan, Task

ROMAN = [
    "I",
    "II",
    "III",
    "IV",
    "V",
    "VI",
    "VII",
    "VIII",
    "IX",
    "X",
    "XI",
    "XII",
    "XIII",
    "XIV",
    "XV",
    "XVI",
    "XVII",
    "XVIII",
    "XIX",
    "XX",
]


def roman(n: int) -> str:
    return ROMAN[n - 1] if 0 < n <= len(ROMAN) else str(n)


@dataclass
class AppendixRow:
    number: str
    content: str
    lead: str
    coordinating: str
    deadline: datetime.date | None
    expected: str
    heading: bool = False


def appendix_rows(plan: Plan) -> list[AppendixRow]:
    tasks = (
        Task.objects.filter(plan=plan)
        .exclude(status=Task.Status.DRAFT)
        .select_related("lead_agency", "area")
        .prefetch_related("coordinating_agencies")
        .order_by("area__position", "deadline", "pk")
    )
    by_area: dict[int, list[Task]] = {}
    for task in tasks:
        by_area.setdefault(task.area_id, []).append(task)
    rows: list[AppendixRow] = []
    for area in plan.areas.select_related("lead_agency").order_by("position"):
        rows.append(
            AppendixRow(
                roman(area.position),
                area.title.upper(),
                area.lead_agency.name if area.lead_agency else "",
                "",
                None,
                "",
                heading=True,
            )
        )
        for n, task in enumerate(by_area.get(area.pk, []), start=1):
            rows.append(
                AppendixRow(
                    str(n),
                    task.title,
                    task.lead_agency.name,
                    "; ".join(u.name for u in task.coordinating_agencies.all()),
                    task.deadline,
                    task.expected_result,
                )
            )
    return rows


def headers() -> list[str]:
    return [
        _("No."),
        _("Content"),
        _("Lead agency"),
        _("Coordinating agencies"),
        _("Deadline"),
        _("Expected result"),
    ]


def title_lines(plan: Plan) -> tuple[str, str]:
    caption = _("APPENDIX: LIST OF TASKS")
    attached = _("(Attached to Plan No. %(number)s of %(issuer)s dated %(date)s)") % {
        "number": plan.number,
        "issuer": plan.issuer,
        "date": plan.issued_on.strftime("%d/%m/%Y"),
    }
    return caption, attached


def plan_xlsx(plan: Plan) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, Side

    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = _("Appendix")[:31]
    caption, attached = title_lines(plan)
    thin = Side(style="thin", color="000000")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    ws.merge_cells("A1:F1")
    ws["A1"] = caption
    ws["A1"].font = Font(bold=True, size=13)
    ws["A1"].alignment = Alignment(horizontal="center")
    ws.merge_cells("A2:F2")
    ws["A2"] = writable(plan.title)
    ws["A2"].font = Font(bold=True)
    ws["A2"].alignment = Alignment(horizontal="center", wrap_text=True)
    ws.merge_cells("A3:F3")
    ws["A3"] = writable(attached)
    ws["A3"].font = Font(italic=True)
    ws["A3"].alignment = Alignment(horizontal="center")
    ws.append([])
    ws.append(headers())
    header_row = ws.max_row
    for cell in ws[header_row]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        cell.border = border
    for row in appendix_rows(plan):
        number: str | int = row.number if row.heading else int(row.number)
        texts = [writable(text) for text in (row.content, row.lead, row.coordinating)]
        ws.append([number, *texts, row.deadline, writable(row.expected)])
        if isinstance(number, int):
            ws.cell(row=ws.max_row, column=1).number_format = "0"
        ws.cell(row=ws.max_row, column=5).number_format = "dd/mm/yyyy"
        for cell in ws[ws.max_row]:
            cell.alignment = Alignment(vertical="top", wrap_text=True)
            cell.border = border
            if row.heading:
                cell.font = Font(bold=True)
    for column, width in zip("ABCDEF", (6, 60, 28, 32, 14, 40), strict=True):
        ws.column_dimensions[column].width = width
    ws.freeze_panes = ws.cell(row=header_row + 1, column=1)
    ws.print_title_rows = f"{header_row}:{header_row}"
    for line in ws.iter_rows():
        make_inert(line)  # titles, agencies and results are text people typed: never formulas
    ws.page_setup.orientation = "landscape"
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def plan_pdf(plan: Plan) -> bytes:
    caption, attached = title_lines(plan)
    html = render_to_string(
        "plans/appendix_pdf.html",
        {
            "plan": plan,
            "caption": caption,
            "attached": attached,
            "headers": headers(),
            "rows": appendix_rows(plan),
            "document_css": DOCUMENT_CSS,
        },
    )
    return pdf_bytes(html)
