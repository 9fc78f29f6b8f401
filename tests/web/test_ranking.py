"""The cycle ranking: groups, bands, area columns, change since the previous cycle, the unit-type
filter and its htmx fragment."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.test import Client

from parindex.cycles.models import Cycle
from parindex.results import selectors as results_selectors
from parindex.results.models import Basis, UnitResult

from .factories import COMMUNES, DEPARTMENTS, WARDS, World, browse, communes_add, table_rows

# Queries of one ranking page, whatever the number of units. Signed in: session, user, roles,
# the cycle, the previous cycle, the groups' sizes on each basis, every group's page of results
# with their units, the register's successions, the previous cycle's figures of the units shown
# and the sizes of its groups, the sizes of this cycle's groups, the unit types in scope (one
# query) for the filter, the cycle's latest rank uncertainty run, and the layout's
# unread-notification count.
RANKING_QUERIES_SIGNED_IN = 14
# Anonymous, published 2023: the cycle, the lookup of a previous cycle (none), the groups'
# sizes, their pages of results, the unit types in scope, the audit head recorded at
# publication, the latest rank uncertainty run; no session, roles or notifications.
RANKING_QUERIES_ANONYMOUS = 7


def url(cycle: Cycle, query: str = "") -> str:
    return f"/cycles/{cycle.pk}/{query}"


def vi(text: str) -> str:
    """A figure as a Vietnamese page shows it (below 1000: the decimal point becomes a comma)."""
    return text.replace(".", ",")


def ranked_names(html: str) -> list[str]:
    return [row.cells[1] for row in table_rows(html)]


@pytest.mark.parametrize(
    ("persona", "published", "unpublished"),
    [
        ("anonymous", 200, 302),
        ("viewer", 200, 200),
        ("admin", 200, 200),
        ("editor_a", 200, 403),
        ("editor_b", 200, 403),
    ],
)
def test_access(world: World, visit, persona: str, published: int, unpublished: int) -> None:
    client = visit(persona)
    assert client.get(url(world.published)).status_code == published
    response = client.get(url(world.current))
    assert response.status_code == unpublished
    if unpublished == 302:
        assert response["Location"] == f"/accounts/login/?next=/cycles/{world.current.pk}/"


def test_unknown_cycle(world: World, visit) -> None:
    assert visit("admin").get("/cycles/999999/").status_code == 404


def test_groups_in_listing_order(world: World, visit) -> None:
    html = visit("viewer").get(url(world.current)).content.decode()
    for group in (DEPARTMENTS, WARDS, COMMUNES):
        assert f'data-group="{group}"' in html
    assert ranked_names(html) == ["Phường 1", "Sở Nội vụ", "Sở Tư pháp", "Xã Đạo Thạnh"]


def test_rows_show_stored_figures_and_vietnamese_bands(world: World, visit) -> None:
    html = visit("viewer").get(url(world.current)).content.decode()
    rows = {row.cells[1]: row.cells for row in table_rows(html)}
    assert 'class="band band-TOT">Tốt<' in html
    assert 'class="band band-KHA">Khá<' in html
    assert "Good" not in html
    labels = {"TOT": "Tốt", "KHA": "Khá", "TB": "Trung bình", "YEU": "Yếu"}
    for result in UnitResult.objects.filter(cycle=world.current).select_related("unit"):
        rank, _, points, index, band = rows[result.unit.name][:5]
        assert (rank, points, index, band) == (
            str(result.rank),
            vi(f"{result.points:.2f}"),
            vi(f"{result.index:.2f}"),
            labels[result.band],
        )


def test_area_index_columns(world: World, visit) -> None:
    html = visit("viewer").get(url(world.current)).content.decode()
    for area in ("1", "2", "3", "4", "5", "6", "7", "8"):
        assert f'<th class="num area" title="{world.fw.node(area).title.vi}">{area}</th>' in html
    # Bonus and penalty are not areas.
    assert '<th class="num area" title="Điểm thưởng">' not in html
    snv = world.result(world.current, world.unit_a)
    row = next(r for r in table_rows(html) if r.cells[1] == "Sở Nội vụ")
    expected = [vi(f"{Decimal(snv.nodes[code]['index']):.2f}") for code in "12345678"]
    assert row.cells[-8:] == expected


def test_change_since_previous_cycle(world: World, visit) -> None:
    html = visit("viewer").get(url(world.current)).content.decode()
    assert "So sánh với năm 2023" in html
    rows = {row.cells[1]: row.cells for row in table_rows(html)}
    for unit in world.units:
        before = world.result(world.published, unit)
        now = world.result(world.current, unit)
        change = now.index - before.index
        shown = vi(f"+{change:.2f}" if change > 0 else f"−{-change:.2f}")
        moved = before.rank - now.rank
        arrow = "=" if moved == 0 else (f"▲{moved}" if moved > 0 else f"▼{-moved}")
        # Each group of the small province ranks two units, in both years, or one (a ward).
        of = 1 if unit == world.ward or unit == world.commune else 2
        move = f"{before.rank}/{of} → {now.rank}/{of} {arrow}"
        assert rows[unit.name][5:7] == [shown, move]


def test_first_cycle_has_no_change_columns(world: World, visit) -> None:
    html = visit("viewer").get(url(world.published)).content.decode()
    assert "So sánh với năm" not in html
    assert "± Chỉ số" not in html


def test_change_is_never_computed_against_an_unpublished_cycle(world: World, visit) -> None:
    """Not even for the people who may read the earlier cycle: a change is between published
    cycles (docs/methodology.md Y1)."""
    Cycle.objects.filter(pk=world.published.pk).update(state=Cycle.State.IN_PROGRESS)
    Cycle.objects.filter(pk=world.current.pk).update(state=Cycle.State.PUBLISHED)
    for persona in ("anonymous", "editor_a", "viewer", "admin"):
        html = visit(persona).get(url(world.current)).content.decode()
        assert "± Chỉ số" not in html, persona


def test_filter_by_unit_type(world: World, visit) -> None:
    client = visit("viewer")
    html = client.get(url(world.current, "?type=commune")).content.decode()
    assert ranked_names(html) == ["Phường 1", "Xã Đạo Thạnh"]
    assert 'data-group="Sở, ban, ngành"' not in html
    assert "Sở Nội vụ" not in html  # nor in the chart
    assert '<option value="commune" selected>' in html
    departments = client.get(url(world.current, "?type=department")).content.decode()
    assert ranked_names(departments) == ["Sở Nội vụ", "Sở Tư pháp"]


def test_unknown_filter_shows_everything(world: World, visit) -> None:
    html = visit("viewer").get(url(world.current, "?type=planet")).content.decode()
    assert len(ranked_names(html)) == 4


def test_filter_offers_the_types_in_scope(world: World, visit) -> None:
    html = visit("viewer").get(url(world.current)).content.decode()
    assert '<option value="department" >Sở, ban, ngành</option>' in html
    assert '<option value="commune" >Cấp xã</option>' in html
    assert 'value="district"' not in html


def test_htmx_gets_the_fragment_only(world: World, visit) -> None:
    response = visit("viewer").get(url(world.current, "?type=commune"), HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html
    assert "<select" not in html
    assert '<section class="group">' in html
    assert ranked_names(html) == ["Phường 1", "Xã Đạo Thạnh"]
    assert "<svg" in html


def test_htmx_request_needing_login_redirects_the_whole_page(world: World, visit) -> None:
    response = visit("anonymous").get(url(world.current, "?type=commune"), HTTP_HX_REQUEST="true")
    assert response.status_code == 204
    assert response["HX-Redirect"].startswith("/accounts/login/?next=")
    assert response.content == b""


def test_full_page_has_chart_and_htmx_filter(world: World, visit) -> None:
    html = visit("viewer").get(url(world.current)).content.decode()
    assert '<figure class="chart"' in html
    assert "<svg" in html
    assert f'hx-get="/cycles/{world.current.pk}/"' in html
    assert 'hx-target="#results"' in html
    assert f'action="/cycles/{world.current.pk}/"' in html  # works without JavaScript too


def test_get_only(world: World, visit) -> None:
    assert visit("viewer").post(url(world.current)).status_code == 405


def test_query_count_does_not_grow_with_units(
    world: World, viewer, django_assert_max_num_queries
) -> None:
    client = browse(viewer)
    client.get(url(world.current))  # warm the chart cache and the framework parse
    with django_assert_max_num_queries(RANKING_QUERIES_SIGNED_IN) as small:
        assert len(ranked_names(client.get(url(world.current)).content.decode())) == 4
    communes_add(world, 30)
    client.get(url(world.current))
    with django_assert_max_num_queries(RANKING_QUERIES_SIGNED_IN) as large:
        assert len(ranked_names(client.get(url(world.current)).content.decode())) == 34
    assert len(large) == len(small)
    with django_assert_max_num_queries(len(small)):
        client.get(url(world.current, "?type=commune"), HTTP_HX_REQUEST="true")


def test_a_group_is_read_a_page_at_a_time(
    world: World, visit, monkeypatch: pytest.MonkeyPatch, django_assert_max_num_queries
) -> None:
    """A group longer than a page shows a page of it, in rank order, with its size and links to
    the other pages; the other groups stay whole; the queries are those of a short ranking."""
    monkeypatch.setattr(results_selectors, "RANKING_PAGE_ROWS", 10)
    communes_add(world, 25)
    stored = list(
        UnitResult.objects.filter(cycle=world.current, basis=Basis.FINAL, group=COMMUNES)
        .order_by("position")
        .values_list("unit__name", "rank")
    )
    communes = [name for name, _ in stored]
    assert len(communes) == 26
    client = visit("viewer")
    html = client.get(url(world.current)).content.decode()
    assert [n for n in ranked_names(html) if n in communes] == communes[:10]
    assert {"Phường 1", "Sở Nội vụ", "Sở Tư pháp"} <= set(ranked_names(html))
    assert "(26)" in html and "Trang 1 / 3" in html
    with django_assert_max_num_queries(RANKING_QUERIES_SIGNED_IN):
        last = client.get(url(world.current, f"?group={COMMUNES}&page=3")).content.decode()
    assert [n for n in ranked_names(last) if n in communes] == communes[20:]
    assert "Trang 3 / 3" in last and "Sở Nội vụ" in ranked_names(last)
    ranks = [row.cells[0] for row in table_rows(last) if row.cells[1] in communes]
    assert ranks == [str(rank) for _, rank in stored[20:]]
    beyond = client.get(url(world.current, f"?group={COMMUNES}&page=99")).content.decode()
    assert [n for n in ranked_names(beyond) if n in communes] == communes[20:]


def test_query_count_anonymous(world: World, django_assert_num_queries) -> None:
    client = Client()
    client.get(url(world.published))
    with django_assert_num_queries(RANKING_QUERIES_ANONYMOUS):
        assert client.get(url(world.published)).status_code == 200
    communes_add(world, 30)
    world.current.state = Cycle.State.PUBLISHED
    world.current.save()
    client.get(url(world.current))
    # + the 2023 figures and group sizes, the sizes of the 2024 groups, the register's successions
    with django_assert_num_queries(RANKING_QUERIES_ANONYMOUS + 4):
        assert len(ranked_names(client.get(url(world.current)).content.decode())) == 34
