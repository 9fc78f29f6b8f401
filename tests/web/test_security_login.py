"""Login throttling covers every way in: the site's login page and Django admin's share the
failure counts of a username and of an address (django-axes counts failed ``authenticate``
calls, whichever form made them)."""

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
    """With PARINDEX_PROXY_COUNT=1 every request comes from the proxy's address; the address
    lock must follow the address the proxy appended to X-Forwarded-For, or five wrong passwords
    from anyone would lock every client of the proxy out."""
    settings.PROXY_COUNT = 1
    person("quan.tri", Role.PAR_ADMIN, is_staff=True, is_superuser=True)
    person("can.bo", Role.VIEWER)
    # The proxy (10.0.0.1) appended 203.0.113.5; the left-most entry is the client's own text.
    attacker = Client(REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="10.9.9.9, 203.0.113.5")
    owner = Client(REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.7")
    for n in range(5):
        attacker.post("/accounts/login/", {"username": f"khong.co.{n}", "password": "sai"})
    response = attacker.post("/accounts/login/", {"username": "can.bo", "password": PASSWORD})
    assert response.status_code == 429
    response = owner.post("/accounts/login/", {"username": "quan.tri", "password": PASSWORD})
    assert response.status_code == 302
    assert "_auth_user_id" in owner.session
