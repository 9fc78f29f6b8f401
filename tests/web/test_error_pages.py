"""The site's own error pages (403, 404, 500 and the CSRF refusal), in Vietnamese by default and
in English when the person chose English, with DEBUG off as in production."""

from __future__ import annotations

import pytest
from django.test import Client, override_settings
from django.urls import include, path

from .english_fragments import assert_no_english
from .factories import World


def crash(request):  # type: ignore[no-untyped-def]
    raise RuntimeError("boom")


# The site's URLs and one view that fails, to see the 500 page through the real handler.
urlpatterns = [path("crash/", crash), path("", include("parindex.urls"))]

pytestmark = pytest.mark.usefixtures("production")


@pytest.fixture
def production():  # type: ignore[no-untyped-def]
    with override_settings(DEBUG=False, ROOT_URLCONF=__name__):
        yield


def english(client: Client) -> Client:
    client.cookies["django_language"] = "en"
    return client


def test_missing_page_in_vietnamese_and_english(world: World, anonymous: Client) -> None:
    response = anonymous.get("/no-such-page/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "Không tìm thấy trang" in html and "Về trang chủ" in html
    assert 'class="top"' in html  # the site's layout, with its navigation
    assert_no_english(html)
    html = english(anonymous).get("/no-such-page/").content.decode()
    assert "Page not found" in html and "Back to the home page" in html


def test_missing_object_is_the_same_page(world: World, visit) -> None:
    response = visit("admin").get("/audit/leaf/999999/SNV/1.1.1/")
    assert response.status_code == 404
    assert "Không tìm thấy trang" in response.content.decode()


def test_forbidden_page_in_vietnamese_and_english(world: World, visit) -> None:
    client = visit("viewer")
    response = client.get("/audit/")
    assert response.status_code == 403
    html = response.content.decode()
    assert "Không có quyền truy cập" in html
    assert "kiểm tra vai trò của tài khoản" in html  # signed in: ask for a role, not to log in
    assert 'class="top"' in html
    assert_no_english(html)
    html = english(client).get("/audit/").content.decode()
    assert "Access denied" in html and "Forbidden" not in html


def test_server_error_page_renders_standalone(world: World) -> None:
    client = Client(raise_request_exception=False)
    response = client.get("/crash/")
    assert response.status_code == 500
    html = response.content.decode()
    assert "Lỗi máy chủ" in html and '<html lang="vi">' in html
    assert 'href="/"' in html
    assert "<link" not in html and "<script" not in html  # no static files, no other requests
    assert_no_english(html)
    html = english(client).get("/crash/").content.decode()
    assert "Server error" in html and '<html lang="en">' in html


def test_csrf_refusal_page(world: World) -> None:
    client = Client(enforce_csrf_checks=True)
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert response.status_code == 403
    html = response.content.decode()
    assert "Biểu mẫu đã hết hiệu lực" in html and "CSRF" in html
    assert_no_english(html)
    html = english(client).post("/i18n/setlang/", {"language": "vi"}).content.decode()
    assert "The form has expired" in html
