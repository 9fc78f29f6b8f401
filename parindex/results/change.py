"""Year over year: each unit's change since the previous published cycle of its framework family.

The rules (docs/methodology.md Y1–Y4), whose arithmetic is the core's
(``parindex.core.baseline``, ``parindex.core.nodemap``):

- the cycle compared with is the one just before, by year, of the same framework code (the
  family), and only when it is published: a change is never computed against a cycle still in
  progress, and never skips a cycle of the family;
- a unit's baseline is its own earlier index, joined by the earlier indices of its
  predecessors in the register (``units.Succession``) that are no longer in scope: their plain
  mean, or their mean weighted by the successions' weights when every unit of it has one;
- a rank is compared only with the unit's own earlier rank (or a renamed predecessor's) in a
  group of the same name, each shown as a position among the ranked units of the group;
- the areas of a later framework version are compared through the node mapping of the pair of
  versions (``frameworks.selectors.node_map_between``).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from django.db.models import Count, Exists, OuterRef, Q

from parindex.core import Node
from parindex.core.baseline import Baseline, Member, Position, RankMove, combine, rank_move
from parindex.core.nodemap import mapped_index
from parindex.cycles.models import Cycle
from parindex.cycles.selectors import previous_in_family
from parindex.frameworks.selectors import core_framework, node_map_between
from parindex.units.models import Succession

from .models import Basis, UnitResult


def baseline_cycle(cycle: Cycle) -> Cycle | None:
    """The cycle just before ``cycle`` in its framework family, when it is published: the only
    cycle a change may be computed against (cancelled cycles do not count)."""
    earlier = previous_in_family(cycle)
    return earlier if earlier is not None and earlier.is_published else None


@dataclass(frozen=True)
class Earlier:
    """A unit's result in the baseline cycle, as the comparison needs it."""

    unit_id: int
    code: str
    name: str
    group: str
    index: Decimal | None
    rank: int | None


@dataclass(frozen=True)
class Source:
    """A unit whose earlier result a baseline is computed from, for the page to name."""

    code: str
    name: str
    index: Decimal
    weight: Decimal | None
    own: bool  # the unit itself, not a predecessor


@dataclass(frozen=True)
class Change:
    """A unit's change since the baseline cycle."""

    baseline: Decimal | None  # rounded to the framework's places
    index_change: Decimal | None
    sources: tuple[Source, ...]
    weighted: bool
    move: RankMove | None

    @property
    def from_predecessors(self) -> bool:
        return any(not s.own for s in self.sources)


@dataclass(frozen=True)
class AreaChange:
    """An area's index then (carried across the node mapping) and now, for the scorecard."""

    node: Node
    before: Decimal | None
    now: str | None  # as stored

    @property
    def change(self) -> Decimal | None:
        if self.before is None or self.now is None:
            return None
        return Decimal(self.now) - self.before


@dataclass(frozen=True)
class Link:
    predecessor_id: int
    kind: str
    weight: Decimal | None
    in_scope: bool  # the predecessor is still in the later cycle's scope


class Comparison:
    """The baseline cycle's figures and the register's links, read once for a page; each unit's
    :class:`Change` computed on demand. With ``unit_ids``, only the changes of those units are
    asked for: the earlier results read are theirs and their predecessors' (a page of a
    ranking of thousands reads a page's worth), the groups' sizes counted by the database."""

    def __init__(
        self, cycle: Cycle, previous: Cycle, *, basis: str, unit_ids: list[int] | None = None
    ) -> None:
        self.cycle = cycle
        self.previous = previous
        self.places = core_framework(cycle.framework_version).places
        self.links = _links(cycle)
        wanted = None if unit_ids is None else self._with_predecessors(unit_ids)
        self.earlier = _earlier_results(previous, wanted)
        self.earlier_sizes = _ranked_sizes(previous)
        self.sizes = Counter(
            dict(
                UnitResult.objects.filter(cycle=cycle, basis=basis, rank__isnull=False)
                .values_list("group")
                .annotate(size=Count("*"))
                .values_list("group", "size")
                .order_by()
            )
        )

    def _with_predecessors(self, unit_ids: list[int]) -> set[int]:
        found = set(unit_ids)
        frontier = list(unit_ids)
        while frontier:
            for link in self.links.get(frontier.pop(), []):
                if link.predecessor_id not in found:
                    found.add(link.predecessor_id)
                    frontier.append(link.predecessor_id)
        return found

    def sources_of(self, unit_id: int) -> list[tuple[Earlier, Decimal | None, bool]]:
        """The earlier results a unit's baseline is made of: (result, weight, own), the unit's
        own first; a predecessor still in scope is compared on its own, and a predecessor
        without an earlier result is followed to its own predecessors."""
        found: list[tuple[Earlier, Decimal | None, bool]] = []
        own = self.earlier.get(unit_id)
        if own is not None and own.index is not None:
            found.append((own, None, True))
        seen = {unit_id}
        frontier = [link for link in self.links.get(unit_id, []) if not link.in_scope]
        while frontier:
            link = frontier.pop(0)
            if link.predecessor_id in seen:
                continue
            seen.add(link.predecessor_id)
            earlier = self.earlier.get(link.predecessor_id)
            if earlier is not None and earlier.index is not None:
                found.append((earlier, link.weight, False))
            elif earlier is None:
                deeper = self.links.get(link.predecessor_id, [])
                frontier.extend(later for later in deeper if not later.in_scope)
        return found

    def change(self, result: UnitResult) -> Change | None:
        """The unit's change since the baseline cycle (None: nothing to compare with)."""
        sources = self.sources_of(result.unit_id)
        baseline = _combine(sources)
        if baseline is None:
            return None
        rounded = baseline.rounded(self.places)
        index_change = None if result.index is None else result.index - rounded
        return Change(
            baseline=rounded,
            index_change=index_change,
            sources=tuple(
                Source(e.code, e.name, e.index, w if baseline.weighted else None, own)
                for e, w, own in sources
                if e.index is not None
            ),
            weighted=baseline.weighted,
            move=self._move(result, sources),
        )

    def _move(
        self, result: UnitResult, sources: list[tuple[Earlier, Decimal | None, bool]]
    ) -> RankMove | None:
        """A rank is compared with one earlier rank only: the unit's own, or that of the one
        unit it renames."""
        if len(sources) != 1:
            return None
        earlier, _, own = sources[0]
        renamed = not own and any(
            link.predecessor_id == earlier.unit_id and link.kind == Succession.Kind.RENAME
            for link in self.links.get(result.unit_id, [])
        )
        if not (own or renamed) or earlier.rank is None or result.rank is None:
            return None
        return rank_move(
            earlier.group,
            Position(earlier.rank, self.earlier_sizes[earlier.group]),
            result.group,
            Position(result.rank, self.sizes[result.group]),
        )

    def area_baselines(self, result: UnitResult, codes: Iterable[str]) -> dict[str, Decimal]:
        """The baseline of each of ``codes`` (nodes of the later version) for the unit: each
        source's figures carried across the node mapping of the two versions, then combined
        as the index is."""
        node_map = node_map_between(self.previous.framework_version, self.cycle.framework_version)
        sources = self.sources_of(result.unit_id)
        nodes = _earlier_nodes(self.previous, [e.unit_id for e, _, _ in sources])
        found: dict[str, Decimal] = {}
        for code in codes:
            members = []
            for earlier, weight, _own in sources:
                index = mapped_index(nodes.get(earlier.unit_id, {}), node_map.of(code))
                if index is not None:
                    members.append(Member(earlier.code, index, weight))
            baseline = combine(members)
            if baseline is not None:
                found[code] = baseline.rounded(self.places)
        return found


def _combine(sources: list[tuple[Earlier, Decimal | None, bool]]) -> Baseline | None:
    return combine(
        [Member(e.code, Fraction(e.index), w) for e, w, _ in sources if e.index is not None]
    )


def _earlier_nodes(
    previous: Cycle, unit_ids: list[int]
) -> dict[int, dict[str, tuple[Decimal, Decimal]]]:
    """Each unit's node figures in the baseline cycle, code → (points, max): the final basis,
    else the self basis."""
    found: dict[int, dict[str, tuple[Decimal, Decimal]]] = {}
    rows = UnitResult.objects.filter(cycle=previous, unit_id__in=unit_ids).values_list(
        "unit_id", "basis", "nodes"
    )
    for unit_id, basis, nodes in rows:
        if basis != Basis.FINAL and unit_id in found:
            continue
        found[unit_id] = {
            code: (Decimal(figures["points"]), Decimal(figures["max"]))
            for code, figures in nodes.items()
        }
    return found


def _earlier_results(previous: Cycle, unit_ids: set[int] | None = None) -> dict[int, Earlier]:
    """The baseline cycle's results per unit (of ``unit_ids`` only, when given): the final
    basis, else the self basis."""
    found: dict[int, Earlier] = {}
    results = UnitResult.objects.filter(cycle=previous)
    if unit_ids is not None:
        results = results.filter(unit_id__in=sorted(unit_ids))
    rows = results.values_list(
        "unit_id", "unit__code", "unit__name", "basis", "group", "index", "rank"
    )
    for unit_id, code, name, basis, group, index, rank in rows:
        if basis != Basis.FINAL and unit_id in found:
            continue
        found[unit_id] = Earlier(unit_id, code, name, group, index, rank)
    return found


def _ranked_sizes(previous: Cycle) -> Counter[str]:
    """How many units each group of the baseline cycle ranked, each unit on its final basis,
    else its self basis (as ``_earlier_results`` reads them), counted by the database."""
    final = UnitResult.objects.filter(cycle=previous, basis=Basis.FINAL)
    own_only = Q(basis=Basis.SELF) & ~Exists(final.filter(unit_id=OuterRef("unit_id")))
    return Counter(
        dict(
            UnitResult.objects.filter(cycle=previous, rank__isnull=False)
            .filter(Q(basis=Basis.FINAL) | own_only)
            .values_list("group")
            .annotate(size=Count("*"))
            .values_list("group", "size")
            .order_by()
        )
    )


def _links(cycle: Cycle) -> dict[int, list[Link]]:
    """The register's successions by successor, each saying whether its predecessor is still
    in ``cycle``'s scope (one query: the register holds hundreds of links, not millions)."""
    in_scope = Cycle.units.through.objects.filter(
        cycle_id=cycle.pk, unit_id=OuterRef("predecessor_id")
    )
    links: dict[int, list[Link]] = {}
    rows = (
        Succession.objects.annotate(in_scope=Exists(in_scope))
        .order_by("predecessor__code")
        .values_list("successor_id", "predecessor_id", "kind", "weight", "in_scope")
    )
    for successor_id, predecessor_id, kind, weight, still in rows:
        links.setdefault(successor_id, []).append(Link(predecessor_id, kind, weight, still))
    return links
