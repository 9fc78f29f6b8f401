"""Charts as Vega-Lite specs, rendered to SVG on the server (no JavaScript, same in print).

Each ``*_spec`` function is pure: rows in, a Vega-Lite dict out. ``render_svg`` turns a spec into
SVG once, with the number format of the active language (axis ticks and labels: ``1.500`` and
``84,3`` in Vietnamese, ``1,500`` and ``84.3`` in English), and caches it by the spec's hash and
that language. Specs give no number ``format`` of their own, so nothing forces a dot.
"""

from __future__ import annotations

import hashlib
import json
from decimal import Decimal
from typing import Any

import vl_convert
from django.core.cache import cache

from parindex.shared.numbers import d3_locale, number_lang

SCHEMA = "https://vega.github.io/schema/vega-lite/v5.json"
FONT = "Noto Sans, DejaVu Sans, Arial, sans-serif"
BAND_COLOURS = ["#1a7f37", "#2f81f7", "#d29922", "#cf222e", "#8250df", "#6e7781"]


def _config() -> dict[str, Any]:
    """The look every chart shares: its font, no frame, the axes' text sizes."""
    return {
        "font": FONT,
        "view": {"stroke": None},
        "axis": {"labelFontSize": 11, "titleFontSize": 12},
    }


def band_colour(band_label: str, band_order: list[str], **legend: Any) -> dict[str, Any]:
    """A colour channel by band, the bands in the framework's order, each its own colour."""
    channel: dict[str, Any] = {
        "field": "band",
        "type": "nominal",
        "title": band_label,
        "scale": {"domain": band_order, "range": BAND_COLOURS[: len(band_order)]},
    }
    if legend:
        channel["legend"] = legend
    return channel


def area_axis(area_label: str) -> dict[str, Any]:
    """An x axis of a framework's areas in the framework's order, labels level."""
    return {
        "field": "area",
        "type": "nominal",
        "title": area_label,
        "sort": None,
        "axis": {"labelAngle": 0},
    }


def ranking_spec(
    rows: list[dict[str, Any]],
    *,
    title: str,
    index_label: str,
    unit_label: str,
    band_label: str,
    band_order: list[str],
) -> dict[str, Any]:
    """Horizontal bars of each unit's index, highest first, coloured by band.

    ``rows``: dicts with ``unit`` (name), ``index`` (float for display), ``band`` (label).
    """
    return {
        "$schema": SCHEMA,
        "title": title,
        "width": 520,
        "height": {"step": 16},
        "data": {"values": rows},
        "mark": {"type": "bar", "cornerRadiusEnd": 2},
        "encoding": {
            "y": {
                "field": "unit",
                "type": "nominal",
                "sort": "-x",
                "title": unit_label,
                "axis": {"labelLimit": 260},
            },
            "x": {
                "field": "index",
                "type": "quantitative",
                "title": index_label,
                "scale": {
                    "domain": [0, max(100, *(r["index"] for r in rows))] if rows else [0, 100]
                },
            },
            "color": band_colour(band_label, band_order),
            "tooltip": [{"field": "unit"}, {"field": "index"}, {"field": "band"}],
        },
        "config": _config(),
    }


def profile_spec(
    rows: list[dict[str, Any]],
    *,
    title: str,
    index_label: str,
    area_label: str,
    series: list[str],
) -> dict[str, Any]:
    """Grouped bars per area: the unit's index beside its group's mean.

    ``rows``: dicts with ``area`` (label), ``series`` (unit or group mean), ``index`` (float).
    """
    return {
        "$schema": SCHEMA,
        "title": title,
        "width": {"step": 14},
        "height": 240,
        "data": {"values": rows},
        "mark": "bar",
        "encoding": {
            "x": area_axis(area_label),
            "xOffset": {"field": "series", "type": "nominal"},
            "y": {
                "field": "index",
                "type": "quantitative",
                "title": index_label,
                "scale": {"domain": [0, 100]},
            },
            "color": {
                "field": "series",
                "type": "nominal",
                "title": None,
                "scale": {"domain": series, "range": ["#2f81f7", "#afb8c1"]},
            },
            "tooltip": [{"field": "area"}, {"field": "series"}, {"field": "index"}],
        },
        "config": _config(),
    }


def as_number(value: Decimal | None) -> float | None:
    """Chart coordinates only: the stored figures stay Decimal."""
    return None if value is None else float(value)


def render_svg(spec: dict[str, Any], lang: str | None = None) -> str:
    """The chart as SVG, its numbers in ``lang``'s format (default: the active language)."""
    lang = number_lang(lang)
    text = json.dumps(spec, sort_keys=True, ensure_ascii=False)
    key = f"chart:{lang}:" + hashlib.sha256(text.encode("utf-8")).hexdigest()
    svg: str | None = cache.get(key)
    if svg is None:
        svg = vl_convert.vegalite_to_svg(spec, format_locale=d3_locale(lang))
        cache.set(key, svg, 3600)
    return svg


def area_statistics_spec(
    rows: list[dict[str, Any]],
    *,
    title: str,
    index_label: str,
    area_label: str,
    mean_label: str,
    low_label: str,
    high_label: str,
    scopes: list[str],
) -> dict[str, Any]:
    """Per area, side by side for each scope (a ranking group, every unit): the mean index as a
    dot on a line from the lowest index to the highest.

    ``rows``: dicts with ``area`` (code), ``scope`` (label), ``mean``, ``low``, ``high``
    (floats for display; the figures shown in tables stay Decimal).
    """
    tooltip = [
        {"field": "scope", "title": None},
        {"field": "area", "title": area_label},
        {"field": "mean", "title": mean_label},
        {"field": "low", "title": low_label},
        {"field": "high", "title": high_label},
    ]
    return {
        "$schema": SCHEMA,
        "title": title,
        "width": 640,
        "height": 260,
        "data": {"values": rows},
        "encoding": {
            "x": area_axis(area_label),
            "xOffset": {"field": "scope", "type": "nominal", "sort": scopes},
            "color": {
                "field": "scope",
                "type": "nominal",
                "title": None,
                "scale": {"domain": scopes},
                "legend": {"orient": "bottom", "labelLimit": 260},
            },
            "tooltip": tooltip,
        },
        "layer": _range_and_mean(index_label),
        "config": _config(),
    }


def _range_and_mean(index_label: str) -> list[dict[str, Any]]:
    """A line from ``low`` to ``high`` on an index axis of 0-100, and ``mean`` a dot on it."""
    return [
        {
            "mark": {"type": "rule", "strokeWidth": 2},
            "encoding": {
                "y": {
                    "field": "low",
                    "type": "quantitative",
                    "title": index_label,
                    "scale": {"domain": [0, 100]},
                },
                "y2": {"field": "high"},
            },
        },
        {
            "mark": {"type": "point", "filled": True, "size": 50, "opacity": 1},
            "encoding": {"y": {"field": "mean", "type": "quantitative"}},
        },
    ]
