"""The chart specs of parindex/shared/charts.py, and the ranking chart as the page embeds it."""

from __future__ import annotations

import html as html_lib
import re

from parindex.shared import charts

from .factories import World

SCHEMA = "https://vega.github.io/schema/vega-lite/v5.json"
BANDS = ["Tốt", "Khá", "Trung bình", "Yếu", "—"]


def ranking(rows: list[dict]) -> dict:
    return charts.ranking_spec(
        rows,
        title="Chỉ số CCHC 2023",
        index_label="Chỉ số",
        unit_label="Đơn vị",
        band_label="Xếp loại",
        band_order=BANDS,
    )


def test_ranking_spec_one_row_per_unit_with_its_index() -> None:
    rows = [
        {"unit": "Sở Nội vụ", "index": 91.5, "band": "Tốt"},
        {"unit": "Sở Tư pháp", "index": 78.25, "band": "Khá"},
        {"unit": "Phường 1", "index": 40.0, "band": "Yếu"},
    ]
    spec = ranking(rows)
    assert spec["$schema"] == SCHEMA
    assert spec["data"]["values"] == rows
    encoding = spec["encoding"]
    assert encoding["y"]["field"] == "unit"
    assert encoding["y"]["sort"] == "-x"  # highest index first
    assert encoding["x"]["field"] == "index"
    assert encoding["x"]["scale"]["domain"] == [0, 100]


def test_ranking_spec_band_colours_in_band_order() -> None:
    colour = ranking([{"unit": "A", "index": 50.0, "band": "Trung bình"}])["encoding"]["color"]
    assert colour["field"] == "band"
    assert colour["scale"]["domain"] == BANDS
    assert colour["scale"]["range"] == charts.BAND_COLOURS[: len(BANDS)]


def test_ranking_spec_axis_stretches_past_100_and_accepts_no_rows() -> None:
    assert ranking([{"unit": "A", "index": 104.5, "band": "Tốt"}])["encoding"]["x"]["scale"][
        "domain"
    ] == [0, 104.5]
    empty = ranking([])
    assert empty["data"]["values"] == []
    assert empty["encoding"]["x"]["scale"]["domain"] == [0, 100]


def test_profile_spec_unit_areas_beside_the_group_mean() -> None:
    rows = [
        {"area": "1", "series": "Sở Nội vụ", "index": 90.0},
        {"area": "1", "series": "Bình quân nhóm", "index": 80.0},
        {"area": "2", "series": "Sở Nội vụ", "index": 70.0},
        {"area": "2", "series": "Bình quân nhóm", "index": 75.5},
    ]
    spec = charts.profile_spec(
        rows,
        title="Chỉ số theo lĩnh vực",
        index_label="Chỉ số",
        area_label="Lĩnh vực",
        series=["Sở Nội vụ", "Bình quân nhóm"],
    )
    assert spec["$schema"] == SCHEMA
    assert spec["data"]["values"] == rows
    encoding = spec["encoding"]
    assert encoding["x"]["field"] == "area"
    assert encoding["x"]["sort"] is None  # framework order, not alphabetical
    assert encoding["xOffset"]["field"] == "series"
    assert encoding["color"]["scale"]["domain"] == ["Sở Nội vụ", "Bình quân nhóm"]
    assert len(encoding["color"]["scale"]["range"]) == 2
    assert encoding["y"]["scale"]["domain"] == [0, 100]
    by_series = {
        name: [r["index"] for r in rows if r["series"] == name]
        for name in ("Sở Nội vụ", "Bình quân nhóm")
    }
    assert by_series == {"Sở Nội vụ": [90.0, 70.0], "Bình quân nhóm": [80.0, 75.5]}


def test_ranking_page_chart_names_every_unit(world: World, visit) -> None:
    page = visit("anonymous").get(f"/cycles/{world.published.pk}/").content.decode()
    figure = page[page.index('<figure class="chart"') :]
    svg = re.search(r"<svg\b.*?</svg>", figure, flags=re.S)
    assert svg is not None
    text = html_lib.unescape(svg.group(0))
    for unit in world.units:
        assert unit.name in text, unit.name
    assert "<script" not in svg.group(0).lower()
    assert "<script" not in figure[: figure.index("</figure>")].lower()
