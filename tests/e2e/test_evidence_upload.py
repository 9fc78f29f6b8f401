"""The evidence library in the browser: an editor uploads a file with the progress bar, sees a
disguised program refused, cites a document through the second tab, and downloads the file under
its Vietnamese name; another unit's editor is refused."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from web import evidence_samples as samples
from web.factories import PASSWORD, World, person

from parindex.accounts.models import Role
from parindex.evidence.models import Evidence

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

RECORD_PROGRESS = """
window.progress = [];
document.body.addEventListener("htmx:xhr:progress", (event) => {
  const bar = event.target.querySelector("progress");
  window.progress.push({hidden: bar.hidden, value: bar.value});
});
"""


def log_in(page: Page, username: str, next_url: str) -> None:
    page.goto(next_url)
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next="))
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.locator("form.login button[type=submit]").click()
    expect(page).to_have_url(re.compile(rf"{re.escape(next_url)}$"))


def test_upload_refusal_reference_and_download(
    page: Page, world: World, settings, tmp_path: Path, artifacts: Path
) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"
    person("editor.a", Role.UNIT_EDITOR, world.unit_a)
    library = f"/evidence/unit/{world.unit_a.code}/"
    log_in(page, "editor.a", library)
    expect(page.locator("h1")).to_have_text(f"Tài liệu kiểm chứng của {world.unit_a.name}")
    expect(page.locator("p.empty")).to_be_visible()

    # A file, through htmx: the page stays, the progress bar fills, the row appears.
    page.evaluate("window.stillTheSamePage = true")
    page.evaluate(RECORD_PROGRESS)
    data = samples.pdf("x" * 3_000_000)
    page.set_input_files(
        "#id_file",
        files=[{"name": "Kế hoạch 2024.pdf", "mimeType": "application/pdf", "buffer": data}],
    )
    page.fill("#id_title", "Kế hoạch CCHC năm 2024")
    page.get_by_role("button", name="Tải lên").click()
    row = page.locator("table.evidence tr.added")
    expect(row).to_contain_text("Kế hoạch CCHC năm 2024")
    expect(row).to_contain_text("PDF")
    assert page.evaluate("window.stillTheSamePage") is True
    progress = page.evaluate("window.progress")
    assert progress, "no upload progress event reached the form"
    assert all(not p["hidden"] for p in progress)
    assert max(p["value"] for p in progress) == 100
    page.screenshot(path=artifacts / "evidence-library.png", full_page=True)

    # A program named .pdf is refused next to the field; nothing is added.
    page.set_input_files(
        "#id_file",
        files=[{"name": "bao-cao.pdf", "mimeType": "application/pdf", "buffer": samples.exe()}],
    )
    page.get_by_role("button", name="Tải lên").click()
    expect(page.locator(".evidence-upload .errorlist")).to_contain_text("chương trình")
    expect(page.locator("table.evidence tbody tr")).to_have_count(1)

    # The second tab cites a document that is not uploaded.
    page.get_by_role("tab", name="Dẫn chiếu văn bản").click()
    page.fill("#id_number", "15/QĐ-UBND")
    page.fill("#id_issued_on", "2024-03-01")
    page.fill("#id_issuer", "UBND tỉnh")
    page.fill("#id_title", "Quyết định mật")
    page.get_by_role("button", name="Lưu dẫn chiếu").click()
    expect(page.locator("table.evidence tr.added")).to_contain_text("15/QĐ-UBND")
    expect(page.locator("table.evidence tbody tr")).to_have_count(2)
    assert page.evaluate("window.stillTheSamePage") is True

    # The download keeps the Vietnamese name and the exact bytes.
    with page.expect_download() as download_info:
        page.locator("table.evidence").get_by_role("link", name="Tải về").click()
    download = download_info.value
    assert download.suggested_filename == "Kế hoạch 2024.pdf"
    assert Path(download.path()).read_bytes() == data
    assert Evidence.objects.count() == 2


def test_other_units_editor_is_refused(page: Page, world: World, settings, tmp_path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"
    person("editor.b", Role.UNIT_EDITOR, world.unit_b)
    log_in(page, "editor.b", f"/evidence/unit/{world.unit_b.code}/")
    response = page.goto(f"/evidence/unit/{world.unit_a.code}/")
    assert response is not None and response.status == 403
