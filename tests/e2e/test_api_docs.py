"""The API's interactive documentation in Chromium, under the site's own Content-Security-Policy
(Swagger UI from the site's static files, nothing inline), used as a person would: create a
token on the "API tokens" page, authorize the documentation with it and call an endpoint."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect
from web.factories import World, person

from parindex.accounts.models import Role

from .test_csp_pages import assert_policy, log_in, watch
from .test_phone_pages import LAPTOP, OVERFLOWING, PHONE

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_a_token_made_on_the_page_works_in_the_api_documentation(page: Page, world: World) -> None:
    person("editor.a", Role.UNIT_EDITOR, world.unit_a)
    log_in(page, "editor.a", "/accounts/tokens/")
    page.fill("#id_name", "Cổng dịch vụ công")
    page.locator("form.token-form button[type=submit]").click()
    text = page.locator("code.token-text").inner_text()
    assert re.fullmatch(r"pxi_[a-z2-9]{8}_[A-Za-z0-9_-]{43}", text)

    seen = watch(page)
    response = page.goto("/api/v1/docs")
    assert response is not None
    assert_policy(response.headers.get("content-security-policy"))
    expect(page.locator(".opblock").first).to_be_visible()
    assert page.locator(".opblock").count() >= 20

    page.get_by_role("button", name="Authorize").first.click()
    page.locator(".auth-container input").first.fill(text)
    page.locator(".auth-btn-wrapper button.authorize").first.click()
    page.locator(".auth-btn-wrapper button.btn-done").first.click()

    operation = page.locator("#operations-self-assessment-assessment_list")
    operation.locator(".opblock-summary").click()
    operation.get_by_role("button", name="Try it out").click()
    operation.get_by_role("button", name="Execute").click()
    expect(
        operation.locator(".live-responses-table tbody .response-col_status").first
    ).to_have_text("200")
    expect(operation.locator(".request-url")).to_contain_text("/api/v1/assessments")
    seen.assert_clean()


@pytest.mark.parametrize("window", [PHONE, LAPTOP], ids=["phone", "laptop"])
def test_the_token_page_fits_the_window(page: Page, world: World, window: dict[str, int]) -> None:
    """The page that shows a new token (a long unbroken text) and the list of tokens is no
    wider than a phone or a laptop: the token wraps, the list scrolls in its own box."""
    person("editor.a", Role.UNIT_EDITOR, world.unit_a)
    page.set_viewport_size(window)
    log_in(page, "editor.a", "/accounts/tokens/")
    for name in ("Cổng dịch vụ công tỉnh", "Hệ thống quản lý văn bản và điều hành"):
        page.fill("#id_name", name)
        page.locator("form.token-form button[type=submit]").click()
        expect(page.locator("code.token-text")).to_be_visible()
    width, inner, sticking_out = page.evaluate(OVERFLOWING)
    assert width <= inner, sticking_out
