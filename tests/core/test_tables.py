"""Scores and units files: docs/methodology.md M34–M37, decisions D6–D8 (docs/formats.md §2)."""

from __future__ import annotations

import csv

import pytest
from pxkit import errors_of, load, one_error

from parindex.core import Framework, InputError, UnitInfo, compute, read_scores, read_units

M24 = """
- code: "1"
  title: A
  children:
    - {code: "1.1", title: a, max: 1, rule: {type: yes_no}}
    - {code: "1.2", title: b, max: 1.5, rule: {type: proportional}, applies_to: [department]}
"""
TYPES = "unit_types: [department, commune]\n"
UNITS = {"D": UnitInfo("D", type="department"), "C": UnitInfo("C", type="commune")}


def fw24() -> Framework:
    return load(M24, TYPES)


def scores_errors(text: str, units: dict[str, UnitInfo] | None = None) -> list[InputError]:
    found = errors_of(lambda: read_scores(text, fw24(), "scores.csv", units))
    assert all(isinstance(e, InputError) for e in found), found
    return [e for e in found if isinstance(e, InputError)]


# -- M34 the scores file ------------------------------------------------------------------------


def test_m34_header_in_any_order_with_bom() -> None:
    """M34: a BOM and the header item,value,unit are accepted."""
    scores = read_scores("\ufeffitem,value,unit\n1.1,yes,DN\n", fw24(), "scores.csv")
    assert scores.answers == {"DN": {"1.1": "yes"}}
    assert scores.warnings == ()


def test_m34_crlf_blank_lines_and_header_spaces() -> None:
    """M34: blank lines are skipped but counted; CRLF line ends are read."""
    text = "unit , item , value\r\n\r\nDN,1.1,yes\r\n\r\nDN,1.2,maybe\r\n"
    error = one_error(lambda: read_scores(text, fw24(), "scores.csv"))
    assert error.line == 5


def test_m34_unknown_column() -> None:
    """M34: unit,item,value,note is refused (unknown column 'note')."""
    error = one_error(lambda: read_scores("unit,item,value,note\n", fw24(), "scores.csv"))
    assert isinstance(error, InputError)
    assert str(error).startswith("scores.csv:1: unknown column 'note'")


def test_m34_missing_column() -> None:
    """M34: unit,item is refused (missing column 'value')."""
    error = one_error(lambda: read_scores("unit,item\n", fw24(), "scores.csv"))
    assert str(error) == "scores.csv:1: missing column 'value'"


def test_m34_duplicate_column_and_empty_file() -> None:
    found = scores_errors("unit,item,value,unit\n")
    assert any("column 'unit' appears twice" in str(e) for e in found)
    assert "empty" in str(scores_errors("")[0])


# -- M35 errors ---------------------------------------------------------------------------------

M35 = "unit,item,value\nDN,1.1,maybe\nDN,9.9,1\nDN,1,1\nDN,1.2,2/3\nDN,1.2,1/2\n"


def test_m35_every_error_at_once() -> None:
    """M35: four errors at lines 2, 3, 4 and 6, each naming file, line, unit, item and value."""
    found = scores_errors(M35)
    assert [(e.source, e.line, e.unit, e.node, e.value) for e in found] == [
        ("scores.csv", 2, "DN", "1.1", "maybe"),
        ("scores.csv", 3, "DN", "9.9", "1"),
        ("scores.csv", 4, "DN", "1", "1"),
        ("scores.csv", 6, "DN", "1.2", "1/2"),
    ]
    assert str(found[0]).startswith(
        "scores.csv:2, column value, unit DN, node 1.1, value 'maybe': yes_no rule: must be yes/no"
    )
    assert "not a node of framework demo 2024" in str(found[1])
    assert "a branch, not a leaf" in str(found[2])
    assert "duplicate row for this unit and item (first at line 5)" in str(found[3])


@pytest.mark.parametrize(
    ("row", "message", "column"),
    [
        ("DN,1.2,120", "a plain ratio must lie in [0, 1]", "value"),
        ("DN,1.2,1,5", "more cells than the header", None),
        (",1.1,yes", "the unit is empty", "unit"),
        ("DN,,yes", "the item is empty", "item"),
        ("DN,1.1,n/a", "this leaf does not allow n/a", "value"),
    ],
)
def test_m35_row_errors_name_everything(row: str, message: str, column: str | None) -> None:
    """M35: each kind of row error names file, line, unit, item and value."""
    error = scores_errors(f"unit,item,value\n{row}\n")[0]
    unit, item, value = [*next(csv.reader([row])), "", ""][:3]
    assert (error.source, error.line, error.column) == ("scores.csv", 2, column)
    assert (error.unit, error.node, error.value) == (unit or None, item or None, value)
    assert message in str(error)
    assert str(error).startswith("scores.csv:2")
    for shown in (f"unit {unit}" if unit else "", f"node {item}" if item else "", repr(value)):
        assert shown in str(error)


def test_m35_quoted_cells_and_line_numbers() -> None:
    """M35: a quoted value with a comma is one cell; lines count from the header."""
    text = 'unit,item,value\nDN,1.1,yes\n"DN","1.2","1,5"\n'
    error = scores_errors(text)[0]
    assert (error.line, error.value) == (3, "1,5") and "write 1.5" in str(error)


def test_d8_short_row_reads_missing_cells_as_empty() -> None:
    """D8: a row with fewer cells reads the missing value as empty (no value)."""
    scores = read_scores("unit,item,value\nDN,1.1\n", fw24(), "scores.csv")
    assert scores.answers == {"DN": {"1.1": ""}}
    assert compute(fw24(), scores.answers).by_unit("DN").missing == ("1.1", "1.2")


# -- M36 values for leaves that do not apply ----------------------------------------------------


def test_m36_non_applicable_value_is_checked_then_ignored_with_warning() -> None:
    """M36: C,1.2,2/3 warns and is ignored; C,1.2,abc is an error; C,1.2, is nothing."""
    scores = read_scores("unit,item,value\nC,1.2,2/3\n", fw24(), "scores.csv", UNITS)
    assert tuple(map(str, scores.warnings)) == (
        "scores.csv:2, unit C, node 1.2: does not apply to type commune; value ignored",
    )
    assert scores.warnings[0].code == "warn.not_applicable"
    assert scores.answers == {}
    error = scores_errors("unit,item,value\nC,1.2,abc\n", UNITS)[0]
    assert (error.line, error.unit, error.node, error.value) == (2, "C", "1.2", "abc")
    quiet = read_scores("unit,item,value\nC,1.2,\n", fw24(), "scores.csv", UNITS)
    assert quiet.warnings == ()  # D7


def test_m36_result_unchanged_by_ignored_value() -> None:
    """M36: C's result does not change."""
    with_value = read_scores("unit,item,value\nC,1.1,yes\nC,1.2,2/3\n", fw24(), "s.csv", UNITS)
    without = read_scores("unit,item,value\nC,1.1,yes\n", fw24(), "s.csv", UNITS)
    a = compute(fw24(), with_value.answers, list(UNITS.values())).by_unit("C")
    b = compute(fw24(), without.answers, list(UNITS.values())).by_unit("C")
    assert (a.points, a.max, a.index) == (b.points, b.max, b.index)


# -- M37 the units file -------------------------------------------------------------------------


def test_m37_units_file() -> None:
    """M37: header unit plus name, type, group."""
    units, warnings = read_units(
        "unit,name,type,group\nD,Sở Nội vụ,department,Sở\nC,,commune,\n", "units.csv", fw24()
    )
    assert units == [UnitInfo("D", "Sở Nội vụ", "department", "Sở"), UnitInfo("C", None, "commune")]
    assert warnings == ()


def test_m37_duplicate_unit() -> None:
    """M37: unit,type / D,department / D,commune is refused at line 3."""
    error = one_error(lambda: read_units("unit,type\nD,department\nD,commune\n", "units.csv"))
    assert isinstance(error, InputError)
    assert (error.source, error.line, error.unit) == ("units.csv", 3, "D")
    assert "duplicate unit (first at line 2)" in str(error)


def test_m37_units_file_errors() -> None:
    """M37: unknown columns, a missing unit column and empty codes are errors with lines."""
    assert "unknown column 'kind'" in str(one_error(lambda: read_units("unit,kind\n", "u.csv")))
    assert "missing column 'unit'" in str(one_error(lambda: read_units("name\n", "u.csv")))
    error = one_error(lambda: read_units("unit,name\n,Nobody\n", "u.csv"))
    assert (error.line, error.column) == (2, "unit")


def test_m37_type_outside_unit_types_warns() -> None:
    """M37: a type the framework does not list is a warning (the unit gets only untyped nodes)."""
    _, warnings = read_units("unit,type\nX,district\n", "units.csv", fw24())
    assert tuple(map(str, warnings)) == (
        "units.csv:2, unit X: type 'district' is not among the framework's "
        "unit_types (department, commune)",
    )


def test_m37_unit_not_in_units_file() -> None:
    """M37, D6: a row for unit X is refused once; its other rows are still checked."""
    text = "unit,item,value\nX,1.1,yes\nX,1.2,abc\nD,1.1,yes\n"
    found = scores_errors(text, UNITS)
    assert [(e.line, e.unit, e.node, e.column) for e in found] == [
        (2, "X", "1.1", "unit"),
        (3, "X", "1.2", "value"),
    ]
    assert "the unit is not in the units file" in str(found[0])


def test_m37_unit_without_scores_has_every_leaf_missing() -> None:
    """M37: department D without any score: 0.00 of 2.50, index 0.00, missing [1.1, 1.2]."""
    scores = read_scores("unit,item,value\nC,1.1,yes\n", fw24(), "scores.csv", UNITS)
    d = compute(fw24(), scores.answers, list(UNITS.values())).by_unit("D")
    assert (f"{d.points}", f"{d.max}", f"{d.index}") == ("0.00", "2.50", "0.00")
    assert d.missing == ("1.1", "1.2")
