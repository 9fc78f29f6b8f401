"""Logging in: the page, throttling of repeated failures (django-axes), and the demo's accounts."""

from __future__ import annotations

import io
import re

import pytest
from django.core.management import call_command
from django.test import Client

from parindex.cycles.models import Cycle
from parindex.results.models import UnitResult
from parindex.units.models import Unit, UnitType

from .factories import PASSWORD

URL = "/accounts/login/"


def login(client: Client, username: str, password: str, next_url: str = ""):  # type: ignore[no-untyped-def]
    data = {"username": username, "password": password}
    if next_url:
        data["next"] = next_url
    return client.post(URL, data)


@pytest.mark.parametrize("persona", ["anonymous", "viewer", "admin", "editor_a", "editor_b"])
def test_access(world, visit, persona: str) -> None:
    response = visit(persona).get(URL)
    assert response.status_code == 200
    assert '<form method="post" class="login">' in response.content.decode()


def test_login_then_back_to_the_page(world, viewer, anonymous) -> None:
    page = f"/cycles/{world.current.pk}/"
    assert anonymous.get(page)["Location"] == f"{URL}?next={page}"
    form = anonymous.get(f"{URL}?next={page}").content.decode()
    assert f'<input type="hidden" name="next" value="{page}">' in form
    response = login(anonymous, "viewer", PASSWORD, page)
    assert response.status_code == 302
    assert response["Location"] == page
    assert anonymous.get(page).status_code == 200


def test_wrong_password(viewer, anonymous) -> None:
    response = login(anonymous, "viewer", "sai-mat-khau")
    assert response.status_code == 200
    assert "Tên đăng nhập hoặc mật khẩu không đúng." in response.content.decode()
    assert "_auth_user_id" not in anonymous.session


def test_never_redirects_off_site(viewer, anonymous) -> None:
    response = login(anonymous, "viewer", PASSWORD, "https://example.com/")
    assert response["Location"] == "/"


def test_locked_after_five_failures(viewer, admin) -> None:
    client = Client()
    for _ in range(4):
        assert login(client, "viewer", "sai-mat-khau").status_code == 200
    fifth = login(client, "viewer", "sai-mat-khau")
    assert fifth.status_code == 429
    correct = login(client, "viewer", PASSWORD)
    assert correct.status_code == 429
    assert "Đăng nhập sai quá nhiều lần" in correct.content.decode()
    assert "_auth_user_id" not in client.session
    # The address is locked too, for every account; another address is not.
    assert login(Client(), "admin", PASSWORD).status_code == 429
    assert login(Client(REMOTE_ADDR="10.0.0.2"), "admin", PASSWORD).status_code == 302


def test_success_resets_the_count(viewer) -> None:
    client = Client()
    for _ in range(4):
        login(client, "viewer", "sai-mat-khau")
    assert login(client, "viewer", PASSWORD).status_code == 302
    client.logout()
    for _ in range(4):
        assert login(client, "viewer", "sai-mat-khau").status_code == 200
    assert login(client, "viewer", PASSWORD).status_code == 302


def test_logout_needs_post(viewer) -> None:
    client = Client()
    login(client, "viewer", PASSWORD)
    assert client.get("/accounts/logout/").status_code == 405
    assert client.post("/accounts/logout/")["Location"] == "/"
    assert "_auth_user_id" not in client.session


def test_demo_province_and_its_accounts(db: None) -> None:
    out = io.StringIO()
    call_command("demo", stdout=out)
    assert Unit.objects.filter(type=UnitType.DEPARTMENT).count() >= 20
    assert Unit.objects.filter(type=UnitType.COMMUNE).count() >= 30
    cycles = {c.year: c for c in Cycle.objects.all()}
    assert {2023, 2024} <= set(cycles)
    assert cycles[2023].is_published
    assert not cycles[2024].is_published
    for year in (2023, 2024):
        in_scope = set(cycles[year].units.values_list("pk", flat=True))
        computed = UnitResult.objects.filter(cycle=cycles[year]).values_list("unit_id", flat=True)
        assert set(computed) == in_scope
        assert len(in_scope) >= (50 if year == 2023 else 20)  # 2024: the departments
    # Passwords are printed once; the accounts log in with them.
    passwords = dict(re.findall(r"^  (\S+) +(\S+)$", out.getvalue(), re.M))
    assert {"admin", "viewer"} <= set(passwords)
    client = Client()
    assert login(client, "viewer", passwords["viewer"]).status_code == 302
    assert client.get(f"/cycles/{cycles[2024].pk}/").status_code == 200

    counts = (Unit.objects.count(), Cycle.objects.count(), UnitResult.objects.count())
    again = io.StringIO()
    call_command("demo", stdout=again)
    assert "not rebuilt" in again.getvalue()
    assert (Unit.objects.count(), Cycle.objects.count(), UnitResult.objects.count()) == counts


def demo_figures() -> list[tuple]:
    return sorted(
        UnitResult.objects.values_list(
            "unit__code", "cycle__year", "basis", "points", "index", "rank", "band"
        )
    )


def test_demo_is_deterministic(transactional_db: None) -> None:
    """Built twice (the second time with ``demo --reset``), the demo gives the same figures.

    Transactional: ``--reset`` flushes the tables, which PostgreSQL refuses inside the
    transaction an ordinary test runs in (deferred constraint triggers still pending)."""
    call_command("demo", stdout=io.StringIO())
    first = demo_figures()
    assert len(first) >= 100
    call_command("demo", "--reset", stdout=io.StringIO())
    assert demo_figures() == first
