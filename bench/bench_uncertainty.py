"""Benchmark of the rank-uncertainty Monte Carlo (``make bench``).

For a province (150 units) and a large roll-out (1,000 units) on the 100-leaf framework of
``bench_compute.py`` (13 survey leaves), each unit surveyed by 40 respondents in three groups
(5 leaders, 10 officials, 25 citizens; two questions per survey leaf), it prints the time of
``rank_uncertainty`` for 1,000 draws of the survey bootstrap with the appraisal model on (one
leaf in twenty adjusted), in draws per second of wall time and of CPU time (the second tells
what the code costs on a busy machine), and the time to build the respondent sample.

Everything is generated from fixed seeds, so every figure except the timings is the same on
every machine; the result's fingerprint (a hash of every interval) is printed to show it.
"""

from __future__ import annotations

import hashlib
import os
import platform
import random
import sys
import time

import numpy as np
from bench_compute import framework_text, make_answers, make_units

from parindex.core import Framework, UnitInfo, load_framework
from parindex.core.rank_uncertainty import AppraisalDraws, RankUncertainty, rank_uncertainty
from parindex.core.survey import Questionnaire, load_questionnaire
from parindex.core.survey_aggregate import ResponseRow, RowsTable, aggregate
from parindex.core.survey_sample import survey_sample

SEED = 20240601
SIZES = (150, 1_000)
DRAWS = 1_000
GROUPS = (("LD", 5, 3, 1), ("CC", 10, 3, 1), ("ND", 25, 5, 2))  # code, forms, min_n, weight
OPTIONS = ("A", "B", "C", "D", "E")


def questionnaire(fw: Framework) -> Questionnaire:
    lines = [
        "format: parindex.survey/1",
        "code: bench-uncertainty",
        'version: "2024"',
        "scale: {A: 100, B: 75, C: 50, D: 0, E: null}",
        "groups:",
        *(f"  - {{code: {g}, min_n: {m}, weight: {w}}}" for g, _, m, w in GROUPS),
        "questions:",
    ]
    leaves = [leaf.code for leaf in fw.leaves if leaf.source == "survey"]
    for i, leaf in enumerate(leaves):
        lines.append(f'  - {{code: Q{2 * i + 1}, leaf: "{leaf}", groups: [LD, CC, ND]}}')
        lines.append(f'  - {{code: Q{2 * i + 2}, leaf: "{leaf}", groups: [ND]}}')
    return load_questionnaire("\n".join(lines) + "\n", "bench.yaml")


def forms(q: Questionnaire, units: list[UnitInfo], rng: np.random.Generator) -> list[ResponseRow]:
    """40 forms per unit; a unit's quality sets how often its respondents answer A or B."""
    rows = []
    for unit in units:
        quality = rng.uniform(0.4, 0.95)
        for group, count, _, _ in GROUPS:
            asked = q.questions_for(group)
            for r in range(count):
                good = rng.random(len(asked)) < quality
                picks = np.where(
                    good, rng.integers(0, 2, len(asked)), rng.integers(1, 5, len(asked))
                )
                answers = {qn.code: OPTIONS[p] for qn, p in zip(asked, picks, strict=True)}
                rows.append(ResponseRow(0, f"{unit.code}-{group}-{r}", group, unit.code, answers))
    return rows


def survey_answers(
    q: Questionnaire, rows: list[ResponseRow], codes: list[str]
) -> dict[str, dict[str, str]]:
    """The survey leaves' values as the aggregation writes them (two decimals)."""
    questions = [qn.code for qn in q.questions]

    def table() -> list[list[str]]:
        return [
            ["response", "group", "unit", *questions],
            *(
                [r.response, r.group, r.unit, *(r.answers.get(c, "") for c in questions)]
                for r in rows
            ),
        ]

    result = aggregate(q, RowsTable(table), units=codes)
    return {
        u.unit: {leaf.leaf: f"{leaf.value:.2f}" for leaf in u.leaves if leaf.value is not None}
        for u in result.iter_units()
    }


def fingerprint(result: RankUncertainty) -> str:
    text = "|".join(
        f"{u.unit.code}:{u.rank_low}-{u.rank_high}:{u.index_low}-{u.index_high}:{u.band_draws}"
        for u in result.units
    )
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def bench(fw: Framework, n_units: int) -> None:
    units = make_units(n_units)
    codes = [u.code for u in units]
    answers = make_answers(fw, units, random.Random(f"{SEED}-{n_units}"))
    q = questionnaire(fw)
    rows = forms(q, units, np.random.Generator(np.random.PCG64(SEED)))
    for code, values in survey_answers(q, rows, codes).items():
        answers[code].update(values)
    declared = {code: dict(row) for code, row in answers.items()}
    pick = random.Random(SEED)
    for row in declared.values():  # the appraisers changed one leaf in twenty
        for leaf in fw.leaves:
            if leaf.source != "survey" and leaf.code in row and pick.random() < 0.05:
                del row[leaf.code]
    start = time.perf_counter()
    sample = survey_sample(q, rows, codes)
    t_sample = time.perf_counter() - start
    start, cpu = time.perf_counter(), time.process_time()
    result = rank_uncertainty(
        fw,
        answers,
        units,
        seed=SEED,
        draws=DRAWS,
        survey=sample,
        appraisal=AppraisalDraws(declared, keep_percent=80),
    )
    elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu
    widths = [u.rank_high - u.rank_low for u in result.units if u.rank_low is not None]
    print(
        f"{n_units:>6,} units × {DRAWS:,} draws: {elapsed:6.2f} s"
        f"  ({DRAWS / elapsed:7,.0f} draws/s; CPU {cpu:.2f} s, {DRAWS / cpu:,.0f} draws/s)"
        f"  | sample of {sample.forms:,} forms built in {t_sample:.2f} s"
        f"  | {len(result.resampled):,} survey leaves drawn, {len(result.adjusted):,} adjusted"
        f"  | mean 90 % interval width {sum(widths) / len(widths):.1f} ranks"
        f"  | fingerprint {fingerprint(result)}"
    )


def main() -> int:
    fw = load_framework(framework_text(), "bench-100.yaml")
    print(
        f"rank uncertainty (Monte Carlo of the ranking) — Python {platform.python_version()}, "
        f"numpy {np.__version__}, {os.cpu_count()} CPUs"
    )
    for n_units in SIZES:
        bench(fw, n_units)
    return 0


if __name__ == "__main__":
    sys.exit(main())
