"""Vega-Lite specs of the plan pages (rendered with ``parindex.shared.charts.render_svg``)."""

from __future__ import annotations

from typing import Any

from parindex.shared.charts import SCHEMA, _config

STATUS_COLOURS = {
    "draft": "#afb8c1",
    "not_started": "#d29922",
    "in_progress": "#2f81f7",
    "done": "#1a7f37",
    "overdue": "#cf222e",
}


def pareto_spec(
    rows: list[dict[str, Any]],
    *,
    title: str,
    node_label: str,
    lost_label: str,
    cumulative_label: str,
) -> dict[str, Any]:
    """Bars of points lost per node, most first, and the cumulative share as a line.

    ``rows``: dicts with ``node`` (code), ``title``, ``lost`` and ``cumulative`` (floats).
    """
    order = [r["node"] for r in rows]
    x = {
        "field": "node",
        "type": "nominal",
        "sort": order,
        "title": node_label,
        "axis": {"labelAngle": -45},
    }
    return {
        "$schema": SCHEMA,
        "title": title,
        "width": {"step": 22},
        "height": 260,
        "data": {"values": rows},
        "encoding": {"x": x},
        "layer": [
            {
                "mark": {"type": "bar", "color": "#2f81f7"},
                "encoding": {
                    "y": {"field": "lost", "type": "quantitative", "title": lost_label},
                    "tooltip": [{"field": "node"}, {"field": "title"}, {"field": "lost"}],
                },
            },
            {
                "mark": {"type": "line", "color": "#cf222e", "point": True},
                "encoding": {
                    "y": {
                        "field": "cumulative",
                        "type": "quantitative",
                        "title": cumulative_label,
                        "scale": {"domain": [0, 100]},
                    },
                },
            },
        ],
        "resolve": {"scale": {"y": "independent"}},
        "config": _config(),
    }


def timeline_spec(
    rows: list[dict[str, Any]],
    *,
    title: str,
    task_label: str,
    status_label: str,
    statuses: list[tuple[str, str]],
    today: str,
) -> dict[str, Any]:
    """Gantt-like bars from start to deadline, one per task, coloured by status; a rule marks
    today. ``rows``: ``task`` (label), ``start`` and ``deadline`` (ISO dates), ``status``
    (label). ``statuses``: (key, label) pairs in legend order, keys of STATUS_COLOURS."""
    return {
        "$schema": SCHEMA,
        "title": title,
        "width": 620,
        "height": {"step": 18},
        "data": {"values": rows},
        "layer": [
            {
                "mark": {"type": "bar", "cornerRadius": 2},
                "encoding": {
                    "y": {
                        "field": "task",
                        "type": "nominal",
                        "sort": None,
                        "title": None,
                        "axis": {"labelLimit": 280},
                    },
                    "x": {
                        "field": "start",
                        "type": "temporal",
                        "title": None,
                        "axis": {"format": "%d/%m/%Y", "labelOverlap": True},
                    },
                    "x2": {"field": "deadline"},
                    "color": {
                        "field": "status",
                        "type": "nominal",
                        "title": status_label,
                        "scale": {
                            "domain": [label for _, label in statuses],
                            "range": [STATUS_COLOURS[key] for key, _ in statuses],
                        },
                    },
                    "tooltip": [
                        {"field": "task", "title": task_label},
                        {"field": "start", "type": "temporal", "format": "%d/%m/%Y"},
                        {"field": "deadline", "type": "temporal", "format": "%d/%m/%Y"},
                        {"field": "status"},
                    ],
                },
            },
            {
                "data": {"values": [{"today": today}]},
                "mark": {"type": "rule", "color": "#1f2328", "strokeDash": [4, 3]},
                "encoding": {"x": {"field": "today", "type": "temporal"}},
            },
        ],
        "config": _config(),
    }
