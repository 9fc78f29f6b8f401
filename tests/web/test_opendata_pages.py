"""The open-data pages: an index of the published cycles and a page per cycle with its files and
the methodology of its framework version, for anyone, without an account."""

from __future__ import annotations

from django.utils.html import escape

from parindex.cycles.models import Cycle

from .factories import World, table_rows


def test_index_lists_the_published_cycles_only(world: World, anonymous) -> None:
    html = anonymous.get("/open-data/").content.decode()
    rows = {r.attrs["data-cycle"]: r.cells for r in table_rows(html) if "data-cycle" in r.attrs}
    assert list(rows) == [str(world.published.pk)]
    assert rows[str(world.published.pk)][:3] == [
        "2023",
        "Chỉ số CCHC năm 2023",
        "province-internal 2024",
    ]
    assert f'href="/open-data/{world.published.pk}/"' in html
    assert "Dữ liệu mở" in html


def test_index_says_when_nothing_is_published(world: World, anonymous) -> None:
    Cycle.objects.update(state=Cycle.State.APPROVED)
    html = anonymous.get("/open-data/").content.decode()
    assert "Chưa có kỳ đánh giá nào được công bố." in html


def test_cycle_page_lists_the_downloads(world: World, anonymous) -> None:
    cycle = world.published
    html = anonymous.get(f"/open-data/{cycle.pk}/").content.decode()
    rows = {r.attrs["data-kind"]: r.cells for r in table_rows(html) if "data-kind" in r.attrs}
    assert [cells[0] for cells in rows.values()] == [
        "2023_province-internal_ket-qua.csv",
        "2023_province-internal_ket-qua.json",
        "2023_province-internal_ket-qua.xlsx",
        "province-internal_2024.yaml",
    ]
    for kind in ("results.csv", "results.json", "results.xlsx", "framework.yaml"):
        assert f'href="/open-data/{cycle.pk}/{kind}"' in html
    assert world.version.sha256 in rows["yaml"][1]
    assert f'href="/cycles/{cycle.pk}/"' in html  # the ranking, for people


def test_cycle_page_shows_the_methodology_of_its_framework_version(world: World, anonymous) -> None:
    html = anonymous.get(f"/open-data/{world.published.pk}/").content.decode()
    assert "Phương pháp tính" in html
    assert escape(world.fw.title.vi) in html
    rows = {r.attrs["data-code"]: r.cells for r in table_rows(html) if "data-code" in r.attrs}
    assert list(rows) == [n.code for n in world.fw.all_nodes]
    for node in world.fw.all_nodes:
        cells = rows[node.code]
        assert cells[1].startswith(node.title.vi)
        assert cells[2] == f"{node.full_max.normalize():f}".replace(".", ",")
        if node.rule is not None:
            assert cells[3] == " ".join(node.rule.describe(node).vi.split())


def test_cycle_page_in_english(world: World, anonymous) -> None:
    anonymous.cookies["django_language"] = "en"
    html = anonymous.get(f"/open-data/{world.published.pk}/").content.decode()
    assert "<h1>Open data — " in html
    assert "Methodology" in html
    leaf = world.fw.node("1.1.1")
    assert escape(leaf.rule.describe(leaf).en or "") in html


def test_the_ranking_of_a_published_cycle_links_its_open_data(world: World, visit) -> None:
    published = visit("anonymous").get(f"/cycles/{world.published.pk}/").content.decode()
    assert f'href="/open-data/{world.published.pk}/"' in published
    current = visit("viewer").get(f"/cycles/{world.current.pk}/").content.decode()
    assert f'href="/open-data/{world.current.pk}/"' not in current
    assert 'href="/open-data/"' in current  # the header's link
