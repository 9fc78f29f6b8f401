"""A document as a Word file (python-docx): A4 landscape, Times New Roman (see
``parindex.shared.documents``), one table whose header row Word repeats on every page
(``w:tblHeader``) and whose rows never break across pages (``w:cantSplit``)."""

from __future__ import annotations

import io
from typing import Any

from docx import Document as Word
from docx.enum.section import WD_ORIENT
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

from parindex.shared import documents as page

from .tables import AREA, BRANCH, TOTAL, Document, shown

BODY_PT, TABLE_PT, TITLE_PT = 12, 10, 13
CELL_STYLE, CELL_STYLE_ID = "Table Cell", "TableCell"  # the cells' paragraphs: smaller, tight
ALIGN = {
    "left": WD_ALIGN_PARAGRAPH.LEFT,
    "center": WD_ALIGN_PARAGRAPH.CENTER,
    "right": WD_ALIGN_PARAGRAPH.RIGHT,
}


def docx_bytes(doc: Document) -> bytes:

    word = Word()
    section = word.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Cm(page.PAGE_WIDTH_CM), Cm(page.PAGE_HEIGHT_CM)
    section.left_margin, section.right_margin = Cm(page.MARGIN_LEFT_CM), Cm(page.MARGIN_RIGHT_CM)
    section.top_margin, section.bottom_margin = Cm(page.MARGIN_TOP_CM), Cm(page.MARGIN_BOTTOM_CM)
    normal = word.styles["Normal"]
    normal.font.name = page.WORD_FONT
    normal.font.size = Pt(BODY_PT)
    _all_scripts(normal.element.get_or_add_rPr(), page.WORD_FONT)
    _page_numbers(section)
    _heading(word, doc)
    _table(word, doc)
    for line in doc.notes:
        paragraph = word.add_paragraph()
        paragraph.add_run(line).font.size = Pt(TABLE_PT)
    buffer = io.BytesIO()
    word.save(buffer)
    return buffer.getvalue()


def _heading(word: Any, doc: Document) -> None:

    for n, line in enumerate(doc.heading):
        paragraph = word.add_paragraph()
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        paragraph.paragraph_format.space_after = Pt(0)
        run = paragraph.add_run(line)
        run.bold = n < 2
        run.font.size = Pt(TITLE_PT)
    word.add_paragraph()
    for fact in doc.facts:
        paragraph = word.add_paragraph()
        paragraph.paragraph_format.space_after = Pt(0)
        paragraph.add_run(f"{fact.label}: ").bold = True
        paragraph.add_run(shown(fact.value, doc.places, doc.lang))
    word.add_paragraph()


def _table(word: Any, doc: Document) -> None:
    cell_style = word.styles.add_style(CELL_STYLE, WD_STYLE_TYPE.PARAGRAPH)
    cell_style.base_style = word.styles["Normal"]
    cell_style.font.size = Pt(TABLE_PT)
    cell_style.paragraph_format.space_after = Pt(0)
    assert cell_style.style_id == CELL_STYLE_ID
    table = word.add_table(rows=1, cols=len(doc.columns))
    table.style = "Table Grid"
    table.autofit = False
    for grid_column, column in zip(table.columns, doc.columns, strict=True):
        grid_column.width = Cm(column.width_cm)  # the width of the cells of every added row
    header = table.rows[0]
    _row_flags(header, header=True)
    for cell, column in zip(header.cells, doc.columns, strict=True):
        cell.width = Cm(column.width_cm)
        _put(cell, column.label, bold=True, align="center")
    for section in doc.sections:
        if section.title:
            row = table.add_row()
            _row_flags(row)
            _put(row.cells[0].merge(row.cells[-1]), section.title, bold=True, align="left")
        for line in section.rows:
            row = table.add_row()
            _row_flags(row)
            for cell, value, column in zip(row.cells, line.cells, doc.columns, strict=True):
                _put(
                    cell,
                    shown(value, doc.places, doc.lang),
                    bold=line.level in (AREA, TOTAL),
                    italic=line.level == BRANCH,
                    align="right" if column.numeric else "left",
                )


def _put(cell: Any, text: str, *, bold: bool, align: str, italic: bool = False) -> None:
    paragraph = cell.paragraphs[0]
    paragraph._p.style = CELL_STYLE_ID  # by id: python-docx looks a name up in every style
    paragraph.alignment = ALIGN[align]
    run = paragraph.add_run(text)  # a newline in the text becomes a line break
    if bold:
        run.bold = True
    if italic:
        run.italic = True


def _row_flags(row: Any, *, header: bool = False) -> None:
    """``w:cantSplit`` on every row, ``w:tblHeader`` on the header; the schema orders them so."""

    properties = row._tr.get_or_add_trPr()
    for tag in ("w:cantSplit", "w:tblHeader") if header else ("w:cantSplit",):
        flag = OxmlElement(tag)
        flag.set(qn("w:val"), "true")
        properties.append(flag)


def _all_scripts(run_properties: Any, font: str) -> None:
    """The font for every script slot, so Vietnamese letters and digits use it alike."""

    fonts = run_properties.get_or_add_rFonts()
    for slot in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(slot), font)


def _page_numbers(section: Any) -> None:

    paragraph = section.footer.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), "PAGE")
    paragraph._p.append(field)
