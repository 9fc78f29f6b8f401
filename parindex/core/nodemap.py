"""The node mapping (*bảng đối chiếu mục*) between two versions of one framework
(docs/formats.md §5).

A framework family is one framework ``code`` across its versions. When a later version
renumbers, merges or splits nodes, a mapping file says which nodes of the earlier version each
node of the later one continues; a node the file does not name continues the node with the same
code, if the earlier version has one that the file does not name either. A node's figures in
the earlier cycle, carried across the mapping, are its baseline for the change since then
(docs/methodology.md Y2).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from .errors import Collector, InputError
from .framework import Framework
from .messages import Message, Quoted, msg
from .tables import _cell, _columns, _rows

MAP_COLUMNS = ("from", "to")


@dataclass(frozen=True)
class NodeMap:
    """For each node code of the later version, the codes of the earlier version it continues
    (none: a new node, without a baseline)."""

    sources: Mapping[str, tuple[str, ...]]

    def of(self, code: str) -> tuple[str, ...]:
        return self.sources.get(code, ())


def identical_codes(old: Framework, new: Framework) -> NodeMap:
    """The default mapping: every node continues the earlier node with the same code."""
    return NodeMap({n.code: (n.code,) for n in new.all_nodes if n.code in old.by_code})


def read_node_map(text: str, old: Framework, new: Framework, source: str = "<mapping>") -> NodeMap:
    """Read a mapping file ``from,to`` from ``old`` to ``new`` (two versions of one framework).
    Every problem is reported, naming the file, the line, the column and the code."""
    if old.code != new.code:
        raise InputError(
            msg("map.other_family", old=old.code, new=new.code), source=source, line=None
        )
    header, rows = _rows(text, source)
    columns = _columns(header, MAP_COLUMNS, MAP_COLUMNS, source)
    problems = Collector()
    links: dict[str, list[str]] = {}  # earlier code → later codes ([] when dropped)
    first_line: dict[tuple[str, str], int] = {}
    for line, row in rows:
        at = (source, line)
        pair = _read_row(row, len(header), columns, at, (old, new), problems)
        if pair is None:
            continue
        if pair in first_line:
            first = str(first_line[pair])
            problems.add(_error(at, msg("map.duplicate_row", first=first), "to", pair[1]))
            continue
        first_line[pair] = line
        before, after = pair
        targets = links.setdefault(before, [])
        if after:
            targets.append(after)
    _check_dropped_and_mapped(links, first_line, source, problems)
    problems.raise_if_any()
    return node_map(old, new, links)


def _read_row(
    row: list[str],
    width: int,
    columns: dict[str, int],
    at: tuple[str, int],
    versions: tuple[Framework, Framework],
    problems: Collector,
) -> tuple[str, str] | None:
    """A row's ``(from, to)`` codes, its problems added to ``problems``; None when the row
    cannot be read at all (too many cells, no earlier code)."""
    source, line = at
    old, new = versions
    before = _cell(row, columns["from"]).strip()
    after = _cell(row, columns["to"]).strip()
    if len(row) > width:
        problems.add(
            InputError(
                msg("table.too_many_cells", count=len(row), width=width), source=source, line=line
            )
        )
        return None
    if not before:
        problems.add(_error(at, msg("map.from_empty"), "from", before))
        return None
    for column, code, version in (("from", before, old), ("to", after, new)):
        if code and code not in version.by_code:
            message = msg("map.not_in_version", code=Quoted(code), version=version.version)
            problems.add(_error(at, message, column, code))
    return before, after


def _check_dropped_and_mapped(
    links: Mapping[str, list[str]],
    first_line: Mapping[tuple[str, str], int],
    source: str,
    problems: Collector,
) -> None:
    """An earlier node both dropped (a row without ``to``) and continued is refused."""
    for before, targets in links.items():
        if (before, "") in first_line and targets:
            problems.add(
                InputError(
                    msg("map.dropped_and_mapped", code=Quoted(before)),
                    source=source,
                    line=first_line[(before, "")],
                    column="to",
                    value="",
                )
            )


def _error(at: tuple[str, int], message: Message, column: str, value: str) -> InputError:
    source, line = at
    return InputError(message, source=source, line=line, column=column, value=value)


def node_map(old: Framework, new: Framework, links: Mapping[str, Iterable[str]]) -> NodeMap:
    """The mapping given by ``links`` (earlier code → later codes; empty: dropped), with every
    node neither side names continuing the earlier node of the same code."""
    named_old = set(links)
    sources: dict[str, list[str]] = {}
    for before, targets in links.items():
        for after in targets:
            sources.setdefault(after, []).append(before)
    order = {n.code: position for position, n in enumerate(old.all_nodes)}
    result: dict[str, tuple[str, ...]] = {}
    for node in new.all_nodes:
        code = node.code
        if code in sources:
            result[code] = tuple(sorted(set(sources[code]), key=order.__getitem__))
        elif code in old.by_code and code not in named_old:
            result[code] = (code,)
    return NodeMap(result)


def mapped_index(
    figures: Mapping[str, tuple[Decimal, Decimal]], sources: Iterable[str]
) -> Fraction | None:
    """A later node's exact index carried from the earlier cycle: the points of the earlier
    nodes it continues (those that applied to the unit, in ``figures``: code → (points, max))
    over their maxima, × 100. None when none of them applied or their maxima sum to 0."""
    points = Fraction(0)
    maximum = Fraction(0)
    found = False
    for code in sources:
        if code in figures:
            found = True
            p, m = figures[code]
            points += Fraction(p)
            maximum += Fraction(m)
    if not found or maximum == 0:
        return None
    return points * 100 / maximum
