"""Vega-Lite specs of the national position page."""

from __future__ import annotations

from typing import Any

from parindex.shared.charts import SCHEMA, _config


def _year_axis(label: str) -> dict[str, Any]:
    """The years along the bottom, one label each, upright: the same on both charts."""
    return {"field": "year", "type": "ordinal", "title": label, "axis": {"labelAngle": 0}}


def index_spec(
    rows: list[dict[str, Any]],
    thresholds: list[dict[str, Any]],
    *,
    title: str,
    year_label: str,
    index_label: str,
    series_label: str,
    series: list[str],
) -> dict[str, Any]:
    """Lines of the province's index, the national average and the target by year, over dashed
    rules at the band thresholds. ``rows``: ``year`` (int), ``series`` (label), ``index``;
    ``thresholds``: ``band`` (label), ``min``."""
    low = min([r["index"] for r in rows] + [t["min"] for t in thresholds] + [100]) - 5
    y = {
        "field": "index",
        "type": "quantitative",
        "title": index_label,
        "scale": {"domain": [max(0, low), 100]},
    }
    return {
        "$schema": SCHEMA,
        "title": title,
        "width": 520,
        "height": 260,
        "layer": [
            {
                "data": {"values": thresholds},
                "mark": {"type": "rule", "strokeDash": [4, 4], "color": "#8c959f"},
                "encoding": {"y": {**y, "field": "min"}},
            },
            {
                "data": {"values": thresholds},
                "mark": {"type": "text", "align": "left", "dx": 4, "dy": -6, "color": "#656d76"},
                "encoding": {
                    "y": {**y, "field": "min"},
                    "x": {"value": 0},
                    "text": {"field": "band"},
                },
            },
            {
                "data": {"values": rows},
                "mark": {"type": "line", "point": True},
                "encoding": {
                    "x": _year_axis(year_label),
                    "y": y,
                    "color": {
                        "field": "series",
                        "type": "nominal",
                        "title": series_label,
                        "scale": {"domain": series, "range": ["#0b5cad", "#8c959f", "#1a7f37"]},
                    },
                    "tooltip": [{"field": "year"}, {"field": "series"}, {"field": "index"}],
                },
            },
        ],
        "config": _config(),
    }


def rank_spec(
    rows: list[dict[str, Any]],
    *,
    title: str,
    year_label: str,
    rank_label: str,
    series: list[str],
    provinces: int,
) -> dict[str, Any]:
    """The province's rank by year (1 at the top) beside the target rank. ``rows``: ``year``,
    ``series``, ``rank``."""
    return {
        "$schema": SCHEMA,
        "title": title,
        "width": 520,
        "height": 200,
        "data": {"values": rows},
        "mark": {"type": "line", "point": {"size": 60}},
        "encoding": {
            "x": _year_axis(year_label),
            "y": {
                "field": "rank",
                "type": "quantitative",
                "title": rank_label,
                "scale": {"domain": [provinces, 1]},
            },
            "color": {
                "field": "series",
                "type": "nominal",
                "title": None,
                "scale": {"domain": series, "range": ["#0b5cad", "#1a7f37"]},
            },
            "tooltip": [{"field": "year"}, {"field": "series"}, {"field": "rank"}],
        },
        "config": _config(),
    }
