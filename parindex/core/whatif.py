"""What-if (*giả định*): the index, band and rank a unit or the province would reach if chosen
nodes regained their points, fully or to a share of their maximum.

The projection is a second run of the same ``compute`` as the real results, on the same answers,
with the chosen leaves' points overridden (``compute(..., overrides=...)``); every unit outside
the scope keeps its answers, so it is held at its current result.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from .compute import CycleResult, UnitInfo, compute
from .errors import Collector, InputError
from .framework import Band, Framework
from .messages import msg
from .numbers import from_quanta, round_half_up
from .scoring import Scorer

Overrides = Mapping[str, Mapping[str, Decimal]]


@dataclass(frozen=True)
class Target:
    """Regain node ``node`` (a leaf or a branch: all its leaves) up to ``share`` of its max."""

    node: str
    share: Fraction = Fraction(1)


@dataclass(frozen=True)
class Standing:
    points: Decimal
    max: Decimal
    index: Decimal | None
    band: Band | None
    rank: int | None


@dataclass(frozen=True)
class UnitProjection:
    unit: UnitInfo
    before: Standing
    after: Standing
    in_scope: bool

    @property
    def gain(self) -> Decimal:
        return self.after.points - self.before.points

    @property
    def rank_change(self) -> int | None:
        """Positive when the unit moves up (its rank number falls)."""
        if self.before.rank is None or self.after.rank is None:
            return None
        return self.before.rank - self.after.rank


@dataclass(frozen=True)
class Projection:
    """Before and after for every unit (listing order of the current results), and the mean
    index of the units in scope, rounded half-up like an index."""

    targets: tuple[Target, ...]
    units: tuple[UnitProjection, ...]
    mean_before: Decimal | None
    mean_after: Decimal | None
    overrides: dict[str, dict[str, Decimal]]
    after: CycleResult

    def unit(self, code: str) -> UnitProjection:
        for projection in self.units:
            if projection.unit.code == code:
                return projection
        raise KeyError(code)

    @property
    def scope(self) -> tuple[UnitProjection, ...]:
        return tuple(u for u in self.units if u.in_scope)


def check_targets(framework: Framework, targets: Sequence[Target]) -> None:
    """Raise every problem with the targets: unknown node, not a normal node, share out of
    (0, 1]."""
    problems = Collector()
    for target in targets:
        node = framework.by_code.get(target.node)
        if node is None:
            problems.add(InputError(msg("whatif.no_node"), node=target.node))
        elif node.kind != "normal":
            problems.add(InputError(msg("whatif.not_normal"), node=target.node))
        if not 0 < target.share <= 1:
            problems.add(
                InputError(
                    msg("whatif.share_range"),
                    node=target.node,
                    value=str(target.share),
                )
            )
    problems.raise_if_any()


def regain_overrides(
    current: CycleResult, targets: Sequence[Target], unit_codes: Collection[str]
) -> dict[str, dict[str, Decimal]]:
    """Points that lift each chosen leaf of each unit in ``unit_codes`` to its target: the
    share of its max, rounded half-up to the framework's rounding. Leaves already at or above
    the target, leaves answered n/a, and leaves that do not apply are left alone."""
    fw = current.framework
    check_targets(fw, targets)
    places = fw.places
    wanted: dict[str, int] = {}
    for target in targets:
        for node in fw.node(target.node).walk():
            if node.is_leaf and node.kind == "normal":
                assert node.max is not None
                goal = round_half_up(Fraction(node.max) * target.share, places)
                wanted[node.code] = max(goal, wanted.get(node.code, 0))
    overrides: dict[str, dict[str, Decimal]] = {}
    for position, info in enumerate(current.unit_infos):
        if info.code not in unit_codes:
            continue
        scores = current.leaf_scores[position]
        for code, goal in wanted.items():
            leaf = fw.node(code)
            if not leaf.applies(info.type):
                continue
            score = scores.get(code)
            if score is not None and score.status == "na":
                continue
            have = score.points_q if score is not None else 0
            if goal > have:
                overrides.setdefault(info.code, {})[code] = from_quanta(goal, places)
    return overrides


def _merge(
    base: Overrides | None, extra: Mapping[str, Mapping[str, Decimal]]
) -> dict[str, dict[str, Decimal]]:
    merged: dict[str, dict[str, Decimal]] = {u: dict(v) for u, v in (base or {}).items()}
    for unit, leaves in extra.items():
        merged.setdefault(unit, {}).update(leaves)
    return merged


def _standing(result: CycleResult, position: int) -> Standing:
    unit = result.unit(position)
    return Standing(unit.points, unit.max, unit.index, unit.band, unit.rank)


def _mean(values: Sequence[Decimal | None], places: int) -> Decimal | None:
    present = [Fraction(v) for v in values if v is not None]
    if not present:
        return None
    return from_quanta(round_half_up(sum(present, Fraction(0)) / len(present), places), places)


def project(
    framework: Framework,
    answers: Mapping[str, Mapping[str, str | None]],
    units: Sequence[UnitInfo],
    targets: Sequence[Target],
    *,
    scope: Collection[str] | None = None,
    overrides: Overrides | None = None,
    scorer: Scorer | None = None,
) -> Projection:
    """Project the result of regaining ``targets`` for the units in ``scope`` (every unit when
    None), the others held at their current results. ``overrides`` are points already in force
    (e.g. appraised), applied before and after alike."""
    scorer = scorer or Scorer(framework)
    current = compute(framework, answers, units, scorer=scorer, overrides=overrides)
    codes = {u.code for u in current.unit_infos} if scope is None else set(scope)
    gains = regain_overrides(current, targets, codes)
    after = compute(framework, answers, units, scorer=scorer, overrides=_merge(overrides, gains))
    projections = tuple(
        UnitProjection(
            unit=current.unit_infos[p],
            before=_standing(current, p),
            after=_standing(after, p),
            in_scope=current.unit_infos[p].code in codes,
        )
        for p in current.order
    )
    in_scope = [u for u in projections if u.in_scope]
    places = framework.places
    return Projection(
        targets=tuple(targets),
        units=projections,
        mean_before=_mean([u.before.index for u in in_scope], places),
        mean_after=_mean([u.after.index for u in in_scope], places),
        overrides=gains,
        after=after,
    )


__all__ = [
    "Projection",
    "Standing",
    "Target",
    "UnitProjection",
    "check_targets",
    "project",
    "regain_overrides",
]
