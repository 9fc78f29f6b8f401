"""The coverage chart: a Vega-Lite spec, rendered to SVG by ``parindex.shared.charts``."""

from __future__ import annotations

from typing import Any

from parindex.shared.charts import SCHEMA, _config


def coverage_spec(
    rows: list[dict[str, Any]],
    *,
    title: str,
    forms_label: str,
    group_label: str,
    kinds: list[str],
) -> dict[str, Any]:
    """Grouped bars per respondent group: forms received beside the plan's target.

    ``rows``: dicts with ``group`` (label), ``kind`` (received or target), ``forms`` (count).
    """
    return {
        "$schema": SCHEMA,
        "title": title,
        "width": {"step": 22},
        "height": 200,
        "data": {"values": rows},
        "mark": "bar",
        "encoding": {
            "x": {
                "field": "group",
                "type": "nominal",
                "title": group_label,
                "sort": None,
                "axis": {"labelAngle": 0},
            },
            "xOffset": {"field": "kind", "type": "nominal", "sort": kinds},
            "y": {"field": "forms", "type": "quantitative", "title": forms_label},
            "color": {
                "field": "kind",
                "type": "nominal",
                "title": None,
                "scale": {"domain": kinds, "range": ["#2f81f7", "#afb8c1"]},
            },
            "tooltip": [{"field": "group"}, {"field": "kind"}, {"field": "forms"}],
        },
        "config": _config(),
    }
