"""Who may download the documents: a scoring table goes to exactly who may read that unit's
scorecard on that basis, a ranking annex to who may read the cycle's ranking (issue 10)."""

from __future__ import annotations

import re
from html import unescape

from django.test import Client
from django.urls import reverse

from parindex.accounts.models import User

from . import appraisals_fixtures as fx
from .appraisals_fixtures import CHOICE_LEAF, RATIO_LEAF, Appraisal
from .documents_reading import docx_paragraphs, docx_table, vi
from .factories import World, browse

appraisal = fx.appraisal


def scoring_url(cycle_id: int, unit_code: str, extension: str = "docx", basis: str = "") -> str:
    url = reverse("documents:scoring_table", args=[cycle_id, unit_code, extension])
    return f"{url}?basis={basis}" if basis else url


def annex_url(cycle_id: int, extension: str = "xlsx") -> str:
    return reverse("documents:ranking_annex", args=[cycle_id, extension])


def test_the_public_downloads_published_documents_only(world: World, anonymous: Client) -> None:
    published = anonymous.get(scoring_url(world.published.pk, world.unit_a.code))
    assert published.status_code == 200
    assert published["Content-Disposition"] == 'attachment; filename="2023_SNV_bang-diem.docx"'
    assert published["Cache-Control"] == "private, no-store"
    assert anonymous.get(annex_url(world.published.pk)).status_code == 200
    for url in (scoring_url(world.current.pk, world.unit_a.code), annex_url(world.current.pk)):
        response = anonymous.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_a_unit_downloads_its_own_unpublished_table_and_no_other(
    world: World, editor_a: User, viewer: User
) -> None:
    own = browse(editor_a)
    assert own.get(scoring_url(world.current.pk, world.unit_a.code)).status_code == 200
    assert own.get(scoring_url(world.current.pk, world.unit_b.code)).status_code == 403
    assert own.get(annex_url(world.current.pk)).status_code == 403  # other units' figures
    province = browse(viewer)
    assert province.get(scoring_url(world.current.pk, world.unit_b.code)).status_code == 200
    assert province.get(annex_url(world.current.pk)).status_code == 200


def test_a_unit_in_appraisal_gets_its_self_assessed_figures_only(appraisal: Appraisal) -> None:
    ap = appraisal
    fx.adjust_and_flag(ap)  # unit A in appraisal: nothing released to it yet
    response = browse(ap.editor_a).get(scoring_url(ap.cycle.pk, "SNV", basis="final"))
    assert response.status_code == 200
    rows = {row[0]: row for row in docx_table(response.content)[1:] if row[0]}
    self_result = ap.cycle.results.get(unit=ap.a.unit, basis="self")
    for code in (CHOICE_LEAF, RATIO_LEAF):
        figures = self_result.nodes[code]
        # self-assessed only: no appraised or final figure, no remark
        assert rows[code][2:] == [vi(figures["max"]), vi(figures["points"]), "", "", "", ""]
    assert "Cơ sở tính: Tự đánh giá" in docx_paragraphs(response.content)
    # The appraisers see it all.
    seen = docx_table(browse(ap.appraiser).get(scoring_url(ap.cycle.pk, "SNV")).content)
    assert {row[0]: row for row in seen}[CHOICE_LEAF][4] == "0,50"


def test_unknown_formats_and_units_are_not_found(world: World, anonymous: Client) -> None:
    assert anonymous.get(scoring_url(world.published.pk, "SNV", "xlsx")).status_code == 404
    assert anonymous.get(scoring_url(world.published.pk, "NOPE")).status_code == 404
    assert anonymous.get(annex_url(world.published.pk, "csv")).status_code == 404
    assert anonymous.get(annex_url(10**6)).status_code == 404


def download_links(html: str) -> list[str]:
    return re.findall(r'href="(/documents/[^"]+)"', html)


def test_the_pages_link_their_documents(world: World, anonymous: Client) -> None:
    scorecard = anonymous.get(f"/cycles/{world.published.pk}/units/SNV/").content.decode()
    ranking = anonymous.get(f"/cycles/{world.published.pk}/").content.decode()
    links = download_links(scorecard) + download_links(ranking)
    assert [link.split("?")[0].rsplit("/", 1)[-1] for link in links] == [
        "scoring-table.docx",
        "scoring-table.pdf",
        "ranking-annex.docx",
        "ranking-annex.xlsx",
        "ranking-annex.pdf",
    ]
    for link in links:
        assert anonymous.get(unescape(link)).status_code == 200


def test_the_appraisal_page_of_a_unit_links_its_table_for_staff_only(appraisal: Appraisal) -> None:
    ap = appraisal
    page = ap.unit_url()
    assert download_links(browse(ap.appraiser).get(page).content.decode())
    assert not download_links(browse(ap.editor_a).get(page).content.decode())
