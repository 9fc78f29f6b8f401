"""The notifications page and the bell: own notifications only, mark read by POST with CSRF."""

from __future__ import annotations

import pytest
from django.test import Client

from parindex.accounts.models import User
from parindex.notifications.models import Notification
from parindex.notifications.services import notify

from .audit_personas import client_as
from .factories import World, browse

URL = "/notifications/"


@pytest.fixture
def inbox(world: World, editor_a: User, editor_b: User) -> dict[str, Notification]:
    (a_first,) = notify(
        recipients=[editor_a],
        verb="assessment.due",
        message="Hạn nộp tự đánh giá sắp đến",
        url="/assessments/",
        email=False,
    )
    (a_second,) = notify(
        recipients=[editor_a],
        verb="appraisal.done",
        message="Đã có kết quả thẩm định",
        url="",
        email=False,
    )
    (b_only,) = notify(
        recipients=[editor_b], verb="assessment.due", message="Thông báo của đơn vị B", email=False
    )
    return {"a_first": a_first, "a_second": a_second, "b_only": b_only}


@pytest.mark.parametrize(
    ("persona", "status"),
    [("anonymous", 302), ("admin", 200), ("viewer", 200), ("editor_a", 200), ("nobody", 200)],
)
def test_list_access(world: World, visit, persona: str, status: int) -> None:
    response = client_as(persona, world, visit).get(URL)
    assert response.status_code == status
    if status == 302:
        assert response["Location"] == "/accounts/login/?next=/notifications/"


def test_list_shows_own_notifications_only_newest_first(visit, inbox) -> None:
    html = visit("editor_a").get(URL).content.decode()
    assert html.index("Đã có kết quả thẩm định") < html.index("Hạn nộp tự đánh giá sắp đến")
    assert "Thông báo của đơn vị B" not in html
    assert 'href="/assessments/"' in html


def test_bell_shows_the_unread_count(visit, inbox) -> None:
    client = visit("editor_a")
    html = client.get("/").content.decode()
    assert 'class="bell unread"' in html and '<span class="count">2</span>' in html
    client.post(f"/notifications/{inbox['a_first'].pk}/read/")
    html = client.get("/").content.decode()
    assert '<span class="count">1</span>' in html


def test_no_bell_for_anonymous(world: World, anonymous: Client) -> None:
    assert 'class="bell' not in anonymous.get("/").content.decode()


def test_mark_read(visit, inbox) -> None:
    target = inbox["a_first"]
    response = visit("editor_a").post(f"/notifications/{target.pk}/read/")
    assert response.status_code == 302 and response["Location"] == URL
    target.refresh_from_db()
    assert target.read_at is not None


def test_marking_another_users_notification_is_404(visit, inbox) -> None:
    target = inbox["b_only"]
    assert visit("editor_a").post(f"/notifications/{target.pk}/read/").status_code == 404
    assert visit("editor_a").post("/notifications/999999/read/").status_code == 404
    target.refresh_from_db()
    assert target.read_at is None


def test_mark_read_needs_post_csrf_and_sign_in(world: World, editor_a: User, inbox) -> None:
    target = inbox["a_first"]
    read = f"/notifications/{target.pk}/read/"
    assert browse(editor_a).get(read).status_code == 405
    assert browse(editor_a, enforce_csrf_checks=True).post(read).status_code == 403
    anonymous = Client().post(read)
    assert anonymous.status_code == 302 and anonymous["Location"].startswith("/accounts/login/")
    target.refresh_from_db()
    assert target.read_at is None


def test_mark_read_with_htmx_returns_the_item(visit, inbox) -> None:
    target = inbox["a_first"]
    response = visit("editor_a").post(f"/notifications/{target.pk}/read/", HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert response.status_code == 200 and "<html" not in html
    assert f'id="notification-{target.pk}"' in html and "unread" not in html


def test_mark_all_read_touches_own_only(visit, inbox) -> None:
    response = visit("editor_a").post("/notifications/read-all/")
    assert response.status_code == 302
    assert not Notification.objects.filter(recipient__username="editor.a", read_at=None).exists()
    assert Notification.objects.get(pk=inbox["b_only"].pk).read_at is None


def test_pages_of_thirty(world: World, editor_a: User, visit) -> None:
    for n in range(35):
        notify(recipients=[editor_a], verb="x", message=f"Tin số {n}", email=False)
    client = visit("editor_a")
    first = client.get(URL).content.decode()
    assert "Tin số 34" in first and "Tin số 4<" not in first and 'href="?page=2"' in first
    second = client.get(f"{URL}?page=2").content.decode()
    assert "Tin số 4<" in second and "Tin số 34" not in second


def test_query_count(
    world: World, editor_a: User, visit, inbox, django_assert_max_num_queries
) -> None:
    client = visit("editor_a")
    with django_assert_max_num_queries(8):
        client.get(URL)
