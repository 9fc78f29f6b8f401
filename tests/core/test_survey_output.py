"""The survey output: docs/methodology.md S12 (docs/formats.md §4.4)."""

from __future__ import annotations

from surveykit import run

from parindex.core.survey_report import to_json, to_scores_csv, to_table


def test_s12_scores_file() -> None:
    """S12: units in code-point order, leaves in questionnaire order, two decimals, only leaves
    with a value."""
    assert to_scores_csv(run()) == "unit,item,value\nU1,8.1,56.67\nU1,8.2,80.00\n"


def test_s12_scores_file_order_code_points() -> None:
    """S12: `a1` sorts after `Z9` and `U1` (code-point order); leaf 8.1 before 8.2."""
    text = "response,group,unit,Q1,Q2,Q3\n" + "".join(
        f"r{u}{i},LD,{u},A,,B\n" for u in ("a1", "Z9", "U1") for i in range(2)
    )
    assert to_scores_csv(run(text)).splitlines() == [
        "unit,item,value",
        "U1,8.1,100.00",
        "U1,8.2,60.00",
        "Z9,8.1,100.00",
        "Z9,8.2,60.00",
        "a1,8.1,100.00",
        "a1,8.2,60.00",
    ]


def test_s12_json_shape() -> None:
    """S12: exactly the §4.4 shape: survey, units, leaves, groups asked in questionnaire order."""
    data = to_json(run())
    assert data["survey"] == {"code": "demo-survey", "version": "2024"}
    assert [u["unit"] for u in data["units"]] == ["U1", "U2"]
    assert data["units"][0]["leaves"]["8.1"] == {
        "value": "56.67",
        "margin": "22.94",
        "groups": {
            "LD": {"n": 3, "mean": "60.00", "included": True},
            "ND": {"n": 3, "mean": "55.00", "included": True},
        },
        "flags": [],
    }
    assert data["units"][1]["leaves"]["8.2"] == {
        "value": None,
        "margin": None,
        "groups": {"LD": {"n": 1, "mean": "100.00", "included": False}},
        "flags": ["insufficient"],
    }
    assert list(data["units"][0]["leaves"]) == ["8.1", "8.2"]


def test_s12_table() -> None:
    """S12: one line per unit and leaf; `*` marks a group below min_n."""
    lines = to_table(run()).splitlines()
    assert lines[0] == "demo-survey 2024: 10 forms, 2 units, 2 leaves"
    assert lines[1].split() == [
        "unit",
        "leaf",
        "value",
        "margin",
        "n",
        "by",
        "group",
        "(*",
        "below",
        "min_n)",
        "flags",
    ]
    assert lines[2].split() == ["U1", "8.1", "56.67", "22.94", "LD", "3", "ND", "3"]
    assert lines[4].split() == ["U2", "8.1", "-", "-", "LD", "1*", "ND", "2*", "insufficient"]
