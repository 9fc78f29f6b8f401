"""The audit log page for the PAR administrator: filters, keyset pagination, access by role."""

from __future__ import annotations

import re

import pytest
from django.db import transaction

from parindex.accounts.models import User
from parindex.audit.services import audit_record

from .audit_personas import client_as, extra_user
from .factories import World

URL = "/audit/"


# The world's own event comes first (its framework import, by the system): the numbers below
# count the events each test writes from 1, and that one is 0.
WORLD_EVENTS = 1


def sequences(html: str) -> list[int]:
    return [int(n) - WORLD_EVENTS for n in re.findall(r'<td class="num">(\d+)</td>', html)]


def seq(n: int) -> int:
    """The stored sequence number of the test's ``n``-th event."""
    return n + WORLD_EVENTS


@pytest.fixture
def events(world: World, admin: User) -> dict[str, User]:
    """Six events: two people, two units, two cycles, three actions."""
    head = extra_user("head_a", world)
    with transaction.atomic():
        for actor, action, cycle, unit, leaf in [
            (head, "answer.value", world.current, world.unit_a, "1.1.1"),  # 1
            (head, "answer.value", world.current, world.unit_a, "1.1.2"),  # 2
            (admin, "assessment.state", world.current, world.unit_a, ""),  # 3
            (admin, "appraisal.adjust", world.current, world.unit_b, "1.1.1"),  # 4
            (admin, "answer.value", world.published, world.unit_b, "1.1.1"),  # 5
            (None, "assignment.create", None, None, ""),  # 6
        ]:
            audit_record(
                actor=actor,
                action=action,
                cycle_id=cycle.pk if cycle else None,
                unit_id=unit.pk if unit else None,
                leaf_code=leaf,
                before={"value": "1"},
                after={"value": "2"},
                reason=f"lý do {action}",
            )
    return {"head": head, "admin": admin}


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("anonymous", 302),
        ("admin", 200),
        ("par_admin", 200),
        ("viewer", 403),
        ("council", 403),
        ("appraiser", 403),
        ("editor_a", 403),
        ("head_a", 403),
        ("nobody", 403),
    ],
)
def test_access(world: World, visit, persona: str, status: int) -> None:
    response = client_as(persona, world, visit).get(URL)
    assert response.status_code == status
    if status == 302:
        assert response["Location"] == "/accounts/login/?next=/audit/"


@pytest.mark.parametrize(
    ("persona", "shown"),
    [("admin", True), ("par_admin", True), ("viewer", False), ("editor_a", False)],
)
def test_nav_link_only_for_par_admin(world: World, visit, persona: str, shown: bool) -> None:
    html = client_as(persona, world, visit).get("/").content.decode()
    assert ('href="/audit/"' in html) is shown


def test_newest_first_with_names_and_leaf_links(world: World, visit, events) -> None:
    html = visit("admin").get(URL).content.decode()
    assert sequences(html) == [6, 5, 4, 3, 2, 1, 0]
    assert world.unit_a.name in html and world.current.title in html
    assert f'href="/audit/leaf/{world.current.pk}/{world.unit_a.code}/1.1.1/"' in html
    assert "Head.A" in html


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ("unit=SNV", [3, 2, 1]),
        ("unit=STP", [5, 4]),
        ("action=answer.value", [5, 2, 1]),
        ("action=answer.value&unit=STP", [5]),
    ],
)
def test_filters(world: World, visit, events, params: str, expected: list[int]) -> None:
    html = visit("admin").get(f"{URL}?{params}").content.decode()
    assert sequences(html) == expected


def test_filter_by_cycle_and_actor(world: World, visit, events) -> None:
    client = visit("admin")
    html = client.get(f"{URL}?cycle={world.published.pk}").content.decode()
    assert sequences(html) == [5]
    html = client.get(f"{URL}?actor={events['head'].pk}").content.decode()
    assert sequences(html) == [2, 1]


def test_invalid_filter_shows_an_error_not_everything(world: World, visit, events) -> None:
    response = visit("admin").get(f"{URL}?unit=NO-SUCH-UNIT")
    assert response.status_code == 200
    assert sequences(response.content.decode()) == []


def test_keyset_pagination(world: World, visit) -> None:
    with transaction.atomic():
        for n in range(120):
            audit_record(actor=None, action="answer.value", after={"value": str(n)})
    client = visit("admin")
    first = client.get(URL).content.decode()
    assert sequences(first) == list(range(120, 70, -1))
    assert f'href="?before={seq(71)}"' in first and 'href="?after=' not in first
    second = client.get(f"{URL}?before={seq(71)}").content.decode()
    assert sequences(second) == list(range(70, 20, -1))
    assert f'href="?before={seq(21)}"' in second and f'href="?after={seq(70)}"' in second
    last = client.get(f"{URL}?before={seq(21)}").content.decode()
    assert sequences(last) == list(range(20, -1, -1))
    assert 'href="?before=' not in last
    back = client.get(f"{URL}?after={seq(20)}").content.decode()
    assert sequences(back) == list(range(70, 20, -1))


def test_pagination_keeps_the_filters(world: World, visit) -> None:
    with transaction.atomic():
        for n in range(60):
            audit_record(actor=None, action="answer.value" if n % 2 else "evidence.link")
    html = visit("admin").get(f"{URL}?action=answer.value").content.decode()
    assert sequences(html) == list(range(60, 0, -2))  # 30 events: one page, no pager
    html = visit("admin").get(f"{URL}?action=evidence.link&before={seq(60)}").content.decode()
    assert sequences(html) == list(range(59, 0, -2))


def test_htmx_gets_the_results_fragment(world: World, visit, events) -> None:
    html = visit("admin").get(f"{URL}?unit=SNV", HTTP_HX_REQUEST="true").content.decode()
    assert "<html" not in html and 'id="log-results"' in html
    assert sequences(html) == [3, 2, 1]


def test_query_count_is_independent_of_page_content(
    world: World, visit, events, django_assert_max_num_queries
) -> None:
    client = visit("admin")
    with django_assert_max_num_queries(14):
        client.get(URL)
