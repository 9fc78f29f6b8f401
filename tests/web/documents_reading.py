"""Reading the downloaded documents back, for the web and browser tests: a Word file's table and
row flags (python-docx), a workbook (openpyxl), a PDF's text page by page and its fonts
(poppler's pdftotext and pdffonts); and the figures they must show, taken from the stored
results and written the Vietnamese way by hand (``vi``), not by the code under test.

Not a test module."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from docx import Document as Word
from docx.oxml.ns import qn
from openpyxl import load_workbook

from parindex.results.models import UnitResult

# The labels of the scoring table's summary lines, as its Vietnamese reader sees them.
TOTALS = {
    "points": "Tổng điểm (các lĩnh vực + điểm thưởng − điểm trừ)",
    "index": "Chỉ số CCHC",
    "rank": "Xếp hạng trong nhóm",
    "band": "Xếp loại",
}


def vi(value: Decimal | str | None, places: int = 2) -> str:
    """A figure below 1,000 as a Vietnamese reader reads it: ``82.2`` → ``82,20``; None → ""."""
    if value is None:
        return ""
    return f"{Decimal(value):.{places}f}".replace(".", ",")


# -- Word ----------------------------------------------------------------------------------------


def docx_table(data: bytes) -> list[list[str]]:
    """Every row of the document's table, as its cells' text (a merged row repeats its text)."""
    table = Word(io.BytesIO(data)).tables[0]
    return [[cell.text for cell in row.cells] for row in table.rows]


def docx_paragraphs(data: bytes) -> list[str]:
    return [p.text for p in Word(io.BytesIO(data)).paragraphs]


def docx_row_flags(data: bytes) -> list[set[str]]:
    """Per table row, which of Word's row properties ``tblHeader`` and ``cantSplit`` it sets."""
    table = Word(io.BytesIO(data)).tables[0]
    found = []
    for row in table.rows:
        properties = row._tr.trPr
        found.append(
            {
                name
                for name in ("tblHeader", "cantSplit")
                if properties is not None
                and properties.find(qn(f"w:{name}")) is not None
                and properties.find(qn(f"w:{name}")).get(qn("w:val"), "true") == "true"
            }
        )
    return found


def docx_page(data: bytes) -> dict[str, Any]:
    section = Word(io.BytesIO(data)).sections[0]
    return {
        "orientation": int(section.orientation),
        "width_cm": round(section.page_width.cm, 1),
        "height_cm": round(section.page_height.cm, 1),
    }


def docx_font(data: bytes) -> str | None:
    return Word(io.BytesIO(data)).styles["Normal"].font.name


# -- Excel ---------------------------------------------------------------------------------------


def workbook_sheet(data: bytes) -> Any:
    return load_workbook(io.BytesIO(data)).active


# -- PDF -----------------------------------------------------------------------------------------


def _poppler(tool: str) -> str:
    found = shutil.which(tool)
    if found is None:
        pytest.fail(f"{tool} (Debian's poppler-utils) is needed to read the PDF")
    return found


def pdf_pages(data: bytes, folder: Path) -> list[str]:
    """The text of each page (``pdftotext -layout``: a table row stays on one line)."""
    path = folder / "document.pdf"
    path.write_bytes(data)
    text = subprocess.run(
        [_poppler("pdftotext"), "-layout", "-enc", "UTF-8", str(path), "-"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return [page for page in text.split("\f") if page.strip()]


def pdf_fonts(data: bytes, folder: Path) -> set[str]:
    """The families of the fonts the PDF embeds (``ABCDEF+Liberation-Serif-Bold`` → ``Liberation
    Serif``)."""
    path = folder / "fonts.pdf"
    path.write_bytes(data)
    listing = subprocess.run(
        [_poppler("pdffonts"), str(path)], check=True, capture_output=True, text=True
    ).stdout
    names = [line.split()[0] for line in listing.splitlines()[2:] if line.strip()]
    families = set()
    for name in names:
        family = name.split("+", 1)[-1]
        family = re.sub(r"-(Bold|Italic|BoldItalic|Regular)$", "", family)
        families.add(family.replace("-", " "))
    return families


def row_line(page: str, first: str, *after: str) -> bool:
    """Whether ``page`` has a line starting with ``first`` on which ``after`` follow in order,
    each as a whole token."""
    tokens = r"\s.*?".join(re.escape(t) for t in (first, *after))
    return re.search(rf"^\s*{tokens}(\s|$)", page, re.M) is not None


def lines_before_first_row(page: str, header_words: set[str], starts: list[str]) -> list[str]:
    """The lines of a page between its repeated header and the first line that starts a row (one
    of ``starts``), other than the header's own words: a row split across the page break would
    leave its continuation there."""
    lines = [line for line in page.splitlines() if line.strip()]
    header = next(n for n, line in enumerate(lines) if line.split()[:1] == ["STT"])
    stray = []
    for line in lines[header + 1 :]:
        if any(line.strip().startswith(s) for s in starts):
            break
        if not set(line.split()) <= header_words:
            stray.append(line)
    return stray


# -- the stored figures --------------------------------------------------------------------------


def node_figures(result: UnitResult) -> dict[str, tuple[str, str]]:
    """Node code → (max, points) of a stored result, as the documents show them."""
    return {code: (vi(f["max"]), vi(f["points"])) for code, f in result.nodes.items()}
