"""Every rule's explanation names its inputs: the text a person reads next to a leaf's points.

Each test builds a one-leaf framework and reads ``score_leaf(...).explanation`` in both
languages. docs/methodology.md cites these tests in the section of each rule (M12–M22, M30).
"""

from __future__ import annotations

from parindex.core import Text, load_framework, score_leaf
from parindex.core.scoring import LeafScore

HEAD = 'format: parindex.framework/1\ncode: demo\nversion: "2024"\ntitle: Demo\n'


def explain(
    rule: str, value: str | None, *, max: str = "1", extra: str = "", head: str = ""
) -> Text:
    return scored(rule, value, max=max, extra=extra, head=head).explanation


def scored(
    rule: str, value: str | None, *, max: str = "1", extra: str = "", head: str = ""
) -> LeafScore:
    text = HEAD + head + f'nodes:\n  - {{code: "1", title: L, max: {max}, rule: {rule}{extra}}}\n'
    framework = load_framework(text, "fw.yaml")
    return score_leaf(framework, framework.leaves[0], value)


BRACKETS = (
    "{type: ratio, brackets: [{min: 100, points: 1.5}, {min: 80, points: 1}, {min: 0, points: 0}]}"
)


def test_choice_names_the_option_and_its_points() -> None:
    """M13: `late` on {on_time: 1, late: 0.5, none: 0}."""
    rule = "{type: choice, options: {on_time: 1, late: 0.5, none: 0}}"
    assert explain(rule, "late") == Text("Lựa chọn «late» → 0,5 điểm", "Option «late» → 0.5 points")


def test_ratio_names_the_fraction_percentage_and_bracket() -> None:
    """M15: 17/20, 85% and 0.85 all reach the 80% bracket of max 1.5."""
    assert explain(BRACKETS, "17/20", max="1.5") == Text(
        "Tỷ lệ 17/20 = 85% ≥ mức 80% → 1 điểm", "Ratio 17/20 = 85% ≥ bracket 80% → 1 point"
    )
    assert explain(BRACKETS, "85%", max="1.5") == Text(
        "Tỷ lệ 85% ≥ mức 80% → 1 điểm", "Ratio 85% ≥ bracket 80% → 1 point"
    )
    assert explain(BRACKETS, "0.85", max="1.5").en == "Ratio 0.85 = 85% ≥ bracket 80% → 1 point"


def test_ratio_shows_a_repeating_percentage_as_approximate() -> None:
    """M16: 2/3 is 66.666…%, below the 66.67 bracket; the text says ≈ and names bracket 0."""
    rule = "{type: ratio, brackets: [{min: 66.67, points: 1}, {min: 0, points: 0}]}"
    assert explain(rule, "2/3") == Text(
        "Tỷ lệ 2/3 ≈ 66,67% ≥ mức 0% → 0 điểm", "Ratio 2/3 ≈ 66.67% ≥ bracket 0% → 0 points"
    )


def test_proportional_shows_ratio_times_max_equals_points() -> None:
    """M17: max 1.5, 2/3 → exactly 1."""
    assert explain("{type: proportional}", "2/3", max="1.5") == Text(
        "Tỷ lệ 2/3 ≈ 66,67% × 1,5 = 1 điểm", "Ratio 2/3 ≈ 66.67% × 1.5 = 1 point"
    )


def test_proportional_notes_that_above_100_percent_counts_as_100() -> None:
    """M17: max 1.5, 120% counts as 1."""
    assert explain("{type: proportional}", "120%", max="1.5") == Text(
        "Tỷ lệ 120% × 1,5 = 1,5 điểm (tỷ lệ vượt 100% tính là 100%)",
        "Ratio 120% × 1.5 = 1.5 points (a ratio above 100% counts as 100%)",
    )


def test_count_shows_the_product_and_the_cap() -> None:
    """M18: per_item 0.5, max 2: 3 → 1.5; 5 → 2.5, capped at 2."""
    rule = "{type: count, per_item: 0.5}"
    assert explain(rule, "3", max="2") == Text("3 × 0,5 = 1,5 điểm", "3 × 0.5 = 1.5 points")
    assert explain(rule, "5", max="2") == Text(
        "5 × 0,5 = 2,5, giới hạn ở tối đa 2 điểm", "5 × 0.5 = 2.5, capped at the max of 2 points"
    )


def test_deduction_shows_the_subtraction_and_never_goes_below_zero() -> None:
    """M19: per_item 0.75, max 2: 1 → 1.25; 3 → 2 − 2.25 < 0 → 0."""
    rule = "{type: deduction, per_item: 0.75}"
    assert explain(rule, "1", max="2") == Text(
        "2 − 1 vi phạm × 0,75 = 1,25 điểm", "2 − 1 violation(s) × 0.75 = 1.25 points"
    )
    assert explain(rule, "3", max="2") == Text(
        "2 − 3 vi phạm × 0,75 = −0,25, không dưới 0 → 0 điểm",
        "2 − 3 violation(s) × 0.75 = −0.25, never below 0 → 0 points",
    )


def test_survey_shows_percent_times_max() -> None:
    """M20: max 3, 100% → 3."""
    assert explain("{type: survey}", "100%", max="3") == Text(
        "Kết quả khảo sát 100% × 3 = 3 điểm", "Survey result 100% × 3 = 3 points"
    )


def test_points_given_directly() -> None:
    """M12: max 2, step 0.5, 1.5 → 1.5."""
    assert explain("{type: points, step: 0.5}", "1.5", max="2") == Text(
        "Điểm chấm trực tiếp: 1,5", "Points given directly: 1.5"
    )


def test_yes_no_names_the_answer_and_the_max() -> None:
    """M14: max 1.5: Có → 1.5, no → 0."""
    assert explain("{type: yes_no}", "Có", max="1.5") == Text(
        "Có → 1,5 điểm (tối đa)", "Yes → 1.5 points (max)"
    )
    assert explain("{type: yes_no}", "no", max="1.5") == Text("Không → 0 điểm", "No → 0 points")


def test_na_under_rescale_leaves_points_and_maximum() -> None:
    """M25: n/a under the default `not_applicable: rescale`."""
    leaf = scored("{type: yes_no}", "N/A", max="1.5", extra=", allow_na: true")
    assert (leaf.points, leaf.max) == (0, 0)
    assert leaf.explanation == Text(
        "Không áp dụng: không tính vào điểm và điểm tối đa",
        "Not applicable: left out of points and maximum",
    )


def test_na_under_full_earns_the_max() -> None:
    """M25: n/a under `not_applicable: full`."""
    leaf = scored(
        "{type: yes_no}", "KAD", max="1.5", extra=", allow_na: true", head="not_applicable: full\n"
    )
    assert leaf.points == leaf.max == 1.5
    assert leaf.explanation == Text(
        "Không áp dụng: được tối đa 1,5 điểm", "Not applicable: earns the max of 1.5 points"
    )


def test_rounding_note_when_points_were_rounded() -> None:
    """M22: 0.25 at rounding 0.1 → 0.3; 1/3 of 1 → 0.33. No note when nothing was rounded."""
    assert explain("{type: survey}", "25", head='rounding: "0.1"\n') == Text(
        "Kết quả khảo sát 25% × 1 = 0,25 điểm; làm tròn còn 0,3",
        "Survey result 25% × 1 = 0.25 points; rounded to 0.3",
    )
    # The exact product shows before the rounding (2.205, not ≈2.21).
    assert explain("{type: survey}", "73.5", max="3").en == (
        "Survey result 73.5% × 3 = 2.205 points; rounded to 2.21"
    )
    third = explain("{type: proportional}", "1/3")
    assert third.vi.endswith("; làm tròn còn 0,33")
    assert third.en.endswith("; rounded to 0.33")
    exact = explain("{type: proportional}", "2/3", max="1.5")
    assert "làm tròn" not in exact.vi and "rounded" not in exact.en


def test_missing_value() -> None:
    """M30: no value (None, or only spaces) earns 0 and says so."""
    for value in (None, "   "):
        leaf = scored("{type: yes_no}", value, max="1.5")
        assert leaf.status == "missing"
        assert leaf.explanation == Text("Chưa có giá trị: 0 điểm", "No value: 0 points")
