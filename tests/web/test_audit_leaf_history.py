"""A leaf's change history (*Lịch sử thay đổi*): who, when, before → after, why; by role."""

from __future__ import annotations

import pytest
from django.db import transaction

from parindex.accounts.models import User
from parindex.audit.services import audit_record

from .audit_personas import client_as, extra_user
from .factories import World

LEAF = "1.1.1"


def url(
    world: World, unit_code: str | None = None, leaf: str = LEAF, cycle_id: int | None = None
) -> str:
    cycle = world.current.pk if cycle_id is None else cycle_id
    return f"/audit/leaf/{cycle}/{unit_code or world.unit_a.code}/{leaf}/"


@pytest.fixture
def history(world: World, admin: User) -> None:
    editor = extra_user("head_a", world)
    with transaction.atomic():
        audit_record(
            actor=editor,
            action="answer.value",
            cycle_id=world.current.pk,
            unit_id=world.unit_a.pk,
            leaf_code=LEAF,
            before=None,
            after={"value": "2", "note": "Báo cáo số 12"},
            reason="Nhập lần đầu",
        )
        audit_record(
            actor=admin,
            action="answer.value",
            cycle_id=world.current.pk,
            unit_id=world.unit_a.pk,
            leaf_code=LEAF,
            before={"value": "2"},
            after={"value": "3"},
            reason="Điều chỉnh theo thẩm định",
        )
        audit_record(
            actor=None,
            action="answer.value",
            cycle_id=world.current.pk,
            unit_id=world.unit_b.pk,
            leaf_code=LEAF,
            before={"value": "1"},
            after={"value": "0"},
            reason="Đơn vị khác",
        )


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("anonymous", 302),
        ("admin", 200),
        ("par_admin", 200),
        ("viewer", 200),
        ("council", 200),
        ("appraiser", 200),
        ("editor_a", 200),
        ("head_a", 200),
        ("editor_b", 403),
        ("nobody", 403),
    ],
)
def test_access(world: World, visit, history: None, persona: str, status: int) -> None:
    response = client_as(persona, world, visit).get(url(world))
    assert response.status_code == status
    if status == 302:
        assert response["Location"].startswith("/accounts/login/?next=/audit/leaf/")


def test_editor_b_reads_own_unit_but_not_unit_a(world: World, visit, history: None) -> None:
    client = visit("editor_b")
    assert client.get(url(world, world.unit_b.code)).status_code == 200
    assert client.get(url(world, world.unit_a.code)).status_code == 403


def test_history_shows_who_when_before_after_reason_oldest_first(
    world: World, visit, history: None
) -> None:
    response = visit("viewer").get(url(world))
    html = response.content.decode()
    assert "<html" in html
    assert "Head.A" in html and "Admin" in html  # the people, by their full names
    assert html.index("Nhập lần đầu") < html.index("Điều chỉnh theo thẩm định")
    assert "Báo cáo số 12" in html
    assert "Đơn vị khác" not in html  # unit B's history is not unit A's
    assert "<time datetime=" in html
    second = html[html.index("Điều chỉnh theo thẩm định") - 1500 :]
    assert "2</td>" in html and "3</td>" in second


def test_htmx_gets_the_fragment_only(world: World, visit, history: None) -> None:
    response = visit("admin").get(url(world), HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html
    assert 'class="audit-history"' in html and "Nhập lần đầu" in html


def test_empty_history_says_so(world: World, visit) -> None:
    response = visit("admin").get(url(world))
    assert response.status_code == 200
    assert "Chưa có thay đổi nào được ghi nhận" in response.content.decode()


@pytest.mark.parametrize("part", ["cycle", "unit", "leaf"])
def test_unknown_cycle_unit_or_leaf_is_404(world: World, visit, part: str) -> None:
    target = {
        "cycle": url(world, cycle_id=999_999),
        "unit": url(world, unit_code="NO-SUCH-UNIT"),
        "leaf": url(world, leaf="9.9.9.9"),
    }[part]
    assert visit("admin").get(target).status_code == 404


def test_query_count_does_not_grow_with_events(
    world: World, visit, history: None, django_assert_max_num_queries
) -> None:
    client = visit("editor_a")
    client.get(url(world))  # warm the framework cache
    with django_assert_max_num_queries(8):
        client.get(url(world))
