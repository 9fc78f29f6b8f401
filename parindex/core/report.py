"""The compute output of docs/formats.md §3: JSON, CSV and a readable table."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from typing import Any

from .cells import inert
from .compute import CycleResult, UnitResult
from .framework import Framework
from .messages import is_english, localize_number
from .numbers import format_decimal, from_quanta

CSV_COLUMNS = ("unit", "name", "type", "group", "points", "max", "index", "rank", "band", "missing")
"""The first columns of the CSV of docs/formats.md §3; a ``points_<code>`` per node follows."""


def _fixed(value: Decimal | None, places: int) -> str | None:
    return None if value is None else f"{value:.{places}f}"


def unit_json(result: UnitResult, places: int) -> dict[str, Any]:
    return {
        "unit": result.unit.code,
        "name": result.unit.name,
        "type": result.unit.type,
        "group": result.unit.group,
        "points": _fixed(result.points, places),
        "max": _fixed(result.max, places),
        "index": _fixed(result.index, places),
        "rank": result.rank,
        "band": result.band.code if result.band else None,
        "nodes": {
            code: {
                "points": _fixed(node.points, places),
                "max": _fixed(node.max, places),
                "index": _fixed(node.index, places),
            }
            for code, node in result.nodes.items()
        },
        "missing": list(result.missing),
    }


def unit_record(
    fw: Framework,
    *,
    unit: str,
    name: str | None,
    type: str | None,
    group: str | None,
    points: Decimal,
    max: Decimal,
    index: Decimal | None,
    rank: int | None,
    band: str | None,
    nodes: Mapping[str, Mapping[str, str | None]],
    missing: Sequence[str],
) -> dict[str, Any]:
    """A unit of docs/formats.md §3 from figures computed earlier and kept (a stored result):
    what ``unit_json`` gives for the computation that produced them. ``nodes`` holds each
    node's figures as §3 writes them, in any order; they come out in framework order."""
    places = fw.places
    return {
        "unit": unit,
        "name": name,
        "type": type,
        "group": group,
        "points": _fixed(points, places),
        "max": _fixed(max, places),
        "index": _fixed(index, places),
        "rank": rank,
        "band": band,
        "nodes": {
            n.code: {key: nodes[n.code][key] for key in ("points", "max", "index")}
            for n in fw.all_nodes
            if n.code in nodes
        },
        "missing": list(missing),
    }


def to_json(result: CycleResult) -> dict[str, Any]:
    fw = result.framework
    return json_document(fw, [unit_json(u, fw.places) for u in result.units])


def json_document(fw: Framework, units: Iterable[dict[str, Any]]) -> dict[str, Any]:
    """The JSON of docs/formats.md §3 for ``units`` (each as ``unit_json`` or ``unit_record``
    gives it), in the order given."""
    return {"framework": {"code": fw.code, "version": fw.version}, "units": list(units)}


def to_csv(result: CycleResult) -> str:
    fw = result.framework
    return records_csv(fw, (unit_json(u, fw.places) for u in result.units))


def records_csv(fw: Framework, units: Iterable[dict[str, Any]]) -> str:
    """The CSV of docs/formats.md §3 for ``units`` (each as ``unit_json`` or ``unit_record``
    gives it); text cells a spreadsheet would evaluate are made inert."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    codes = [n.code for n in fw.all_nodes]
    writer.writerow([*CSV_COLUMNS, *(f"points_{c}" for c in codes)])
    for u in units:
        nodes = u["nodes"]
        writer.writerow(
            [
                inert(u["unit"]),
                inert(u["name"] or ""),
                inert(u["type"] or ""),
                inert(u["group"] or ""),
                u["points"],
                u["max"],
                u["index"] or "",
                u["rank"] if u["rank"] is not None else "",
                u["band"] or "",
                ";".join(u["missing"]),
                *((nodes[c]["points"] if c in nodes else "") for c in codes),
            ]
        )
    return out.getvalue()


_TABLE_HEADER = {
    "en": ["group", "rank", "unit", "name", "points", "max", "index", "band", "missing"],
    "vi": ["nhóm", "hạng", "đơn vị", "tên", "điểm", "tối đa", "chỉ số", "xếp loại", "thiếu"],
}


def to_table(result: CycleResult, lang: str = "en") -> str:
    """A table for people: band titles rather than codes, numbers in the reader's format."""
    fw = result.framework
    places = fw.places
    english = is_english(lang)
    header = _TABLE_HEADER["en" if english else "vi"]

    def number(value: Decimal | None) -> str:
        text = _fixed(value, places)
        return localize_number(text, lang) if text else ""

    rows = [header]
    missing = result.missing_mask.sum(axis=1).tolist()
    for position in result.order:  # a unit's own figures: neither its nodes nor its leaves
        info, rank = result.unit_infos[position], result.ranks[position]
        index_q = int(result.total_index[position])
        index = None if index_q < 0 else from_quanta(index_q, places)
        band = fw.band_for(index)
        rows.append(
            [
                info.group or "-",
                str(rank) if rank is not None else "-",
                info.code,
                info.name or "",
                number(from_quanta(int(result.total[position]), places)),
                number(from_quanta(int(result.total_max[position]), places)),
                number(index) or "-",
                band.label(lang) if band else "-",
                str(missing[position]) if missing[position] else "",
            ]
        )
    widths = [max(len(r[i]) for r in rows) for i in range(len(header))]
    numeric = {1, 4, 5, 6, 8}
    top = localize_number(format_decimal(fw.max_total), lang)
    maximum = "max" if english else "tối đa"
    lines = [f"{fw.title.get(lang)} — {fw.code} {fw.version} ({maximum} {top})"]
    for r in rows:
        cells = [
            c.rjust(w) if i in numeric else c.ljust(w)
            for i, (c, w) in enumerate(zip(r, widths, strict=True))
        ]
        lines.append("  ".join(cells).rstrip())
    return "\n".join(lines) + "\n"
