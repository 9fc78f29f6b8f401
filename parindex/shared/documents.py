"""Files made for people to print, sign and attach (PDF, Word, Excel): the page, the font, the
table rules and the download response they share.

Vietnamese administrative documents are set in Times New Roman on A4. The server lays PDFs out
in Liberation Serif 2 (Debian's fonts-liberation2; version 1, fonts-liberation, has no
Vietnamese letters), which has Times New Roman's metrics, so a line breaks where it would in
Word. A Word file names Times New Roman itself, because the reader's Word lays it out
(LibreOffice substitutes Liberation Serif for it, by the same metrics).
``DOCUMENT_CSS`` holds the rules of every printed table: the header row repeated on each page
(``thead``) and no row split across two pages (``break-inside: avoid``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.http import HttpResponse

if TYPE_CHECKING:
    from openpyxl.worksheet.worksheet import Worksheet

PDF_FONT = "Liberation Serif"
WORD_FONT = "Times New Roman"

PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# A4 landscape, margins of an administrative document (left wider, for binding).
PAGE_WIDTH_CM, PAGE_HEIGHT_CM = 29.7, 21.0
MARGIN_LEFT_CM, MARGIN_RIGHT_CM, MARGIN_TOP_CM, MARGIN_BOTTOM_CM = 2.0, 1.5, 1.5, 1.5
TEXT_WIDTH_CM = PAGE_WIDTH_CM - MARGIN_LEFT_CM - MARGIN_RIGHT_CM

DOCUMENT_CSS = f"""
@page {{
  size: A4 landscape;
  margin: {MARGIN_TOP_CM}cm {MARGIN_RIGHT_CM}cm {MARGIN_BOTTOM_CM}cm {MARGIN_LEFT_CM}cm;
  @bottom-center {{
    content: counter(page) "/" counter(pages); font-family: "{PDF_FONT}"; font-size: 9pt;
  }}
}}
body {{ font-family: "{PDF_FONT}", serif; font-size: 11pt; line-height: 1.25; }}
table {{ border-collapse: collapse; width: 100%; table-layout: fixed; }}
th, td {{ border: 0.6pt solid #000; padding: 2pt 3pt; vertical-align: top;
  overflow-wrap: break-word; }}
th {{ text-align: center; vertical-align: middle; font-weight: bold; }}
thead {{ display: table-header-group; }}
tr {{ break-inside: avoid; }}
"""


def pdf_bytes(html: str) -> bytes:
    """The PDF of a page of HTML (which brings ``DOCUMENT_CSS`` in its own ``<style>``)."""
    pdf: bytes = pdf_layout(html).write_pdf()
    return pdf


def pdf_layout(html: str) -> Any:
    """WeasyPrint's laid-out document (its ``pages``), before it is written as a PDF."""
    from weasyprint import HTML

    return HTML(string=html).render()


def sheet_table(
    sheet: Worksheet, *, header_row: int, last_row: int, widths: list[float], filters: bool
) -> None:
    """A table of an .xlsx as a printed one: thin borders, a bold wrapped header frozen above
    the rows and repeated on each printed page, A4 landscape one page wide, and (``filters``)
    Excel's filter buttons on the header."""
    from openpyxl.styles import Alignment, Border, Font, Side
    from openpyxl.utils import get_column_letter

    thin = Side(style="thin", color="000000")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    for row in sheet.iter_rows(min_row=header_row, max_row=last_row, max_col=len(widths)):
        for cell in row:
            cell.border = border
            if cell.row == header_row:
                cell.font = Font(bold=True)
                cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
            else:
                cell.alignment = Alignment(vertical="top", wrap_text=True)
    for n, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(n)].width = width
    sheet.freeze_panes = sheet.cell(row=header_row + 1, column=1)
    sheet.print_title_rows = f"{header_row}:{header_row}"
    if filters:
        last_column = get_column_letter(len(widths))
        sheet.auto_filter.ref = f"A{header_row}:{last_column}{max(last_row, header_row)}"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True


def decimal_format(places: int) -> str:
    """Excel's number format showing a figure with ``places`` decimals: ``0``, ``0.0``, ``0.00``."""
    return "0." + "0" * places if places else "0"


def download(
    content: bytes | str, filename: str, content_type: str, *, open_data: bool = False
) -> HttpResponse:
    """A file to save: ``filename`` must be ASCII (the callers build it from codes and years).
    By default not cached by shared caches: what it holds depends on who asked. ``open_data``
    files are the same for everyone and any site may fetch them (no cookie is ever needed,
    none is read)."""
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    if open_data:
        response["Access-Control-Allow-Origin"] = "*"
    else:
        response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
