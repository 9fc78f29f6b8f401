"""A CSV file read by columns: every cell as a range of bytes of the file's UTF-8 text.

The scores file of a national cycle has millions of rows; a Python list and three strings per
row cost more than everything done with them. Here a file becomes one byte array and, per
column, the start and end of each row's cell, so that readers check and score whole columns
with numpy. ``split_plain`` reads a plain file (no quoted cell, no control character, rows ended
by LF or CRLF, every row of the header's width or blank) in a few vector passes and declines
anything else; ``from_rows`` takes the rows the csv module read from any file. Both give the
same :class:`Columns`, and the readers that use them check every cell exactly as the scalar
readers of ``tables`` do.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

Bytes = npt.NDArray[np.uint8]
Ints = npt.NDArray[np.int64]
Mask = npt.NDArray[np.bool_]
Keys = npt.NDArray[np.uint64]

_BOM = b"\xef\xbb\xbf"
_NEWLINE, _RETURN, _COMMA, _TAB, _SPACE = 10, 13, 44, 9, 32
_HASH_MULTIPLIER = np.uint64(0x100000001B3)  # FNV-1a's 64-bit prime


@dataclass(frozen=True)
class Columns:
    """The rows of a CSV file below its header, blank rows left out.

    ``header`` holds the header's cells stripped; ``lines[r]`` is row r's line number (the
    header is line 1); ``starts[r, c]`` and ``ends[r, c]`` delimit row r's cell in column c
    within ``data``, without its leading and trailing ASCII spaces and tabs (an empty range
    where the row is shorter); ``too_wide`` marks the rows with more cells than the header.
    """

    header: list[str]
    data: Bytes
    lines: Ints
    starts: Ints
    ends: Ints
    too_wide: Mask

    def __len__(self) -> int:
        return len(self.lines)

    def text(self, row: int, column: int) -> str:
        """One cell as text."""
        return decode(self.data, int(self.starts[row, column]), int(self.ends[row, column]))


def decode(data: Bytes, start: int, end: int) -> str:
    return data[start:end].tobytes().decode("utf-8")


def split_plain(raw: bytes) -> Columns | None:
    """The columns of a plain CSV file (its UTF-8 bytes), or None when the file needs the csv
    module: a quote, a control character, a carriage return not followed by a line feed, a cell
    longer than the csv module's limit, a blank header, or a row that is neither blank nor
    exactly as wide as the header."""
    data: Bytes = np.frombuffer(raw, dtype=np.uint8)
    # A control character (cells.control_character): a byte below 32 other than a tab, a line
    # feed or a carriage return, or 127; counted rather than searched, which is slower.
    allowed = raw.count(b"\t") + raw.count(b"\n") + raw.count(b"\r")
    if b'"' in raw or b"\x7f" in raw or np.count_nonzero(data < _SPACE) != allowed:
        return None
    offset = len(_BOM) if raw.startswith(_BOM) else 0
    # Line feeds and commas, in file order, are a plain file's whole structure.
    delimiter = data == _COMMA
    delimiter |= data == _NEWLINE
    delimiters = np.flatnonzero(delimiter)
    del delimiter
    newline_at = np.flatnonzero(data[delimiters] == _NEWLINE)  # a line's end, among them
    line_starts = np.concatenate(([offset], delimiters[newline_at] + 1))
    line_ends = np.concatenate((delimiters[newline_at], [len(data)]))
    first_comma = np.concatenate(([0], newline_at + 1))
    commas = np.concatenate((newline_at, [len(delimiters)])) - first_comma
    del newline_at
    if line_starts[-1] == len(data):  # the file ends with its last line's line feed
        line_starts, line_ends = line_starts[:-1], line_ends[:-1]
        first_comma, commas = first_comma[:-1], commas[:-1]
    if b"\r" in raw:
        returns = np.flatnonzero(data == _RETURN)
        ending = np.isin(returns, line_ends - 1, assume_unique=True)
        if not ending.all():
            return None
        line_ends -= np.isin(line_ends - 1, returns, assume_unique=True)
    if len(line_starts) == 0:
        return None
    header_text = decode(data, int(line_starts[0]), int(line_ends[0]))
    if not header_text.strip():
        return None
    header = [cell.strip() for cell in header_text.split(",")]
    width = len(header)

    regular = commas == width - 1
    regular[0] = False
    for line in np.flatnonzero(~regular)[1:]:  # a blank line may have any number of commas
        cells = decode(data, int(line_starts[line]), int(line_ends[line])).split(",")
        if any(cell.strip() for cell in cells):
            return None
    kept = np.flatnonzero(regular)
    # A row's cells lie between its line's start, its commas and its end.
    starts = np.empty((len(kept), width), dtype=np.int64)
    ends = np.empty((len(kept), width), dtype=np.int64)
    starts[:, 0] = line_starts[kept]
    ends[:, width - 1] = line_ends[kept]
    first = first_comma[kept]
    del line_starts, line_ends, first_comma, commas, regular
    for c in range(width - 1):
        at = delimiters[first + c]
        ends[:, c] = at
        starts[:, c + 1] = at + 1
    del delimiters, first
    if len(kept) and int((ends - starts).max()) > csv.field_size_limit():
        return None
    strip_spaces(data, starts, ends)
    filled = (ends > starts).any(axis=1)  # the other rows are blank
    if not filled.all():
        kept, starts, ends = kept[filled], starts[filled], ends[filled]
    return Columns(header, data, kept + 1, starts, ends, np.zeros(len(kept), dtype=np.bool_))


def from_rows(header: list[str], rows: list[tuple[int, list[str]]]) -> Columns:
    """The columns of rows the csv module read (line number and cells of each)."""
    width = len(header)
    pieces: list[bytes] = []
    lengths: list[int] = []
    for _, row in rows:
        cells = row[:width] + [""] * (width - len(row))
        for cell in cells:
            encoded = cell.encode("utf-8")
            pieces.append(encoded)
            lengths.append(len(encoded))
    data: Bytes = np.frombuffer(b"".join(pieces), dtype=np.uint8)
    ends = np.cumsum(np.array(lengths, dtype=np.int64)).reshape(len(rows), width)
    starts = ends - np.array(lengths, dtype=np.int64).reshape(len(rows), width)
    lines = np.array([line for line, _ in rows], dtype=np.int64)
    too_wide = np.array([len(row) > width for _, row in rows], dtype=np.bool_)
    strip_spaces(data, starts, ends)
    return Columns(header, data, lines, starts, ends, too_wide)


def strip_spaces(data: Bytes, starts: Ints, ends: Ints) -> None:
    """Move the cells' bounds past their leading and trailing ASCII spaces and tabs: what
    Python's ``strip`` takes off them first (it also knows Unicode's other spaces, left in place
    here)."""
    flat_starts, flat_ends = starts.reshape(-1), ends.reshape(-1)
    if not len(data):
        return
    last = len(data) - 1
    for front in (True, False):
        edge = data[np.minimum(flat_starts, last)] if front else data[flat_ends - 1]
        spaced = (edge == _SPACE) | (edge == _TAB)
        spaced &= flat_starts < flat_ends
        active = np.flatnonzero(spaced)
        del edge, spaced
        while len(active):
            if front:
                flat_starts[active] += 1
            else:
                flat_ends[active] -= 1
            active = active[flat_starts[active] < flat_ends[active]]
            byte = data[flat_starts[active]] if front else data[flat_ends[active] - 1]
            active = active[(byte == _SPACE) | (byte == _TAB)]


def packed(data: Bytes, starts: Ints, ends: Ints) -> Keys | None:
    """Each cell's bytes as one 64-bit key (big-endian, padded with zero bytes), or None if a
    cell is longer than 8 bytes. Equal keys are equal cells: no cell holds a zero byte (a
    control character, refused in every file)."""
    lengths = ends - starts
    if not len(data) or (len(lengths) and int(lengths.max()) > 8):
        return None
    keys = np.zeros(len(starts), dtype=np.uint64)
    last = len(data) - 1
    for j in range(8):
        byte = np.where(lengths > j, data[np.minimum(starts + j, last)], 0)
        keys |= byte.astype(np.uint64) << np.uint64(8 * (7 - j))
    return keys


def pack(code: bytes) -> int:
    """A code of at most 8 bytes as ``packed`` keys it."""
    return int.from_bytes(code.ljust(8, b"\0"), "big")


def factorize(data: Bytes, starts: Ints, ends: Ints, salt: Ints | None = None) -> tuple[Ints, Ints]:
    """Codes for cells with equal bytes: ``codes[i] == codes[j]`` exactly when cells i and j
    hold the same bytes (and the same ``salt``), and, per code, the first cell that has it.

    Equal cells are found by a 64-bit hash over their bytes, then every cell is compared with
    its code's first cell byte by byte, so that a collision of the hash never merges two
    different cells (one that happens is detected, and the cells hashed again with another
    seed). The work is proportional to the bytes of the cells, not to the longest one times
    their number."""
    if len(starts) == 0:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty
    for seed in (0xCBF29CE484222325, 0x84222325CBF29CE4, 0x9E3779B97F4A7C15):
        codes, firsts = _codes(_hashes(data, starts, ends, salt, np.uint64(seed)))
        if _same(data, starts, ends, salt, firsts[codes]):
            return codes, firsts
    raise AssertionError("three 64-bit hashes collided")  # pragma: no cover


def _longest_first(lengths: Ints) -> tuple[Ints, Ints]:
    """The cells' positions, longest first, and ``reaching[j]``: how many are longer than j."""
    longest = int(lengths.max())
    # A stable sort of 16-bit keys is a radix sort: linear, where int64 keys take n log n.
    keys = -(lengths.astype(np.int16)) if longest < 2**15 else -lengths
    order: Ints = np.argsort(keys, kind="stable")
    reaching: Ints = len(lengths) - np.cumsum(np.bincount(lengths, minlength=longest + 1))
    return order, reaching


def _hashes(data: Bytes, starts: Ints, ends: Ints, salt: Ints | None, seed: np.uint64) -> Keys:
    """A 64-bit hash (FNV-1a-like, seeded, with the length and the salt) of each cell."""
    lengths = ends - starts
    order, reaching = _longest_first(lengths)
    sorted_starts = starts[order]
    hashed = np.full(len(starts), seed, dtype=np.uint64)
    hashed ^= lengths[order].astype(np.uint64)
    if salt is not None:
        hashed *= _HASH_MULTIPLIER
        hashed ^= salt[order].astype(np.uint64)
    for j in range(len(reaching) - 1):  # pass j: the cells longer than j, a prefix
        head = hashed[: int(reaching[j])]
        head *= _HASH_MULTIPLIER
        head ^= data[sorted_starts[: len(head)] + j]
    keys = np.empty_like(hashed)
    keys[order] = hashed
    return keys


def _codes(keys: Keys) -> tuple[Ints, Ints]:
    """A code per distinct key (0, 1, … in the keys' sorted order) for each cell, and per code
    its first cell."""
    # Runs of equal keys (the rows of one unit follow each other) are looked up once.
    run_starts = np.concatenate(([0], np.flatnonzero(keys[1:] != keys[:-1]) + 1))
    run_keys = keys[run_starts]
    distinct = np.unique(run_keys)
    run_codes = np.searchsorted(distinct, run_keys)
    codes = np.repeat(run_codes, np.diff(np.append(run_starts, len(keys))))
    small = run_codes.astype(np.int16) if len(distinct) < 2**15 else run_codes
    by_code = np.argsort(small, kind="stable")
    first_run = by_code[np.searchsorted(run_codes[by_code], np.arange(len(distinct)))]
    firsts: Ints = run_starts[first_run]
    return codes.astype(np.int64), firsts.astype(np.int64)


def _same(data: Bytes, starts: Ints, ends: Ints, salt: Ints | None, other: Ints) -> bool:
    """Whether every cell holds the same bytes (and salt) as the cell ``other`` names."""
    lengths = ends - starts
    if (lengths != lengths[other]).any():
        return False
    if salt is not None and (salt != salt[other]).any():
        return False
    differ = np.flatnonzero(starts != starts[other])
    if not len(differ):
        return True
    order, reaching = _longest_first(lengths[differ])
    mine, theirs = starts[differ[order]], starts[other[differ[order]]]
    for j in range(len(reaching) - 1):
        k = int(reaching[j])
        if (data[mine[:k] + j] != data[theirs[:k] + j]).any():
            return False
    return True
