"""The framework browser: the list of imported versions and one version's tree. Public pages."""

from __future__ import annotations

import pytest
from django.utils.html import escape

from .factories import World, table_rows


@pytest.mark.parametrize("persona", ["anonymous", "viewer", "admin", "editor_a", "editor_b"])
def test_access(world: World, visit, persona: str) -> None:
    client = visit(persona)
    listing = client.get("/frameworks/")
    assert listing.status_code == 200
    assert f'href="/frameworks/{world.version.pk}/"' in listing.content.decode()
    assert client.get(f"/frameworks/{world.version.pk}/").status_code == 200
    # Only the PAR administrator is offered the import.
    offers_import = 'href="/frameworks/import/"' in listing.content.decode()
    assert offers_import == (persona == "admin")


def test_unknown_version(db: None, anonymous) -> None:
    assert anonymous.get("/frameworks/999999/").status_code == 404


def test_empty_list(db: None, anonymous) -> None:
    assert "Chưa có bộ chỉ số nào." in anonymous.get("/frameworks/").content.decode()


def test_list_row(world: World, anonymous) -> None:
    rows = table_rows(anonymous.get("/frameworks/").content.decode())
    assert [row.cells[:4] for row in rows] == [
        ["province-internal", "2024", world.version.title_vi, "100"]
    ]


def test_detail_shows_areas_and_rules(world: World, anonymous) -> None:
    html = anonymous.get(f"/frameworks/{world.version.pk}/").content.decode()
    rows = {row.attrs["data-code"]: row for row in table_rows(html)}
    assert list(rows) == [node.code for node in world.fw.all_nodes]
    for area in world.fw.nodes:
        assert "depth-0" in rows[area.code].classes
        assert rows[area.code].cells[1].startswith(area.title.vi)
    for leaf in world.fw.leaves:
        assert rows[leaf.code].cells[3] == leaf.rule.describe(leaf).vi, leaf.code
    assert "Tốt ≥ 90" in html
    assert rows["B"].cells[1] == "Điểm thưởng điểm thưởng"  # title, then the kind's tag
    assert rows["P"].cells[1] == "Điểm trừ điểm trừ"
    assert "điều tra XHH" in rows["1.5"].cells[1]
    assert escape(world.fw.legal_basis) in html


def test_detail_in_english(world: World, anonymous) -> None:
    anonymous.cookies["django_language"] = "en"
    html = anonymous.get(f"/frameworks/{world.version.pk}/").content.decode()
    rows = {row.attrs["data-code"]: row for row in table_rows(html)}
    leaf = world.fw.node("1.1.1")
    assert rows["1.1.1"].cells[1] == leaf.title.en
    assert rows["1.1.1"].cells[3] == leaf.rule.describe(leaf).en
    assert "Good ≥ 90" in html
