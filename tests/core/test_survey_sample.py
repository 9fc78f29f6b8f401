"""Respondents kept one by one for the bootstrap (parindex.core.survey_sample): every respondent
once gives exactly the aggregation of docs/formats.md §4.3, and so does any resample within the
strata (docs/methodology.md U2)."""

from __future__ import annotations

from decimal import Decimal

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pxkit import one_leaf, points
from surveykit import Q_TEXT, R_TEXT, figures, questionnaire, run
from test_survey_arithmetic import BIG_Q, form, responses_text

from parindex.core.survey_aggregate import ResponseRow, aggregate, csv_text, read_responses
from parindex.core.survey_arith import GroupSums, leaf_value_and_margin
from parindex.core.survey_sample import INSUFFICIENT, SurveySample, leaf_values, survey_sample

FAST = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def sample_of(text: str = R_TEXT, q_text: str = Q_TEXT, units: list[str] | None = None):
    q = questionnaire(q_text)
    rows = list(read_responses(q, csv_text(text)))
    codes = units or sorted({r.unit for r in rows})
    return survey_sample(q, rows, codes), rows


def values_as_text(sample: SurveySample, drawn: np.ndarray) -> dict[tuple[str, str], str | None]:
    out = {}
    for leaf in sample.questionnaire.leaves:
        for code, value in zip(sample.unit_codes, sample.values(leaf, drawn)[0], strict=True):
            out[(code, leaf)] = (
                None if value == INSUFFICIENT else f"{Decimal(int(value)) / 100:.2f}"
            )
    return out


def test_strata_follow_units_then_groups_then_response_ids() -> None:
    """U1 (docs/methodology.md): a stratum is a unit × respondent group; U2's ND forms r10
    and r9 are ordered by response id as text."""
    sample, _ = sample_of()
    assert sample.unit_codes == ("U1", "U2")
    assert sample.stratum_unit.tolist() == [0, 0, 1, 1]
    assert sample.stratum_group.tolist() == [0, 1, 0, 1]
    assert sample.starts.tolist() == [0, 3, 7, 8]
    assert sample.sizes.tolist() == [3, 4, 1, 2]
    assert sample.forms == 10


def test_every_respondent_once_is_the_aggregation() -> None:
    """S7 again: U1's 8.1 is 56.67 and 8.2 80.00; U2's leaves are insufficient."""
    sample, _ = sample_of()
    got = values_as_text(sample, sample.identity())
    assert got == {key: value for key, (value, _, _) in figures(run()).items()}
    assert got[("U1", "8.1")] == "56.67" and got[("U2", "8.1")] is None


def test_u2_one_resample_of_the_running_example() -> None:
    """U2: LD of U1 drawn as r1, r3, r3 and ND as r4, r4, r5, r7: LD scores 100, 20, 20 on 8.1
    (mean 140/3); ND scores 75, 75, 60 (r7 answered "don't know": n = 3, mean 70); value
    (1 × 140/3 + 2 × 70) / 3 = 560/9 = 62.22, worth 1.87 points on a survey leaf of max 3. On
    8.2 LD scores 60, 100, 100: 86.67."""
    sample, _ = sample_of()
    # Slots: U1-LD r1 r2 r3 | U1-ND r4 r5 r6 r7 | U2-LD r8 | U2-ND r10 r9
    drawn = np.array([[0, 2, 2, 3, 3, 4, 6, 7, 8, 8]])
    got = values_as_text(sample, drawn)
    assert got[("U1", "8.1")] == "62.22"
    assert points(one_leaf("{type: survey}", max="3"), got[("U1", "8.1")]) == "1.87"
    assert got[("U1", "8.2")] == "86.67"
    # U2's ND drawn as r10 twice: n = 2 < min_n 3, and LD has n = 1 < 2: still insufficient.
    assert got[("U2", "8.1")] is None


def test_a_resample_short_of_min_n_leaves_the_group_out() -> None:
    """U2: ND of U1 drawn as r4, r7, r7, r6 has two scores on 8.1, below min_n 3: LD alone,
    (100 + 100 + 20) / 3 = 73.33."""
    sample, _ = sample_of()
    drawn = np.array([[0, 0, 2, 3, 6, 6, 5, 7, 8, 9]])
    assert values_as_text(sample, drawn)[("U1", "8.1")] == "73.33"


def test_a_unit_without_respondents_is_insufficient() -> None:
    sample, _ = sample_of(units=["U1", "U2", "U3"])
    assert sample.values("8.1", sample.identity())[0].tolist()[2] == INSUFFICIENT


def test_nobody_answered() -> None:
    sample, _ = sample_of(text="response,group,unit,Q1,Q2,Q3\n", units=["U1"])
    assert sample.forms == 0
    assert sample.values("8.1", sample.identity()).tolist() == [[INSUFFICIENT]]


def materialised(rows: list[ResponseRow], order: list[int], drawn: list[int]) -> str:
    """The forms a resample drew, as a responses file with fresh ids (BIG_Q's questions)."""
    lines = ["response,group,unit,Q1,Q2,Q3,Q4"]
    for i, j in enumerate(drawn):
        row = rows[order[j]]
        cells = [row.answers.get(q, "") for q in ("Q1", "Q2", "Q3", "Q4")]
        lines.append(",".join([f"d{i}", row.group, row.unit, *cells]))
    return "\n".join(lines) + "\n"


@FAST
@given(st.lists(form, min_size=1, max_size=40), st.randoms(use_true_random=False))
def test_any_resample_is_the_aggregation_of_the_forms_drawn(forms, rng) -> None:
    """Invariant: a resample within the strata, computed in integers, is exactly what
    ``aggregate`` gives for the forms drawn (duplicates as separate forms)."""
    q = questionnaire(BIG_Q)
    text = responses_text(forms)
    rows = list(read_responses(q, csv_text(text)))
    codes = ["U1", "U2", "U3"]
    sample = survey_sample(q, rows, codes)
    unit_of = {c: i for i, c in enumerate(codes)}
    group_of = {g.code: i for i, g in enumerate(q.groups)}
    order = sorted(
        range(len(rows)),
        key=lambda i: (unit_of[rows[i].unit], group_of[rows[i].group], rows[i].response),
    )
    drawn = [
        int(start) + rng.randrange(int(size))
        for start, size in zip(sample.starts, sample.sizes, strict=True)
        for _ in range(int(size))
    ]
    expected = aggregate(q, csv_text(materialised(rows, order, drawn)), units=codes)
    for leaf in q.leaves:
        got = sample.values(leaf, np.array([drawn]))[0].tolist()
        for code, value in zip(codes, got, strict=True):
            want = expected.unit(code).leaf(leaf).value
            assert (None if value == INSUFFICIENT else Decimal(value) / 100) == want


group_sums = st.integers(min_value=0, max_value=300).flatmap(
    lambda n: st.tuples(
        st.integers(min_value=1, max_value=5),  # weight
        st.just(n),
        st.integers(min_value=0, max_value=100 * n),  # Σ score (%)
    )
)


@FAST
@given(st.lists(group_sums, min_size=1, max_size=4), st.integers(min_value=1, max_value=8))
def test_leaf_values_round_like_the_scalar_reference(groups, min_n) -> None:
    """Invariant: ``leaf_values`` equals ``survey_arith.leaf_value_and_margin``'s value, on the
    int64 path and on the Python-integer path (stratum sizes past what int64 proves safe)."""
    q_text = (
        "format: parindex.survey/1\ncode: h\nversion: '1'\nscale: {A: 100}\ngroups:\n"
        + "".join(
            f"  - {{code: G{i}, min_n: {min_n}, weight: {w}}}\n"
            for i, (w, _, _) in enumerate(groups)
        )
        + "questions:\n  - {code: Q1, leaf: '1', groups: ["
        + ", ".join(f"G{i}" for i in range(len(groups)))
        + "]}\n"
    )
    q = questionnaire(q_text.replace("'", '"'))
    n = np.array([[[g[1] for g in groups]]], dtype=np.int64)
    total = np.array([[[g[2] for g in groups]]], dtype=np.int64)
    included = [
        (w, GroupSums(count, summed, summed * summed, 1))
        for w, count, summed in groups
        if count >= min_n
    ]
    want = leaf_value_and_margin(included)[0]
    for largest in (300, 10**7):
        sample = SurveySample(
            questionnaire=q,
            unit_codes=("U",),
            stratum_unit=np.zeros(len(groups), dtype=np.int64),
            stratum_group=np.arange(len(groups), dtype=np.int64),
            starts=np.zeros(len(groups), dtype=np.int64),
            sizes=np.full(len(groups), largest, dtype=np.int64),
            leaves={"1": survey_sample(q, [], ["U"]).leaves["1"]},
        )
        got = int(leaf_values(sample, "1", n, total)[0, 0])
        assert (None if got == INSUFFICIENT else got) == want
