"""A unit's evidence library page (/evidence/unit/<code>/): who may read it and add to it, the
upload and reference forms with and without htmx, refusals shown next to the field with nothing
changed, the size limit enforced while the body is read; the index of libraries; the admin."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from parindex.evidence.models import Evidence, StoredFile
from parindex.evidence.services import evidence_reference, evidence_upload

from . import evidence_samples as samples
from .evidence_fixtures import stored_paths, upload
from .factories import World, browse

HTMX = {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": "evidence-library"}
# persona -> (read unit A's library, add to it)
EXPECTED = {
    "anonymous": (302, 302),
    "editor_a": (200, 302),
    "head_a": (200, 302),
    "editor_b": (403, 403),
    "appraiser": (200, 403),
    "council": (200, 403),
    "viewer": (200, 403),
    "admin": (200, 302),
}
PERSONAS = list(EXPECTED)


@pytest.fixture
def client_of(visit, request):  # type: ignore[no-untyped-def]
    def client_for(name: str) -> Client:
        if name in ("appraiser", "council", "head_a"):
            return browse(request.getfixturevalue(name))
        return visit(name)

    return client_for


def library(world: World) -> str:
    return f"/evidence/unit/{world.unit_a.code}/"


@pytest.mark.parametrize("persona", PERSONAS)
def test_library_access(world: World, pdf_of_a, client_of, persona: str) -> None:
    read, add = EXPECTED[persona]
    client = client_of(persona)
    response = client.get(library(world))
    assert response.status_code == read
    if read == 200:
        html = response.content.decode()
        assert "Kế hoạch cải cách hành chính năm 2024" in html
        assert (f'action="{library(world)}upload/"' in html) is (add == 302)
    upload_response = client.post(
        f"{library(world)}upload/", {"file": upload(samples.png(), "anh.png")}
    )
    assert upload_response.status_code == add
    reference = client.post(
        f"{library(world)}reference/",
        {"number": "1/KH", "issued_on": "2024-01-02", "issuer": "UBND", "title": "Kế hoạch"},
    )
    assert reference.status_code == add
    expected_count = 3 if add == 302 and persona != "anonymous" else 1
    assert Evidence.objects.filter(unit=world.unit_a).count() == expected_count
    if persona == "anonymous":
        assert upload_response["Location"].startswith("/accounts/login/?next=")


def test_unknown_unit_is_404(world: World, visit) -> None:
    assert visit("admin").get("/evidence/unit/NOPE/").status_code == 404
    assert visit("admin").post("/evidence/unit/NOPE/upload/").status_code == 404


def test_library_lists_newest_first_with_download_links(world, pdf_of_a, editor_a, visit) -> None:
    newer = evidence_upload(
        file=upload(samples.xlsx(), "so-lieu.xlsx"), unit=world.unit_a, user=editor_a
    )
    html = visit("editor_a").get(library(world)).content.decode()
    assert html.index(f'data-evidence="{newer.pk}"') < html.index(f'data-evidence="{pdf_of_a.pk}"')
    assert f'href="/evidence/{newer.pk}/download/"' in html
    assert "Excel (.xlsx)" in html


def test_library_queries_do_not_grow_with_evidence(
    world, pdf_of_a, editor_a, visit, django_assert_num_queries
) -> None:
    client = visit("editor_a")
    with CaptureQueriesContext(connection) as one:
        assert client.get(library(world)).status_code == 200
    for n in range(5):
        evidence_upload(
            file=upload(samples.pdf(f"tài liệu {n}"), f"{n}.pdf"), unit=world.unit_a, user=editor_a
        )
    evidence_reference(
        unit=world.unit_a,
        user=editor_a,
        number="1/KH",
        issued_on=datetime.date(2024, 1, 2),
        issuer="UBND",
        title="Kế hoạch",
    )
    with CaptureQueriesContext(connection) as seven:
        assert client.get(library(world)).status_code == 200
    assert len(seven) == len(one)
    # The fragment: session, user, roles, the unit, the evidence with files and uploaders.
    with django_assert_num_queries(5):
        assert client.get(library(world), **HTMX).status_code == 200


def test_upload_without_htmx_redirects_with_a_message(world, visit, media) -> None:
    client = visit("editor_a")
    response = client.post(
        f"{library(world)}upload/",
        {"file": upload(samples.docx(), "Báo cáo.docx"), "title": "Báo cáo năm"},
        follow=True,
    )
    assert response.redirect_chain == [(library(world), 302)]
    html = response.content.decode()
    assert "Báo cáo năm" in html
    evidence = Evidence.objects.get()
    assert (evidence.original_name, evidence.title) == ("Báo cáo.docx", "Báo cáo năm")


def test_upload_with_htmx_returns_the_library_fragment(world, visit) -> None:
    response = visit("editor_a").post(
        f"{library(world)}upload/", {"file": upload(samples.pdf(), "kh.pdf")}, **HTMX
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert html.lstrip().startswith("<section")  # a fragment, no page around it
    assert 'id="evidence-library"' in html and "<html" not in html
    evidence = Evidence.objects.get()
    assert f'data-evidence="{evidence.pk}" class="added"' in html


def test_upload_form_has_a_progress_bar(world, visit) -> None:
    html = visit("editor_a").get(library(world)).content.decode()
    assert 'hx-encoding="multipart/form-data"' in html
    assert 'enctype="multipart/form-data"' in html  # works without JavaScript too
    assert "data-upload-progress" in html  # parindex.js follows the bytes sent
    assert "<progress" in html


@pytest.mark.parametrize(
    ("case", "builder", "name"),
    [
        ("exe", samples.exe, "bao-cao.pdf"),
        ("html", samples.html, "bao-cao.html"),
        ("svg", samples.svg, "hinh.svg"),
        ("zip", samples.plain_zip, "tai-lieu.zip"),
        ("disagreeing", samples.png, "bao-cao.pdf"),
        ("empty", lambda: b"", "trong.pdf"),
    ],
)
def test_refused_upload_shows_the_message_and_changes_nothing(
    world, visit, media, case, builder, name
) -> None:
    response = visit("editor_a").post(
        f"{library(world)}upload/", {"file": upload(builder(), name)}, **HTMX
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert 'class="errorlist' in html
    assert not Evidence.objects.exists() and not StoredFile.objects.exists()
    assert stored_paths(media) == []


def test_refusal_is_in_vietnamese_by_default(world, visit) -> None:
    response = visit("editor_a").post(
        f"{library(world)}upload/", {"file": upload(samples.exe(), "bao-cao.pdf")}, **HTMX
    )
    assert "chương trình" in response.content.decode()


def test_oversized_upload_is_stopped_while_reading(world, visit, media, settings) -> None:
    settings.PARINDEX_EVIDENCE_MAX_BYTES = 2000
    big = samples.pdf("x" * 300_000)
    response = visit("editor_a").post(
        f"{library(world)}upload/", {"file": upload(big, "lon.pdf"), "title": "Lớn"}, **HTMX
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "2,0" in html or "2.0" in html  # the limit, as a size
    assert 'class="errorlist' in html
    assert not Evidence.objects.exists()
    assert stored_paths(media) == []


def test_upload_checks_csrf(world, editor_a) -> None:
    client = browse(editor_a, enforce_csrf_checks=True)
    response = client.post(f"{library(world)}upload/", {"file": upload(samples.pdf(), "a.pdf")})
    assert response.status_code == 403
    assert not Evidence.objects.exists()


def test_reference_with_htmx(world, visit) -> None:
    response = visit("head_a").post(
        f"{library(world)}reference/",
        {
            "number": "15/QĐ-UBND",
            "issued_on": "2024-03-01",
            "issuer": "UBND tỉnh",
            "title": "Quyết định mật",
        },
        **HTMX,
    )
    assert response.status_code == 200
    evidence = Evidence.objects.get()
    assert (evidence.kind, evidence.number) == (Evidence.Kind.REFERENCE, "15/QĐ-UBND")
    assert "15/QĐ-UBND" in response.content.decode()


def test_reference_errors_keep_the_reference_tab(world, visit) -> None:
    response = visit("editor_a").post(
        f"{library(world)}reference/",
        {"number": "", "issued_on": "không phải ngày", "issuer": "", "title": ""},
        **HTMX,
    )
    html = response.content.decode()
    assert 'class="evidence-reference"' in html
    assert html.count('class="errorlist') >= 3
    assert not Evidence.objects.exists()


def test_tabs_are_links_and_htmx_fragments(world, visit) -> None:
    client = visit("editor_a")
    page = client.get(f"{library(world)}?tab=reference").content.decode()
    assert 'class="evidence-reference"' in page and "<html" in page
    assert f'href="{library(world)}?tab=file"' in page
    fragment = client.get(
        f"{library(world)}?tab=reference",
        HTTP_HX_REQUEST="true",
        HTTP_HX_TARGET="evidence-forms",
    ).content.decode()
    assert fragment.lstrip().startswith('<div id="evidence-forms"')
    assert 'name="issued_on"' in fragment


@pytest.mark.parametrize(
    ("persona", "status", "codes"),
    [
        ("anonymous", 302, None),
        ("editor_a", 302, None),  # only one library: straight to it
        ("viewer", 200, ["SNV", "STP", "P01", "X01"]),
        ("admin", 200, ["SNV", "STP", "P01", "X01"]),
    ],
)
def test_index(world, pdf_of_a, client_of, persona, status, codes) -> None:
    response = client_of(persona).get("/evidence/")
    assert response.status_code == status
    if persona == "editor_a":
        assert response["Location"] == library(world)
    if codes:
        html = response.content.decode()
        for code in codes:
            assert f'href="/evidence/unit/{code}/"' in html


def test_index_for_a_person_without_units(world, db) -> None:
    from .factories import person

    response = browse(person("nobody")).get("/evidence/")
    assert response.status_code == 200
    assert 'href="/evidence/unit/' not in response.content.decode()


def test_admin_lists_evidence_read_only(pdf_of_a, visit) -> None:
    client = visit("admin")
    listing = client.get("/admin/evidence/evidence/")
    assert listing.status_code == 200
    assert "Kế hoạch cải cách hành chính năm 2024" in listing.content.decode()
    assert client.get("/admin/evidence/evidence/add/").status_code == 403
    assert client.get("/admin/evidence/storedfile/").status_code == 200
    change = client.post(f"/admin/evidence/evidence/{pdf_of_a.pk}/change/", {"title": "x"})
    pdf_of_a.refresh_from_db()
    assert pdf_of_a.title == "Kế hoạch cải cách hành chính năm 2024"
    assert change.status_code == 403
    assert client.post(f"/admin/evidence/evidence/{pdf_of_a.pk}/delete/").status_code == 403
