"""One number format per language: Vietnamese ``1.234,56``, English ``1,234.56``, on every page
and chart made for people; the data (CSV, JSON, stored figures, form inputs) keep the plain dot."""

from __future__ import annotations

import csv
import io
import json
import re
from decimal import Decimal

import pytest
from django.template import Context, Template
from django.test import Client
from django.utils import translation

from parindex.core import UnitInfo, compute
from parindex.core.report import to_csv, to_json
from parindex.results.models import UnitResult
from parindex.results.services import cycle_answers
from parindex.shared import charts
from parindex.shared.numbers import format_number, format_plain, format_signed, number_lang

from . import appraisals_fixtures as afx
from . import plans_fixtures as pfx
from .appraisals_fixtures import CHOICE_LEAF, Appraisal
from .assessments_fixtures import Open
from .factories import World, browse, table_rows


def vi(text: str) -> str:
    """A figure below 1000 as a Vietnamese page shows it."""
    return text.replace(".", ",")


def english(client: Client) -> Client:
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    return client


# --- the helper -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "places", "vi_text", "en_text"),
    [
        (Decimal("1234.5"), 2, "1.234,50", "1,234.50"),
        (Decimal("84.3"), 2, "84,30", "84.30"),
        (Decimal("84.30"), None, "84,30", "84.30"),
        (Decimal("-1234.5"), 2, "-1.234,50", "-1,234.50"),
        (Decimal("-0.001"), 2, "0,00", "0.00"),  # no negative zero
        (Decimal("0"), 2, "0,00", "0.00"),
        (0, None, "0", "0"),
        (1500, None, "1.500", "1,500"),
        (999, 0, "999", "999"),
        (Decimal("1234567890.125"), 2, "1.234.567.890,13", "1,234,567,890.13"),  # half-up
        (Decimal("12345678901234567890123456789.5"), 1, None, None),
        (Decimal("1E+3"), None, "1.000", "1,000"),  # never in exponent form
        ("84.30", None, "84,30", "84.30"),
        ("2.5", 2, "2,50", "2.50"),
        (None, 2, "—", "—"),
        ("", None, "—", "—"),
        ("n/a", 2, "n/a", "n/a"),  # text that is not a number is left alone
    ],
)
def test_format_number(value, places, vi_text, en_text) -> None:
    if vi_text is None:  # a long figure keeps every digit, exactly
        assert format_number(value, places, "vi") == "12.345.678.901.234.567.890.123.456.789,5"
        assert format_number(value, places, "en") == "12,345,678,901,234,567,890,123,456,789.5"
        return
    assert format_number(value, places, "vi") == vi_text
    assert format_number(value, places, "en") == en_text


def test_exact_without_float() -> None:
    # 0.1 + 0.2 as floats is 0.30000000000000004; as decimals it is exactly 0.3.
    assert format_number(Decimal("0.1") + Decimal("0.2"), None, "vi") == "0,3"
    assert format_number(2.675, 2, "en") == "2.68"  # the float's shortest text, rounded half-up
    assert format_number(Decimal("2.675"), 2, "vi") == "2,68"


def test_signed_and_plain() -> None:
    assert format_signed(Decimal("1.25"), 2, "vi") == "+1,25"
    assert format_signed(Decimal("-1234.5"), 2, "en") == "−1,234.50"  # a true minus sign
    assert format_signed(Decimal("0"), 2, "vi") == "0,00"
    assert format_plain(Decimal("1.50"), "vi") == "1,5"
    assert format_plain(Decimal("2.00"), "vi") == "2"
    assert format_plain(Decimal("1000.00"), "en") == "1,000"
    assert format_plain(None, "vi") == ""


def test_language_follows_the_active_one() -> None:
    with translation.override("en"):
        assert number_lang() == "en"
        assert format_number(Decimal("1234.5"), 2) == "1,234.50"
    with translation.override("vi"):
        assert format_number(Decimal("1234.5"), 2) == "1.234,50"
    with translation.override(None):
        assert number_lang() == "vi"  # Vietnamese when none is active
    assert number_lang("en-us") == "en" and number_lang("fr") == "vi"


def render(source: str, **context: object) -> str:
    return Template("{% load parindex %}" + source).render(Context(context))


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("vi", "84,30|1.234,5|+1,25|−0,50|2,5|1.500|—|2.5"),
        ("en", "84.30|1,234.5|+1.25|−0.50|2.5|1,500|—|2.5"),
    ],
)
def test_filters(lang: str, expected: str) -> None:
    with translation.override(lang):
        shown = render(
            "{{ a|fixed:2 }}|{{ b|num }}|{{ c|signed }}|{{ d|signed }}|{{ e|plain }}|"
            '{{ f|num }}|{{ g|default_if_none:"—"|num }}|{{ e|as_input }}',
            a=Decimal("84.3"),
            b=Decimal("1234.5"),
            c=Decimal("1.25"),
            d=Decimal("-0.5"),
            e=Decimal("2.50"),
            f=1500,
            g=None,
        )
    assert shown == expected


# --- charts ---------------------------------------------------------------------------------


def tick_labels(svg: str) -> list[str]:
    return re.findall(r">([^<>]*[0-9][^<>]*)</text>", svg)


def test_chart_axes_in_the_page_language() -> None:
    spec = {
        "$schema": charts.SCHEMA,
        "data": {"values": [{"a": "x", "v": 1500}, {"a": "y", "v": 84.3}]},
        "mark": "bar",
        "encoding": {
            "x": {"field": "a", "type": "nominal"},
            "y": {"field": "v", "type": "quantitative"},
        },
    }
    small = {**spec, "data": {"values": [{"a": "x", "v": 1.5}, {"a": "y", "v": 0.3}]}}
    with translation.override("vi"):
        assert "1.400" in tick_labels(charts.render_svg(spec))
        assert "0,2" in tick_labels(charts.render_svg(small))
    with translation.override("en"):
        assert "1,400" in tick_labels(charts.render_svg(spec))
        assert "0.2" in tick_labels(charts.render_svg(small))
        assert "0,2" not in tick_labels(charts.render_svg(small))  # not the Vietnamese copy


# --- pages ----------------------------------------------------------------------------------


def test_ranking(world: World, visit) -> None:
    UnitResult.objects.filter(cycle=world.current, unit=world.unit_a).update(
        points=Decimal("1234.50")
    )
    result = world.result(world.current, world.unit_b)
    client = visit("viewer")
    html = client.get(f"/cycles/{world.current.pk}/").content.decode()
    rows = {r.cells[1]: r.cells for r in table_rows(html)}
    assert rows["Sở Nội vụ"][2] == "1.234,50"
    assert rows[world.unit_b.name][2:4] == [vi(f"{result.points:.2f}"), vi(f"{result.index:.2f}")]
    html = english(client).get(f"/cycles/{world.current.pk}/").content.decode()
    rows = {r.cells[1]: r.cells for r in table_rows(html)}
    assert rows["Sở Nội vụ"][2] == "1,234.50"
    assert rows[world.unit_b.name][2:4] == [f"{result.points:.2f}", f"{result.index:.2f}"]


def test_scorecard(world: World, visit) -> None:
    result = world.result(world.current, world.unit_a)
    points = f"{result.points:.2f} / {result.max:.2f}"
    client = visit("viewer")
    html = client.get(f"/cycles/{world.current.pk}/units/{world.unit_a.code}/").content.decode()
    assert f"<dd>{vi(points)}</dd>" in html
    assert f'<dd class="strong">{vi(f"{result.index:.2f}")}</dd>' in html
    assert f"<dd>{points}</dd>" not in html
    html = english(client).get(f"/cycles/{world.current.pk}/units/SNV/").content.decode()
    assert f"<dd>{points}</dd>" in html
    assert f'<dd class="strong">{result.index:.2f}</dd>' in html


def test_appraisal_unit_page(appraisal: Appraisal) -> None:
    ap = appraisal
    afx.appraised(ap)
    client = browse(ap.editor_a)

    def figures(html: str) -> list[str]:
        row = next(
            r
            for r in table_rows(html)
            if r.attrs.get("data-leaf") == CHOICE_LEAF and len(r.cells) > 3
        )
        return row.cells[2:5]

    assert figures(client.get(ap.unit_url()).content.decode()) == ["1,00", "0,50", "0,50"]
    assert figures(english(client).get(ap.unit_url()).content.decode()) == ["1.00", "0.50", "0.50"]


def test_council_page(appraisal: Appraisal) -> None:
    ap = appraisal
    afx.replied(ap)
    client = browse(ap.council)

    def snv(html: str) -> list[str]:
        return next(r.cells for r in table_rows(html) if r.attrs.get("data-unit") == "SNV")

    shown = snv(client.get(ap.url("council")).content.decode())
    assert shown[-1] == "−0,50"
    assert all(re.fullmatch(r"\d+,\d{2}", c) for c in (shown[2], shown[3])), shown
    shown = snv(english(client).get(ap.url("council")).content.decode())
    assert shown[-1] == "−0.50"
    assert all(re.fullmatch(r"\d+\.\d{2}", c) for c in (shown[2], shown[3])), shown


def test_self_assessment_page(opened: Open, editor_a) -> None:
    client = browse(editor_a)
    total = re.compile(r"<dd data-total>([^<]*)</dd>")
    found = total.search(client.get(opened.url("page")).content.decode())
    assert found and re.fullmatch(r"\d+,\d{2} / \d+,\d{2}", found[1]), found
    found = total.search(english(client).get(opened.url("page")).content.decode())
    assert found and re.fullmatch(r"\d+\.\d{2} / \d+\.\d{2}", found[1]), found


def test_what_if_page(pw: pfx.PlanWorld, world: World, visit) -> None:
    url = f"/plans/{pw.plan.pk}/what-if/?cycle={world.current.pk}&scope=unit:STP&nodes=2&share=100"
    before = world.result(world.current, world.unit_b).index
    assert before is not None
    client = visit("viewer")
    shown = re.search(r'id="projected-index">([^<]*) →', client.get(url).content.decode())
    assert shown and shown[1] == vi(f"{before:.2f}")
    shown = re.search(r'id="projected-index">([^<]*) →', english(client).get(url).content.decode())
    assert shown and shown[1] == f"{before:.2f}"


# --- data keep the dot ----------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_csv_and_json_keep_the_dot(world: World, lang: str) -> None:
    infos = [UnitInfo(u.code, u.name, u.type, u.group or None) for u in world.units]
    result = compute(world.fw, cycle_answers(world.current), infos)
    snv = result.by_unit("SNV")
    with translation.override(lang):
        rows = list(csv.DictReader(io.StringIO(to_csv(result))))
        data = json.loads(json.dumps(to_json(result)))
    text = json.dumps(data)
    assert f"{snv.points:.2f}" in {value for row in rows for value in row.values()}
    assert f'"{snv.points:.2f}"' in text
    assert not any("," in value for row in rows for value in row.values() if value[:1].isdigit())
    stored = world.result(world.current, world.unit_a)
    assert stored.nodes["1"]["points"] == f"{Decimal(stored.nodes['1']['points']):.2f}"
