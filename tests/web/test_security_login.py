"""Login throttling covers every way in: the site's login page and Django admin's share the
failure count of a username from an address (django-axes counts failed ``authenticate`` calls,
whichever form made them)."""

from __future__ import annotations

from django.test import Client

from parindex.accounts.models import Role

from .factories import PASSWORD, person


def test_the_admin_login_is_throttled_with_the_site_login(db: None) -> None:
    person("quan.tri", Role.PAR_ADMIN, is_staff=True, is_superuser=True)
    client = Client(REMOTE_ADDR="10.0.0.9")
    wrong = {"username": "quan.tri", "password": "sai"}
    for url in ("/accounts/login/", "/admin/login/") * 2:
        assert client.post(url, wrong).status_code == 200
    assert client.post("/admin/login/", wrong).status_code == 429
    for url in ("/admin/login/", "/accounts/login/"):
        locked = client.post(url, {"username": "quan.tri", "password": PASSWORD})
        assert locked.status_code == 429
        assert "_auth_user_id" not in client.session
