"""The rank interval chart: a Vega-Lite spec, rendered to SVG by ``parindex.shared.charts``."""

from __future__ import annotations

from typing import Any

from parindex.shared.charts import SCHEMA, _config, band_colour


def rank_interval_spec(
    rows: list[dict[str, Any]],
    *,
    title: str,
    rank_label: str,
    unit_label: str,
    band_label: str,
    band_order: list[str],
    group_size: int,
) -> dict[str, Any]:
    """One row per unit, in ranking order: its interval of ranks as an error bar, its computed
    rank as a dot coloured by its band; rank 1 on the left.

    ``rows``: dicts with ``unit`` (name), ``order`` (listing position), ``rank``, ``low``,
    ``high`` (ranks) and ``band`` (label).
    """
    # Half a rank of room on each side, so the first and last ranks' dots are whole; ticks on
    # whole ranks only ("d" writes an integer, without any separator to localise).
    x = {
        "type": "quantitative",
        "scale": {"domain": [0.5, group_size + 0.5], "nice": False, "zero": False},
        "axis": {"values": rank_ticks(group_size), "format": "d"},
        "title": rank_label,
    }
    return {
        "$schema": SCHEMA,
        "title": title,
        "width": 420,
        "height": {"step": 18},
        "data": {"values": rows},
        "encoding": {
            "y": {
                "field": "unit",
                "type": "nominal",
                "sort": {"field": "order"},
                "title": unit_label,
                "axis": {"labelLimit": 240},
            }
        },
        "layer": _interval_and_rank(x, band_label, band_order),
        "config": _config(),
    }


def _interval_and_rank(
    x: dict[str, Any], band_label: str, band_order: list[str]
) -> list[dict[str, Any]]:
    """Each unit's interval of ranks (``low`` to ``high``) as an error bar on the rank axis
    ``x``, and its computed ``rank`` as a dot coloured by its band."""
    return [
        {
            "mark": {"type": "errorbar", "ticks": True, "color": "#57606a"},
            "encoding": {"x": {"field": "low", **x}, "x2": {"field": "high"}},
        },
        {
            "mark": {"type": "point", "filled": True, "size": 70, "opacity": 1},
            "encoding": {
                "x": {"field": "rank", **x},
                "color": band_colour(
                    band_label, band_order, orient="bottom", direction="horizontal"
                ),
                "tooltip": [
                    {"field": "unit"},
                    {"field": "rank"},
                    {"field": "low"},
                    {"field": "high"},
                    {"field": "band"},
                ],
            },
        },
    ]


def rank_ticks(size: int) -> list[int]:
    """Whole ranks to mark on an axis of ``size`` ranks: every multiple of the smallest round
    step (1, 2, 5, 10, 20, 50 …) that leaves at most ten of them, and the first and last."""
    step, i = 1, 0
    while size > 10 * step:
        i += 1
        step = (1, 2, 5)[i % 3] * 10 ** (i // 3)
    return sorted({1, size, *range(step, size + 1, step)})
