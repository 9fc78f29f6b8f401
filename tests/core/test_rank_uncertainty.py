"""The Monte Carlo of a cycle's ranking (parindex.core.rank_uncertainty), docs/methodology.md
U1–U6: every draw is a cycle computed exactly, the intervals follow the quantile rule, a seed
reproduces a run, and a survey without variance gives the computed rank and nothing else."""

from __future__ import annotations

import random
from decimal import Decimal
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pxkit import load

from parindex.core import UnitInfo, compute
from parindex.core import rank_uncertainty as rank_uncertainty_module
from parindex.core.rank_uncertainty import (
    AppraisalDraws,
    interval,
    quantile,
    rank_uncertainty,
)
from parindex.core.survey import load_questionnaire
from parindex.core.survey_aggregate import ResponseRow, RowsTable, aggregate
from parindex.core.survey_sample import survey_sample

FAST = settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])

FW = load(
    """
    - code: "1"
      title: Chỉ đạo
      children:
        - {code: "1.1", title: Kế hoạch, max: 4, rule: {type: points, step: 0.25}}
        - {code: "1.2", title: Hài lòng, max: 3, source: survey, rule: {type: survey}}
    - code: "2"
      title: Thủ tục
      children:
        - {code: "2.1", title: Công khai, max: 2, rule: {type: yes_no}}
        - {code: "2.2", title: Đúng hạn, max: 1, source: survey, rule: {type: survey}}
    """,
    head="bands:\n  - {code: TOT, min: 90}\n  - {code: KHA, min: 80}\n"
    "  - {code: TB, min: 65}\n  - {code: YEU, min: 0}\n",
)
Q = load_questionnaire(
    """\
format: parindex.survey/1
code: s
version: "1"
scale: {A: 100, B: 60, C: 20, D: 0, E: null}
groups:
  - {code: LD, min_n: 2, weight: 1}
  - {code: ND, min_n: 3, weight: 2}
questions:
  - {code: Q1, leaf: "1.2", groups: [LD, ND]}
  - {code: Q2, leaf: "1.2", groups: [ND]}
  - {code: Q3, leaf: "2.2", groups: [LD, ND]}
""",
    "q.yaml",
)
ASKED = {"LD": ("Q1", "Q3"), "ND": ("Q1", "Q2", "Q3")}
CODES = [f"U{i}" for i in range(1, 7)]
UNITS = [UnitInfo(code, group="G1" if i < 3 else "G2") for i, code in enumerate(CODES)]


def survey_values(forms: list[ResponseRow], codes: list[str] = CODES) -> dict[str, dict[str, str]]:
    """The survey leaves' values as the aggregation writes them into the answers."""
    questions = [q.code for q in Q.questions]
    rows = [
        ["response", "group", "unit", *questions],
        *([f.response, f.group, f.unit, *(f.answers.get(c, "") for c in questions)] for f in forms),
    ]
    result = aggregate(Q, RowsTable(lambda: rows), units=codes)
    return {
        u.unit: {leaf.leaf: f"{leaf.value:.2f}" for leaf in u.leaves if leaf.value is not None}
        for u in result.iter_units()
    }


def cycle(
    forms: list[ResponseRow], declared: dict[str, tuple[str, str]]
) -> dict[str, dict[str, str | None]]:
    """Answers: each unit's declared 1.1 and 2.1, and the survey's values."""
    survey = survey_values(forms)
    return {
        code: {"1.1": declared[code][0], "2.1": declared[code][1], **survey.get(code, {})}
        for code in CODES
    }


def run(forms, answers, **options):
    options.setdefault("seed", 7)
    options.setdefault("draws", 200)
    sample = survey_sample(Q, forms, CODES)
    return rank_uncertainty(FW, answers, UNITS, survey=sample, **options)


def form(response: str, group: str, unit: str, options: tuple[str, ...]) -> ResponseRow:
    asked = ASKED[group]
    return ResponseRow(
        0, response, group, unit, dict(zip(asked, options[: len(asked)], strict=True))
    )


def varied_forms(seed: int, per_group: int = 6, spread: float = 0.1) -> list[ResponseRow]:
    """Respondents who disagree: each unit has a quality (``spread`` apart from the next),
    each answer is drawn around it."""
    rng = random.Random(seed)
    forms = []
    for u, code in enumerate(CODES):
        quality = 0.5 + spread * (u - 2.5)
        for group in ("LD", "ND"):
            for r in range(per_group):
                options = tuple(
                    rng.choice("AB") if rng.random() < quality else rng.choice("BCDE")
                    for _ in ASKED[group]
                )
                forms.append(form(f"{code}{group}{r}", group, code, options))
    return forms


DECLARED = {code: (f"{1 + 0.5 * i}", "có" if i % 2 else "không") for i, code in enumerate(CODES)}

# -- hypothesis: a province whose every stratum answers one way ---------------------------------

option = st.sampled_from("ABCDE")
stratum = st.tuples(st.integers(min_value=0, max_value=5), st.tuples(option, option, option))
declared_points = st.sampled_from(["0", "1.25", "2", "3.5", "4"])
province = st.tuples(
    st.lists(st.tuples(stratum, stratum), min_size=6, max_size=6),
    st.lists(st.tuples(declared_points, st.sampled_from(["có", "không"])), min_size=6, max_size=6),
)


def uniform_forms(strata) -> list[ResponseRow]:
    forms = []
    for code, by_group in zip(CODES, strata, strict=True):
        for group, (count, options) in zip(("LD", "ND"), by_group, strict=True):
            forms += [
                form(f"{code}{group}{r}", group, code, options[: len(ASKED[group])])
                for r in range(count)
            ]
    return forms


@FAST
@given(province, st.integers(min_value=0, max_value=2**63 - 1))
def test_u4_zero_variance_gives_the_computed_rank(data, seed) -> None:
    """U4 (the issue's "collapse"): when every respondent of each stratum answers alike, every
    resample is the sample, so every interval is the computed rank and index, and the computed
    band has every draw."""
    strata, declared = data
    forms = uniform_forms(strata)
    answers = cycle(forms, dict(zip(CODES, declared, strict=True)))
    result = run(forms, answers, seed=seed, draws=40)
    point = compute(FW, answers, UNITS)
    for unit in result.units:
        computed = point.by_unit(unit.unit.code)
        assert unit.rank == computed.rank
        assert unit.rank_low == unit.rank_median == unit.rank_high == computed.rank
        assert unit.index_low == unit.index_high == computed.index
        assert dict(unit.band_draws)[computed.band.code if computed.band else None] == 40


@FAST
@given(st.integers(min_value=0, max_value=50), st.integers(min_value=0, max_value=2**63 - 1))
def test_u5_the_same_seed_gives_the_same_result_whatever_the_batch(data_seed, seed) -> None:
    """U5: a seed reproduces the run, and the batch size changes the memory, not the result."""
    forms = varied_forms(data_seed)
    answers = cycle(forms, DECLARED)
    declared = {code: {**row, "1.1": "0"} for code, row in answers.items()}
    model = AppraisalDraws(declared, keep_percent=60)
    first = run(forms, answers, seed=seed, draws=30, appraisal=model)
    assert run(forms, answers, seed=seed, draws=30, appraisal=model) == first
    assert run(forms, answers, seed=seed, draws=30, appraisal=model, batch=1) == first
    assert run(forms, answers, seed=seed, draws=30, appraisal=model, batch=7) == first


def test_another_seed_draws_other_samples() -> None:
    forms = varied_forms(3)
    answers = cycle(forms, DECLARED)
    runs = [run(forms, answers, seed=seed) for seed in (1, 2, 3)]
    intervals = {tuple((u.index_low, u.index_high) for u in result.units) for result in runs}
    assert len(intervals) == 3


@FAST
@given(st.integers(min_value=0, max_value=50), st.integers(min_value=0, max_value=2**32))
def test_u3_bands_sum_to_the_draws_and_intervals_are_ordered(data_seed, seed) -> None:
    forms = varied_forms(data_seed, per_group=4)
    answers = cycle(forms, DECLARED)
    result = run(forms, answers, seed=seed, draws=60)
    for unit in result.units:
        assert sum(count for _, count in unit.band_draws) == 60
        assert [code for code, _ in unit.band_draws] == ["TOT", "KHA", "TB", "YEU", None]
        assert 1 <= unit.rank_low <= unit.rank_median <= unit.rank_high <= unit.group_size
        assert unit.index_low <= unit.index_high
        assert unit.group_size == 3


@pytest.mark.parametrize("seed", [1, 2, 3, 4, 5])
def test_the_interval_holds_the_computed_rank_in_a_typical_province(seed: int) -> None:
    """Respondents who disagree, 12 per group and unit, units declaring alike: every computed
    rank lies inside its 90 % interval, and some intervals are wider than one rank."""
    forms = varied_forms(seed, per_group=12, spread=0.03)
    answers = cycle(forms, {code: ("2", "có") for code in CODES})
    result = run(forms, answers, seed=seed, draws=300)
    for unit in result.units:
        assert unit.rank_low <= unit.rank <= unit.rank_high, unit
        assert unit.index_low <= unit.index <= unit.index_high, unit
    assert any(unit.rank_low < unit.rank_high for unit in result.units)


def test_the_first_draw_is_the_cycle_computed_on_its_resample() -> None:
    """U2 and U5: draw 1 resamples each stratum with the survey stream (the first child of
    the seed's SeedSequence, ``integers(0, size)`` per respondent slot, strata in order), and
    its index is ``compute`` on the survey values the aggregation gives for the forms drawn."""
    forms = varied_forms(11)
    answers = cycle(forms, DECLARED)
    sample = survey_sample(Q, forms, CODES)
    result = run(forms, answers, seed=2024, draws=1)
    rng = np.random.Generator(np.random.PCG64(np.random.SeedSequence(2024).spawn(2)[0]))
    slot_start = np.repeat(sample.starts, sample.sizes)
    slot_size = np.repeat(sample.sizes, sample.sizes)
    drawn = (slot_start + rng.integers(0, slot_size, size=(1, len(slot_size))))[0]
    ordered = sorted(forms, key=lambda f: (CODES.index(f.unit), f.group, f.response))
    resampled = [
        ResponseRow(0, f"d{i}", ordered[j].group, ordered[j].unit, ordered[j].answers)
        for i, j in enumerate(drawn)
    ]
    again = compute(FW, cycle(resampled, DECLARED), UNITS)
    for unit in result.units:
        expected = again.by_unit(unit.unit.code)
        assert (unit.index_low, unit.index_high) == (expected.index, expected.index)
        assert (unit.rank_low, unit.rank_high) == (expected.rank, expected.rank)


def test_u1_a_survey_leaf_not_from_the_survey_is_held() -> None:
    """U1: U1's 1.2 entered by hand (not the survey's value) and U2's 2.2 set by appraisal
    (points) are held at their value; the other survey leaves are drawn again."""
    forms = varied_forms(5)
    answers = cycle(forms, DECLARED)
    answers["U1"]["1.2"] = "12.5"
    overrides = {"U2": {"2.2": Decimal("0.5")}}
    result = run(forms, answers, overrides=overrides, draws=20)
    assert result.held == (("U1", "1.2"), ("U2", "2.2"))
    assert len(result.resampled) == 2 * len(CODES) - 2
    assert ("U1", "2.2") in result.resampled and ("U1", "1.2") not in result.resampled


def test_u1_an_insufficient_leaf_stays_missing_or_is_drawn() -> None:
    """A leaf the survey could not fill (no value) is drawn again: a resample may reach
    ``min_n`` when the forms that answered it are drawn more often."""
    forms = [
        form("a1", "LD", "U1", ("A", "A")),
        form("a2", "LD", "U1", ("E", "E")),
        *(form(f"n{r}", "ND", "U1", ("E", "E", "E")) for r in range(3)),
    ]
    answers = cycle(forms, DECLARED)
    assert "1.2" not in answers["U1"]  # LD: one score on 1.2, below min_n 2
    result = run(forms, answers, draws=200)
    assert ("U1", "1.2") in result.resampled
    unit = result.unit("U1")
    assert unit.index_low < unit.index_high  # some draws drew a1 twice: 1.2 earns 3 points


def test_u6_appraisal_model_at_its_ends() -> None:
    """U6: kept with probability 100 %, the appraised figures stand in every draw; with 0 %,
    every draw takes the declared figures: the ranking of the self basis."""
    answers = {code: {"1.1": "4", "2.1": "có", "1.2": "50", "2.2": "50"} for code in CODES}
    declared = {
        code: {**row, "1.1": f"{0.5 * i}", "2.1": "không" if i % 2 else "có"}
        for i, (code, row) in enumerate(answers.items())
    }
    forms = [
        form(f"{c}{g}{r}", g, c, ("B",) * 3) for c in CODES for g in ("LD", "ND") for r in range(3)
    ]
    values = survey_values(forms)
    for code in CODES:
        answers[code].update(values[code])
        declared[code].update(values[code])
    declared_ranks = compute(FW, declared, UNITS)
    appraised_ranks = compute(FW, answers, UNITS)
    for keep, expected in ((100, appraised_ranks), (0, declared_ranks)):
        result = run(forms, answers, appraisal=AppraisalDraws(declared, keep), draws=50)
        # every unit's 1.1 (declared 0.5 × i, appraised 4), and 2.1 of U2, U4 and U6
        assert len(result.adjusted) == 9
        for unit in result.units:
            want = expected.by_unit(unit.unit.code)
            assert unit.rank_low == unit.rank_high == want.rank
            assert unit.index_low == unit.index_high == want.index


def test_u6_an_adjustment_kept_half_the_time() -> None:
    """U6: U1 declared 3 points on 1.1 (9 of 10: 90.00, Tốt) and the appraisers set 2 (8 of
    10: 80.00, Khá). Kept with probability 50 %, the appraised figure holds in about half of
    1,000 draws (517 with seed 1) and U1's band follows it."""
    answers = {code: {"1.1": "4", "2.1": "có", "1.2": "100", "2.2": "100"} for code in CODES}
    declared = {code: dict(row) for code, row in answers.items()}
    declared["U1"]["1.1"] = "3"
    answers["U1"]["1.1"] = "2"
    forms = [
        form(f"{c}{g}{r}", g, c, ("A",) * 3) for c in CODES for g in ("LD", "ND") for r in range(3)
    ]
    result = run(forms, answers, appraisal=AppraisalDraws(declared, 50), draws=1000, seed=1)
    assert result.adjusted == (("U1", "1.1"),)
    unit = result.unit("U1")
    assert (unit.index, unit.band) == (Decimal("80.00"), "KHA")
    assert (unit.index_low, unit.index_high) == (Decimal("80.00"), Decimal("90.00"))
    assert dict(unit.band_draws) == {"TOT": 517, "KHA": 483, "TB": 0, "YEU": 0, None: 0}


def test_u3_worked_quantile_example() -> None:
    """U3: 20 draws gave ranks 2 ×2, 3 ×7, 4 ×6, 5 ×3, 6, 7. The 90 % interval is the 0.05
    quantile (the ⌈1⌉st smallest: 2) to the 0.95 quantile (the 19th: 6), the median the 10th
    smallest (4); 19 of the 20 draws lie inside."""
    ranks = sorted([2] * 2 + [3] * 7 + [4] * 6 + [5] * 3 + [6, 7])
    assert interval(ranks, 90) == (2, 6)
    assert quantile(ranks, 1, 2) == 4
    assert sum(2 <= r <= 6 for r in ranks) == 19


@FAST
@given(
    st.lists(st.integers(min_value=1, max_value=40), min_size=1, max_size=300),
    st.integers(min_value=1, max_value=99),
)
def test_u3_the_interval_holds_at_least_its_level(values, level) -> None:
    """Invariant: at least ``level`` % of the draws lie inside the interval, whose bounds are
    values drawn; the p-quantile is the smallest value with at least p × D draws at or below."""
    ordered = sorted(values)
    low, high = interval(ordered, level)
    assert low in values and high in values
    assert 100 * sum(low <= v <= high for v in values) >= level * len(values)
    for numerator in range(1, 11):
        x = quantile(ordered, numerator, 10)
        assert 10 * sum(v <= x for v in values) >= numerator * len(values)
        assert all(
            10 * sum(v <= y for v in values) < numerator * len(values) for y in values if y < x
        )


def test_probabilities_are_exact_fractions_of_the_draws() -> None:
    forms = varied_forms(9)
    result = run(forms, cycle(forms, DECLARED), draws=300)
    for unit in result.units:
        assert sum(Fraction(count, 300) for _, count in unit.band_draws) == 1


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"draws": 0}, "draws"),
        ({"draws": 10_001}, "draws"),
        ({"level": 100}, "level"),
        ({"seed": -1}, "seed"),
        ({"appraisal": AppraisalDraws({}, 101)}, "keep_percent"),
    ],
)
def test_refuses_settings_out_of_range(options, message) -> None:
    with pytest.raises(ValueError, match=message):
        run([], cycle([], DECLARED), **options)


def test_refuses_more_ranks_than_it_keeps(monkeypatch) -> None:
    """Every draw's ranks are kept until the end: draws × units is bounded."""
    monkeypatch.setattr(rank_uncertainty_module, "MAX_RANKS", 100)
    with pytest.raises(ValueError, match="draws × units"):
        run([], cycle([], DECLARED), draws=17)  # 6 units
    assert run([], cycle([], DECLARED), draws=16).draws == 16


def test_a_quantile_needs_p_in_0_1() -> None:
    with pytest.raises(ValueError):
        quantile([1, 2], 0, 2)
