"""Open redirects: a ``next`` parameter only ever sends people to a page of this site."""

from __future__ import annotations

import pytest
from django.test import Client

from parindex.accounts.models import Role, User
from parindex.appraisals.models import LeafAppraisal

from . import appraisals_fixtures as ap_fx
from .appraisals_fixtures import CHOICE_LEAF, build_appraisal
from .confirming import confirmed_post
from .factories import PASSWORD, World, browse, person

ELSEWHERE = [
    "https://evil.example/",
    "//evil.example/",
    "http:evil.example",
    "/\\evil.example/",
    "\\\\evil.example",
    " https://evil.example/",
    "https://evil.example@testserver/",
    "javascript:alert(1)",
]


def stays_here(response) -> bool:  # type: ignore[no-untyped-def]
    location = response["Location"]
    return location.startswith("/") and not location.startswith(("//", "/\\"))


@pytest.mark.parametrize("target", ELSEWHERE)
def test_login_next(db: None, target: str) -> None:
    user = person("can.bo", Role.VIEWER)
    client = Client()
    page = client.get("/accounts/login/", {"next": target})
    assert page.context["next"] == ""  # the form does not carry it on
    response = client.post(
        "/accounts/login/", {"username": user.username, "password": PASSWORD, "next": target}
    )
    assert response.status_code == 302 and stays_here(response), response["Location"]


def test_login_next_within_the_site_is_kept(db: None) -> None:
    user = person("can.bo", Role.VIEWER)
    response = Client().post(
        "/accounts/login/", {"username": user.username, "password": PASSWORD, "next": "/plans/"}
    )
    assert response["Location"] == "/plans/"


@pytest.mark.parametrize("target", ELSEWHERE)
def test_logout_next(db: None, target: str) -> None:
    client = browse(person("can.bo"))
    response = client.post("/accounts/logout/", {"next": target})
    assert response.status_code == 302 and stays_here(response), response["Location"]


@pytest.mark.parametrize("target", ELSEWHERE)
def test_language_switch_next(db: None, target: str) -> None:
    client = Client()
    response = client.post(
        "/i18n/setlang/", {"language": "en", "next": target}, HTTP_REFERER=target
    )
    assert response.status_code == 302 and stays_here(response), response["Location"]
    response = client.get("/i18n/setlang/", {"next": target}, HTTP_REFERER=target)
    assert response.status_code == 302 and stays_here(response), response["Location"]


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/"])
def test_admin_login_next(db: None, target: str) -> None:
    person("staff", is_staff=True)
    response = Client().post(
        "/admin/login/?next=" + target, {"username": "staff", "password": PASSWORD}
    )
    assert response.status_code == 302 and stays_here(response), response["Location"]


def test_appraisal_pages_next(world: World, admin: User) -> None:
    """The appraisal's forms carry the page to come back to; another site's address is
    replaced by the page's own."""
    ap = build_appraisal(world, admin)
    for version, target in enumerate(ELSEWHERE):  # each decision bumps the leaf's version
        response = browse(ap.appraiser).post(
            ap.leaf_url("decide", CHOICE_LEAF),
            {"decision": "accepted", "version": version, "next": target},
        )
        assert response.status_code == 302 and stays_here(response), response["Location"]
    assert LeafAppraisal.objects.get(assessment=ap.a, leaf_code=CHOICE_LEAF).version == 8
    # Not a path: a word or a number was read as the name of a view (a server error), or
    # named one (``home``).
    for version, target in enumerate(["1e10000000", "home", "logout", "x.y"], start=8):
        response = browse(ap.appraiser).post(
            ap.leaf_url("decide", CHOICE_LEAF),
            {"decision": "accepted", "version": version, "next": target},
        )
        assert response.status_code == 302, target
        assert response["Location"] == ap.leaf_url("leaf", CHOICE_LEAF), target
    ap_fx.accept_all(ap, ap.a)
    response = confirmed_post(
        browse(admin), ap.unit_url("release"), {"next": "https://evil.example/"}
    )
    assert response.status_code == 302 and stays_here(response), response["Location"]
