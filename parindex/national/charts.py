"""Vega-Lite specs of the national position page."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from parindex.shared.charts import SCHEMA, _config


def _year_axis(label: str) -> dict[str, Any]:
    """The years along the bottom, one label each, upright: the same on both charts."""
    return {"field": "year", "type": "ordinal", "title": label, "axis": {"labelAngle": 0}}


PROVINCE, AVERAGE, TARGET = "#0b5cad", "#8c959f", "#1a7f37"
PREDECESSOR_COLOURS = ["#bc4c00", "#8250df", "#bf3989", "#4d2d00"]
SOLID, DASHED = [1, 0], [6, 3]


def _series_scales(series: list[tuple[str, str]], predecessors: Sequence[str]) -> dict[str, Any]:
    """Colour and dash by series: the page's own series (label, colour) solid, its
    predecessors' dashed in colours of their own; one legend (same field and title)."""
    domain = [label for label, _ in series] + list(predecessors)
    colours = [colour for _, colour in series] + [
        PREDECESSOR_COLOURS[i % len(PREDECESSOR_COLOURS)] for i in range(len(predecessors))
    ]
    dashes = [SOLID] * len(series) + [DASHED] * len(predecessors)
    return {
        "color": {"domain": domain, "range": colours},
        "strokeDash": {"domain": domain, "range": dashes},
    }


def _lines(
    rows: list[dict[str, Any]],
    x: dict[str, Any],
    y: dict[str, Any],
    value: str,
    series_label: str | None,
    scales: dict[str, Any],
) -> list[dict[str, Any]]:
    """A line per series, then its points: filled where the figure is stated directly,
    hollow where it is derived or from a source not checked (``marked`` in the row). Every
    layer colours by the same scale, so the chart has one legend."""
    color = {"field": "series", "type": "nominal", "title": series_label, "scale": scales["color"]}
    tooltip = [{"field": "year"}, {"field": "series"}, {"field": value}]

    def points(marked: bool) -> dict[str, Any]:
        test = "datum.marked" if marked else "!datum.marked"
        mark = {"type": "point", "size": 50, "filled": not marked}
        if marked:
            mark |= {"fill": "#ffffff", "fillOpacity": 1, "strokeWidth": 2}
        return {
            "data": {"values": rows},
            "transform": [{"filter": test}],
            "mark": mark,
            "encoding": {"x": x, "y": y, "color": color, "tooltip": tooltip},
        }

    return [
        {
            "data": {"values": rows},
            "mark": {"type": "line"},
            "encoding": {
                "x": x,
                "y": y,
                "color": color,
                # the same field and title as the colour: one legend, colour and dash
                "strokeDash": {**color, "scale": scales["strokeDash"]},
                "tooltip": tooltip,
            },
        },
        points(marked=False),
        points(marked=True),
    ]


def index_spec(
    rows: list[dict[str, Any]],
    thresholds: list[dict[str, Any]],
    *,
    title: str,
    year_label: str,
    index_label: str,
    series_label: str,
    series: list[str],
    predecessors: Sequence[str] = (),
) -> dict[str, Any]:
    """Lines of the province's index, the national average and the target by year, and of
    the provinces it was formed from (dashed), over dashed rules at the band thresholds.
    ``rows``: ``year`` (int), ``series`` (label), ``index``, optionally ``marked`` (a figure
    not stated directly: a hollow point); ``thresholds``: ``band`` (label), ``min``."""
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
            *_lines(
                rows,
                _year_axis(year_label),
                y,
                "index",
                series_label,
                _series_scales(
                    list(zip(series, (PROVINCE, AVERAGE, TARGET), strict=True)), predecessors
                ),
            ),
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
    predecessors: Sequence[str] = (),
) -> dict[str, Any]:
    """The province's rank by year (1 at the top) beside the target rank and its predecessors'
    ranks (dashed). ``rows``: ``year``, ``series``, ``rank``, optionally ``marked``."""
    y = {
        "field": "rank",
        "type": "quantitative",
        "title": rank_label,
        "scale": {"domain": [provinces, 1]},
    }
    scales = _series_scales(list(zip(series, (PROVINCE, TARGET), strict=True)), predecessors)
    return {
        "$schema": SCHEMA,
        "title": title,
        "width": 520,
        "height": 200,
        "layer": _lines(rows, _year_axis(year_label), y, "rank", None, scales),
        "config": _config(),
    }
