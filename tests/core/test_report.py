"""The compute output: docs/methodology.md M38–M41 (docs/formats.md §3)."""

from __future__ import annotations

import csv
import io
import json

import pytest
from pxkit import load

from parindex.core import Framework, UnitInfo, compute, read_units
from parindex.core.report import to_csv, to_json, to_table

M24 = """
- code: "1"
  title: A
  children:
    - {code: "1.1", title: a, max: 1, rule: {type: yes_no}}
    - {code: "1.2", title: b, max: 1.5, rule: {type: proportional}, applies_to: [department]}
"""
HEAD = (
    "unit_types: [department, commune]\n"
    "bands:\n  - {code: A, min: 90}\n  - {code: B, min: 80}\n"
    "  - {code: C, min: 50}\n  - {code: D, min: 0}\n"
)
UNITS = "unit,name,type\nD,Sở Nội vụ,department\nC,,commune\n"


def fw38(rounding: str | None = None) -> Framework:
    extra = f'rounding: "{rounding}"\n' if rounding else ""
    return load(M24, HEAD + extra)


def units_of(fw: Framework, text: str = UNITS) -> list[UnitInfo]:
    return read_units(text, "units.csv", fw)[0]


def test_m38_json_entry_of_department_d() -> None:
    """M38: D's entry, exactly as in the document."""
    fw = fw38()
    result = compute(fw, {"D": {"1.1": "yes", "1.2": "2/3"}}, units_of(fw))
    out = to_json(result)
    assert out["framework"] == {"code": "demo", "version": "2024"}
    assert out["units"][0] == {
        "unit": "D",
        "name": "Sở Nội vụ",
        "type": "department",
        "group": None,
        "points": "2.00",
        "max": "2.50",
        "index": "80.00",
        "rank": 1,
        "band": "B",
        "nodes": {
            "1": {"points": "2.00", "max": "2.50", "index": "80.00"},
            "1.1": {"points": "1.00", "max": "1.00", "index": "100.00"},
            "1.2": {"points": "1.00", "max": "1.50", "index": "66.67"},
        },
        "missing": [],
    }
    assert list(out["units"][0]["nodes"]) == ["1", "1.1", "1.2"]  # framework order
    assert [u["unit"] for u in out["units"]] == ["D", "C"]
    json.dumps(out)  # plain JSON types only


@pytest.mark.parametrize(
    ("rounding", "expected"),
    [("0.1", ("2.0", "2.5", "80.0")), ("0.001", ("2.000", "2.500", "80.000"))],
)
def test_m38_decimals_carry_the_places_of_rounding(
    rounding: str, expected: tuple[str, str, str]
) -> None:
    """M38: rounding 0.1 → "2.0", "2.5", "80.0"; rounding 0.001 → "80.000"."""
    fw = fw38(rounding)
    entry = to_json(compute(fw, {"D": {"1.1": "yes", "1.2": "2/3"}}, units_of(fw)))["units"][0]
    assert (entry["points"], entry["max"], entry["index"]) == expected


def test_m38_rounding_1_has_no_decimal_point() -> None:
    """M38: rounding 1 gives whole numbers: 2 of 3 is 66.67 %, written "67"."""
    fw = load('- {code: "1", title: L, max: 3, rule: {type: points}}', 'rounding: "1"\n')
    entry = to_json(compute(fw, {"U": {"1": "2"}}))["units"][0]
    assert (entry["points"], entry["max"], entry["index"]) == ("2", "3", "67")
    assert to_csv(compute(fw, {"U": {"1": "2"}})).splitlines()[1] == "U,,,,2,3,67,1,,,2"


def test_m38_nulls_for_max_zero_and_bonus_nodes() -> None:
    """M29/M31/M38: index null for a bonus node and for a maximum of 0; rank and band null."""
    fw = load("""
        - {code: "1", title: A, max: 1, rule: {type: yes_no}, allow_na: true}
        - code: "B"
          title: Bonus
          kind: bonus
          children:
            - {code: "B.1", title: b, max: 1, rule: {type: yes_no}}
    """)
    entry = to_json(compute(fw, {"U": {"1": "n/a", "B.1": "yes"}}))["units"][0]
    assert (entry["points"], entry["max"], entry["index"], entry["rank"], entry["band"]) == (
        "1.00",
        "0.00",
        None,
        None,
        None,
    )
    assert entry["nodes"]["1"] == {"points": "0.00", "max": "0.00", "index": None}
    assert entry["nodes"]["B"] == {"points": "1.00", "max": "1.00", "index": None}


def test_m39_csv_for_commune_c() -> None:
    """M39: the two lines for commune C alone; points_1.2 is empty."""
    fw = fw38()
    result = compute(fw, {}, units_of(fw, "unit,type\nC,commune\n"))
    assert to_csv(result) == (
        "unit,name,type,group,points,max,index,rank,band,missing,points_1,points_1.1,points_1.2\n"
        "C,,commune,,0.00,1.00,0.00,1,D,1.1,0.00,0.00,\n"
    )


def test_m39_csv_missing_joined_and_quoted_names() -> None:
    """M39: missing joined by ';'; names with commas are quoted, so the CSV stays readable."""
    fw = fw38()
    units = units_of(fw, 'unit,name,type,group\nD,"Sở Tư pháp, tỉnh",department,Sở\n')
    rows = list(csv.reader(io.StringIO(to_csv(compute(fw, {}, units)))))
    assert rows[1][:10] == [
        "D",
        "Sở Tư pháp, tỉnh",
        "department",
        "Sở",
        "0.00",
        "2.50",
        "0.00",
        "1",
        "D",
        "1.1;1.2",
    ]


def test_m40_table() -> None:
    """M40: a title line, then group, rank, unit, name, points, max, index, band, missing."""
    fw = fw38()
    table = to_table(compute(fw, {"D": {"1.1": "yes", "1.2": "2/3"}}, units_of(fw)))
    assert table == (
        "Demo — demo 2024 (max 2.5)\n"
        "group  rank  unit  name       points   max  index  band  missing\n"
        "-         1  D     Sở Nội vụ    2.00  2.50  80.00  B\n"
        "-         2  C                  0.00  1.00   0.00  D           1\n"
    )


def test_m41_json_lists_units_in_listing_order() -> None:
    """M41: by group (no group last), rank, code — in JSON and CSV alike."""
    fw = fw38()
    units = units_of(fw, "unit,type,group\nb,commune,Xã\nA,commune\nZ,commune,Xã\nY,commune,Xã\n")
    answers = {"b": {"1.1": "yes"}, "A": {"1.1": "yes"}, "Z": {"1.1": "yes"}, "Y": {"1.1": "no"}}
    result = compute(fw, answers, units)
    assert [u["unit"] for u in to_json(result)["units"]] == ["Z", "b", "Y", "A"]
    assert [line.split(",")[0] for line in to_csv(result).splitlines()[1:]] == ["Z", "b", "Y", "A"]
