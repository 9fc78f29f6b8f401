"""The survey's respondents kept one by one, so that they can be drawn again (a bootstrap).

:func:`survey_sample` turns validated forms (``survey_aggregate.read_responses``) into, per
survey leaf, each respondent's score as an integer, laid out by **stratum**: one unit × one
respondent group (*đối tượng khảo sát*), the cells in which docs/formats.md §4.3 counts n and
checks ``min_n``. A respondent's score is S5's (the mean of their answers' percentages), in
the common unit of the aggregation, 1 / (lcm(1..k) × 10^d) percent, so that it is a whole
number.

:func:`leaf_values` is §4.3's leaf value (S6, S7) for many draws at once: from each stratum's
n and Σ score it includes the groups that reach ``min_n`` and rounds
Σ(weight × mean) / Σ weight half-up to 0.01 once, in integer arithmetic (numpy ``int64`` while
the bound proves it safe, Python integers otherwise). Given every respondent once, it equals
``survey_aggregate.aggregate`` (a test checks it); given a resample, it is that resample's
aggregation.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cached_property
from math import lcm, prod
from typing import Any

import numpy as np
import numpy.typing as npt

from .numbers import places_of
from .survey import Questionnaire
from .survey_aggregate import ResponseRow

Ints = npt.NDArray[np.int64]
Flags = npt.NDArray[np.bool_]
INSUFFICIENT = -1
"""A leaf value with no group included (S9 ``insufficient``): the leaf is missing."""
_INT64_SAFE = 2**62


@dataclass(frozen=True, eq=False)
class LeafScores:
    """One survey leaf: every respondent's score (0 where they gave none) in units of
    ``1 / scale`` percent, and whether they gave one (S5)."""

    score: npt.NDArray[Any]  # int64, or Python integers where a sum could outgrow it
    has: Flags
    scale: int


@dataclass(frozen=True, eq=False)
class SurveySample:
    """Respondents in stratum order (unit, then group in questionnaire order, then response
    id); stratum s holds respondents ``starts[s] .. starts[s] + sizes[s] - 1``. Only strata
    with at least one form are listed."""

    questionnaire: Questionnaire
    unit_codes: tuple[str, ...]
    stratum_unit: Ints
    stratum_group: Ints
    starts: Ints
    sizes: Ints
    leaves: dict[str, LeafScores]

    @property
    def forms(self) -> int:
        return int(self.sizes.sum())

    @cached_property
    def weights(self) -> Ints:
        """The groups' weights as integers with a common factor (questionnaire order)."""
        groups = self.questionnaire.groups
        places = max((places_of(g.weight) for g in groups), default=0)
        return np.array([int(g.weight.scaleb(places)) for g in groups], dtype=np.int64)

    @cached_property
    def min_n(self) -> Ints:
        return np.array([g.min_n for g in self.questionnaire.groups], dtype=np.int64)

    def asked(self, leaf: str) -> Flags:
        """Which groups (questionnaire order) are asked the leaf's questions."""
        codes = {g.code for g in self.questionnaire.groups_by_leaf[leaf]}
        return np.array([g.code in codes for g in self.questionnaire.groups], dtype=np.bool_)

    def strata_sums(self, leaf: str, drawn: Ints) -> tuple[Ints, Ints]:
        """Per draw and stratum: n and Σ score of the respondents ``drawn`` (draws × forms,
        each row one resample, respondent j's slot holding the respondent drawn for it)."""
        scores = self.leaves[leaf]
        n = np.add.reduceat(scores.has[drawn].astype(np.int64), self.starts, axis=1)
        total = np.add.reduceat(scores.score[drawn], self.starts, axis=1)
        return n, total

    def by_unit(self, per_stratum: Ints) -> Ints:
        """Draws × strata spread to draws × units × groups (0 where a stratum has no form)."""
        out = np.zeros(
            (per_stratum.shape[0], len(self.unit_codes), len(self.questionnaire.groups)),
            dtype=per_stratum.dtype,
        )
        out[:, self.stratum_unit, self.stratum_group] = per_stratum
        return out

    def values(self, leaf: str, drawn: Ints) -> Ints:
        """Draws × units: the leaf's value in hundredths of a percent for each resample
        (``INSUFFICIENT`` where no group reaches its ``min_n``)."""
        if not len(self.starts):  # nobody answered at all
            return np.full((len(drawn), len(self.unit_codes)), INSUFFICIENT, dtype=np.int64)
        n, total = self.strata_sums(leaf, drawn)
        return leaf_values(self, leaf, self.by_unit(n), self.by_unit(total))

    def identity(self) -> Ints:
        """The sample itself as one draw: every respondent once."""
        return np.arange(self.forms, dtype=np.int64)[None, :]


def survey_sample(
    q: Questionnaire, forms: Iterable[ResponseRow], units: Sequence[str]
) -> SurveySample:
    """Each validated form's scores, by stratum. ``units`` fixes the unit order; a form about
    a unit not among them is an error (``read_responses`` with the same units refuses it)."""
    unit_index = {code: i for i, code in enumerate(units)}
    group_index = {g.code: i for i, g in enumerate(q.groups)}
    ordered = sorted(forms, key=lambda f: (unit_index[f.unit], group_index[f.group], f.response))
    digits = 10**q.percent_places
    # Each question's percentage per respondent, in units of 10^-d (-1: none given).
    percent: dict[str, Ints] = {}
    for question in q.questions:
        table = {
            o.key: -1 if o.percent is None else int(o.percent * digits) for o in question.options
        }
        percent[question.code] = np.array(
            [table.get(form.answers.get(question.code, ""), -1) for form in ordered],
            dtype=np.int64,
        )
    leaves: dict[str, LeafScores] = {}
    for leaf, questions in q.questions_by_leaf.items():
        common = lcm(*range(1, len(questions) + 1))
        count = np.zeros(len(ordered), dtype=np.int64)
        total: npt.NDArray[Any] = np.zeros(len(ordered), dtype=np.int64)
        for question in questions:
            given = percent[question.code]
            count += given >= 0
            total += np.where(given >= 0, given, 0)
        has = count > 0
        factor = np.array([common // c for c in range(1, len(questions) + 1)], dtype=np.int64)
        # S / c as S × (common / c) units. Any sum of scores stays below (forms × 100 %) in
        # these units: Python integers when that could outgrow int64.
        if len(ordered) * 100 * common * digits >= _INT64_SAFE:
            total = total.astype(object)
        score = np.where(has, total * factor[np.maximum(count, 1) - 1], 0)
        leaves[leaf] = LeafScores(score, has, common * digits)
    strata: list[tuple[int, int]] = []
    starts: list[int] = []
    sizes: list[int] = []
    for j, form in enumerate(ordered):
        key = (unit_index[form.unit], group_index[form.group])
        if not strata or strata[-1] != key:
            strata.append(key)
            starts.append(j)
            sizes.append(0)
        sizes[-1] += 1
    return SurveySample(
        questionnaire=q,
        unit_codes=tuple(units),
        stratum_unit=np.array([u for u, _ in strata], dtype=np.int64),
        stratum_group=np.array([g for _, g in strata], dtype=np.int64),
        starts=np.array(starts, dtype=np.int64),
        sizes=np.array(sizes, dtype=np.int64),
        leaves=leaves,
    )


def leaf_values(sample: SurveySample, leaf: str, n: Ints, total: Ints) -> Ints:
    """§4.3's leaf value for draws × units × groups sums: Σ(w × total / (n × scale)) / Σ w over
    the groups asked the leaf whose n reaches ``min_n``, rounded half-up to 0.01 once; in
    hundredths, ``INSUFFICIENT`` where no group is included.

    With P the product of the included groups' n, the value in hundredths is
    (200 × num + P × scale × W) // (2 × P × scale × W), num = Σ w_g × total_g × P / n_g and
    W = Σ w_g: the half-up rounding of ``survey_arith.round_hundredths``."""
    scale = sample.leaves[leaf].scale
    included = (n >= sample.min_n) & sample.asked(leaf)
    weights = np.where(included, sample.weights, 0)
    count = np.where(included, n, 1)
    # Every factor's largest value, so that the largest intermediate is known before computing.
    largest_n = int(sample.sizes.max(initial=1))
    groups = int(sample.asked(leaf).sum())
    bound = 20001 * int(sample.weights.sum()) * scale * prod([largest_n] * groups)
    dtype: Any = np.int64 if bound < _INT64_SAFE else object
    weights, count, total = weights.astype(dtype), count.astype(dtype), total.astype(dtype)
    product = np.prod(count, axis=2)
    weight_sum = weights.sum(axis=2)
    num = (weights * total * (product[..., None] // count)).sum(axis=2)
    denominator = product * scale * weight_sum
    safe = np.where(weight_sum > 0, denominator, 1)
    value = (200 * num + safe) // (2 * safe)
    return np.where(weight_sum > 0, value, INSUFFICIENT).astype(np.int64)
