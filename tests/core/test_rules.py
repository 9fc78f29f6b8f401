"""The eight rules and the values they take: docs/methodology.md M11–M21 (docs/formats.md §1)."""

from __future__ import annotations

from fractions import Fraction

import pytest
from pxkit import one_error, one_leaf, points, score

from parindex.core import Framework, ValueRuleError

RATIO_15 = (
    "{type: ratio, brackets: [{min: 100, points: 1.5}, {min: 80, points: 1}, {min: 0, points: 0}]}"
)
CHOICE = "{type: choice, options: {on_time: 1, late: 0.5, none: 0}}"


def refused(fw: Framework, value: str) -> ValueRuleError:
    """The error a value gets: a ValueRuleError naming the leaf and the value as written."""
    error = one_error(lambda: score(fw, value))
    assert isinstance(error, ValueRuleError), type(error)
    assert error.node == fw.leaves[0].code and error.value == value
    assert f"node {error.node}" in str(error) and f"value {value!r}" in str(error)
    return error


# -- M11 reading a cell -------------------------------------------------------------------------


def test_m11_nfc_decomposed_co_reads_as_co() -> None:
    """M11: "Có" in decomposed form earns 1.50 on a yes_no leaf of max 1.5."""
    fw = one_leaf("{type: yes_no}", max="1.5")
    decomposed = "Co\u0301"
    assert decomposed != "Có"
    assert points(fw, decomposed) == "1.50"
    assert points(fw, "Có") == "1.50"


def test_m11_cells_are_trimmed() -> None:
    """M11: " late " reads as late."""
    assert points(one_leaf(CHOICE), " late ") == "0.50"
    assert points(one_leaf(CHOICE), "\tlate\n") == "0.50"


def test_m11_comma_is_refused_with_hint() -> None:
    """M11: 1,5 on a points leaf is refused with the hint write 1.5."""
    error = refused(one_leaf("{type: points}", max="2"), "1,5")
    assert "write 1.5" in str(error)


@pytest.mark.parametrize("value", ["", "   ", None])
def test_m11_empty_cell_is_no_value(value: str | None) -> None:
    """M11: "" and "   " are no value."""
    result = score(one_leaf("{type: yes_no}"), value)
    assert result.status == "missing" and result.points_q == 0


# -- M12 points ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"), [("1.5", "1.50"), ("1.50", "1.50"), ("0", "0.00"), ("2", "2.00")]
)
def test_m12_points_with_step(value: str, expected: str) -> None:
    """M12: max 2, step 0.5: 1.5 → 1.50."""
    assert points(one_leaf("{type: points, step: 0.5}", max="2"), value) == expected


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("1.25", "must be a multiple of 0.5"),
        ("2.5", "must lie in [0, 2]"),
        ("-1", "must not be negative"),
        ("abc", "is not a number"),
        ("1e0", "exponents"),
    ],
)
def test_m12_points_refused(value: str, message: str) -> None:
    """M12: 1.25, 2.5 and -1 are refused at max 2, step 0.5."""
    error = refused(one_leaf("{type: points, step: 0.5}", max="2"), value)
    assert message in str(error) and "points rule" in str(error)


def test_m12_points_without_step_use_rounding() -> None:
    """M12: max 2, no step, rounding 0.01: 1.01 → 1.01, 1.005 refused."""
    fw = one_leaf("{type: points}", max="2")
    assert points(fw, "1.01") == "1.01"
    assert "must be a multiple of 0.01" in str(refused(fw, "1.005"))


# -- M13 choice ---------------------------------------------------------------------------------


def test_m13_choice_late() -> None:
    """M13: late → 0.50."""
    fw = one_leaf(CHOICE)
    assert [points(fw, v) for v in ("on_time", "late", "none")] == ["1.00", "0.50", "0.00"]


def test_m13_choice_keys_match_exactly() -> None:
    """M13: Late is refused."""
    error = refused(one_leaf(CHOICE), "Late")
    assert "is not one of the options: on_time, late, none" in str(error)


# -- M14 yes_no ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("Có", "1.50"),
        ("TRUE", "1.50"),
        ("KHÔNG", "0.00"),
        ("0", "0.00"),
        ("yes", "1.50"),
        ("No", "0.00"),
        ("1", "1.50"),
        ("false", "0.00"),
        ("CÓ", "1.50"),
        ("không", "0.00"),
    ],
)
def test_m14_yes_no(value: str, expected: str) -> None:
    """M14: max 1.5: Có → 1.50, TRUE → 1.50, KHÔNG → 0.00, 0 → 0.00."""
    assert points(one_leaf("{type: yes_no}", max="1.5"), value) == expected


@pytest.mark.parametrize("value", ["maybe", "2", "y", "có không"])
def test_m14_yes_no_refused(value: str) -> None:
    """M14: maybe is refused."""
    error = refused(one_leaf("{type: yes_no}", max="1.5"), value)
    assert "must be yes/no, có/không, true/false or 1/0" in str(error)


# -- M15 ratio forms ----------------------------------------------------------------------------


@pytest.mark.parametrize("value", ["17/20", "17 / 20", "85%", "85 %", "0.85", "8.5/10"])
def test_m15_ratio_forms_85_percent(value: str) -> None:
    """M15: 17/20, 17 / 20, 85% and 0.85 are all 85% → 1.00."""
    assert points(one_leaf(RATIO_15, max="1.5"), value) == "1.00"


@pytest.mark.parametrize("value", ["120%", "6/5", "1", "100%"])
def test_m15_ratio_at_or_above_100(value: str) -> None:
    """M15: 120% and 6/5 → 1.50; 1 is 100% → 1.50."""
    assert points(one_leaf(RATIO_15, max="1.5"), value) == "1.50"


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("1.2", "a plain ratio must lie in [0, 1]"),
        ("0/0", "the denominator must be greater than 0"),
        ("-1/2", "must not be negative"),
        ("85,5%", "write 85.5"),
        ("abc", "is not a number"),
        ("1/2/3", "is not a number"),
    ],
)
def test_m15_ratio_refused(value: str, message: str) -> None:
    """M15: 1.2, 0/0 and -1/2 are refused."""
    error = refused(one_leaf(RATIO_15, max="1.5"), value)
    assert message in str(error) and "ratio rule" in str(error)


# -- M16 exact bracket test ---------------------------------------------------------------------


def test_m16_two_thirds_below_66_67() -> None:
    """M16: 2/3 is 66.666…% < 66.67 → 0.00; 6667/10000 is exactly 66.67% → 1.00."""
    fw = one_leaf("{type: ratio, brackets: [{min: 66.67, points: 1}, {min: 0, points: 0}]}")
    assert points(fw, "2/3") == "0.00"
    assert points(fw, "6667/10000") == "1.00"
    assert points(fw, "66.67%") == "1.00"


def test_m16_exactly_80_percent_reaches_the_bracket() -> None:
    """M16: 4/5 is exactly 80% → 1.00; 799/1000 → 0.00."""
    fw = one_leaf(RATIO_15, max="1.5")
    assert points(fw, "4/5") == "1.00"
    assert points(fw, "799/1000") == "0.00"


def test_m16_bracket_mins_above_100() -> None:
    """M16: brackets 120/100/0, max 2: 6/5 → 2.00, 119% → 1.00."""
    fw = one_leaf(
        "{type: ratio, brackets: [{min: 120, points: 2}, {min: 100, points: 1}, "
        "{min: 0, points: 0}]}",
        max="2",
    )
    assert points(fw, "6/5") == "2.00"
    assert points(fw, "119%") == "1.00"


# -- M17 proportional ---------------------------------------------------------------------------


def test_m17_proportional_two_thirds() -> None:
    """M17: max 1.5, value 2/3 → 1.5 × 2/3 = 1.00 (exactly 1)."""
    fw = one_leaf("{type: proportional}", max="1.5")
    assert score(fw, "2/3").exact == Fraction(1)
    assert points(fw, "2/3") == "1.00"


def test_m17_proportional_above_100_counts_as_1() -> None:
    """M17: max 1.5, 120% → 1.50."""
    assert points(one_leaf("{type: proportional}", max="1.5"), "120%") == "1.50"


@pytest.mark.parametrize(("value", "expected"), [("1/3", "0.33"), ("1/8", "0.13")])
def test_m17_proportional_rounds_once(value: str, expected: str) -> None:
    """M17: max 1, 1/3 → 0.33; 1/8 → 0.125 → 0.13."""
    assert points(one_leaf("{type: proportional}"), value) == expected


# -- M18 count ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [("3", "1.50"), ("5", "2.00"), ("0", "0.00"), (" 4 ", "2.00"), ("007", "2.00")],
)
def test_m18_count(value: str, expected: str) -> None:
    """M18: per_item 0.5, max 2: 3 → 1.50; 5 → 2.5 capped → 2.00; 0 → 0.00."""
    assert points(one_leaf("{type: count, per_item: 0.5}", max="2"), value) == expected


@pytest.mark.parametrize("value", ["2.0", "+3", "-1", "٣", "３", "1,000", "two"])
def test_m18_count_digits_only(value: str) -> None:
    """M18, D2: 2.0, +3, -1 and ٣ are refused."""
    error = refused(one_leaf("{type: count, per_item: 0.5}", max="2"), value)
    assert "must be a whole number written with digits" in str(error)


# -- M19 deduction ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"), [("1", "1.25"), ("2", "0.50"), ("3", "0.00"), ("0", "2.00")]
)
def test_m19_deduction(value: str, expected: str) -> None:
    """M19: per_item 0.75, max 2: 1 → 1.25; 2 → 0.50; 3 → 0.00."""
    assert points(one_leaf("{type: deduction, per_item: 0.75}", max="2"), value) == expected


def test_m19_deduction_counts_digits_only() -> None:
    """M19: violations are counts too."""
    refused(one_leaf("{type: deduction, per_item: 0.75}", max="2"), "1.5")


# -- M20 survey ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("73.5", "2.21"),
        ("73.5%", "2.21"),
        ("73.5 %", "2.21"),
        ("100", "3.00"),
        ("0.5", "0.02"),
        ("0", "0.00"),
    ],
)
def test_m20_survey(value: str, expected: str) -> None:
    """M20: max 3: 73.5 → 2.205 → 2.21; 100 → 3.00; 0.5 (%) → 0.015 → 0.02."""
    assert points(one_leaf("{type: survey}", max="3"), value) == expected


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("100.5", "must lie in [0, 100]"),
        ("101%", "must lie in [0, 100]"),
        ("-1", "must not be negative"),
        ("73,5", "write 73.5"),
    ],
)
def test_m20_survey_refused(value: str, message: str) -> None:
    """M20: 100.5 is refused."""
    assert message in str(refused(one_leaf("{type: survey}", max="3"), value))


# -- M21 n/a ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value",
    [
        "n/a",
        "N/A",
        "KAD",
        "kad",
        "Không áp dụng",
        "KHÔNG ÁP DỤNG",
        " n/a ",
        "Kho\u0302ng a\u0301p du\u0323ng",
    ],
)
def test_m21_na_words(value: str) -> None:
    """M21: N/A, KAD, Không áp dụng, KHÔNG ÁP DỤNG are n/a on a leaf with allow_na."""
    result = score(one_leaf("{type: yes_no}", extra=", allow_na: true"), value)
    assert result.status == "na"


@pytest.mark.parametrize(
    "rule", ["{type: yes_no}", RATIO_15, "{type: count, per_item: 0.5}", "{type: points}"]
)
def test_m21_na_refused_without_allow_na(rule: str) -> None:
    """M21: on a leaf without allow_na, n/a is refused with this leaf does not allow n/a."""
    error = refused(one_leaf(rule, max="1.5"), "n/a")
    assert "this leaf does not allow n/a" in str(error)


@pytest.mark.parametrize(
    "rule", ["{type: proportional}", "{type: survey}", CHOICE, "{type: deduction, per_item: 0.5}"]
)
def test_m21_every_rule_type_takes_na_with_allow_na(rule: str) -> None:
    """M21: any leaf with allow_na: true also takes n/a."""
    assert score(one_leaf(rule, extra=", allow_na: true"), "KAD").status == "na"
