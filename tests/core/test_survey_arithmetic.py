"""The survey arithmetic: docs/methodology.md S5–S9, S13, S14 (docs/formats.md §4.3), checked
against a plain reference implementation, with hypothesis invariants."""

from __future__ import annotations

import random
from decimal import Decimal
from fractions import Fraction

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pxkit import load
from surveykit import Q_TEXT, R_TEXT, figures, questionnaire, reference, run

from parindex.core import survey_aggregate
from parindex.core.survey import check_against_framework, unfed_survey_leaves
from parindex.core.survey_aggregate import csv_text, read_responses
from parindex.core.survey_arith import GroupSums, leaf_value_and_margin, sqrt_hundredths
from parindex.core.tables import read_units


def test_s5_respondent_scores() -> None:
    """S5: r4 scores 75, r5 60, r6 30 on leaf 8.1; r7 ("don't know" twice) does not count."""
    nd = run().unit("U1").leaf("8.1").groups[1]
    assert nd.n == 3
    assert nd.sums.mean == Fraction(75 + 60 + 30, 3)
    lead = run().unit("U1").leaf("8.2").groups[0]
    assert (lead.n, lead.sums.mean) == (2, 80)  # r2's E does not count


def test_s6_group_means_n_and_min_n() -> None:
    """S6: U1 leaf 8.1: LD n 3 mean 60, ND n 3 mean 55; U2: LD n 1 < 2, ND n 2 < 3 excluded."""
    u1 = run().unit("U1").leaf("8.1")
    assert [(g.code, g.n, g.mean, g.included) for g in u1.groups] == [
        ("LD", 3, Decimal("60.00"), True),
        ("ND", 3, Decimal("55.00"), True),
    ]
    u2 = run().unit("U2").leaf("8.1")
    assert [(g.code, g.n, g.mean, g.included) for g in u2.groups] == [
        ("LD", 1, Decimal("100.00"), False),
        ("ND", 2, Decimal("77.50"), False),
    ]


def test_s7_value_rounded_once_from_exact_means() -> None:
    """S7: (1 × 60 + 2 × 55) / 3 = 56.666… → 56.67; leaf 8.2 → 80.00."""
    result = figures(run())
    assert result[("U1", "8.1")][0] == "56.67"
    assert result[("U1", "8.2")][0] == "80.00"


def test_s8_margin() -> None:
    """S8: radicand 3.8416 × 3700/27 = 355348/675, margin 22.94; leaf 8.2: 39.20."""
    u1 = run().unit("U1").leaf("8.1")
    lead, people = u1.groups
    assert lead.sums.variance == 1600 and people.sums.variance == 525
    radicand = Fraction(38416, 10000) * (Fraction(1, 9) * Fraction(1600, 3) + Fraction(4, 9) * 175)
    assert radicand == Fraction(355348, 675)
    assert figures(run())[("U1", "8.1")] == ("56.67", "22.94", ())
    assert figures(run())[("U1", "8.2")] == ("80.00", "39.20", ())


def test_s9_flags() -> None:
    """S9: U2 insufficient; ND min_n 2 → partial 77.50 ± 44.10; LD min_n 1 too → single,
    85.00 ± 29.40."""
    assert figures(run())[("U2", "8.1")] == (None, None, ("insufficient",))
    assert figures(run())[("U2", "8.2")] == (None, None, ("insufficient",))
    q2 = questionnaire(Q_TEXT.replace("min_n: 3", "min_n: 2"))
    assert figures(run(q=q2))[("U2", "8.1")] == ("77.50", "44.10", ("partial",))
    q1 = questionnaire(
        Q_TEXT.replace("min_n: 3", "min_n: 2").replace("min_n: 2, weight: 1", "min_n: 1, weight: 1")
    )
    assert figures(run(q=q1))[("U2", "8.1")] == ("85.00", "29.40", ("single",))


def test_s9_partial_and_single_together() -> None:
    """S9: both flags when one group is excluded and an included one has n = 1."""
    text = (
        Q_TEXT.replace("min_n: 2, weight: 1", "min_n: 1, weight: 1")
        .replace("  - {code: ND, title", "  - {code: CC, min_n: 5}\n  - {code: ND, title")
        .replace("groups: [LD, ND]", "groups: [LD, CC, ND]")
    )
    q = questionnaire(text)
    responses = "response,group,unit,Q1,Q2,Q3\nr1,LD,U1,A,,\nr2,CC,U1,A,,\nr3,ND,U1,B,B,\n"
    assert figures(run(responses, q=q))[("U1", "8.1")][2] == ("partial", "single")


def test_s13_root_rounding_exact() -> None:
    """S13: √0.25 = 0.5 → 1 hundredth up; 0.249999 → 0; 2.25 → 1.50; 1536.64 → 39.20."""
    # sqrt_hundredths(p, q) rounds √(p/q) half-up; X = 10⁴ × radicand.
    assert sqrt_hundredths(25, 100) == 1  # radicand 0.000025
    assert sqrt_hundredths(249_999, 1_000_000) == 0  # radicand 0.0000249999
    assert sqrt_hundredths(22_500, 1) == 150  # radicand 2.25
    assert sqrt_hundredths(15_366_400, 1) == 3920  # radicand 1536.64
    for x in range(0, 50_000, 7):  # against the definition (m − ½)² ≤ X < (m + ½)²
        m = sqrt_hundredths(x, 4)
        assert (2 * m - 1) ** 2 <= x or m == 0
        assert x < (2 * m + 1) ** 2


def test_s13_margin_of_single_group() -> None:
    """S13: one group of two scores 60 and 100 (s² = 800, n = 2) gives 39.20 exactly."""
    g = GroupSums(n=2, total=160, squares=60 * 60 + 100 * 100, scale=1)
    assert leaf_value_and_margin([(1, g)]) == (8000, 3920)
    assert leaf_value_and_margin([]) == (None, None)


def test_s14_scores_in_a_common_unit() -> None:
    """S14: a leaf of two questions: scores 75 (c = 2) and 60 (c = 1) → mean 67.50."""
    text = Q_TEXT.replace("min_n: 3", "min_n: 1")
    responses = "response,group,unit,Q1,Q2,Q3\nr1,ND,U1,A,B,\nr2,ND,U1,B,,\n"
    people = run(responses, q=questionnaire(text)).unit("U1").leaf("8.1").groups[1]
    assert (people.sums.scale, people.sums.total, people.n) == (2, 270, 2)
    assert people.mean == Decimal("67.50")


def test_s14_decimal_percentages_and_python_integers(monkeypatch) -> None:
    """S14: percentages with decimals (d = 2) and sums too big for int64 stay exact."""
    text = Q_TEXT.replace(
        "{A: 100, B: 60, C: 20, D: 0, E: null}", "{A: 100, B: 66.67, C: 33.33, D: 0, E: null}"
    )
    q = questionnaire(text)
    expected = reference(q, read_responses(q, csv_text(R_TEXT)))
    assert figures(run(q=q)) == expected
    monkeypatch.setattr(survey_aggregate, "_INT64_SAFE", 10)  # force the Python-integer path
    assert figures(run(q=q)) == expected
    monkeypatch.setattr(survey_aggregate, "CHUNK_ROWS", 3)  # several chunks, growth of units
    assert figures(run(q=q)) == expected


def test_hash_collision_of_distinct_ids_is_not_an_error(monkeypatch) -> None:
    """Duplicate response ids are found by hash first; distinct ids sharing a hash still
    aggregate, after the row-by-row reader found no real duplicate."""
    real = survey_aggregate._Aggregator.may_hold_duplicates
    monkeypatch.setattr(survey_aggregate._Aggregator, "may_hold_duplicates", lambda self: True)
    assert figures(run()) == reference(
        questionnaire(), read_responses(questionnaire(), csv_text(R_TEXT))
    )
    monkeypatch.setattr(survey_aggregate._Aggregator, "may_hold_duplicates", real)


# -- hypothesis ---------------------------------------------------------------------------------

BIG_Q = """\
format: parindex.survey/1
code: h
version: "1"
scale: {A: 100, B: 62.5, C: 20, D: 0, E: null}
groups:
  - {code: G1, min_n: 1, weight: 1}
  - {code: G2, min_n: 2, weight: 2.5}
  - {code: G3, min_n: 3, weight: 0.5}
questions:
  - {code: Q1, leaf: "1", groups: [G1, G2, G3]}
  - {code: Q2, leaf: "1", groups: [G2, G3]}
  - {code: Q3, leaf: "1", groups: [G3]}
  - {code: Q4, leaf: "2", groups: [G1, G3], scale: {Y: 100, N: 0, X: null}}
"""
OPTIONS = {"Q1": "ABCDE", "Q2": "ABCDE", "Q3": "ABCDE", "Q4": "YNX"}
ASKED = {"G1": ("Q1", "Q4"), "G2": ("Q1", "Q2"), "G3": ("Q1", "Q2", "Q3", "Q4")}

form = st.tuples(
    st.sampled_from(["G1", "G2", "G3"]),
    st.sampled_from(["U1", "U2", "U3"]),
    st.fixed_dictionaries({q: st.sampled_from(["", *OPTIONS[q]]) for q in OPTIONS}),
)


def responses_text(forms: list[tuple[str, str, dict[str, str]]]) -> str:
    lines = ["response,group,unit,Q1,Q2,Q3,Q4"]
    for i, (group, unit, answers) in enumerate(forms):
        cells = [answers[q] if q in ASKED[group] else "" for q in ("Q1", "Q2", "Q3", "Q4")]
        lines.append(",".join([f"r{i}", group, unit, *cells]))
    return "\n".join(lines) + "\n"


FAST = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FAST
@given(st.lists(form, max_size=40))
def test_matches_reference_and_values_within_0_100(forms) -> None:
    """Invariant: the column-wise sums give exactly the reference's figures; values in [0, 100]."""
    q = questionnaire(BIG_Q)
    text = responses_text(forms)
    result = run(text, q=q)
    expected = reference(q, read_responses(q, csv_text(text)))
    assert figures(result) == expected
    for unit in result.iter_units():
        for leaf in unit.leaves:
            if leaf.value is not None:
                assert Decimal(0) <= leaf.value <= Decimal(100)
                assert leaf.margin is not None and leaf.margin >= 0


@FAST
@given(st.lists(form, max_size=30), st.randoms(use_true_random=False))
def test_row_order_does_not_matter(forms, rng: random.Random) -> None:
    """Invariant: shuffling the rows (ids travel with them) changes nothing."""
    q = questionnaire(BIG_Q)
    lines = responses_text(forms).splitlines()
    body = lines[1:]
    rng.shuffle(body)
    assert figures(run("\n".join([lines[0], *body]) + "\n", q=q)) == figures(
        run("\n".join(lines) + "\n", q=q)
    )


@FAST
@given(st.lists(form, max_size=30), st.lists(form, min_size=1, max_size=2))
def test_group_below_min_n_never_moves_the_value(forms, extra) -> None:
    """Invariant: adding answered forms of G3 (min_n 3) to unit U1 while G3 keeps fewer than
    3 forms there leaves every value, margin and flag unchanged."""
    q = questionnaire(BIG_Q)
    before = figures(run(responses_text(forms), q=q))
    existing = sum(1 for group, unit, _ in forms if group == "G3" and unit == "U1")
    added = [("G3", "U1", answers) for _, _, answers in extra][: max(0, 2 - existing)]
    after = figures(run(responses_text(forms + added), q=q))
    for key, value in before.items():
        assert after[key] == value


UNIT_TYPES_FW = """
- code: "8"
  title: Tác động
  children:
    - {code: "8.1", title: a, max: 2, source: survey, rule: {type: survey},
       applies_to: [department]}
    - {code: "8.2", title: b, max: 1, source: survey, rule: {type: survey},
       applies_to: [department]}
"""


def test_unit_types_play_no_part() -> None:
    """docs/formats.md §4.3: unit types and applies_to play no part in the aggregation. The survey
    leaves apply to departments only, the units file lists communes: the questionnaire is
    accepted and every unit's values, margins and flags are those of the plain run."""
    fw = load(UNIT_TYPES_FW, "unit_types: [department, commune]\n")
    q = questionnaire()
    check_against_framework(q, fw)
    assert not unfed_survey_leaves(q, fw)
    units, warnings = read_units("unit,type\nU1,commune\nU2,commune\nU3,commune\n", "units.csv", fw)
    assert warnings == () and {u.type for u in units} == {"commune"}
    typed = figures(run(units=[u.code for u in units]))
    assert typed == figures(run(units=["U1", "U2", "U3"]))
    assert {key: typed[key] for key in figures(run())} == figures(run())
    assert typed[("U1", "8.1")][0] is not None and typed[("U3", "8.1")][2] == ("insufficient",)
