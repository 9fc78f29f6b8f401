"""How sure a rank is (*độ bất định của thứ hạng*): a Monte Carlo of a cycle's ranking.

The figures a cycle publishes come from one sample of survey respondents and from the
appraisers' decisions. :func:`rank_uncertainty` draws them again many times and ranks every
draw, so that a council sees which rank differences are noise (docs/methodology.md, U1–U5):

- **survey** (always, when a sample is given): each draw resamples, with replacement, the
  respondents of every unit × respondent group (a stratum of docs/formats.md §4.3) as many as
  the stratum holds, and aggregates each survey leaf of the draw exactly as §4.3 does
  (:mod:`parindex.core.survey_sample`). A survey leaf whose value in force is not the survey's
  own result (set by an appraiser, or entered by hand) is held at that value.
- **appraisal** (optional, off by default): each leaf whose appraised figure differs from the
  declared one keeps the appraised points with probability ``keep_percent`` %, and otherwise
  takes the points of the declared value, independently per leaf and draw.

Every draw's leaf points come from the scoring rules (``Scorer``, once per distinct value) and
its totals from :func:`parindex.core.compute.leaf_totals`, the aggregation of ``compute``, on
integer quanta; each draw is ranked within its groups by ``ranking.competition_ranks``. Floats
appear nowhere: the probabilities are counts of draws, and readers divide.

The random numbers come from numpy's ``Generator(PCG64)`` seeded from ``seed`` through a
``SeedSequence`` spawning one stream for the survey and one for the appraisal, each consumed in
draw order: the same inputs and seed give the same result, whatever the batch size.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import Any

import numpy as np
import numpy.typing as npt

from .compute import CycleResult, UnitInfo, compute, leaf_totals
from .framework import Framework, Node
from .numbers import from_quanta, quanta
from .ranking import competition_ranks
from .scoring import Scorer
from .survey_arith import hundredths
from .survey_sample import INSUFFICIENT, SurveySample

Ints = npt.NDArray[np.int64]
Integers = npt.NDArray[np.integer[Any]]
Progress = Callable[[int, int], None]
MAX_DRAWS = 10_000
MAX_RANKS = 20_000_000
"""Draws × units at most: every draw's ranks and indices are kept until the end (12 bytes each)."""
_BATCH_CELLS = 4_000_000  # matrix cells held per batch of draws (about 32 MB per matrix)
_VALUES = 10_001  # a survey leaf's values in hundredths of a percent: 0 .. 10000


@dataclass(frozen=True)
class AppraisalDraws:
    """The optional model of appraisal adjustments: ``declared`` holds the units' declared
    values (unit code → leaf code → value as written, the self basis); a leaf whose figure in
    force differs from the declared one keeps it with probability ``keep_percent`` %."""

    declared: Mapping[str, Mapping[str, str | None]]
    keep_percent: int


@dataclass(frozen=True)
class UnitUncertainty:
    """One unit over the draws. ``rank``, ``index`` and ``band`` are the computation's own
    (the point estimate); the interval bounds follow the quantile rule of :func:`quantile`
    over the draws in which the unit has a rank (or an index). ``band_draws`` counts, per band
    code in framework order and ``None`` (no band) last, the draws that gave the unit that
    band: the counts sum to the number of draws."""

    unit: UnitInfo
    group_size: int
    rank: int | None
    index: Decimal | None
    band: str | None
    rank_low: int | None
    rank_high: int | None
    rank_median: int | None
    index_low: Decimal | None
    index_high: Decimal | None
    band_draws: tuple[tuple[str | None, int], ...]


@dataclass(frozen=True)
class RankUncertainty:
    draws: int
    seed: int
    level: int
    keep_percent: int | None
    units: tuple[UnitUncertainty, ...]  # listing order (group, rank, code)
    resampled: tuple[tuple[str, str], ...]  # (unit, leaf): survey leaves drawn again
    held: tuple[tuple[str, str], ...]  # survey leaves held at their value in force
    adjusted: tuple[tuple[str, str], ...]  # leaves alternating between appraised and declared

    def unit(self, code: str) -> UnitUncertainty:
        return next(u for u in self.units if u.unit.code == code)


def quantile(ordered: Sequence[int] | Integers, numerator: int, denominator: int) -> int:
    """The p-quantile, p = numerator / denominator in (0, 1], of values sorted ascending: the
    smallest value such that at least p × D of the D values are at most it (the inverse of the
    empirical distribution function, Hyndman and Fan's type 1). It is always one of the
    values, and computed in integers: the ⌈p × D⌉-th smallest."""
    if not 0 < numerator <= denominator:
        raise ValueError("a quantile's p lies in (0, 1]")
    k = -(-numerator * len(ordered) // denominator)
    return int(ordered[k - 1])


def interval(ordered: Sequence[int] | Integers, level: int) -> tuple[int, int]:
    """The central ``level`` % interval: the (100 − level) / 200 and (100 + level) / 200
    quantiles. At least ``level`` % of the values lie inside it (U3)."""
    return quantile(ordered, 100 - level, 200), quantile(ordered, 100 + level, 200)


def rank_uncertainty(
    framework: Framework,
    answers: Mapping[str, Mapping[str, str | None]],
    units: Sequence[UnitInfo],
    *,
    seed: int,
    draws: int = 1000,
    level: int = 90,
    overrides: Mapping[str, Mapping[str, Decimal]] | None = None,
    survey: SurveySample | None = None,
    appraisal: AppraisalDraws | None = None,
    progress: Progress | None = None,
    batch: int | None = None,
) -> RankUncertainty:
    """Draw the cycle ``draws`` times and summarise each unit's rank, index and band.

    ``answers``, ``units`` and ``overrides`` are what :func:`compute` takes for the basis in
    force (the final basis: declared values overlaid with appraised ones, appraised points as
    overrides); ``survey`` holds the respondents behind the survey leaves. ``progress`` is
    called with (draws done, draws) after each batch; ``batch`` (draws per batch) changes the
    memory used, never the result."""
    _check_settings(draws, len(units), level, seed, appraisal)
    fw, scorer = framework, Scorer(framework)
    base = compute(fw, answers, units, scorer=scorer, overrides=overrides)
    points, maxima, applies = _leaf_matrices(base)
    survey_plan = _SurveyPlan(fw, base, scorer, survey, overrides or {}) if survey else None
    resampled = survey_plan.mask if survey_plan else np.zeros_like(applies)
    adjust = _Adjustments(fw, base, scorer, appraisal, units, resampled) if appraisal else None
    seeds = np.random.SeedSequence(seed).spawn(2)
    survey_rng, appraisal_rng = (np.random.Generator(np.random.PCG64(s)) for s in seeds)
    n_units = points.shape[0]
    cells_per_draw = max(n_units * len(fw.all_nodes), survey.forms if survey else 0, 1)
    step = batch or max(1, _BATCH_CELLS // cells_per_draw)
    ranks = np.zeros((draws, n_units), dtype=np.int32)  # 0: no rank
    indices = np.full((draws, n_units), -1, dtype=np.int64)
    members = _group_members(base.unit_infos)
    for start in range(0, draws, step):
        size = min(step, draws - start)
        drawn_points = np.repeat(points[None], size, axis=0)
        drawn_max = np.repeat(maxima[None], size, axis=0)
        if survey_plan is not None:
            survey_plan.draw(survey_rng, drawn_points, drawn_max)
        if adjust is not None:
            adjust.draw(appraisal_rng, drawn_points, drawn_max)
        indices[start : start + size] = _drawn_indices(fw, drawn_points, drawn_max, applies)
        ranks[start : start + size] = _ranks(indices[start : start + size], members)
        if progress is not None:
            progress(start + size, draws)
    summaries = _summaries(base, ranks, indices, level, members)
    return RankUncertainty(
        draws=draws,
        seed=seed,
        level=level,
        keep_percent=appraisal.keep_percent if appraisal else None,
        units=tuple(summaries[p] for p in base.order),
        resampled=survey_plan.cells(survey_plan.mask) if survey_plan else (),
        held=survey_plan.cells(survey_plan.held) if survey_plan else (),
        adjusted=adjust.cells if adjust else (),
    )


def _check_settings(
    draws: int, n_units: int, level: int, seed: int, appraisal: AppraisalDraws | None
) -> None:
    if not 1 <= draws <= MAX_DRAWS:
        raise ValueError(f"draws must lie in [1, {MAX_DRAWS}]")
    if draws * n_units > MAX_RANKS:
        raise ValueError(f"draws × units must not exceed {MAX_RANKS:,}")
    if not 1 <= level <= 99:
        raise ValueError("level must lie in [1, 99]")
    if seed < 0:
        raise ValueError("seed must not be negative")
    if appraisal is not None and not 0 <= appraisal.keep_percent <= 100:
        raise ValueError("keep_percent must lie in [0, 100]")


def _drawn_indices(
    fw: Framework, points: Ints, maxima: Ints, applies: npt.NDArray[np.bool_]
) -> Ints:
    """Draws × units indices (rounded, in quanta) of a batch of draws' leaf points and maxima
    (draws × units × leaves), totalled exactly as ``compute`` totals them."""
    size, n_units, n_leaves = points.shape
    _, _, index = leaf_totals(
        fw,
        points.reshape(size * n_units, n_leaves),
        maxima.reshape(size * n_units, n_leaves),
        np.broadcast_to(applies, (size, n_units, n_leaves)).reshape(size * n_units, n_leaves),
    )
    return index.reshape(size, n_units)


def _leaf_matrices(result: CycleResult) -> tuple[Ints, Ints, npt.NDArray[np.bool_]]:
    """Units × leaves points, maxima and applicability, as ``compute`` aggregated them (a
    leaf's node column holds its leaf's figures)."""
    fw = result.framework
    column = {node.code: n for n, node in enumerate(fw.all_nodes)}
    leaves = [column[leaf.code] for leaf in fw.leaves]
    return (
        result.node_points[:, leaves].copy(),
        result.node_max[:, leaves].copy(),
        result.node_applies[:, leaves].copy(),
    )


class _SurveyPlan:
    """Which units' survey leaves are drawn again, and how a drawn value becomes points."""

    def __init__(
        self,
        fw: Framework,
        base: CycleResult,
        scorer: Scorer,
        sample: SurveySample,
        overrides: Mapping[str, Mapping[str, Decimal]],
    ) -> None:
        self.fw = fw
        self.base = base
        self.scorer = scorer
        self.sample = sample
        n_units = len(base.unit_infos)
        leaf_column = {leaf.code: i for i, leaf in enumerate(fw.leaves)}
        self.mask = np.zeros((n_units, len(fw.leaves)), dtype=np.bool_)
        self.held = np.zeros_like(self.mask)
        position = {code: i for i, code in enumerate(sample.unit_codes)}
        # A unit the sample does not know has no respondent: its column is INSUFFICIENT.
        self.sample_unit = np.array(
            [position.get(info.code, len(sample.unit_codes)) for info in base.unit_infos],
            dtype=np.int64,
        )
        identity = sample.identity()
        self.leaves: list[tuple[Node, int, Ints]] = []
        for code in sample.questionnaire.leaves:
            leaf = fw.by_code.get(code)
            if leaf is None or not leaf.is_leaf:
                raise ValueError(f"survey leaf {code} is not a leaf of {fw.code} {fw.version}")
            column = leaf_column[code]
            full = self._with_unknown(sample.values(code, identity))[0, self.sample_unit]
            rows = []
            for u, info in enumerate(base.unit_infos):
                if not leaf.applies(info.type):
                    continue
                if code not in overrides.get(info.code, {}) and self._from_survey(
                    leaf, u, int(full[u])
                ):
                    rows.append(u)
                    self.mask[u, column] = True
                else:
                    self.held[u, column] = True
            if rows:
                self.leaves.append((leaf, column, np.array(rows, dtype=np.int64)))
        sizes = sample.sizes
        self.slot_start = np.repeat(sample.starts, sizes)
        self.slot_size = np.repeat(sizes, sizes)
        # Per drawn leaf, the points and maximum of each value 0..10000 (hundredths of a
        # percent) and of no value (the last row), filled as values turn up; -1: not yet.
        self.tables = {
            leaf.code: np.full((_VALUES + 1, 2), -1, dtype=np.int64) for leaf, _, _ in self.leaves
        }

    def _with_unknown(self, values: Ints) -> Ints:
        column = np.full((values.shape[0], 1), INSUFFICIENT, dtype=np.int64)
        return np.concatenate([values, column], axis=1)

    def _from_survey(self, leaf: Node, u: int, full: int) -> bool:
        """Whether the unit's value in force for the leaf is the survey's own result: the
        same percentage, or no value where the survey has none (S9, insufficient)."""
        score = self.base.leaf_scores[u].get(leaf.code)
        if score is None:
            return full == INSUFFICIENT
        if score.status != "scored" or full == INSUFFICIENT:
            return False
        return score.exact * 100 / Fraction(leaf.full_max) == Fraction(full, 100)

    def leaf_points(self, leaf: Node, value: int) -> tuple[int, int]:
        """Points and maximum (quanta) of a survey leaf given a value in hundredths of a
        percent, through the leaf's rule; no value is a missing leaf, as in ``compute``."""
        if value == INSUFFICIENT:
            return 0, quanta(leaf.full_max, self.fw.places)
        score = self.scorer(leaf, f"{hundredths(value):.2f}")
        return score.points_q, score.max_q

    def table(self, leaf: Node, values: Ints) -> Ints:
        """The leaf's table of points, every value among ``values`` in it (no value, -1,
        reads the last row)."""
        table = self.tables[leaf.code]
        unknown = np.unique(values[table[values, 0] < 0])
        for value in unknown.tolist():
            table[value] = self.leaf_points(leaf, value)
        return table

    def draw(self, rng: np.random.Generator, points: Ints, maxima: Ints) -> None:
        """Resample every stratum and write each drawn survey leaf's points into the batch
        (draws × units × leaves)."""
        if not self.leaves or not self.sample.forms:
            return
        size = points.shape[0]
        drawn = self.slot_start + rng.integers(0, self.slot_size, size=(size, len(self.slot_size)))
        for leaf, column, rows in self.leaves:
            values = self._with_unknown(self.sample.values(leaf.code, drawn))
            chosen = values[:, self.sample_unit[rows]]
            table = self.table(leaf, chosen)
            points[:, rows, column] = table[chosen, 0]
            maxima[:, rows, column] = table[chosen, 1]

    def cells(self, mask: npt.NDArray[np.bool_]) -> tuple[tuple[str, str], ...]:
        infos, leaves = self.base.unit_infos, self.fw.leaves
        return tuple(
            (infos[u].code, leaves[c].code) for u, c in zip(*np.nonzero(mask), strict=True)
        )


class _Adjustments:
    """The leaves whose figure in force differs from the declared one, with both figures."""

    def __init__(
        self,
        fw: Framework,
        base: CycleResult,
        scorer: Scorer,
        appraisal: AppraisalDraws,
        units: Sequence[UnitInfo],
        resampled: npt.NDArray[np.bool_],
    ) -> None:
        declared = compute(fw, appraisal.declared, units, scorer=scorer)
        kept_points, kept_max, applies = _leaf_matrices(base)
        other_points, other_max, _ = _leaf_matrices(declared)
        differs = ((kept_points != other_points) | (kept_max != other_max)) & applies
        self.rows, self.columns = np.nonzero(differs & ~resampled)
        self.kept = (kept_points[self.rows, self.columns], kept_max[self.rows, self.columns])
        self.other = (other_points[self.rows, self.columns], other_max[self.rows, self.columns])
        self.keep_percent = appraisal.keep_percent
        infos, leaves = base.unit_infos, fw.leaves
        self.cells = tuple(
            (infos[u].code, leaves[c].code) for u, c in zip(self.rows, self.columns, strict=True)
        )

    def draw(self, rng: np.random.Generator, points: Ints, maxima: Ints) -> None:
        """Each adjusted leaf of each draw: the appraised figure when a draw of 0..99 falls
        below ``keep_percent``, else the declared one."""
        if not self.cells:
            return
        keep = rng.integers(0, 100, size=(points.shape[0], len(self.cells))) < self.keep_percent
        points[:, self.rows, self.columns] = np.where(keep, self.kept[0], self.other[0])
        maxima[:, self.rows, self.columns] = np.where(keep, self.kept[1], self.other[1])


def _group_members(infos: Sequence[UnitInfo]) -> list[Ints]:
    groups: dict[str | None, list[int]] = {}
    for position, info in enumerate(infos):
        groups.setdefault(info.group, []).append(position)
    return [np.array(positions, dtype=np.int64) for positions in groups.values()]


def _ranks(index: Ints, members: list[Ints]) -> Ints:
    """Draws × units ranks within groups by ``competition_ranks`` (0: no rank)."""
    ranks = np.zeros(index.shape, dtype=np.int64)
    for positions in members:
        for d, row in enumerate(index[:, positions].tolist()):
            ranked = competition_ranks([None if v < 0 else v for v in row])
            ranks[d, positions] = [0 if r is None else r for r in ranked]
    return ranks


def _summaries(
    base: CycleResult, ranks: Integers, indices: Ints, level: int, members: list[Ints]
) -> list[UnitUncertainty]:
    fw = base.framework
    places = fw.places
    size_of = {int(p): len(positions) for positions in members for p in positions}
    codes: list[str | None] = [b.code for b in fw.bands]
    codes.append(None)
    distinct, inverse = np.unique(indices, return_inverse=True)
    band_of = np.array(
        [
            codes.index(_band_code(fw, None if v < 0 else from_quanta(int(v), places)))
            for v in distinct
        ],
        dtype=np.int64,
    )
    bands = band_of[inverse.reshape(indices.shape)]
    out = []
    for u, info in enumerate(base.unit_infos):
        ranked = np.sort(ranks[:, u][ranks[:, u] > 0])
        indexed = np.sort(indices[:, u][indices[:, u] >= 0])
        counts = np.bincount(bands[:, u], minlength=len(codes))
        rank_bounds: tuple[Any, ...] = (
            (*interval(ranked, level), quantile(ranked, 1, 2)) if len(ranked) else (None,) * 3
        )
        index_bounds = (
            tuple(from_quanta(v, places) for v in interval(indexed, level))
            if len(indexed)
            else (None, None)
        )
        own_index = int(base.total_index[u])
        own = None if own_index < 0 else from_quanta(own_index, places)
        out.append(
            UnitUncertainty(
                unit=info,
                group_size=size_of[u],
                rank=base.ranks[u],
                index=own,
                band=_band_code(fw, own),
                rank_low=rank_bounds[0],
                rank_high=rank_bounds[1],
                rank_median=rank_bounds[2],
                index_low=index_bounds[0],
                index_high=index_bounds[1],
                band_draws=tuple(zip(codes, (int(c) for c in counts), strict=True)),
            )
        )
    return out


def _band_code(fw: Framework, index: Decimal | None) -> str | None:
    band = fw.band_for(index)
    return None if band is None else band.code


__all__ = [
    "MAX_DRAWS",
    "MAX_RANKS",
    "AppraisalDraws",
    "RankUncertainty",
    "UnitUncertainty",
    "interval",
    "quantile",
    "rank_uncertainty",
]
