"""Text in and out of the core: control characters refused in every file read, with the line
(and column) named; text cells of the CSV output never evaluated by a spreadsheet."""

from __future__ import annotations

import csv
import io

import pytest
from pxkit import errors_of, fw_text, load, one_error
from surveykit import Q_TEXT

from parindex.core import FrameworkError, InputError, UnitInfo, compute, read_scores, read_units
from parindex.core.cells import control_character, inert
from parindex.core.report import to_csv
from parindex.core.survey import SurveyError, load_questionnaire

NODES = """
- code: "1"
  title: A
  children:
    - {code: "1.1", title: a, max: 1, rule: {type: yes_no}}
    - {code: "1.2", title: b, max: 1.5, rule: {type: proportional}}
"""


@pytest.mark.parametrize("char", ["\x00", "\x01", "\x08", "\x0b", "\x1b", "\x7f"])
def test_control_characters_are_found(char: str) -> None:
    assert control_character(f"Hà Nội{char}x") == 6


@pytest.mark.parametrize("text", ["Hà Nội", "a\tb", "line one\nline two\r\n", ""])
def test_tab_and_line_breaks_are_text(text: str) -> None:
    assert control_character(text) is None


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ('=HYPERLINK("http://x","y")', '\'=HYPERLINK("http://x","y")'),
        ("+1", "'+1"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("Sở Nội vụ", "Sở Nội vụ"),
        ("a=b", "a=b"),
        ("", ""),
    ],
)
def test_inert_text(text: str, shown: str) -> None:
    assert inert(text) == shown


def test_a_framework_with_a_nul_byte_names_its_line() -> None:
    text = fw_text(NODES).replace("title: a,", "title: a\x00,")
    error = one_error(lambda: load(NODES.replace("title: a,", "title: a\x00,")))
    assert isinstance(error, FrameworkError)
    assert error.code == "text.control_character"
    assert error.line == text.split("\x00")[0].count("\n") + 1 == 9
    assert "U+0000" in error.render("en")
    assert "ký tự điều khiển U+0000" in error.render("vi")


def test_a_questionnaire_with_a_control_character_names_its_line() -> None:
    lines = Q_TEXT.splitlines()
    lines[2] = lines[2] + "\x1b"
    with pytest.raises(SurveyError) as caught:
        load_questionnaire("\n".join(lines) + "\n", "q.yaml")
    assert caught.value.code == "text.control_character"
    assert caught.value.line == 3


def test_rounding_with_39_decimals_is_a_framework_error() -> None:
    with pytest.raises(FrameworkError):
        load(NODES, "rounding: 0." + "0" * 38 + "1\n")
    with pytest.raises(FrameworkError):
        load(NODES, 'rounding: "0.' + "0" * 38 + '1"\n')


def test_a_scores_file_with_control_characters_names_line_and_column() -> None:
    fw = load(NODES)
    text = "unit,item,value\nD,1.1,yes\nD,1.2,1\x00/2\nC\x07,1.1,no\n"
    found = errors_of(lambda: read_scores(text, fw, "scores.csv"))
    assert [(e.code, e.line, e.column) for e in found] == [
        ("text.control_character", 3, "value"),
        ("text.control_character", 4, "unit"),
    ]
    assert all(isinstance(e, InputError) for e in found)


def test_a_units_file_with_a_nul_byte_names_line_and_column() -> None:
    error = one_error(lambda: read_units("unit,name\nHN,Hà Nội\x00\n", "units.csv"))
    assert (error.code, error.source, error.line, error.column) == (
        "text.control_character",
        "units.csv",
        2,
        "name",
    )


def test_compute_csv_text_cells_are_inert_numbers_stay_numbers() -> None:
    fw = load(NODES, "unit_types: [department]\n")
    units = [
        UnitInfo("=1+1", name='=HYPERLINK("http://x","y")', type="department", group="@SUM(A1)"),
        UnitInfo("-U", name="+Sở", type="department", group="-"),
        UnitInfo("HN", name="Hà Nội", type="department", group="Khối sở"),
    ]
    answers = {
        "=1+1": {"1.1": "yes", "1.2": "1/2"},
        "-U": {"1.1": "no", "1.2": "0"},
        "HN": {"1.1": "yes"},
    }
    rows = list(csv.DictReader(io.StringIO(to_csv(compute(fw, answers, units)))))
    first = next(r for r in rows if r["unit"] == "'=1+1")
    assert first["name"] == '\'=HYPERLINK("http://x","y")'
    assert first["group"] == "'@SUM(A1)"
    assert first["type"] == "department"
    assert first["points"] == "1.75"
    second = next(r for r in rows if r["unit"] == "'-U")
    assert (second["name"], second["group"], second["points"]) == ("'+Sở", "'-", "0.00")
    third = next(r for r in rows if r["unit"] == "HN")
    assert (third["name"], third["group"]) == ("Hà Nội", "Khối sở")
    for row in rows:
        for column in ("points", "max", "index", "points_1", "points_1.1"):
            assert not row[column].startswith("'")
