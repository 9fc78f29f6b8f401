"""A responses CSV read a chunk of lines at a time (split at commas when no cell is quoted, by
the csv module otherwise) gives exactly what the csv module's rows give: the same forms, units,
figures, or the same errors. Odd spellings included: quotes, CRLF, blank and short rows, white
space, decomposed letters, options and units of one byte, of up to eight and of more."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pxkit import errors_of
from surveykit import figures, questionnaire, reference

from parindex.core import survey_aggregate
from parindex.core.errors import ParindexError
from parindex.core.survey import Questionnaire
from parindex.core.survey_aggregate import (
    RowsTable,
    SurveyResult,
    aggregate,
    check_responses,
    csv_text,
    read_responses,
)

Q_TEXT = """\
format: parindex.survey/1
code: lines
version: "1"
scale: {A: 100, B: 60, C: 20, D: 0, E: null}
groups:
  - {code: G1, min_n: 1, weight: 1}
  - {code: NHÓM2, min_n: 2, weight: 2}
questions:
  - {code: Q1, leaf: "1", groups: [G1, NHÓM2]}
  - {code: Q2, leaf: "1", groups: [NHÓM2], scale: {"có": 100, "không": 0, "không biết": null}}
  - {code: Q3, leaf: "2", groups: [G1, NHÓM2], scale: {"yes": 100, "no": 0, "dontknow": null}}
  - {code: Q4, leaf: "2", groups: [G1]}
"""
HEADER = ["response", "group", "unit", "Q1", "Q2", "Q3", "Q4", "_id"]
OPTIONS = {
    "Q1": ["A", "B", "C", "E"],
    "Q2": ["có", "không", "không biết", "kho\u0302ng"],  # the last decomposed: "không" in NFC
    "Q3": ["yes", "no", "dontknow"],
    "Q4": ["A", "D", "E"],
}
ASKED = {"G1": {"Q1", "Q3", "Q4"}, "NHÓM2": {"Q1", "Q2", "Q3"}}
UNITS = ["U1", "Ư1", "U\u031b1", "UBND-XA-0001", "SNV"]


def spaced(cell: str) -> st.SearchStrategy[str]:
    return st.sampled_from([cell, cell, cell, f" {cell}", f"{cell}\t"])


@st.composite
def form(draw: st.DrawFn, index: int) -> list[str]:
    group = draw(st.sampled_from(["G1", "NHÓM2", "NHO\u0301M2"]))
    asked = ASKED["NHÓM2" if group != "G1" else "G1"]
    cells = [
        draw(spaced(f"r{index}")),
        draw(spaced(group)),
        draw(spaced(draw(st.sampled_from(UNITS)))),
    ]
    for question in ("Q1", "Q2", "Q3", "Q4"):
        answer = draw(st.sampled_from(["", *OPTIONS[question]])) if question in asked else ""
        cells.append(draw(spaced(answer)) if answer else draw(st.sampled_from(["", "", " "])))
    cells.append(draw(st.sampled_from(["", "x"])))
    return cells


def spelled(cells: list[str], quote: bool) -> str:
    out = []
    for cell in cells:
        if quote or "," in cell:
            out.append('"' + cell.replace('"', '""') + '"')
        else:
            out.append(cell)
    return ",".join(out)


@st.composite
def responses(draw: st.DrawFn) -> str:
    """A CSV text: mostly plain lines, with now and then a quoted row, a blank or short row, a
    row too long, a duplicate or wrong cell, CRLF line ends, no final line break."""
    lines = [",".join(HEADER)]
    count = draw(st.integers(0, 25))
    for index in range(count):
        cells = draw(form(index))
        odd = draw(
            st.sampled_from(
                ["plain"] * 12
                + ["quoted", "blank", "commas", "short", "long", "wrong", "twice", "pair", "comma"]
            )
        )
        if odd == "blank":
            lines.append(draw(st.sampled_from(["", " ", "\t"])))
            continue
        if odd == "commas":
            lines.append(",,, ,,,,")
            continue
        if odd == "short":
            while cells and not cells[-1].strip():
                cells.pop()
        elif odd == "long":
            cells.append("extra")
        elif odd == "comma":
            cells[-1] = "meta, with a comma"
        elif odd == "wrong":
            cells[draw(st.integers(1, 6))] = draw(st.sampled_from(["Z", "không có", "", "yes"]))
        elif odd == "twice":
            cells[0] = draw(spaced("r0"))
        elif odd == "pair":  # a row a cell short, then one a cell long: as many commas
            lines.append(spelled(cells[:-1], False))
            cells.append("extra")
        lines.append(spelled(cells, odd == "quoted"))
    end = draw(st.sampled_from(["\n", "\n", "\r\n"]))
    last = draw(st.sampled_from([end, ""]))
    return end.join(lines) + last


def outcome(read: Callable[[], SurveyResult]) -> tuple[object, ...]:
    try:
        result = read()
    except ParindexError:
        return ("errors", [str(e) for e in errors_of(read)])
    return ("result", result.forms, sorted(result.unit_codes), figures(result))


def rows_of(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text, newline="")))


def by_reader(q: Questionnaire, text: str, units: list[str] | None) -> tuple[object, ...]:
    """The row-by-row reader and the plain reference arithmetic of the survey tests."""
    table = csv_text(text, "r.csv")
    try:
        check_responses(q, table, units)
    except ParindexError:
        return ("errors", [str(e) for e in errors_of(lambda: check_responses(q, table, units))])
    rows = list(read_responses(q, table, units))
    expected = reference(q, rows, units or ())
    return ("result", len(rows), sorted({r.unit for r in rows} | set(units or ())), expected)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(responses(), st.sampled_from([1, 3, 4, 32768]), st.booleans())
def test_lines_give_what_the_csv_rows_give(text: str, chunk: int, with_units: bool) -> None:
    q = questionnaire(Q_TEXT)
    units = ["U1", "Ư1", "UBND-XA-0001", "SNV", "X9"] if with_units else None
    by_rows = outcome(lambda: aggregate(q, RowsTable(lambda: rows_of(text), "r.csv"), units=units))
    saved = survey_aggregate.CHUNK_ROWS
    survey_aggregate.CHUNK_ROWS = chunk  # several chunks: plain ones, csv ones, in any order
    try:
        by_lines = outcome(lambda: aggregate(q, csv_text(text, "r.csv"), units=units))
    finally:
        survey_aggregate.CHUNK_ROWS = saved
    assert by_lines == by_rows == by_reader(q, text, units)


def test_a_short_row_then_a_long_one_is_not_read_as_two_rows() -> None:
    """As many commas as two good rows, the second shifted by a cell: still a row too long."""
    q = questionnaire(Q_TEXT)
    text = ",".join(HEADER) + "\nr1,G1,U1,A,,yes,D\nx,r2,G1,U1,A,,yes,D,\n"
    found = errors_of(lambda: aggregate(q, csv_text(text, "r.csv")))
    assert [str(e) for e in found] == ["r.csv:3: the row has 9 cells, more than the header's 8"]


def test_a_plain_file_and_its_quoted_spelling_agree() -> None:
    """Every cell quoted (read by the csv module) or none (split at commas): the same figures,
    with decomposed letters and options of one, up to eight and more bytes."""
    q = questionnaire(Q_TEXT)
    forms = [
        ["r1", "G1", "U1", "A", "", "yes", "D", ""],
        ["r2", "NHÓM2", "Ư1", "B", "có", "dontknow", "", ""],
        ["r3", "NHO\u0301M2", "U\u031b1", "E", "kho\u0302ng", "no", "", "x"],
        ["r4", "NHÓM2", "UBND-XA-0001", "C", "không biết", "yes", "", ""],
        ["r5", "NHÓM2", "UBND-XA-0001", "A", "có", "no", "", ""],
    ]
    plain = "\n".join(spelled(r, False) for r in [HEADER, *forms]) + "\n"
    quoted = "\n".join(spelled(r, True) for r in [HEADER, *forms]) + "\n"
    assert '"' not in plain
    a = aggregate(q, csv_text(plain))
    b = aggregate(q, csv_text(quoted))
    assert figures(a) == figures(b)
    assert sorted(a.unit_codes) == ["U1", "UBND-XA-0001", "Ư1"]
    assert a.forms == 5
    assert a.unit("Ư1").leaf("1").groups[1].n == 2


def test_a_field_over_the_csv_limit_is_an_error_either_way() -> None:
    q = questionnaire(Q_TEXT)
    text = ",".join(HEADER) + "\nr1,G1,U1,A,,yes,D," + "x" * 200_000 + "\n"
    found = errors_of(lambda: aggregate(q, csv_text(text, "r.csv")))
    assert [str(e) for e in found] == [
        "r.csv:2: not a valid CSV file: field larger than field limit (131072)"
    ]


@pytest.mark.parametrize("end", ["\n", "\r\n"])
def test_blank_lines_between_chunks_are_skipped(monkeypatch: pytest.MonkeyPatch, end: str) -> None:
    monkeypatch.setattr(survey_aggregate, "CHUNK_ROWS", 2)
    q = questionnaire(Q_TEXT)
    lines = [",".join(HEADER), "r1,G1,U1,A,,yes,,", "", ",,,,,,,", "r2,G1,U1,C,,no,,", "  "]
    result = aggregate(q, csv_text(end.join(lines) + end))
    assert result.forms == 2
    assert figures(result)[("U1", "1")][0] == "60.00"
