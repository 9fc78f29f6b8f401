"""The home page: the cycles a person may read, and the frameworks."""

from __future__ import annotations

import pytest

from .factories import World

PUBLISHED_ONLY = {"anonymous", "editor_a", "editor_b"}


@pytest.mark.parametrize("persona", ["anonymous", "viewer", "admin", "editor_a", "editor_b"])
def test_access(world: World, visit, persona: str) -> None:
    response = visit(persona).get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert f'href="/cycles/{world.published.pk}/"' in html
    # A unit's editor reads only their own scorecard before publication, never the ranking.
    lists_unpublished = f'href="/cycles/{world.current.pk}/"' in html
    assert lists_unpublished == (persona not in PUBLISHED_ONLY)


def test_lists_cycles_newest_first_with_state(world: World, visit) -> None:
    html = visit("viewer").get("/").content.decode()
    assert html.index(world.current.title) < html.index(world.published.title)
    assert "Đã công bố" in html
    assert "Đang đánh giá" in html


def test_lists_frameworks(world: World, anonymous) -> None:
    html = anonymous.get("/").content.decode()
    assert f'href="/frameworks/{world.version.pk}/"' in html
    assert world.version.title_vi in html


def test_empty_database(db: None, anonymous) -> None:
    html = anonymous.get("/").content.decode()
    assert "Chưa có kết quả được công bố." in html
    assert "Chưa có bộ chỉ số nào." in html


def test_admin_link_for_staff_only(world: World, visit) -> None:
    assert 'href="/admin/"' in visit("admin").get("/").content.decode()
    assert 'href="/admin/"' not in visit("viewer").get("/").content.decode()


def test_get_only(world: World, anonymous) -> None:
    assert anonymous.post("/").status_code == 405


def test_query_count_does_not_grow_with_cycles(world: World, visit) -> None:
    """Each cycle's unit count comes from one annotated query, not one query per cycle."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from parindex.cycles.models import Cycle

    client = visit("viewer")
    with CaptureQueriesContext(connection) as two:
        client.get("/")
    extra = Cycle.objects.create(
        year=2025, title="2025", framework_version=world.version, state=Cycle.State.PREPARING
    )
    extra.units.set(world.units)
    with CaptureQueriesContext(connection) as three:
        html = client.get("/").content.decode()
    assert "2025" in html
    assert len(three) == len(two)
