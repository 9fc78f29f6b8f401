"""The format-free table every writer lays out: title lines, facts, columns, sections of rows.

Cells hold values, not text: a Decimal stays a Decimal until a writer shows it, so the Excel
writer stores a number and the Word and PDF writers print the same number in the reader's
format through :func:`shown`.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from parindex.shared.numbers import format_number

Value = str | Decimal | int | datetime.date | None

# How a row stands out: an area (*lĩnh vực*, bold), a criterion that has sub-criteria, a leaf,
# a total line (bold).
AREA, BRANCH, LEAF, TOTAL = "area", "branch", "leaf", "total"


@dataclass(frozen=True)
class Column:
    label: str
    width_cm: float
    numeric: bool = False


@dataclass(frozen=True)
class Row:
    cells: tuple[Value, ...]
    level: str = LEAF


@dataclass(frozen=True)
class Section:
    """Rows under one heading (a ranking group); ``title`` "" for rows without one."""

    title: str
    rows: tuple[Row, ...]


@dataclass(frozen=True)
class Fact:
    """A line above the table: ``label: value``."""

    label: str
    value: Value


@dataclass(frozen=True)
class Document:
    """One document: ``stem`` is its file name without the extension."""

    stem: str
    heading: tuple[str, ...]  # centred title lines, the first one bold
    facts: tuple[Fact, ...]
    columns: tuple[Column, ...]
    sections: tuple[Section, ...]
    lang: str
    places: int  # decimals of every Decimal cell (the framework's rounding)
    sheet_title: str = ""
    section_label: str = ""  # the heading of the section column in a spreadsheet
    notes: tuple[str, ...] = field(default=())  # lines below the table

    @property
    def rows(self) -> list[Row]:
        return [row for section in self.sections for row in section.rows]


def shown(value: Value, places: int, lang: str) -> str:
    """A cell or fact as people read it: numbers in the language's format, dates dd/mm/yyyy."""
    if value is None:
        return ""
    if isinstance(value, datetime.date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, Decimal):
        return format_number(value, places, lang)
    if isinstance(value, int):
        return format_number(value, 0, lang)
    return value
