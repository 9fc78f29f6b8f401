"""A document as a PDF (WeasyPrint): the table's HTML in the shared page and table rules of
``parindex.shared.documents`` (A4 landscape, Liberation Serif, the header row repeated on each
page, no row split across pages)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.template.loader import render_to_string

from parindex.shared.documents import DOCUMENT_CSS, pdf_bytes, pdf_layout

from .tables import Document, shown


@dataclass(frozen=True)
class _Cell:
    text: str
    numeric: bool


def document_html(doc: Document) -> str:
    sections = [
        (
            section.title,
            [
                (
                    row.level,
                    [
                        _Cell(shown(value, doc.places, doc.lang), column.numeric)
                        for value, column in zip(row.cells, doc.columns, strict=True)
                    ],
                )
                for row in section.rows
            ],
        )
        for section in doc.sections
    ]
    facts = [(fact.label, shown(fact.value, doc.places, doc.lang)) for fact in doc.facts]
    return render_to_string(
        "documents/document_pdf.html",
        {"doc": doc, "css": DOCUMENT_CSS, "facts": facts, "sections": sections},
    )


def pdf_document_bytes(doc: Document) -> bytes:
    return pdf_bytes(document_html(doc))


def pdf_document_layout(doc: Document) -> Any:
    """The laid-out pages (WeasyPrint), for checking where each row falls."""
    return pdf_layout(document_html(doc))
