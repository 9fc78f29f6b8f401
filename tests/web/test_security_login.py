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


def test_behind_a_proxy_each_client_is_throttled_on_its_own_address(db: None, settings) -> None:
    """With PARINDEX_PROXY_COUNT=1 every request comes from the proxy's address; the lock must
    follow X-Forwarded-For, or five wrong passwords from anyone would lock the username out."""
    settings.AXES_IPWARE_PROXY_COUNT = 1
    settings.AXES_IPWARE_META_PRECEDENCE_ORDER = ("HTTP_X_FORWARDED_FOR", "REMOTE_ADDR")
    person("quan.tri", Role.PAR_ADMIN, is_staff=True, is_superuser=True)
    attacker = Client(REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.5, 10.0.0.1")
    owner = Client(REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.7, 10.0.0.1")
    for _ in range(5):
        attacker.post("/accounts/login/", {"username": "quan.tri", "password": "sai"})
    assert (
        attacker.post(
            "/accounts/login/", {"username": "quan.tri", "password": PASSWORD}
        ).status_code
        == 429
    )
    response = owner.post("/accounts/login/", {"username": "quan.tri", "password": PASSWORD})
    assert response.status_code == 302
    assert "_auth_user_id" in owner.session
