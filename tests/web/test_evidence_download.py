"""Evidence detail and download pages: who may open them, and how a file is served (attachment,
detected type, nosniff, a safe RFC 5987 file name, no caching by shared proxies)."""

from __future__ import annotations

import datetime
from urllib.parse import quote

import pytest

from parindex.evidence.models import Evidence
from parindex.evidence.services import evidence_reference, evidence_upload

from . import evidence_samples as samples
from .evidence_fixtures import upload
from .factories import World

# persona -> status of unit A's evidence pages
EXPECTED = {
    "anonymous": 302,
    "editor_a": 200,
    "head_a": 200,
    "editor_b": 403,
    "appraiser": 200,
    "council": 200,
    "viewer": 200,
    "admin": 200,
}
PERSONAS = list(EXPECTED)


@pytest.fixture
def visit_all(visit, request):  # type: ignore[no-untyped-def]
    def client_for(name: str):  # type: ignore[no-untyped-def]
        if name in ("appraiser", "council", "head_a"):
            from .factories import browse

            return browse(request.getfixturevalue(name))
        return visit(name)

    return client_for


@pytest.mark.parametrize("persona", PERSONAS)
def test_download_access(pdf_of_a: Evidence, visit_all, persona: str) -> None:
    response = visit_all(persona).get(f"/evidence/{pdf_of_a.pk}/download/")
    assert response.status_code == EXPECTED[persona]
    if response.status_code == 200:
        assert b"".join(response.streaming_content) == samples.pdf("Kế hoạch")
    elif response.status_code == 302:
        assert response["Location"] == (f"/accounts/login/?next=/evidence/{pdf_of_a.pk}/download/")


@pytest.mark.parametrize("persona", PERSONAS)
def test_detail_access(pdf_of_a: Evidence, visit_all, persona: str) -> None:
    response = visit_all(persona).get(f"/evidence/{pdf_of_a.pk}/")
    assert response.status_code == EXPECTED[persona]
    if response.status_code == 200:
        html = response.content.decode()
        assert "Kế hoạch cải cách hành chính năm 2024" in html
        assert pdf_of_a.stored_file.sha256 in html
        assert f'href="/evidence/{pdf_of_a.pk}/download/"' in html


def test_unknown_evidence_is_404(world: World, visit) -> None:
    assert visit("admin").get("/evidence/999999/").status_code == 404
    assert visit("admin").get("/evidence/999999/download/").status_code == 404


def test_anonymous_cannot_tell_which_evidence_exists(world: World, visit) -> None:
    response = visit("anonymous").get("/evidence/999999/download/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/evidence/999999/download/"


def test_download_headers(pdf_of_a: Evidence, visit) -> None:
    response = visit("editor_a").get(f"/evidence/{pdf_of_a.pk}/download/")
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Length"] == str(len(samples.pdf("Kế hoạch")))
    cache = {part.strip() for part in response["Cache-Control"].split(",")}
    assert "private" in cache and "public" not in cache
    assert "sandbox" in response["Content-Security-Policy"]
    assert response["Content-Disposition"] == (
        'attachment; filename="Ke hoach CCHC 2024.pdf"; '
        "filename*=UTF-8''" + quote("Kế hoạch CCHC 2024.pdf", safe="")
    )


def test_download_uses_the_detected_type_not_the_uploaders(world, editor_a, visit) -> None:
    file = upload(samples.png(), "anh.png")
    file.content_type = "text/html"  # what a browser (or an attacker) claimed
    evidence = evidence_upload(file=file, unit=world.unit_a, user=editor_a)
    response = visit("editor_a").get(f"/evidence/{evidence.pk}/download/")
    assert response["Content-Type"] == "image/png"


@pytest.mark.parametrize(
    ("name", "disposition"),
    [
        (
            "../../etc/passwd.pdf",
            "attachment; filename=\"passwd.pdf\"; filename*=UTF-8''passwd.pdf",
        ),
        (
            'x\\a"b;c.pdf',
            "attachment; filename=\"a_b;c.pdf\"; filename*=UTF-8''a_b%3Bc.pdf",
        ),
        (
            "Đề án.pdf",
            "attachment; filename=\"De an.pdf\"; filename*=UTF-8''%C4%90%E1%BB%81%20%C3%A1n.pdf",
        ),
    ],
)
def test_content_disposition_is_safe(world, editor_a, visit, name, disposition) -> None:
    evidence = evidence_upload(
        file=upload(samples.pdf(name), name), unit=world.unit_a, user=editor_a
    )
    response = visit("editor_a").get(f"/evidence/{evidence.pk}/download/")
    assert response["Content-Disposition"] == disposition


def test_reference_has_a_detail_page_and_no_download(world: World, editor_a, visit) -> None:
    evidence = evidence_reference(
        unit=world.unit_a,
        user=editor_a,
        number="07/QĐ-UBND",
        issued_on=datetime.date(2024, 2, 1),
        issuer="UBND tỉnh",
        title="Quyết định mật",
    )
    page = visit("editor_a").get(f"/evidence/{evidence.pk}/")
    assert page.status_code == 200
    assert "07/QĐ-UBND" in page.content.decode()
    assert "/download/" not in page.content.decode()
    assert visit("editor_a").get(f"/evidence/{evidence.pk}/download/").status_code == 404
    assert visit("editor_b").get(f"/evidence/{evidence.pk}/").status_code == 403


def test_evidence_of_unit_b_follows_the_same_rule(world: World, editor_b, visit) -> None:
    evidence = evidence_upload(
        file=upload(samples.docx(), "b.docx"), unit=world.unit_b, user=editor_b
    )
    assert visit("editor_b").get(f"/evidence/{evidence.pk}/download/").status_code == 200
    assert visit("editor_a").get(f"/evidence/{evidence.pk}/download/").status_code == 403


def test_missing_blob_is_404_not_a_crash(pdf_of_a: Evidence, visit, media) -> None:
    (media / pdf_of_a.stored_file.storage_name).unlink()
    assert visit("admin").get(f"/evidence/{pdf_of_a.pk}/download/").status_code == 404
