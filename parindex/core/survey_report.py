"""The survey output of docs/formats.md §4.4: a scores file, JSON, and a readable table."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

from .survey_aggregate import LeafResult, SurveyResult, UnitSurvey


def _fixed(value: Decimal | None) -> str | None:
    return None if value is None else f"{value:.2f}"


def leaf_json(leaf: LeafResult) -> dict[str, Any]:
    return {
        "value": _fixed(leaf.value),
        "margin": _fixed(leaf.margin),
        "groups": {
            g.code: {"n": g.n, "mean": _fixed(g.mean), "included": g.included} for g in leaf.groups
        },
        "flags": list(leaf.flags),
    }


def unit_json(unit: UnitSurvey) -> dict[str, Any]:
    return {"unit": unit.unit, "leaves": {leaf.leaf: leaf_json(leaf) for leaf in unit.leaves}}


def to_json(result: SurveyResult) -> dict[str, Any]:
    q = result.questionnaire
    return {
        "survey": {"code": q.code, "version": q.version},
        "units": [unit_json(u) for u in result.iter_units()],
    }


def scores_lines(result: SurveyResult) -> Iterator[str]:
    """A scores file (docs/formats.md §2) of the survey leaves with a value, line by line."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["unit", "item", "value"])
    yield out.getvalue()
    for unit in result.iter_units():
        out.seek(0)
        out.truncate()
        for leaf in unit.leaves:
            if leaf.value is not None:
                writer.writerow([unit.unit, leaf.leaf, f"{leaf.value:.2f}"])
        if out.tell():
            yield out.getvalue()


def to_scores_csv(result: SurveyResult) -> str:
    return "".join(scores_lines(result))


def table_lines(result: SurveyResult) -> Iterator[str]:
    """One line per unit and leaf: value ± margin, n per group (* = below min_n), flags."""
    q = result.questionnaire
    title = f"{q.title} — " if q.title else ""
    yield (
        f"{title}{q.code} {q.version}: {result.forms} forms, {len(result.unit_codes)} units, "
        f"{len(q.leaves)} leaves\n"
    )
    rows = [["unit", "leaf", "value", "margin", "n by group (* below min_n)", "flags"]]
    widths = [len(c) for c in rows[0]]

    def flush() -> Iterator[str]:
        for r in rows:
            cells = [
                c.rjust(w) if i in (2, 3) else c.ljust(w)
                for i, (c, w) in enumerate(zip(r, widths, strict=True))
            ]
            yield "  ".join(cells).rstrip() + "\n"

    for unit in result.iter_units():
        for leaf in unit.leaves:
            groups = " ".join(f"{g.code} {g.n}{'' if g.included else '*'}" for g in leaf.groups)
            row = [
                unit.unit,
                leaf.leaf,
                _fixed(leaf.value) or "-",
                _fixed(leaf.margin) or "-",
                groups,
                ",".join(leaf.flags),
            ]
            rows.append(row)
            widths = [max(w, len(c)) for w, c in zip(widths, row, strict=True)]
    yield from flush()


def to_table(result: SurveyResult) -> str:
    return "".join(table_lines(result))
