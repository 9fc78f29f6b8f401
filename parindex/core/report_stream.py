"""The compute output of docs/formats.md §3.1 and §3.2 written in blocks, from the arrays.

``report.to_json`` builds a tree of dicts per unit and ``json.dump`` writes it piece by piece;
for 20,000 units that is 2.7 million node dicts and, with PYTHONUNBUFFERED set, millions of
system calls. Here the text of a block of units is built from the result's arrays (each figure's
text looked up once per distinct value; a unit's text filled into a template made once per set
of nodes that apply) and handed out as about a megabyte of UTF-8. The text is exactly what
``json.dump(to_json(result), out, ensure_ascii=False, indent=1)`` followed by a line feed, and
``to_csv(result)``, give (tests/core/test_report_stream.py compares them byte for byte). It is
built as bytes: a unit's text is mostly ASCII figures, and formatting bytes skips the wide
strings a single Vietnamese name makes of a whole text, and the encoding at the end.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterator
from json.encoder import encode_basestring

import numpy as np
import numpy.typing as npt

from .cells import inert
from .compute import CycleResult
from .numbers import from_quanta

Objects = npt.NDArray[np.object_]
Matrix = npt.NDArray[np.int64]

UNITS_PER_BLOCK = 100
"""Units whose text is built at once; a block of JSON is about a megabyte with 100 nodes."""
_LOOKUP_SPAN = 1 << 22  # a figure's texts are tabled by value below this span, else by unique


def _quoted(text: str | None) -> bytes:
    """A string as ``json.dumps(text, ensure_ascii=False)`` writes it (None: null), in UTF-8."""
    return b"null" if text is None else encode_basestring(text).encode("utf-8")


class _Texts:
    """Each figure (in quanta) as ``shown`` writes its text (None: no index, -1), made once per
    distinct value: a table by value over the range of ``values`` when it is not too wide, else
    a dictionary filled as values come."""

    def __init__(
        self, places: int, shown: Callable[[str | None], object], values: list[Matrix]
    ) -> None:
        self.places = places
        self.shown = shown
        self.low = min((int(v.min()) for v in values if v.size), default=0)
        high = max((int(v.max()) for v in values if v.size), default=0)
        self.table: Objects | None = None
        if high - self.low < _LOOKUP_SPAN:
            self.table = np.array([self.text(v) for v in range(self.low, high + 1)], dtype=object)
        self.made: dict[int, object] = {}

    def text(self, count: int) -> object:
        if count < 0:
            return self.shown(None)
        return self.shown(f"{from_quanta(count, self.places):.{self.places}f}")

    def of(self, values: Matrix) -> Objects:
        """The texts of ``values``, an array of the same shape."""
        if self.table is not None:
            found: Objects = self.table[values - self.low]
            return found
        distinct, inverse = np.unique(values, return_inverse=True)
        made = self.made
        texts = [
            made[v] if v in made else made.setdefault(v, self.text(v)) for v in distinct.tolist()
        ]
        found = np.array(texts, dtype=object)[inverse].reshape(values.shape)
        return found


def _json_figure(text: str | None) -> bytes:
    return b"null" if text is None else b'"%s"' % text.encode("ascii")


def _csv_figure(text: str | None) -> str:
    return "" if text is None else text


def _figures(result: CycleResult) -> list[Matrix]:
    return [
        result.node_points,
        result.node_max,
        result.node_index,
        result.total,
        result.total_max,
        result.total_index,
    ]


def _blocks(result: CycleResult) -> Iterator[npt.NDArray[np.int64]]:
    order = np.array(result.order, dtype=np.int64)
    for start in range(0, len(order), UNITS_PER_BLOCK):
        yield order[start : start + UNITS_PER_BLOCK]


def _bands(result: CycleResult) -> list[str | None]:
    """Each unit's band code, by position."""
    fw, places = result.framework, result.framework.places
    found: dict[int, str | None] = {}
    codes = []
    for index in result.total_index.tolist():
        if index not in found:
            band = fw.band_for(None if index < 0 else from_quanta(index, places))
            found[index] = band.code if band is not None else None
        codes.append(found[index])
    return codes


def _missing(result: CycleResult, block: npt.NDArray[np.int64]) -> list[list[int]]:
    """The missing leaves (positions in ``framework.leaves``) of each unit of ``block``."""
    rows, leaves = np.nonzero(result.missing_mask[block])
    found: list[list[int]] = [[] for _ in block]
    for row, leaf in zip(rows.tolist(), leaves.tolist(), strict=True):
        found[row].append(leaf)
    return found


def json_blocks(result: CycleResult) -> Iterator[bytes]:
    """The JSON output, in blocks of UTF-8 to be written one after the other."""
    fw = result.framework
    head = b'{\n "framework": {\n  "code": %s,\n  "version": %s\n },\n "units": ' % (
        _quoted(fw.code),
        _quoted(fw.version),
    )
    if not result.unit_infos:
        yield head + b"[]\n}\n"
        return
    yield head + b"["
    figures = _Texts(fw.places, _json_figure, _figures(result))
    templates = _JsonTemplates(result)
    bands = [_quoted(band) for band in _bands(result)]
    leaf_codes = [_quoted(leaf.code) for leaf in fw.leaves]
    separator = b"\n"
    for block in _blocks(result):
        nodes = np.stack(
            [
                figures.of(result.node_points[block]),
                figures.of(result.node_max[block]),
                figures.of(result.node_index[block]),
            ],
            axis=2,
        )
        totals = figures.of(result.total[block]).tolist()
        maxima = figures.of(result.total_max[block]).tolist()
        indices = figures.of(result.total_index[block]).tolist()
        heads = []
        for row, position in enumerate(block.tolist()):
            info, rank = result.unit_infos[position], result.ranks[position]
            heads.append(
                (
                    _quoted(info.code),
                    _quoted(info.name),
                    _quoted(info.type),
                    _quoted(info.group),
                    totals[row],
                    maxima[row],
                    indices[row],
                    b"null" if rank is None else b"%d" % rank,
                    bands[position],
                )
            )
        missing = [
            b"[\n    " + b",\n    ".join(leaf_codes[i] for i in listed) + b"\n   ]"
            if listed
            else b"[]"
            for listed in _missing(result, block)
        ]
        texts = [b""] * len(block)
        kinds = templates.kind[block]
        for kind in np.unique(kinds).tolist():  # the units whose nodes are the same ones
            rows = np.flatnonzero(kinds == kind)
            template, applying = templates.made[kind]
            shown = nodes[rows][:, applying].reshape(len(rows), -1).tolist()
            for row, figures_shown in zip(rows.tolist(), shown, strict=True):
                texts[row] = template % (*heads[row], *figures_shown, missing[row])
        yield separator + b",\n".join(texts)
        separator = b",\n"
    yield b"\n ]\n}\n"


class _JsonTemplates:
    """A unit's text with a slot for each of its figures, made once per set of nodes that
    apply (one per unit type, in practice): ``kind[position]`` names a unit's set, and
    ``made[kind]`` holds its template and the columns of its nodes."""

    def __init__(self, result: CycleResult) -> None:
        nodes = [_quoted(node.code).replace(b"%", b"%%") for node in result.framework.all_nodes]
        packed = np.packbits(result.node_applies, axis=1)
        _, first, kind = np.unique(packed, axis=0, return_index=True, return_inverse=True)
        self.kind: npt.NDArray[np.int64] = kind.reshape(-1).astype(np.int64)
        self.made: list[tuple[bytes, npt.NDArray[np.int64]]] = []
        for position in first.tolist():
            applying = np.flatnonzero(result.node_applies[position])
            self.made.append((_json_template([nodes[n] for n in applying]), applying))


def _json_template(nodes: list[bytes]) -> bytes:
    head = b"".join(
        b'\n   "%s": %%s,' % key
        for key in (b"unit", b"name", b"type", b"group", b"points", b"max", b"index", b"rank")
    )
    if nodes:
        listed = b",\n".join(
            b'    %s: {\n     "points": %%s,\n     "max": %%s,\n     "index": %%s\n    }' % code
            for code in nodes
        )
        shown = b"{\n" + listed + b"\n   }"
    else:
        shown = b"{}"
    return b"  {" + head + b'\n   "band": %s,\n   "nodes": ' + shown + b',\n   "missing": %s\n  }'


def csv_blocks(result: CycleResult) -> Iterator[bytes]:
    """The CSV output, in blocks of UTF-8 to be written one after the other."""
    fw = result.framework
    figures = _Texts(fw.places, _csv_figure, _figures(result))
    bands = _bands(result)
    leaf_codes = [leaf.code for leaf in fw.leaves]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(
        [
            "unit",
            "name",
            "type",
            "group",
            "points",
            "max",
            "index",
            "rank",
            "band",
            "missing",
            *(f"points_{n.code}" for n in fw.all_nodes),
        ]
    )
    for block in _blocks(result):
        points = np.where(
            result.node_applies[block], figures.of(result.node_points[block]), ""
        ).tolist()
        totals = figures.of(result.total[block]).tolist()
        maxima = figures.of(result.total_max[block]).tolist()
        indices = figures.of(result.total_index[block]).tolist()
        missing = _missing(result, block)
        for row, position in enumerate(block.tolist()):
            info = result.unit_infos[position]
            rank = result.ranks[position]
            writer.writerow(
                [
                    inert(info.code),
                    inert(info.name or ""),
                    inert(info.type or ""),
                    inert(info.group or ""),
                    totals[row],
                    maxima[row],
                    indices[row],
                    "" if rank is None else rank,
                    bands[position] or "",
                    ";".join(leaf_codes[i] for i in missing[row]),
                    *points[row],
                ]
            )
        yield out.getvalue().encode("utf-8")
        out.seek(0)
        out.truncate()
    yield out.getvalue().encode("utf-8")
