"""The compute output of docs/formats.md §3: JSON, CSV and a readable table."""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from typing import Any

from .cells import inert
from .compute import CycleResult, UnitResult
from .messages import is_english, localize_number
from .numbers import format_decimal


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


def to_json(result: CycleResult) -> dict[str, Any]:
    fw = result.framework
    return {
        "framework": {"code": fw.code, "version": fw.version},
        "units": [unit_json(u, fw.places) for u in result.units],
    }


def to_csv(result: CycleResult) -> str:
    """The CSV of docs/formats.md §3; text cells a spreadsheet would evaluate are made inert."""
    fw = result.framework
    places = fw.places
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    codes = [n.code for n in fw.all_nodes]
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
            *(f"points_{c}" for c in codes),
        ]
    )
    for u in result.units:
        writer.writerow(
            [
                inert(u.unit.code),
                inert(u.unit.name or ""),
                inert(u.unit.type or ""),
                inert(u.unit.group or ""),
                _fixed(u.points, places),
                _fixed(u.max, places),
                _fixed(u.index, places) or "",
                u.rank if u.rank is not None else "",
                u.band.code if u.band else "",
                ";".join(u.missing),
                *((_fixed(u.nodes[c].points, places) if c in u.nodes else "") for c in codes),
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
    for u in result.units:
        rows.append(
            [
                u.unit.group or "-",
                str(u.rank) if u.rank is not None else "-",
                u.unit.code,
                u.unit.name or "",
                number(u.points),
                number(u.max),
                number(u.index) or "-",
                u.band.label(lang) if u.band else "-",
                str(len(u.missing)) if u.missing else "",
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
