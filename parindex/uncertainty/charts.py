"""The rank interval chart: a Vega-Lite spec, rendered to SVG by ``parindex.shared.charts``."""

from __future__ import annotations

from typing import Any

from parindex.shared.charts import BAND_COLOURS, SCHEMA, _config


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
    x_scale = {"domain": [1, max(2, group_size)], "nice": False}
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
        "layer": [
            {
                "mark": {"type": "errorbar", "ticks": True, "color": "#57606a"},
                "encoding": {
                    "x": {
                        "field": "low",
                        "type": "quantitative",
                        "title": rank_label,
                        "scale": x_scale,
                        "axis": {"tickMinStep": 1},
                    },
                    "x2": {"field": "high"},
                },
            },
            {
                "mark": {"type": "point", "filled": True, "size": 70, "opacity": 1},
                "encoding": {
                    "x": {"field": "rank", "type": "quantitative", "scale": x_scale},
                    "color": {
                        "field": "band",
                        "type": "nominal",
                        "title": band_label,
                        "scale": {"domain": band_order, "range": BAND_COLOURS[: len(band_order)]},
                    },
                    "tooltip": [
                        {"field": "unit"},
                        {"field": "rank"},
                        {"field": "low"},
                        {"field": "high"},
                        {"field": "band"},
                    ],
                },
            },
        ],
        "config": _config(),
    }
