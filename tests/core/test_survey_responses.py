"""The responses file: docs/methodology.md S3, S4, S10 and DS1–DS5 (docs/formats.md §4.2)."""

from __future__ import annotations

import pytest
from pxkit import errors_of, one_error
from surveykit import R_TEXT, figures, questionnaire, run

from parindex.core.survey import SurveyError
from parindex.core.survey_aggregate import (
    CsvTable,
    RowsTable,
    aggregate,
    check_responses,
    csv_text,
    read_responses,
)


def errors(responses: str, units: list[str] | None = None) -> list[str]:
    """Every error of a responses text, through both readers (they must agree)."""
    found = errors_of(lambda: run(responses, units=units))
    assert all(isinstance(e, SurveyError) for e in found), found
    checked = errors_of(
        lambda: check_responses(questionnaire(), csv_text(responses, "r.csv"), units)
    )
    assert [str(e) for e in checked] == [str(e) for e in found]
    return [str(e) for e in found]


def test_s3_header_any_order_metadata_ignored_bom() -> None:
    """S3: columns in any order, `_` columns ignored, a BOM accepted."""
    text = "\ufeff_id,Q3,unit,Q2,group,Q1,response,_submission_time\n1,B,U1,,LD,A,r1,x\n"
    result = run(text)
    assert result.forms == 1
    assert result.unit("U1").leaf("8.1").groups[0].n == 1


def test_s3_unknown_and_missing_columns() -> None:
    """S3: an unknown column is named with line 1; a question without a column is an error."""
    header = "response,group,unit,Q1,Q2,Q3,_id,note\n"
    assert errors(header) == [
        "r.csv:1, column note: unknown column 'note': not response, group, unit nor a question "
        "code (tool metadata columns start with '_')"
    ]
    assert errors("response,group,unit,Q1,Q2\n") == [
        "r.csv:1: missing column for question Q3"
    ]  # DS1
    assert errors("group,Q1,Q2,Q3,Q1\n") == [
        "r.csv:1, column Q1: column 'Q1' appears twice",
        "r.csv:1: missing column 'response'",
        "r.csv:1: missing column 'unit'",
    ]
    assert errors("") == ["r.csv:1: the file is empty (expected a header line)"]


def test_s4_worked_example_three_errors() -> None:
    """S4: a duplicate response, an option not in the scale, an answer of a group not asked."""
    text = R_TEXT + "r1,LD,U1,F,,B\nr11,LD,U1,A,A,\n"
    assert errors(text) == [
        "r.csv:12, column response, value 'r1': duplicate response (first at line 2)",
        "r.csv:12, column Q1, value 'F': not an option of question Q1 (options: A, B, C, D, E)",
        "r.csv:13, column Q2, value 'A': question Q2 is not asked of group LD",
    ]


def test_s4_every_kind_of_row_error() -> None:
    """S4: empty response, group, unit; an unknown group; a row too long; own scale (S2)."""
    text = (
        "response,group,unit,Q1,Q2,Q3\n"
        ",LD,U1,A,,\n"
        "r2,,U1,A,,\n"
        "r3,XX,U1,A,,\n"
        "r4,ND,,A,,\n"
        "r5,ND,U1,A,D,\n"  # Q2's own scale has no D (S2)
        "r6,ND,U1,A,A,,extra\n"
        "r7,LD,U1,A,,E\n"  # valid: E is "don't know"
        "r8,ND,U1,,,E\n"  # DS2: "don't know" from a group not asked is an answer too
    )
    assert errors(text) == [
        "r.csv:2, column response: the response id is empty",
        "r.csv:3, column group: the group is empty",
        "r.csv:4, column group, value 'XX': not a group of the questionnaire (groups: LD, ND)",
        "r.csv:5, column unit: the unit is empty",
        "r.csv:6, column Q2, value 'D': not an option of question Q2 (options: A, B, C, E)",
        "r.csv:7: the row has 7 cells, more than the header's 6",  # DS4
        "r.csv:9, column Q3, value 'E': question Q3 is not asked of group ND",
    ]


def test_s4_cells_trimmed_nfc_blank_and_short_rows() -> None:
    """S4: cells are trimmed and NFC-normalised; blank lines are skipped but counted; a short
    row reads its missing cells as empty (DS4)."""
    text = (
        "response,group,unit,Q1,Q2,Q3\n"
        " r1 , LD ,U1, A ,,B\n"
        "\n"
        ",,,,,\n"
        "  ,  , ,,,\n"
        "r2,LD,U1,B\n"
        "r3,LD,U1,Z\n"
    )
    assert errors(text) == [
        "r.csv:7, column Q1, value 'Z': not an option of question Q1 (options: A, B, C, D, E)"
    ]
    result = run(text.replace("Z", "C"))
    assert result.forms == 3
    assert figures(result)[("U1", "8.1")][0] == "60.00"
    # NFC: a decomposed "Ư" (U+0055 U+031B) is the same unit as the composed one.
    decomposed = "response,group,unit,Q1,Q2,Q3\nr1,LD,\u0055\u031b1,A,,\nr2,LD,\u01af1,A,,\n"
    assert run(decomposed).unit_codes == ("\u01af1",)


def test_s4_broken_csv_is_reported_with_its_line() -> None:
    """S4: a CSV syntax error names its line; errors before it are reported too."""
    text = "response,group,unit,Q1,Q2,Q3\nr1,XX,U1,A,,\nr2,LD,U1," + "A" * 200_000 + ",,\n"
    found = errors(text)
    assert (
        found[0]
        == "r.csv:2, column group, value 'XX': not a group of the questionnaire (groups: LD, ND)"
    )
    assert found[1].startswith("r.csv:3: not a valid CSV file: field larger than field limit")


def test_s4_all_errors_reported_nothing_produced() -> None:
    """S4: 200 bad rows give 200 errors, one per row, and no result."""
    text = "response,group,unit,Q1,Q2,Q3\n" + "".join(f"r{i},LD,U1,X,,\n" for i in range(200))
    assert len(errors(text)) == 200


def test_s10_units_file() -> None:
    """S10: a unit missing from the units file is named once; a unit without responses is
    listed with every leaf insufficient."""
    assert errors(R_TEXT, units=["U1"]) == [
        "r.csv:9, column unit, value 'U2': the unit is not in the units file"
    ]
    result = run(units=["U3", "U1", "U2"])
    assert result.units == ["U1", "U2", "U3"]
    u3 = result.unit("U3")
    assert [leaf.flags for leaf in u3.leaves] == [("insufficient",), ("insufficient",)]
    assert [(g.code, g.n, g.mean) for g in u3.leaf("8.1").groups] == [
        ("LD", 0, None),
        ("ND", 0, None),
    ]


def test_read_responses_yields_valid_forms_in_order() -> None:
    """The row-by-row reader gives each form with its group, unit and non-empty answers."""
    rows = list(read_responses(questionnaire(), csv_text(R_TEXT, "r.csv")))
    assert [r.response for r in rows] == [f"r{i}" for i in range(1, 11)]
    assert (rows[0].line, rows[0].group, rows[0].unit, rows[0].answers) == (
        2,
        "LD",
        "U1",
        {"Q1": "A", "Q3": "B"},
    )
    with pytest.raises(SurveyError):
        list(read_responses(questionnaire(), csv_text(R_TEXT + "r1,LD,U1,A,,\n", "r.csv")))


def test_rows_table_and_streamed_lines() -> None:
    """Rows already split (a spreadsheet) and lines read lazily give the same figures."""
    rows = [line.split(",") for line in R_TEXT.splitlines()]
    q = questionnaire()
    by_rows = aggregate(q, RowsTable(lambda: rows, "r.xlsx"))
    by_lines = aggregate(q, CsvTable(lambda: iter(R_TEXT.splitlines(keepends=True)), "r.csv"))
    assert figures(by_rows) == figures(by_lines) == figures(run())
    bad = [*rows, ["r1", "LD", "U1", "A", "", ""]]
    error = one_error(lambda: aggregate(q, RowsTable(lambda: bad, "r.xlsx")))
    assert (
        str(error) == "r.xlsx:12, column response, value 'r1': duplicate response (first at line 2)"
    )


def test_ds5_a_sheet_is_named_with_its_rows() -> None:
    """DS5: in a workbook's sheet the place is file, sheet, row and column; the header too."""
    rows = [line.split(",") for line in R_TEXT.splitlines()]
    q = questionnaire()
    bad = [*rows, ["r11", "LD", "U1", "F", "", ""], ["r12", "XX", "U1", "A", "", ""]]
    found = [
        str(e) for e in errors_of(lambda: aggregate(q, RowsTable(lambda: bad, "r.xlsx", "Data")))
    ]
    assert found == [
        "r.xlsx, sheet \"Data\", row 12, column Q1, value 'F': not an option of question Q1 "
        "(options: A, B, C, D, E)",
        "r.xlsx, sheet \"Data\", row 13, column group, value 'XX': not a group of the "
        "questionnaire (groups: LD, ND)",
    ]
    no_q3 = [row[:5] for row in rows]
    error = one_error(lambda: aggregate(q, RowsTable(lambda: no_q3, "r.xlsx", "Data")))
    assert str(error) == 'r.xlsx, sheet "Data", row 1: missing column for question Q3'
