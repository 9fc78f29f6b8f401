"""A whole cycle in one pass: every unit's points, max, index, rank and band.

Leaf values are scored by the scalar rules (``scoring.score_leaf``, cached per distinct value);
aggregation then runs over integer arrays of quanta, one column per node, bottom-up, so a cycle of
5,000 units costs a few hundred vector operations rather than millions of Decimal additions. All
arithmetic stays exact: quanta are integers and every index is rounded half-up once, from the
exact ratio, in integer arithmetic.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from decimal import Decimal
from fractions import Fraction
from functools import cached_property

import numpy as np
import numpy.typing as npt

from .errors import Collector, InputError, Notice, ParindexError, ValueRuleError
from .framework import Band, Framework, Node
from .messages import Message, msg
from .numbers import format_decimal, from_quanta, quanta
from .ranking import listing_key, rank_group, rank_in_groups
from .scoring import LeafScore, Scorer
from .text import Text

Matrix = npt.NDArray[np.int64]

OVERRIDE_LABEL = Text("Điểm được xác định lại", "Points set to")
"""How an overridden leaf is explained by default (a what-if target)."""
APPRAISED_LABEL = Text("Điểm thẩm định", "Appraised points")
"""How a leaf whose points the appraisers set directly is explained (*điểm thẩm định*)."""
Mask = npt.NDArray[np.bool_]


@dataclass(frozen=True)
class UnitInfo:
    """An evaluated unit (*đơn vị được đánh giá*) as the computation sees it."""

    code: str
    name: str | None = None
    type: str | None = None
    group: str | None = None


@dataclass(frozen=True)
class NodeResult:
    code: str
    points: Decimal
    max: Decimal
    index: Decimal | None


@dataclass(frozen=True)
class UnitResult:
    unit: UnitInfo
    points: Decimal
    max: Decimal
    index: Decimal | None
    rank: int | None
    band: Band | None
    nodes: dict[str, NodeResult]
    missing: tuple[str, ...]
    leaves: dict[str, LeafScore]


@dataclass(frozen=True, eq=False)
class CycleResult:
    """The arrays of one computation; ``units`` materialises the per-unit view when asked."""

    framework: Framework
    unit_infos: tuple[UnitInfo, ...]
    node_points: Matrix  # units × nodes, quanta
    node_max: Matrix
    node_applies: Mask
    node_index: Matrix  # quanta; -1 where there is none
    total: Matrix  # per unit, quanta
    total_max: Matrix
    total_index: Matrix  # -1 where there is none
    ranks: tuple[int | None, ...]
    missing_mask: Mask  # units × leaves
    leaf_scores: Sequence[dict[str, LeafScore]]  # per unit, by position; may be built on use
    warnings: tuple[Notice, ...]

    @cached_property
    def order(self) -> tuple[int, ...]:
        """Positions of units in listing order (group, rank, code)."""
        infos = self.unit_infos
        return tuple(
            sorted(
                range(len(infos)),
                key=lambda u: listing_key(infos[u].group, self.ranks[u], infos[u].code),
            )
        )

    def unit(self, position: int) -> UnitResult:
        fw = self.framework
        places = fw.places
        nodes: dict[str, NodeResult] = {}
        applies = self.node_applies[position]
        points_row = self.node_points[position].tolist()
        max_row = self.node_max[position].tolist()
        index_row = self.node_index[position].tolist()
        for n, node in enumerate(fw.all_nodes):
            if applies[n]:
                idx = index_row[n]
                nodes[node.code] = NodeResult(
                    node.code,
                    from_quanta(points_row[n], places),
                    from_quanta(max_row[n], places),
                    None if idx < 0 else from_quanta(idx, places),
                )
        index_q = int(self.total_index[position])
        index = None if index_q < 0 else from_quanta(index_q, places)
        missing_row = self.missing_mask[position]
        return UnitResult(
            unit=self.unit_infos[position],
            points=from_quanta(int(self.total[position]), places),
            max=from_quanta(int(self.total_max[position]), places),
            index=index,
            rank=self.ranks[position],
            band=fw.band_for(index),
            nodes=nodes,
            missing=tuple(leaf.code for i, leaf in enumerate(fw.leaves) if missing_row[i]),
            leaves=self.leaf_scores[position],
        )

    @cached_property
    def units(self) -> tuple[UnitResult, ...]:
        """Every unit's result, in listing order."""
        return tuple(self.unit(p) for p in self.order)

    def by_unit(self, code: str) -> UnitResult:
        for position, info in enumerate(self.unit_infos):
            if info.code == code:
                return self.unit(position)
        raise KeyError(code)


def compute(
    framework: Framework,
    answers: Mapping[str, Mapping[str, str | None]],
    units: Sequence[UnitInfo] | None = None,
    *,
    scorer: Scorer | None = None,
    overrides: Mapping[str, Mapping[str, Decimal]] | None = None,
    override_label: Text = OVERRIDE_LABEL,
) -> CycleResult:
    """Compute a cycle. ``answers`` maps unit code → leaf code → value as written.

    With ``units`` given, every unit of ``answers`` must be among them, and units without answers
    are computed with every leaf missing. Raises ParindexErrors listing every bad value.

    ``overrides`` maps unit code → leaf code → points that replace what the rule gives for that
    leaf (appraised points, or a what-if target): the leaf counts as scored, with its full
    maximum, whatever its answer was. Points must lie in [0, max] and be a multiple of the
    framework's rounding; the leaf must apply to the unit's type. Each overridden leaf is
    explained as ``override_label`` followed by its points (e.g. ``APPRAISED_LABEL``: "Điểm
    thẩm định: 1.5").
    """
    fw = framework
    infos, position_of = check_units(answers, units)
    leaf_applies, leaf_max = leaf_maxima(fw, infos)
    problems = Collector()
    scored = _Scored(fw, infos, position_of, problems)
    scored.score_answers(answers, scorer or Scorer(fw))
    if overrides:
        scored.apply_overrides(overrides, override_label)
    problems.raise_if_any()

    leaf_points, answered = scored.matrices(leaf_max, last_entry_wins=bool(overrides))
    return cycle_result(
        fw,
        infos,
        LeafMatrices(leaf_points, leaf_max, leaf_applies, answered),
        tuple(scored.leaf_scores),
        tuple(scored.warnings),
    )


@dataclass(frozen=True)
class LeafMatrices:
    """Units × leaves, what a cycle's figures are summed from: each scored leaf's points and
    maximum in quanta (the full maximum where nothing was scored, 0 where the leaf does not
    apply), which leaves apply to each unit and which were answered (scored or n/a)."""

    points: Matrix
    maxima: Matrix
    applies: Mask
    answered: Mask


def cycle_result(
    fw: Framework,
    infos: tuple[UnitInfo, ...],
    leaves: LeafMatrices,
    leaf_scores: Sequence[dict[str, LeafScore]],
    warnings: tuple[Notice, ...],
) -> CycleResult:
    """Every unit's figures from its leaves: nodes summed bottom-up, totals, indices, ranks and
    the missing leaves."""
    normal_leaf = np.array([leaf.kind == "normal" for leaf in fw.leaves], dtype=np.bool_)
    node_points, node_max, node_applies = _aggregate(
        fw, leaves.points, leaves.maxima, leaves.applies
    )
    total, total_max, total_index = _totals(fw, node_points, node_max)
    return CycleResult(
        framework=fw,
        unit_infos=infos,
        node_points=node_points,
        node_max=node_max,
        node_applies=node_applies,
        node_index=_node_index(fw, node_points, node_max),
        total=total,
        total_max=total_max,
        total_index=total_index,
        ranks=_rank(infos, total_index),
        missing_mask=leaves.applies & ~leaves.answered & normal_leaf,
        leaf_scores=leaf_scores,
        warnings=warnings,
    )


def check_units(
    answers: Mapping[str, object], units: Sequence[UnitInfo] | None
) -> tuple[tuple[UnitInfo, ...], dict[str, int]]:
    """The units in order and each code's position; raises if a unit is listed twice or an
    answered unit is not listed. Without ``units``, the answered units."""
    problems = Collector()
    if units is None:
        units = [UnitInfo(code) for code in answers]
    infos = tuple(units)
    position_of: dict[str, int] = {}
    for position, info in enumerate(infos):
        if info.code in position_of:
            problems.add(InputError(msg("compute.unit_twice"), unit=info.code))
        position_of[info.code] = position
    for code in answers:
        if code not in position_of:
            problems.add(InputError(msg("compute.unit_not_listed"), unit=code))
    problems.raise_if_any()
    return infos, position_of


class _Scored:
    """The scored cells of the units × leaves matrix, in the order they were set (an override
    comes after the answer of its cell), each unit's leaf scores and the warnings; problems go to
    ``problems``."""

    def __init__(
        self,
        framework: Framework,
        infos: tuple[UnitInfo, ...],
        position_of: Mapping[str, int],
        problems: Collector,
    ) -> None:
        self.framework = framework
        self.infos = infos
        self.position_of = position_of
        self.problems = problems
        self.leaf_position = {leaf.code: i for i, leaf in enumerate(framework.leaves)}
        self.leaf_scores: list[dict[str, LeafScore]] = [{} for _ in infos]
        self.warnings: list[Notice] = []
        self.rows: list[int] = []
        self.cols: list[int] = []
        self.points: list[int] = []
        self.maxima: list[int] = []

    def _set(self, position: int, column: int, leaf_code: str, score: LeafScore) -> None:
        self.leaf_scores[position][leaf_code] = score
        self.rows.append(position)
        self.cols.append(column)
        self.points.append(score.points_q)
        self.maxima.append(score.max_q)

    def score_answers(
        self, answers: Mapping[str, Mapping[str, str | None]], scorer: Scorer
    ) -> None:
        """Score every answer by its leaf's rule; a value on a leaf that does not apply to the
        unit's type is ignored with a warning, an empty one is missing."""
        leaves = self.framework.leaves
        for unit_code, unit_answers in answers.items():
            position = self.position_of[unit_code]
            unit_type = self.infos[position].type
            for leaf_code, raw in unit_answers.items():
                column = self.leaf_position.get(leaf_code)
                if column is None:
                    self.problems.add(
                        InputError(msg("compute.not_a_leaf"), unit=unit_code, node=leaf_code)
                    )
                    continue
                leaf = leaves[column]
                try:
                    score = scorer(leaf, raw)
                except ValueRuleError as exc:
                    exc.unit = unit_code
                    self.problems.add(exc)
                    continue
                if score.status == "missing":  # an empty cell is no value: nothing to ignore
                    continue
                if not leaf.applies(unit_type):
                    self.warnings.append(
                        Notice(
                            msg(
                                "warn.not_applicable",
                                type=self.framework.unit_type_text(unit_type),
                            ),
                            unit=unit_code,
                            node=leaf_code,
                        )
                    )
                    continue
                self._set(position, column, leaf_code, score)

    def apply_overrides(self, overrides: Mapping[str, Mapping[str, Decimal]], label: Text) -> None:
        """Replace the points of the overridden leaves (the answer's value is kept to show)."""
        found = override_scores(
            self.framework, self.infos, self.position_of, overrides, label, self.problems
        )
        for position, column, score in found:
            previous = self.leaf_scores[position].get(score.code)
            if previous is not None:
                score = replace(score, value=previous.value)
            self._set(position, column, score.code, score)

    def matrices(self, leaf_max: Matrix, *, last_entry_wins: bool) -> tuple[Matrix, Mask]:
        """The units × leaves points and which cells were scored; the scored cells' maxima are
        written into ``leaf_max``. With ``last_entry_wins``, a cell set twice (an override over
        an answer) keeps its last entry (numpy does not promise which of repeated indices an
        assignment keeps)."""
        n_units, n_leaves = leaf_max.shape
        leaf_points = np.zeros((n_units, n_leaves), dtype=np.int64)
        answered = np.zeros((n_units, n_leaves), dtype=np.bool_)
        rows, cols, points, maxima = self.rows, self.cols, self.points, self.maxima
        if rows and last_entry_wins:
            last: dict[tuple[int, int], int] = {}
            for entry, cell in enumerate(zip(rows, cols, strict=True)):
                last[cell] = entry
            if len(last) < len(rows):
                keep = sorted(last.values())
                rows = [rows[e] for e in keep]
                cols = [cols[e] for e in keep]
                points = [points[e] for e in keep]
                maxima = [maxima[e] for e in keep]
        if rows:
            r, c = np.array(rows), np.array(cols)
            leaf_points[r, c] = points
            leaf_max[r, c] = maxima
            answered[r, c] = True
        return leaf_points, answered


def leaf_maxima(fw: Framework, infos: tuple[UnitInfo, ...]) -> tuple[Mask, Matrix]:
    """Units × leaves: which leaves apply to each unit's type and what each adds to its
    maximum (0 where it does not apply), computed once per unit type."""
    leaves = fw.leaves
    templates: dict[str | None, tuple[Mask, Matrix]] = {}
    for unit_type in {info.type for info in infos}:
        applies = np.array([leaf.applies(unit_type) for leaf in leaves], dtype=np.bool_)
        full = np.array([quanta(leaf.full_max, fw.places) for leaf in leaves], dtype=np.int64)
        templates[unit_type] = (applies, np.where(applies, full, 0))
    leaf_applies = np.zeros((len(infos), len(leaves)), dtype=np.bool_)
    leaf_max = np.zeros((len(infos), len(leaves)), dtype=np.int64)
    for position, info in enumerate(infos):
        leaf_applies[position], leaf_max[position] = templates[info.type]
    return leaf_applies, leaf_max


@dataclass(frozen=True)
class UnitRecompute:
    """One unit computed again and its group ranked again (:func:`recompute_unit`)."""

    unit: UnitResult  # with its rank in the group
    group: tuple[tuple[str, int | None], ...]  # every member's (code, rank), in listing order


def recompute_unit(
    framework: Framework,
    unit: UnitInfo,
    answers: Mapping[str, str | None],
    group_indices: Mapping[str, Decimal | None],
    *,
    scorer: Scorer | None = None,
    overrides: Mapping[str, Decimal] | None = None,
    override_label: Text = OVERRIDE_LABEL,
) -> UnitRecompute:
    """What :func:`compute` gives one unit and its group when only that unit's inputs changed.

    The unit is scored and aggregated by ``compute`` itself, over a cycle of that one unit
    (every figure of a unit depends on its own answers only); its rank comes from ranking its
    group again, with ``group_indices``, the other members' indices as computed before (unit
    code → index; the unit's own entry, if given, is replaced). ``answers`` and ``overrides``
    are the unit's (leaf code → value as written, leaf code → points). Raises what ``compute``
    raises for the same values."""
    alone = compute(
        framework,
        {unit.code: answers},
        [unit],
        scorer=scorer,
        overrides={unit.code: overrides} if overrides else None,
        override_label=override_label,
    )
    places = framework.places
    indices = {
        code: None if index is None else quanta(index, places)
        for code, index in group_indices.items()
    }
    own = int(alone.total_index[0])
    indices[unit.code] = None if own < 0 else own
    listed = tuple(rank_group(unit.group, indices))
    rank = next(rank for code, rank in listed if code == unit.code)
    return UnitRecompute(replace(alone.unit(0), rank=rank), listed)


def override_scores(
    fw: Framework,
    infos: Sequence[UnitInfo],
    position_of: Mapping[str, int],
    overrides: Mapping[str, Mapping[str, Decimal]],
    label: Text,
    problems: Collector,
) -> list[tuple[int, int, LeafScore]]:
    """Each override as (unit position, leaf column, its score); a refused one goes to
    ``problems`` (a unit not listed, a code that is not a leaf, points out of range or step,
    a leaf that does not apply to the unit's type)."""
    leaf_position = {leaf.code: i for i, leaf in enumerate(fw.leaves)}
    found: list[tuple[int, int, LeafScore]] = []
    for unit_code, unit_overrides in overrides.items():
        position = position_of.get(unit_code)
        if position is None:
            problems.add(InputError(msg("compute.override_unit_not_listed"), unit=unit_code))
            continue
        for leaf_code, value in unit_overrides.items():
            column = leaf_position.get(leaf_code)
            if column is None:
                problems.add(
                    InputError(msg("compute.override_not_leaf"), unit=unit_code, node=leaf_code)
                )
                continue
            score_or_error = _override_score(
                fw.leaves[column], value, infos[position].type, fw.places, label
            )
            if isinstance(score_or_error, Message):
                problems.add(
                    InputError(score_or_error, unit=unit_code, node=leaf_code, value=str(value))
                )
                continue
            found.append((position, column, score_or_error))
    return found


def _override_score(
    leaf: Node, value: Decimal, unit_type: str | None, places: int, label: Text = OVERRIDE_LABEL
) -> LeafScore | Message:
    """The score a leaf gets from overriding points, or why the override is refused."""
    if not leaf.applies(unit_type):
        return msg("compute.override_not_applicable", type=str(unit_type))
    assert leaf.max is not None
    if not isinstance(value, Decimal) or not value.is_finite() or value < 0 or value > leaf.max:
        return msg("compute.override_range", max=leaf.max)
    try:
        points_q = quanta(value, places)
    except ValueError:
        return msg("compute.override_step", step=leaf.framework_rounding)
    shown = format_decimal(value)
    return LeafScore(
        leaf.code,
        None,
        "scored",
        Fraction(value),
        points_q,
        quanta(leaf.max, places),
        places,
        Text(f"{label.vi}: {shown}", f"{label.en or label.vi}: {shown}"),
    )


def _aggregate(
    fw: Framework, leaf_points: Matrix, leaf_max: Matrix, leaf_applies: Mask
) -> tuple[Matrix, Matrix, Mask]:
    """Units × nodes points, maxima and applicability, summed bottom-up from the leaves; a
    node's own maximum caps both its points and its maximum."""
    places = fw.places
    all_nodes = fw.all_nodes
    column_of = {node.code: n for n, node in enumerate(fw.all_nodes)}
    n_units, n_nodes = leaf_points.shape[0], len(all_nodes)
    # Node by node, a node's figures are a row here (contiguous), a column of the result.
    node_points = np.zeros((n_nodes, n_units), dtype=np.int64)
    node_max = np.zeros((n_nodes, n_units), dtype=np.int64)
    node_applies = np.zeros((n_nodes, n_units), dtype=np.bool_)
    leaf_column = {leaf.code: i for i, leaf in enumerate(fw.leaves)}
    by_leaf = (leaf_points.T, leaf_max.T, leaf_applies.T)

    # Children come after their parent in framework order, so reversed order is bottom-up.
    for node in reversed(all_nodes):
        n = column_of[node.code]
        if node.is_leaf:
            i = leaf_column[node.code]
            node_points[n], node_max[n], node_applies[n] = (m[i] for m in by_leaf)
            continue
        children = [column_of[c.code] for c in node.children]
        node_points[n] = node_points[children].sum(axis=0)
        node_max[n] = node_max[children].sum(axis=0)
        node_applies[n] = node_applies[children].any(axis=0)
        if node.max is not None:
            cap = quanta(node.max, places)
            np.minimum(node_points[n], cap, out=node_points[n])
            np.minimum(node_max[n], cap, out=node_max[n])
    return (
        np.ascontiguousarray(node_points.T),
        np.ascontiguousarray(node_max.T),
        np.ascontiguousarray(node_applies.T),
    )


def leaf_totals(
    fw: Framework, leaf_points: Matrix, leaf_max: Matrix, leaf_applies: Mask
) -> tuple[Matrix, Matrix, Matrix]:
    """Per row of the leaf matrices (quanta): the total, the maximum and the index, aggregated
    exactly as :func:`compute` aggregates a cycle. A row need not be a distinct unit: a Monte
    Carlo stacks many draws of the same units (``parindex.core.rank_uncertainty``)."""
    node_points, node_max, _ = _aggregate(fw, leaf_points, leaf_max, leaf_applies)
    return _totals(fw, node_points, node_max)


def _totals(fw: Framework, node_points: Matrix, node_max: Matrix) -> tuple[Matrix, Matrix, Matrix]:
    """Per unit: the total (normal + bonus - penalty top-level points, never below 0), the
    maximum (the normal top-level nodes') and the index in quanta (-1 where there is none)."""
    column_of = {node.code: n for n, node in enumerate(fw.all_nodes)}
    n_units = node_points.shape[0]

    def top_sum(kind: str, matrix: Matrix) -> Matrix:
        columns = [column_of[t.code] for t in fw.nodes if t.kind == kind]
        if not columns:
            return np.zeros(n_units, dtype=np.int64)
        summed: Matrix = matrix[:, columns].sum(axis=1)
        return summed

    earned = (
        top_sum("normal", node_points)
        + top_sum("bonus", node_points)
        - top_sum("penalty", node_points)
    )
    total = np.maximum(earned, 0)
    total_max = top_sum("normal", node_max)
    return total, total_max, _index(total, total_max, fw.places)


def _node_index(fw: Framework, node_points: Matrix, node_max: Matrix) -> Matrix:
    """Units × nodes index in quanta; -1 where there is none (no maximum, bonus, penalty)."""
    node_index = _index(node_points, node_max, fw.places)
    scored_kind = np.array([node.kind == "normal" for node in fw.all_nodes], dtype=np.bool_)
    node_index[:, ~scored_kind] = -1
    return node_index


def _rank(infos: tuple[UnitInfo, ...], total_index: Matrix) -> tuple[int | None, ...]:
    """Each unit's rank in its group by index, by position."""
    n_units = len(infos)
    ranks_by_position = rank_in_groups(
        list(range(n_units)),
        [info.group for info in infos],
        [None if v < 0 else v for v in total_index.tolist()],
    )
    return tuple(ranks_by_position[p] for p in range(n_units))


def _index(points: Matrix, maximum: Matrix, places: int) -> Matrix:
    """points / maximum × 100, rounded half-up to ``places``, in quanta; -1 where maximum is 0.

    Both inputs are quanta, so the ratio is exact; floor((2·p·100·10^places + m) / (2·m)) is the
    half-up rounding of p·100·10^places / m for p >= 0, m > 0.
    """
    scale = 100 * 10**places
    safe = np.where(maximum > 0, maximum, 1)
    rounded = (2 * points * scale + safe) // (2 * safe)
    result: Matrix = np.where(maximum > 0, rounded, -1)
    return result


__all__ = [
    "APPRAISED_LABEL",
    "OVERRIDE_LABEL",
    "CycleResult",
    "NodeResult",
    "ParindexError",
    "UnitInfo",
    "UnitRecompute",
    "UnitResult",
    "compute",
    "leaf_totals",
    "recompute_unit",
]
