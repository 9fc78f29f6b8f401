"""Builders for the survey tests: the running example of docs/methodology.md (S5–S12), and a
reference implementation of docs/formats.md §4.3 written the plain way, row by row with Fractions.

Not a test module. The reference is what the vectorised aggregation is checked against.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from decimal import Decimal
from fractions import Fraction

from parindex.core.survey import Questionnaire, load_questionnaire
from parindex.core.survey_aggregate import ResponseRow, SurveyResult, aggregate, csv_text

Q_TEXT = """\
format: parindex.survey/1
code: demo-survey
version: "2024"
framework: {code: demo, version: "2024"}
scale: {A: 100, B: 60, C: 20, D: 0, E: null}
groups:
  - {code: LD, title: "Lãnh đạo", min_n: 2, weight: 1}
  - {code: ND, title: "Người dân", min_n: 3, weight: 2}
questions:
  - {code: Q1, leaf: "8.1", groups: [LD, ND]}
  - {code: Q2, leaf: "8.1", groups: [ND], scale: {A: 100, B: 50, C: 0, E: null}}
  - {code: Q3, leaf: "8.2", groups: [LD]}
"""

R_TEXT = """\
response,group,unit,Q1,Q2,Q3
r1,LD,U1,A,,B
r2,LD,U1,B,,E
r3,LD,U1,C,,A
r4,ND,U1,A,B,
r5,ND,U1,C,A,
r6,ND,U1,B,C,
r7,ND,U1,E,E,
r8,LD,U2,A,,A
r9,ND,U2,B,B,
r10,ND,U2,A,,
"""


def questionnaire(text: str = Q_TEXT, source: str = "q.yaml") -> Questionnaire:
    return load_questionnaire(text, source)


def run(
    responses: str = R_TEXT,
    q: Questionnaire | None = None,
    units: list[str] | None = None,
    source: str = "r.csv",
) -> SurveyResult:
    return aggregate(q or questionnaire(), csv_text(responses, source), units=units)


def figures(
    result: SurveyResult,
) -> dict[tuple[str, str], tuple[str | None, str | None, tuple[str, ...]]]:
    """(unit, leaf) -> (value, margin, flags) as text, for compact assertions."""
    return {
        (u.unit, leaf.leaf): (
            None if leaf.value is None else f"{leaf.value:.2f}",
            None if leaf.margin is None else f"{leaf.margin:.2f}",
            leaf.flags,
        )
        for u in result.iter_units()
        for leaf in u.leaves
    }


def _half_up(value: Fraction) -> Decimal:
    return Decimal(
        (2 * value.numerator * 100 + value.denominator) // (2 * value.denominator)
    ).scaleb(-2)


def _root_half_up(radicand: Fraction) -> Decimal:
    """√radicand to 0.01 half-up, by search over hundredths (independent of the core's isqrt)."""
    x = radicand * 10_000
    m = math.isqrt(math.floor(x))
    while Fraction(2 * m + 1, 2) ** 2 <= x:
        m += 1
    while m > 0 and Fraction(2 * m - 1, 2) ** 2 > x:
        m -= 1
    return Decimal(m).scaleb(-2)


def reference(
    q: Questionnaire, rows: Iterable[ResponseRow], units: Iterable[str] = ()
) -> dict[tuple[str, str], tuple[str | None, str | None, tuple[str, ...]]]:
    """docs/formats.md §4.3 step by step, with Fractions, from validated rows."""
    scores: dict[tuple[str, str, str], list[Fraction]] = {}
    unit_codes = set(units)
    for row in rows:
        unit_codes.add(row.unit)
        for leaf, questions in q.questions_by_leaf.items():
            percents = [
                question.option(row.answers[question.code]).percent  # type: ignore[union-attr]
                for question in questions
                if question.code in row.answers
            ]
            known = [Fraction(p) for p in percents if p is not None]
            if known:
                scores.setdefault((row.unit, leaf, row.group), []).append(
                    sum(known, Fraction(0)) / len(known)
                )
    out = {}
    for unit in unit_codes:
        for leaf in q.leaves:
            asked = q.groups_by_leaf[leaf]
            included = []
            for group in asked:
                xs = scores.get((unit, leaf, group.code), [])
                if len(xs) >= group.min_n:
                    mean = sum(xs, Fraction(0)) / len(xs)
                    var = (
                        sum(((x - mean) ** 2 for x in xs), Fraction(0)) / (len(xs) - 1)
                        if len(xs) > 1
                        else Fraction(0)
                    )
                    included.append((Fraction(group.weight), mean, var, len(xs)))
            if not included:
                out[(unit, leaf)] = (None, None, ("insufficient",))
                continue
            total_w = sum(w for w, _, _, _ in included)
            value = sum(w * m for w, m, _, _ in included) / total_w
            radicand = Fraction(38416, 10000) * sum(
                (w / total_w) ** 2 * v / n for w, _, v, n in included
            )
            flags = []
            if len(included) < len(asked):
                flags.append("partial")
            if any(n == 1 for _, _, _, n in included):
                flags.append("single")
            out[(unit, leaf)] = (
                f"{_half_up(value):.2f}",
                f"{_root_half_up(radicand):.2f}",
                tuple(flags),
            )
    return out
