"""Survey responses (docs/formats.md §4.2) and their aggregation into survey leaf values (§4.3).

A responses file is wide: a header ``response,group,unit`` and one column per question, then one
row per completed form, as KoboToolbox, ODK or LimeSurvey export it. It is handed in as a
:class:`Table` (rows of text cells, header first) that can be read more than once, so that a
file of a million forms is streamed, never held whole.

Two readers share one set of rules:

- :func:`scan_responses` reads row by row and names every problem by file, line (the header is
  line 1), column and value; :func:`check_responses` collects them, :func:`read_responses`
  yields the validated forms (the web app stores them).
- :func:`aggregate` reads the columns of chunks of rows, turns cells into integer codes through
  small lookup tables, and sums per unit × group × leaf in numpy ``int64`` arrays (Python
  integers when a sum could outgrow them). When a chunk holds anything wrong it stops and lets
  :func:`check_responses` report every error; nothing is produced.

A CSV file is read a chunk of lines at a time. Lines without a quote, each with the header's
number of cells, are what the csv module would split at every comma: their bytes are cut there
with numpy, and a cell of at most 8 bytes is looked up by the integer its bytes spell (so a
million forms of one-letter options never become Python strings). Any other chunk (quotes, short
or long rows, blank lines) is read by the csv module, and from a quote on the rest of the file
is, since a quoted cell may hold a line break.

A respondent's score for a leaf is S / (c × 10^d) percent: S the sum of their answers'
percentages written as integers of 10^-d, c how many of them have a percentage. Per unit,
group, leaf and c the arrays keep n, ΣS and ΣS², all integers; at the end they are brought to
the common unit 1 / (lcm(1..k) × 10^d) and :mod:`parindex.core.survey_arith` finishes exactly.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import cached_property
from itertools import chain, islice
from math import lcm
from typing import Any, Protocol

import numpy as np

from .errors import Collector, ParindexError
from .messages import Message, Quoted, msg
from .numbers import places_of
from .survey import Group, Questionnaire, SurveyError
from .survey_arith import GroupSums, hundredths, leaf_value_and_margin, mean_hundredths

FIXED_COLUMNS = ("response", "group", "unit")
CHUNK_ROWS = 32768
PROGRESS_ROWS = 1024  # the row-by-row reader reports progress this often
_BOM = "\ufeff"
_INT64_SAFE = 2**62
_SPACE = re.compile(r"\s")
_UNRESOLVED = -(2**62)  # a code not looked up yet

Progress = Callable[[int], None]


# -- tables -----------------------------------------------------------------------------------


class Table(Protocol):
    """Rows of text cells, header first; each call of ``rows`` starts again from the top."""

    @property
    def source(self) -> str: ...

    @property
    def sheet(self) -> str | None:
        """The worksheet read, in a spreadsheet: error messages name it."""
        ...

    def rows(self) -> Iterator[Sequence[str]]:
        """Every row, header first (fast: no line numbers)."""
        ...

    def numbered_rows(self) -> Iterator[tuple[int, Sequence[str]]]:
        """Every row with its line number (header = 1), for error messages."""
        ...


def _without_bom(lines: Iterable[str]) -> Iterator[str]:
    iterator = iter(lines)
    first = next(iterator, None)
    if first is None:
        return iter(())
    return chain((first.removeprefix(_BOM),), iterator)


@dataclass(frozen=True)
class CsvTable:
    """A CSV file, read from lines. ``open_lines`` opens it afresh at each call (a file opened
    with ``newline=""``, or the lines of a text); a BOM is accepted."""

    open_lines: Callable[[], Iterable[str]]
    source: str = "<responses>"
    sheet: None = None

    def rows(self) -> Iterator[Sequence[str]]:
        return csv.reader(_without_bom(self.open_lines()))

    def numbered_rows(self) -> Iterator[tuple[int, Sequence[str]]]:
        reader = csv.reader(_without_bom(self.open_lines()))
        try:
            for row in reader:
                yield reader.line_num, row
        except csv.Error as exc:
            raise SurveyError(
                msg("responses.bad_csv", reason=str(exc)), source=self.source, line=reader.line_num
            ) from None


def csv_text(text: str, source: str = "<responses>") -> CsvTable:
    """A CSV table over a text held in memory."""
    return CsvTable(lambda: io.StringIO(text, newline=""), source)


@dataclass(frozen=True)
class RowsTable:
    """Rows already split into cells (a spreadsheet, stored forms); line = row number."""

    open_rows: Callable[[], Iterable[Sequence[str]]]
    source: str = "<responses>"
    sheet: str | None = None

    def rows(self) -> Iterator[Sequence[str]]:
        return iter(self.open_rows())

    def numbered_rows(self) -> Iterator[tuple[int, Sequence[str]]]:
        return enumerate(self.open_rows(), start=1)


def _cell(text: str) -> str:
    """Cells are trimmed and NFC-normalised, as in every parindex file."""
    return unicodedata.normalize("NFC", text.strip())


# -- the header -------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Columns:
    width: int
    response: int
    group: int
    unit: int
    questions: tuple[tuple[str, int], ...]  # (question code, position), questionnaire order


def _columns(
    header: Sequence[str] | None, q: Questionnaire, source: str, sheet: str | None = None
) -> _Columns:
    def error(message: Message, column: str | None = None) -> SurveyError:
        return SurveyError(message, source=source, sheet=sheet, line=1, column=column)

    if header is None:
        raise error(msg("responses.empty"))
    names = [_cell(name) for name in header]
    if names:
        names[0] = names[0].removeprefix(_BOM)
    problems = Collector()
    position: dict[str, int] = {}
    for index, name in enumerate(names):
        if name.startswith("_"):
            continue  # tool metadata such as _id, _submission_time
        if name not in FIXED_COLUMNS and name not in q.question_by_code:
            problems.add(error(msg("responses.unknown_column", name=Quoted(name)), name))
        elif name in position:
            problems.add(error(msg("responses.column_twice", name=Quoted(name)), name))
        else:
            position[name] = index
    for name in FIXED_COLUMNS:
        if name not in position:
            problems.add(error(msg("responses.missing_column", name=name)))
    for question in q.questions:
        if question.code not in position:
            problems.add(error(msg("responses.missing_question_column", question=question.code)))
    problems.raise_if_any()
    return _Columns(
        width=len(names),
        response=position["response"],
        group=position["group"],
        unit=position["unit"],
        questions=tuple((qn.code, position[qn.code]) for qn in q.questions),
    )


# -- the row-by-row reader --------------------------------------------------------------------


@dataclass(frozen=True)
class ResponseRow:
    """One valid form: who (the group only) answered about which unit, and the answers given
    (question code -> option key; unanswered questions are absent)."""

    line: int
    response: str
    group: str
    unit: str
    answers: dict[str, str]


def scan_responses(
    q: Questionnaire, table: Table, units: Iterable[str] | None = None
) -> Iterator[ResponseRow | SurveyError]:
    """Each valid form, and each problem, in file order. Header problems raise at once."""
    source = table.source
    rows = table.numbered_rows()
    first = next(rows, None)
    columns = _columns(None if first is None else first[1], q, source, table.sheet)
    known_units = None if units is None else set(units)
    groups = q.group_by_code
    questions = [(q.question_by_code[code], position) for code, position in columns.questions]
    seen: dict[str, int] = {}
    unknown_units: set[str] = set()
    for line, row in rows:
        if not any(cell.strip() for cell in row):
            continue

        def error(
            message: Message, column: str | None = None, value: str | None = None, line: int = line
        ) -> SurveyError:
            return SurveyError(
                message, source=source, sheet=table.sheet, line=line, column=column, value=value
            )

        if len(row) > columns.width:
            yield error(msg("responses.too_many_cells", count=len(row), width=columns.width))
            continue
        cells = list(row) + [""] * (columns.width - len(row))
        found = False
        response = _cell(cells[columns.response])
        group = _cell(cells[columns.group])
        unit = _cell(cells[columns.unit])
        if not response:
            yield error(msg("responses.id_empty"), "response")
            found = True
        elif response in seen:
            yield error(msg("responses.duplicate", first=str(seen[response])), "response", response)
            found = True
        else:
            seen[response] = line
        if not group:
            yield error(msg("responses.group_empty"), "group")
            found = True
        elif group not in groups:
            yield error(
                msg("responses.group_unknown", groups=tuple(groups)),
                "group",
                cells[columns.group],
            )
            found = True
        if not unit:
            yield error(msg("responses.unit_empty"), "unit")
            found = True
        elif known_units is not None and unit not in known_units:
            if unit not in unknown_units:  # reported once, at its first row
                yield error(msg("responses.unit_unknown"), "unit", unit)
                unknown_units.add(unit)
            found = True
        answers: dict[str, str] = {}
        for question, position in questions:
            key = _cell(cells[position])
            if not key:
                continue
            if question.option(key) is None:
                options = tuple(o.key for o in question.options)
                yield error(
                    msg("responses.not_an_option", question=question.code, options=options),
                    question.code,
                    cells[position],
                )
                found = True
            elif group in groups and group not in question.groups:
                yield error(
                    msg("responses.not_asked", question=question.code, group=group),
                    question.code,
                    cells[position],
                )
                found = True
            else:
                answers[question.code] = key
        if not found:
            yield ResponseRow(line, response, group, unit, answers)


def check_responses(
    q: Questionnaire,
    table: Table,
    units: Iterable[str] | None = None,
    progress: Progress | None = None,
) -> int:
    """Read the whole table; raise every problem found, or return the number of forms."""
    problems = Collector()
    forms = 0
    try:
        for item in scan_responses(q, table, units):
            if isinstance(item, ParindexError):
                problems.add(item)
            else:
                forms += 1
                if progress is not None and forms % PROGRESS_ROWS == 0:
                    progress(forms)
    except SurveyError as exc:  # a broken CSV file: report what was found before it too
        problems.add(exc)
    problems.raise_if_any()
    return forms


def read_responses(
    q: Questionnaire, table: Table, units: Iterable[str] | None = None
) -> Iterator[ResponseRow]:
    """The valid forms of a table that :func:`check_responses` accepted, in file order."""
    for item in scan_responses(q, table, units):
        if isinstance(item, ParindexError):
            raise item
        yield item


# -- results ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class GroupResult:
    """A respondent group for one unit and leaf: how many counted, their exact sums, and
    whether the group reached ``min_n``."""

    group: Group
    sums: GroupSums
    included: bool

    @property
    def code(self) -> str:
        return self.group.code

    @property
    def n(self) -> int:
        return self.sums.n

    @property
    def mean(self) -> Decimal | None:
        """The group's mean rounded half-up to 0.01: for display only."""
        count = mean_hundredths(self.sums)
        return None if count is None else hundredths(count)


@dataclass(frozen=True)
class LeafResult:
    """A survey leaf for one unit: value and 95 % margin (two decimals, None when the leaf is
    insufficient), the groups asked its questions in questionnaire order, and the flags."""

    leaf: str
    value: Decimal | None
    margin: Decimal | None
    groups: tuple[GroupResult, ...]
    flags: tuple[str, ...]


@dataclass(frozen=True)
class UnitSurvey:
    unit: str
    leaves: tuple[LeafResult, ...]

    def leaf(self, code: str) -> LeafResult:
        return next(r for r in self.leaves if r.leaf == code)


@dataclass(frozen=True)
class _LeafSums:
    """Per unit (index order) × group (questionnaire order): n, Σscore, Σscore² as integers in
    units of 1 / scale."""

    n: list[list[int]]
    total: list[list[int]]
    squares: list[list[int]]
    scale: int


@dataclass(frozen=True, eq=False)
class SurveyResult:
    """The aggregation of one responses table; per-unit results are built when asked for."""

    questionnaire: Questionnaire
    unit_codes: tuple[str, ...]  # index order of the sums
    sums: dict[str, _LeafSums]
    forms: int

    @cached_property
    def _weights(self) -> list[int]:
        places = max((places_of(g.weight) for g in self.questionnaire.groups), default=0)
        return [int(g.weight.scaleb(places)) for g in self.questionnaire.groups]

    @cached_property
    def _asked(self) -> dict[str, list[tuple[int, Group]]]:
        index = {g.code: i for i, g in enumerate(self.questionnaire.groups)}
        return {
            leaf: [(index[g.code], g) for g in groups]
            for leaf, groups in self.questionnaire.groups_by_leaf.items()
        }

    @property
    def units(self) -> list[str]:
        """Unit codes in code-point order."""
        return sorted(self.unit_codes)

    def leaf_result(self, unit_index: int, leaf: str) -> LeafResult:
        sums = self.sums[leaf]
        groups: list[GroupResult] = []
        included: list[tuple[int, GroupSums]] = []
        for gi, group in self._asked[leaf]:
            group_sums = GroupSums(
                sums.n[unit_index][gi],
                sums.total[unit_index][gi],
                sums.squares[unit_index][gi],
                sums.scale,
            )
            counted = group_sums.n >= group.min_n
            groups.append(GroupResult(group, group_sums, counted))
            if counted:
                included.append((self._weights[gi], group_sums))
        value, margin = leaf_value_and_margin(included)
        flags: list[str] = []
        if not included:
            flags.append("insufficient")
        else:
            if len(included) < len(groups):
                flags.append("partial")
            if any(g.n == 1 for _, g in included):
                flags.append("single")
        return LeafResult(
            leaf=leaf,
            value=None if value is None else hundredths(value),
            margin=None if margin is None else hundredths(margin),
            groups=tuple(groups),
            flags=tuple(flags),
        )

    def unit(self, code: str) -> UnitSurvey:
        index = self.unit_codes.index(code)
        return UnitSurvey(
            code, tuple(self.leaf_result(index, leaf) for leaf in self.questionnaire.leaves)
        )

    def iter_units(self) -> Iterator[UnitSurvey]:
        """Every unit in code-point order."""
        order = sorted(range(len(self.unit_codes)), key=self.unit_codes.__getitem__)
        leaves = self.questionnaire.leaves
        for index in order:
            yield UnitSurvey(
                self.unit_codes[index], tuple(self.leaf_result(index, leaf) for leaf in leaves)
            )


# -- the column-wise aggregation --------------------------------------------------------------


class _Leaf:
    """Sums for one leaf: flat arrays indexed ((unit × G) + group) × k + (c − 1)."""

    def __init__(self, questions: list[int], groups: int, capacity: int, digits: int) -> None:
        self.questions = questions  # indexes into the question list
        self.k = len(questions)
        self.groups = groups
        self.top = 100 * 10**digits * self.k  # the largest S
        self.bound = 0  # an upper bound of every sum of S², to leave int64 in time
        dtype: Any = object if self.top * self.top * CHUNK_ROWS >= _INT64_SAFE else np.int64
        size = capacity * groups * self.k
        self.n = np.zeros(size, dtype=np.int64)
        self.s = np.zeros(size, dtype=dtype)
        self.ss = np.zeros(size, dtype=dtype)

    def grow(self, capacity: int) -> None:
        extra = capacity * self.groups * self.k - len(self.n)
        if extra > 0:
            self.n = np.concatenate([self.n, np.zeros(extra, dtype=np.int64)])
            self.s = np.concatenate([self.s, np.zeros(extra, dtype=self.s.dtype)])
            self.ss = np.concatenate([self.ss, np.zeros(extra, dtype=self.ss.dtype)])

    def add(self, unit: np.ndarray, group: np.ndarray, percents: list[np.ndarray]) -> None:
        total = np.zeros(len(unit), dtype=np.int64)
        counted = np.zeros(len(unit), dtype=np.int64)
        for qi in self.questions:
            p = percents[qi]
            has = p >= 0
            total += np.where(has, p, 0)
            counted += has
        chosen = counted > 0
        if not chosen.any():
            return
        key = (unit[chosen] * self.groups + group[chosen]) * self.k + counted[chosen] - 1
        s = total[chosen]
        self.bound += len(s) * self.top * self.top
        if self.ss.dtype != object and self.bound >= _INT64_SAFE:
            self.s = self.s.astype(object)
            self.ss = self.ss.astype(object)
        if self.ss.dtype == object:
            s = s.astype(object)
        np.add.at(self.n, key, 1)
        np.add.at(self.s, key, s)
        np.add.at(self.ss, key, s * s)

    def sums(self, units: int, digits: int) -> _LeafSums:
        shape = (units, self.groups, self.k)
        size = units * self.groups * self.k
        n = self.n[:size].reshape(shape).sum(axis=2)
        s = self.s[:size].reshape(shape)
        ss = self.ss[:size].reshape(shape)
        common = lcm(*range(1, self.k + 1))
        if self.k == 1:
            total, squares = s[:, :, 0], ss[:, :, 0]
        else:  # a score S/c becomes S × (common / c) units of 1 / common
            factor = np.array([common // c for c in range(1, self.k + 1)], dtype=object)
            total = (s.astype(object) * factor).sum(axis=2)
            squares = (ss.astype(object) * (factor * factor)).sum(axis=2)
        return _LeafSums(n.tolist(), _int_lists(total), _int_lists(squares), common * 10**digits)


def _int_lists(array: np.ndarray) -> list[list[int]]:
    return [[int(x) for x in row] for row in array.tolist()]


class _Lookup:
    """Cell text → integer code, each distinct text resolved once. Cells of at most 8 bytes
    are also looked up by their bytes packed into an integer (:meth:`_PlainChunk.codes`)."""

    def __init__(self, resolve: Callable[[str], int]) -> None:
        self.resolve = resolve
        self.texts: dict[str, int] = {}
        self.keys = np.zeros(0, dtype=np.uint64)  # sorted
        self.codes = np.zeros(0, dtype=np.int64)
        self.byte_codes = np.full(256, _UNRESOLVED, dtype=np.int64)  # cells of one byte

    def of_texts(self, cells: Sequence[str]) -> np.ndarray:
        try:
            return np.array(list(map(self.texts.__getitem__, cells)), dtype=np.int64)
        except KeyError:
            for text in set(cells):
                if text not in self.texts:
                    self.texts[text] = self.resolve(text)
            return np.array(list(map(self.texts.__getitem__, cells)), dtype=np.int64)

    def of_keys(self, keys: np.ndarray) -> np.ndarray:
        at = np.searchsorted(self.keys, keys)
        known = np.zeros(len(keys), dtype=bool)
        if len(self.keys):
            known = self.keys[np.minimum(at, len(self.keys) - 1)] == keys
        if not known.all():
            new = np.unique(keys[~known])
            texts = [int(k).to_bytes(8, "little").rstrip(b"\0").decode() for k in new]
            keys_all = np.concatenate([self.keys, new])
            order = np.argsort(keys_all)
            self.keys = keys_all[order]
            self.codes = np.concatenate([self.codes, self.of_texts(texts)])[order]
            at = np.searchsorted(self.keys, keys)
        return self.codes[at]

    def of_bytes(self, cells: np.ndarray) -> np.ndarray:
        """Codes of cells of at most one byte, given as that byte (0 for an empty cell)."""
        codes: np.ndarray = self.byte_codes[cells]
        unresolved = codes == _UNRESOLVED
        if unresolved.any():
            for byte in np.unique(cells[unresolved]).tolist():
                self.byte_codes[byte] = self.of_texts([chr(byte) if byte else ""])[0]
            codes = self.byte_codes[cells]
        return codes


@dataclass(frozen=True)
class _OptionSet:
    """Questions offering the same option keys: cell text → 1 + the option's index, 0 for an
    empty cell, -1 for anything else."""

    questions: list[int]
    positions: list[int]
    keys: dict[str, int]

    def resolve(self, text: str) -> int:
        key = _cell(text)
        return 0 if not key else self.keys.get(key, -1)


def _trimmed(column: Sequence[str]) -> Sequence[str]:
    """:func:`_cell` of every cell; a column of ASCII text without white space is its own."""
    joined = "\0".join(column)
    if joined.isascii() and _SPACE.search(joined) is None:
        return column
    return [_cell(c) for c in column]


class _Cells(Protocol):
    """Rows of cells, read column by column."""

    def strings(self, column: int) -> Sequence[str]: ...

    def codes(self, columns: list[int], lookup: _Lookup) -> np.ndarray:
        """The codes of the cells of ``columns``, one row of the result per column."""
        ...


@dataclass(frozen=True)
class _TextCells:
    columns: Sequence[Sequence[str]]

    def strings(self, column: int) -> Sequence[str]:
        return self.columns[column]

    def codes(self, columns: list[int], lookup: _Lookup) -> np.ndarray:
        cells = list(chain.from_iterable(self.columns[c] for c in columns))
        return lookup.of_texts(cells).reshape(len(columns), -1)


_MASKS = np.array([(1 << 8 * k) - 1 for k in range(9)], dtype=np.uint64)


class _PlainChunk:
    """Lines split at every comma: their UTF-8 bytes and where each cell starts and ends."""

    def __init__(self, text: str, data: bytes, starts: np.ndarray, ends: np.ndarray) -> None:
        self.text = text
        self.data = data  # followed by 8 NUL bytes: 8 bytes can be read from any cell
        self.body = np.frombuffer(data, dtype=np.uint8)
        self.starts = starts
        self.ends = ends
        self.ascii = text.isascii()  # then byte and character offsets agree

    def strings(self, column: int) -> Sequence[str]:
        bounds = zip(self.starts[:, column].tolist(), self.ends[:, column].tolist(), strict=True)
        if self.ascii:
            text = self.text
            return [text[a:b] for a, b in bounds]
        data = self.data
        return [data[a:b].decode() for a, b in bounds]

    def codes(self, columns: list[int], lookup: _Lookup) -> np.ndarray:
        starts = self.starts[:, columns]
        lengths = self.ends[:, columns] - starts
        longest = lengths.max(initial=0)
        if longest > 8:
            cells = list(chain.from_iterable(self.strings(c) for c in columns))
            return lookup.of_texts(cells).reshape(len(columns), -1)
        if longest <= 1:  # a one-byte cell is an ASCII character
            first = self.body[starts]
            first[lengths == 0] = 0
            return lookup.of_bytes(first).T
        # A cell of at most 8 bytes, none of them NUL, is exactly the integer they spell.
        words = np.ndarray((len(self.data) - 7,), dtype="<u8", buffer=self.data, strides=(1,))
        keys = words[starts] & _MASKS[lengths]
        return lookup.of_keys(keys).T


def _plain_chunk(chunk: list[str], text: str, width: int) -> _PlainChunk | None:
    """Lines that the csv module would split at every comma: no quote, every line ``width``
    cells ending at its line break, no cell over the csv module's size limit. None when any
    line is otherwise (then the csv module reads them)."""
    if "\r" in text:
        text = text.replace("\r\n", "\n")
        if "\r" in text:
            return None
    if not text.endswith("\n"):
        text += "\n"  # the last line of a file may have no line break
    if text.count("\n") != len(chunk) or max(map(len, chunk)) > csv.field_size_limit():
        return None  # a line break inside a line: the csv module refuses it
    data = text.encode() + bytes(8)
    body = np.frombuffer(data, dtype=np.uint8, count=len(data) - 8)
    ends = np.flatnonzero((body == ord(",")) | (body == ord("\n")))
    if len(ends) != len(chunk) * width:
        return None
    breaks = (body[ends] == ord("\n")).reshape(len(chunk), width)
    if not breaks[:, -1].all() or breaks[:, :-1].any():
        return None
    if len(data) < 2**31:
        ends = ends.astype(np.int32)
    starts = np.empty_like(ends)
    starts[0] = 0
    starts[1:] = ends[:-1] + 1
    return _PlainChunk(text, data, starts.reshape(-1, width), ends.reshape(-1, width))


class _Aggregator:
    def __init__(self, q: Questionnaire, columns: _Columns, units: Sequence[str] | None) -> None:
        self.q = q
        self.columns = columns
        self.fixed_units = units is not None
        self.unit_codes: list[str] = list(dict.fromkeys(units or ()))
        self.unit_index = {code: i for i, code in enumerate(self.unit_codes)}
        self.group_index = {g.code: i for i, g in enumerate(q.groups)}
        self.digits = q.percent_places
        self.unit_lookup = _Lookup(self.resolve_unit)
        self.group_lookup = _Lookup(self.resolve_group)
        questions = [q.question_by_code[code] for code, _ in columns.questions]
        positions = [position for _, position in columns.questions]
        # Questions offering the same keys share one lookup: their cells are read together.
        by_keys: dict[tuple[str, ...], list[int]] = {}
        for qi, qn in enumerate(questions):
            by_keys.setdefault(tuple(o.key for o in qn.options), []).append(qi)
        self.option_sets = [
            _OptionSet(qis, [positions[qi] for qi in qis], {k: i + 1 for i, k in enumerate(keys)})
            for keys, qis in by_keys.items()
        ]
        self.option_lookups = [_Lookup(options.resolve) for options in self.option_sets]
        scale = 10**self.digits
        self.percent_tables = [
            np.array(
                [-1] + [-1 if o.percent is None else int(o.percent * scale) for o in qn.options],
                dtype=np.int64,
            )
            for qn in questions
        ]
        self.asked = [
            np.array([g.code in qn.groups for g in q.groups], dtype=bool) for qn in questions
        ]
        self.capacity = max(16, len(self.unit_codes))
        index = {qn.code: i for i, qn in enumerate(questions)}
        self.leaves = {
            leaf: _Leaf([index[qn.code] for qn in qs], len(q.groups), self.capacity, self.digits)
            for leaf, qs in q.questions_by_leaf.items()
        }
        self.hashes: list[np.ndarray] = []
        self.forms = 0

    def resolve_unit(self, text: str) -> int:
        code = _cell(text)
        if not code:
            return -1
        if code not in self.unit_index:
            if self.fixed_units:
                return -1
            self.unit_index[code] = len(self.unit_codes)
            self.unit_codes.append(code)
        return self.unit_index[code]

    def resolve_group(self, text: str) -> int:
        return self.group_index.get(_cell(text), -1)

    def consume(self, rows: Iterator[Sequence[str]], progress: Progress | None) -> bool:
        """Sum every chunk of rows; False as soon as a row holds anything wrong."""
        try:
            while True:
                chunk = list(islice(rows, CHUNK_ROWS))
                if not chunk:
                    return True
                if not self.add_rows(chunk):
                    return False
                if progress is not None:
                    progress(self.forms)
        except csv.Error:
            return False

    def consume_lines(self, lines: Iterator[str], progress: Progress | None) -> bool:
        """:meth:`consume` of ``csv.reader(lines)``, faster: a chunk of lines without quotes is
        split at its commas and line breaks at once."""
        width = self.columns.width
        while True:
            chunk = list(islice(lines, CHUNK_ROWS))
            if not chunk:
                return True
            text = "".join(chunk)
            if '"' in text or "\0" in text:
                # A quoted cell may hold line breaks: the csv module reads on from here.
                return self.consume(csv.reader(chain(chunk, lines)), progress)
            plain = _plain_chunk(chunk, text, width)
            ids = None if plain is None else _trimmed(plain.strings(self.columns.response))
            if plain is not None and ids is not None and "" not in ids:
                valid = self.add_columns(plain, ids)
            else:  # short, long or blank rows, odd line breaks: as the csv module reads them
                try:
                    valid = self.add_rows(list(csv.reader(chunk)))
                except csv.Error:
                    return False
            if not valid:
                return False
            if progress is not None:
                progress(self.forms)

    def add_rows(self, chunk: list[Sequence[str]]) -> bool:
        # Blank rows are skipped, exactly as the row-by-row reader does.
        chunk = [r for r in chunk if any(r) and (r[0].strip() or any(c.strip() for c in r))]
        if not chunk:
            return True
        width = self.columns.width
        lengths = set(map(len, chunk))
        if max(lengths) > width:
            return False
        if min(lengths) < width:
            chunk = [list(r) + [""] * (width - len(r)) if len(r) < width else r for r in chunk]
        cells = _TextCells(list(zip(*chunk, strict=True)))
        ids = _trimmed(cells.strings(self.columns.response))
        return "" not in ids and self.add_columns(cells, ids)

    def add_columns(self, cells: _Cells, ids: Sequence[str]) -> bool:
        """Sum the rows given as columns, their response ids trimmed and none empty."""
        columns = self.columns
        count = len(ids)
        hashes = np.array(list(map(hash, ids)), dtype=np.int64)
        group = cells.codes([columns.group], self.group_lookup)[0]
        unit = cells.codes([columns.unit], self.unit_lookup)[0]
        if (group < 0).any() or (unit < 0).any():
            return False
        percents: list[np.ndarray] = [np.empty(0, dtype=np.int64)] * len(self.percent_tables)
        for options, lookup in zip(self.option_sets, self.option_lookups, strict=True):
            codes = cells.codes(options.positions, lookup)
            if (codes < 0).any():
                return False
            for qi, row in zip(options.questions, codes, strict=True):
                if ((row > 0) & ~self.asked[qi][group]).any():
                    return False
                percents[qi] = self.percent_tables[qi][row]
        if len(self.unit_codes) > self.capacity:
            self.capacity = max(2 * self.capacity, len(self.unit_codes))
            for leaf in self.leaves.values():
                leaf.grow(self.capacity)
        for leaf in self.leaves.values():
            leaf.add(unit, group, percents)
        self.hashes.append(hashes)
        self.forms += count
        return True

    def may_hold_duplicates(self) -> bool:
        if not self.hashes:
            return False
        hashes = np.sort(np.concatenate(self.hashes))
        return bool((hashes[1:] == hashes[:-1]).any())

    def result(self) -> SurveyResult:
        count = len(self.unit_codes)
        return SurveyResult(
            questionnaire=self.q,
            unit_codes=tuple(self.unit_codes),
            sums={leaf: acc.sums(count, self.digits) for leaf, acc in self.leaves.items()},
            forms=self.forms,
        )


def aggregate(
    q: Questionnaire,
    table: Table,
    *,
    units: Sequence[str] | None = None,
    progress: Progress | None = None,
) -> SurveyResult:
    """Aggregate a responses table exactly as docs/formats.md §4.3 says, or raise every problem.

    ``units``, when given, is the units file's list: every response's unit must be in it, and
    its units without responses are listed with every leaf insufficient.
    """
    lines: Iterator[str] | None = None
    if isinstance(table, CsvTable):  # read past the header, then a chunk of lines at a time
        lines = _without_bom(table.open_lines())
        rows: Iterator[Sequence[str]] = csv.reader(lines)
    else:
        rows = iter(table.rows())
    try:
        header = next(rows, None)
    except csv.Error:
        check_responses(q, table, units)  # names the broken line
        raise
    columns = _columns(header, q, table.source, table.sheet)
    aggregator = _Aggregator(q, columns, units)
    if lines is None:
        valid = aggregator.consume(rows, progress)
    else:
        valid = aggregator.consume_lines(lines, progress)
    if not valid or aggregator.may_hold_duplicates():
        # The row-by-row reader names every problem; it finds none only when two distinct
        # response ids merely share a hash, and then the sums already made stand.
        check_responses(q, table, units)
        if not valid:  # pragma: no cover - both readers apply the same rules
            raise SurveyError(msg("responses.unreadable"), source=table.source, sheet=table.sheet)
    return aggregator.result()
