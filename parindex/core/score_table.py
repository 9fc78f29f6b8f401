"""The scores file read by columns, for cycles of thousands of units (docs/formats.md §2).

``read_score_table`` accepts and refuses exactly the files ``tables.read_scores`` does, with the
same errors and warnings, and ``compute_table`` gives exactly what ``compute`` gives from them;
for a file of millions of rows both cost a few vector passes instead of Python objects per
cell. The file is split into columns (``columns``); unit and item codes are looked up once per
distinct code; the values of the numeric rules are read and scored by ``vector_rules``; every
other value (options, yes/no and n/a words, and whatever the vector pass does not accept) is
scored by the scalar rules once per distinct (leaf, value). When the columns show any problem
at all (an empty or unknown code, a repeated row, a refused value, a row too wide), the file is
read again by ``read_scores``, which reports every problem in its own words: the errors are the
scalar reader's by construction.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from decimal import Decimal
from functools import cached_property

import numpy as np
import numpy.typing as npt

from .columns import Columns, decode, factorize, from_rows, pack, packed, split_plain
from .compute import (
    OVERRIDE_LABEL,
    CycleResult,
    LeafMatrices,
    UnitInfo,
    check_units,
    compute,
    cycle_result,
    leaf_maxima,
    override_scores,
)
from .errors import Collector, Notice, ValueRuleError
from .framework import Framework
from .messages import msg
from .numbers import quanta
from .rules import is_na_word, normalize_value
from .scoring import LeafScore, Scorer, Status
from .tables import SCORES_COLUMNS, Scores, _columns, _rows, read_scores
from .text import Text
from .vector_rules import NUMERIC_RULES, read_numbers, score_numbers

Ints = npt.NDArray[np.int64]
Mask = npt.NDArray[np.bool_]
Bytes = npt.NDArray[np.uint8]


@dataclass(frozen=True)
class Values:
    """Values as written (without their outer ASCII spaces): ``data[starts[i]:ends[i]]``."""

    data: Bytes
    starts: Ints
    ends: Ints

    def text(self, i: int) -> str:
        return decode(self.data, int(self.starts[i]), int(self.ends[i]))


@dataclass(frozen=True)
class ScoreTable:
    """A valid scores file by columns: per cell that counts (a value scored or not applicable,
    of a known unit, on a leaf that applies to the unit's type), in file order, its unit (an
    index into ``units``, every unit of the file in the order of its first row), its leaf (a
    position in ``framework.leaves``), its points and maximum in quanta, and its value; and the
    file's warnings."""

    units: tuple[str, ...]
    unit: Ints
    leaf: Ints
    points: Ints
    maxima: Ints
    values: Values
    warnings: tuple[Notice, ...]


def read_score_table(
    text: str | bytes,
    framework: Framework,
    source: str = "<scores>",
    units: Mapping[str, UnitInfo] | None = None,
    scorer: Scorer | None = None,
) -> ScoreTable:
    """Read a scores file ``unit,item,value`` as ``read_scores`` does (same errors, same
    warnings), by columns. ``text`` may be given as its UTF-8 bytes, which saves holding the
    file twice."""
    scorer = scorer or Scorer(framework)
    raw = text if isinstance(text, bytes) else text.encode("utf-8")
    columns = split_plain(raw)
    if columns is None:
        header, rows = _rows(raw.decode("utf-8"), source)
        columns = from_rows(header, rows)
    positions = _columns(columns.header, SCORES_COLUMNS, SCORES_COLUMNS, source)
    table = _Reading(framework, columns, positions, source, units, scorer).table()
    if table is None:  # a problem: the scalar reader names every one, in its words
        scores = read_scores(raw.decode("utf-8"), framework, source, units, scorer)
        table = _from_scores(scores, framework, scorer)
    return table


class _Reading:
    """One pass over the columns; ``table()`` is None at the first sign of a problem."""

    def __init__(
        self,
        framework: Framework,
        columns: Columns,
        positions: Mapping[str, int],
        source: str,
        units: Mapping[str, UnitInfo] | None,
        scorer: Scorer,
    ) -> None:
        self.fw = framework
        self.columns = columns
        self.data = columns.data
        self.source = source
        self.units = units
        self.scorer = scorer
        self.unit_at = positions["unit"]
        self.item_at = positions["item"]
        self.value_at = positions["value"]

    def table(self) -> ScoreTable | None:
        columns = self.columns
        if columns.too_wide.any():
            return None
        codes = self.unit_codes()
        leaves = self.item_leaves()
        if codes is None or leaves is None:
            return None
        unit_names, unit = codes
        if _repeated(unit, leaves, len(unit_names), len(self.fw.leaves)):
            return None
        starts = columns.starts[:, self.value_at]
        ends = columns.ends[:, self.value_at]
        scored = self.score(leaves, starts, ends)
        if scored is None:
            return None
        points, maxima, given = scored
        applies = self.applies(unit_names, unit, leaves)
        warnings = self.warnings(unit_names, unit, leaves, given & ~applies)
        counted = np.flatnonzero(given & applies)
        return ScoreTable(
            tuple(unit_names),
            unit[counted],
            leaves[counted],
            points[counted],
            maxima[counted],
            Values(self.data, starts[counted], ends[counted]),
            warnings,
        )

    def distinct(self, at: int) -> tuple[Ints, list[str], Ints]:
        """Per row, a code for the cell of column ``at``; per code its text (stripped) and the
        first row that has it."""
        starts, ends = self.columns.starts[:, at], self.columns.ends[:, at]
        codes, firsts = factorize(self.data, starts, ends)
        texts = [decode(self.data, int(starts[f]), int(ends[f])).strip() for f in firsts]
        return codes, texts, firsts

    def unit_codes(self) -> tuple[list[str], Ints] | None:
        """The file's unit codes in the order of their first row, and each row's; None if one
        is empty or not among ``units``."""
        if self.units is not None:
            known = list(self.units)
            found = self.lookup(self.unit_at, known)
            if found is not None and len(found):
                # Codes in the order of their first row: the first of their runs of rows.
                runs = np.concatenate(([0], np.flatnonzero(found[1:] != found[:-1]) + 1))
                present, first_run = np.unique(found[runs], return_index=True)
                ordered = present[np.argsort(runs[first_run], kind="stable")]
                index = np.zeros(len(known), dtype=np.int64)
                index[ordered] = np.arange(len(ordered))
                return [known[i] for i in ordered.tolist()], index[found]
        codes, texts, firsts = self.distinct(self.unit_at)
        if any(not t for t in texts):
            return None
        if self.units is not None and any(t not in self.units for t in texts):
            return None
        first_row: dict[str, int] = {}
        for text, first in zip(texts, firsts.tolist(), strict=True):
            first_row[text] = min(first, first_row.get(text, first))
        names = sorted(first_row, key=first_row.__getitem__)
        index_of = {name: i for i, name in enumerate(names)}
        return names, np.array([index_of[t] for t in texts], dtype=np.int64)[codes]

    def item_leaves(self) -> Ints | None:
        """Each row's leaf, a position in ``framework.leaves``; None if an item is empty or not
        a leaf."""
        leaves = [leaf.code for leaf in self.fw.leaves]
        found = self.lookup(self.item_at, leaves)
        if found is not None:
            return found
        codes, texts, _ = self.distinct(self.item_at)
        position = {code: i for i, code in enumerate(leaves)}
        if any(t not in position for t in texts):
            return None
        return np.array([position[t] for t in texts], dtype=np.int64)[codes]

    def lookup(self, at: int, known: list[str]) -> Ints | None:
        """Each row's cell of column ``at`` as a position in ``known``, in one pass, when every
        cell is written exactly as one of the codes (each of at most 8 bytes, none with
        surrounding spaces); None otherwise, for ``distinct`` to decide."""
        encoded = [code.encode("utf-8") for code in known]
        if not encoded or any(
            len(e) > 8 or c != c.strip() for e, c in zip(encoded, known, strict=True)
        ):
            return None
        starts, ends = self.columns.starts[:, at], self.columns.ends[:, at]
        keys = packed(self.data, starts, ends)
        if keys is None:
            return None
        known_keys = np.array([pack(e) for e in encoded], dtype=np.uint64)
        order = np.argsort(known_keys)
        place = np.minimum(np.searchsorted(known_keys[order], keys), len(order) - 1)
        if not (known_keys[order][place] == keys).all():
            return None
        found: Ints = order[place]
        return found

    def score(self, leaves: Ints, starts: Ints, ends: Ints) -> tuple[Ints, Ints, Mask] | None:
        """Each row's points and maximum in quanta and whether it gives a value (scored or
        n/a); None if a value is refused."""
        n = len(leaves)
        points = np.zeros(n, dtype=np.int64)
        maxima = np.zeros(n, dtype=np.int64)
        given = np.zeros(n, dtype=np.bool_)
        filled = ends > starts
        accepted = self.score_numbers(leaves, starts, ends, filled, (points, maxima, given))
        rest = np.flatnonzero(filled & ~accepted)
        if not self.score_others(
            leaves[rest], starts[rest], ends[rest], rest, (points, maxima, given)
        ):
            return None
        return points, maxima, given

    def score_numbers(
        self, leaves: Ints, starts: Ints, ends: Ints, filled: Mask, out: tuple[Ints, Ints, Mask]
    ) -> Mask:
        """The values of the numeric rules that the vector rules accept, scored into ``out``
        (points, maxima, given); which rows they are."""
        fw = self.fw
        points, maxima, given = out
        numeric = np.array([isinstance(leaf.rule, NUMERIC_RULES) for leaf in fw.leaves])
        candidates = np.flatnonzero(filled & numeric[leaves])
        numbers = read_numbers(self.data, starts[candidates], ends[candidates])
        accepted = np.zeros(len(leaves), dtype=np.bool_)
        for column, rows in _groups(leaves[candidates], len(fw.leaves)):
            leaf = fw.leaves[column]
            result = score_numbers(fw, leaf, numbers.take(rows))
            cells = candidates[rows[result.accepted]]
            accepted[cells] = True
            points[cells] = result.points[result.accepted]
            maxima[cells] = quanta(leaf.full_max, fw.places)
            given[cells] = True
        return accepted

    def score_others(
        self, leaves: Ints, starts: Ints, ends: Ints, rows: Ints, out: tuple[Ints, Ints, Mask]
    ) -> bool:
        """The other values (``rows``) scored by the scalar rules once per distinct (leaf,
        value), into ``out``; False if one is refused."""
        fw = self.fw
        codes, firsts = factorize(self.data, starts, ends, leaves)
        code_points = np.zeros(len(firsts), dtype=np.int64)
        code_maxima = np.zeros(len(firsts), dtype=np.int64)
        code_given = np.zeros(len(firsts), dtype=np.bool_)
        for code, first in enumerate(firsts.tolist()):
            value = decode(self.data, int(starts[first]), int(ends[first]))
            try:
                score = self.scorer(fw.leaves[leaves[first]], value)
            except ValueRuleError:
                return False
            if score.status != "missing":
                code_points[code], code_maxima[code] = score.points_q, score.max_q
                code_given[code] = True
        points, maxima, given = out
        points[rows], maxima[rows], given[rows] = (
            code_points[codes],
            code_maxima[codes],
            code_given[codes],
        )
        return True

    def applies(self, unit_names: list[str], unit: Ints, leaves: Ints) -> Mask:
        """Whether each row's leaf applies to its unit's type."""
        if self.units is None:
            return np.ones(len(unit), dtype=np.bool_)
        types = [self.units[name].type for name in unit_names]
        kinds = list(dict.fromkeys(types))
        table = np.array(
            [[leaf.applies(kind) for leaf in self.fw.leaves] for kind in kinds], dtype=np.bool_
        ).reshape(len(kinds), len(self.fw.leaves))
        kind_of = np.array([kinds.index(t) for t in types], dtype=np.int64)
        applies: Mask = table[kind_of[unit], leaves]
        return applies

    def warnings(
        self, unit_names: list[str], unit: Ints, leaves: Ints, ignored: Mask
    ) -> tuple[Notice, ...]:
        """A value on a leaf that does not apply to the unit's type: checked, then ignored."""
        assert self.units is not None or not ignored.any()
        found = []
        for row in np.flatnonzero(ignored).tolist():
            name = unit_names[unit[row]]
            unit_type = self.units[name].type if self.units is not None else None
            found.append(
                Notice(
                    msg("warn.not_applicable", type=self.fw.unit_type_text(unit_type)),
                    source=self.source,
                    line=int(self.columns.lines[row]),
                    unit=name,
                    node=self.fw.leaves[leaves[row]].code,
                )
            )
        return tuple(found)


def _groups(keys: Ints, count: int) -> Iterator[tuple[int, Ints]]:
    """For each key in 0..count-1 that occurs, the positions that hold it, in order."""
    # A stable sort of 16-bit keys is a radix sort: linear, where int64 keys take n log n.
    order = np.argsort(keys.astype(np.int16) if count < 2**15 else keys, kind="stable")
    bounds = np.searchsorted(keys[order], np.arange(count + 1))
    for key in range(count):
        if bounds[key + 1] > bounds[key]:
            yield key, order[bounds[key] : bounds[key + 1]]


def _repeated(unit: Ints, leaves: Ints, n_units: int, n_leaves: int) -> bool:
    """Whether two rows give the same (unit, item)."""
    keys = unit * n_leaves + leaves
    if n_units * n_leaves <= 4 * len(keys) + 1024:
        return bool(len(keys)) and int(np.bincount(keys).max()) > 1
    return len(np.unique(keys)) < len(keys)


def _from_scores(scores: Scores, framework: Framework, scorer: Scorer) -> ScoreTable:
    """The table of a file the scalar reader accepted (one the columns were unsure of)."""
    position = {leaf.code: i for i, leaf in enumerate(framework.leaves)}
    names = list(scores.answers)
    unit: list[int] = []
    leaves: list[int] = []
    points: list[int] = []
    maxima: list[int] = []
    texts: list[bytes] = []
    for u, row in enumerate(scores.answers.values()):
        for item, value in row.items():
            score = scorer(framework.leaves[position[item]], value)
            if score.status == "missing":
                continue
            unit.append(u)
            leaves.append(position[item])
            points.append(score.points_q)
            maxima.append(score.max_q)
            texts.append(value.encode("utf-8"))
    ends = np.cumsum(np.array([len(t) for t in texts], dtype=np.int64))
    starts = ends - np.array([len(t) for t in texts], dtype=np.int64)
    data: Bytes = np.frombuffer(b"".join(texts), dtype=np.uint8)
    return ScoreTable(
        tuple(names),
        np.array(unit, dtype=np.int64),
        np.array(leaves, dtype=np.int64),
        np.array(points, dtype=np.int64),
        np.array(maxima, dtype=np.int64),
        Values(data, starts, ends),
        scores.warnings,
    )


def compute_table(
    framework: Framework,
    table: ScoreTable,
    units: Sequence[UnitInfo] | None = None,
    *,
    scorer: Scorer | None = None,
    overrides: Mapping[str, Mapping[str, Decimal]] | None = None,
    override_label: Text = OVERRIDE_LABEL,
) -> CycleResult:
    """What ``compute`` gives for the file's answers (same figures, same warnings, same
    errors, ``overrides`` as ``compute`` reads them), from the table. Each unit's leaf scores
    (``UnitResult.leaves``, with their explanations) are scored again from the values when
    first asked for; :meth:`TableLeafScores.cells` gives their values, statuses and points
    without scoring."""
    fw = framework
    infos, position_of = check_units(dict.fromkeys(table.units), units)
    rows = np.array([position_of[code] for code in table.units], dtype=np.int64)[table.unit]
    leaf_applies, leaf_max = leaf_maxima(fw, infos)
    applies = leaf_applies[rows, table.leaf]
    warnings: list[Notice] = []
    for cell in np.flatnonzero(~applies)[np.argsort(table.unit[~applies], kind="stable")]:
        info = infos[rows[cell]]
        warnings.append(
            Notice(
                msg("warn.not_applicable", type=fw.unit_type_text(info.type)),
                unit=info.code,
                node=fw.leaves[table.leaf[cell]].code,
            )
        )
    kept = np.flatnonzero(applies)
    leaf_points = np.zeros_like(leaf_max)
    answered = np.zeros_like(leaf_applies)
    at = (rows[kept], table.leaf[kept])
    leaf_points[at] = table.points[kept]
    leaf_max[at] = table.maxima[kept]
    answered[at] = True
    problems = Collector()
    found = override_scores(fw, infos, position_of, overrides or {}, override_label, problems)
    problems.raise_if_any()
    overridden: dict[int, dict[str, LeafScore]] = {}
    for position, column, score in found:  # an override replaces the answer of its cell
        leaf_points[position, column] = score.points_q
        leaf_max[position, column] = score.max_q
        answered[position, column] = True
        overridden.setdefault(position, {})[score.code] = score
    scores = TableLeafScores(fw, scorer or Scorer(fw), table, rows, kept, len(infos), overridden)
    return cycle_result(
        fw,
        infos,
        LeafMatrices(leaf_points, leaf_max, leaf_applies, answered),
        scores,
        tuple(warnings),
    )


class TableLeafScores(Sequence[dict[str, LeafScore]]):
    """Each unit's leaf scores, scored from the table's values when a unit is first asked for
    (a cycle written out as JSON never needs them), the overridden ones as ``compute`` gives
    them (the answer's value kept to show)."""

    def __init__(
        self,
        framework: Framework,
        scorer: Scorer,
        table: ScoreTable,
        rows: Ints,
        kept: Ints,
        n_units: int,
        overridden: Mapping[int, Mapping[str, LeafScore]],
    ) -> None:
        self.framework = framework
        self.scorer = scorer
        self.table = table
        self.rows = rows
        self.kept = kept
        self.n_units = n_units
        self.overridden = overridden

    @cached_property
    def _bounds(self) -> tuple[Ints, Ints]:
        order = self.kept[np.argsort(self.rows[self.kept], kind="stable")]
        bounds = np.searchsorted(self.rows[order], np.arange(self.n_units + 1))
        return order, bounds

    def __len__(self) -> int:
        return self.n_units

    def __getitem__(self, position: int) -> dict[str, LeafScore]:  # type: ignore[override]
        if not 0 <= position < self.n_units:
            raise IndexError(position)
        order, bounds = self._bounds
        leaves = self.framework.leaves
        found: dict[str, LeafScore] = {}
        for cell in order[bounds[position] : bounds[position + 1]].tolist():
            leaf = leaves[self.table.leaf[cell]]
            found[leaf.code] = self.scorer(leaf, self.table.values.text(cell))
        for code, score in self.overridden.get(position, {}).items():
            previous = found.get(code)
            found[code] = score if previous is None else replace(score, value=previous.value)
        return found

    def cells(self, position: int) -> dict[str, Cell]:
        """The unit's leaves as ``self[position]`` scores them (value as kept, status, points
        in quanta, and the override's score where one replaced the answer), read from the
        table without scoring: a whole cycle stored needs these, not the explanations."""
        if not 0 <= position < self.n_units:
            raise IndexError(position)
        order, bounds = self._bounds
        cells = order[bounds[position] : bounds[position + 1]]
        leaves = self.framework.leaves
        values = self.table.values
        found: dict[str, Cell] = {}
        for cell, column, points in zip(
            cells.tolist(),
            self.table.leaf[cells].tolist(),
            self.table.points[cells].tolist(),
            strict=True,
        ):
            leaf = leaves[column]
            value = normalize_value(values.text(cell))
            status: Status = "na" if leaf.allow_na and is_na_word(value) else "scored"
            found[leaf.code] = Cell(value, status, points, None)
        for code, score in self.overridden.get(position, {}).items():
            previous = found.get(code)
            kept = None if previous is None else previous.value
            found[code] = Cell(kept, score.status, score.points_q, score)
        return found


@dataclass(frozen=True)
class Cell:
    """A leaf of a unit as stored: its value as the scorer keeps it, status and points in
    quanta; ``override`` is the score of points set directly (with its explanation)."""

    value: str | None
    status: Status
    points_q: int
    override: LeafScore | None


def compute_answers(
    framework: Framework,
    answers: Mapping[str, Mapping[str, str | None]],
    units: Sequence[UnitInfo],
    *,
    scorer: Scorer | None = None,
    overrides: Mapping[str, Mapping[str, Decimal]] | None = None,
    override_label: Text = OVERRIDE_LABEL,
) -> CycleResult:
    """What ``compute`` gives for ``answers`` (unit code → leaf code → value as written), by
    the table's columns: the numeric rules' values scored by vector passes, the others once
    per distinct (leaf, value). Answers the columns show any problem with (a unit not listed,
    a code that is not a leaf, a value a rule refuses) are computed by ``compute``, which
    raises its own errors; the warnings are ``compute``'s (about answers, not a file)."""
    fw = framework
    scorer = scorer or Scorer(fw)
    rows = [
        (0, [unit, item, value])
        for unit, unit_answers in answers.items()
        for item, value in unit_answers.items()
        if value is not None
    ]
    columns = from_rows(list(SCORES_COLUMNS), rows)
    positions = {name: n for n, name in enumerate(SCORES_COLUMNS)}
    by_code = {info.code: info for info in units}
    table = _Reading(fw, columns, positions, "", by_code, scorer).table()
    if table is None:
        return compute(
            fw, answers, units, scorer=scorer, overrides=overrides, override_label=override_label
        )
    for notice in table.warnings:  # about the answers, not a file
        notice.source = notice.line = None
    result = compute_table(
        fw, table, units, scorer=scorer, overrides=overrides, override_label=override_label
    )
    return replace(result, warnings=table.warnings + result.warnings)
