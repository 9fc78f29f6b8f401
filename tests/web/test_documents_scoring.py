"""A unit's scoring table (*bảng tổng hợp kết quả tự đánh giá, thẩm định*) as Word and PDF, on a
cycle appraised through the whole round and published: every node's maximum, self-assessed,
appraised and final points, what the unit and the appraisers said, the totals, index, rank and
band; Word's header row repeated and rows kept whole; the PDF in Liberation Serif on A4
landscape with no row split across pages (issue 10)."""

from __future__ import annotations

from pathlib import Path

from django.test import Client
from django.urls import reverse

from parindex.appraisals.models import LeafAppraisal
from parindex.documents.tables import Column, Document, Row, Section
from parindex.documents.write_pdf import pdf_document_bytes, pdf_document_layout
from parindex.results.models import UnitResult

from . import documents_fixtures as dfx
from .appraisals_fixtures import CHOICE_LEAF, RATIO_LEAF, Appraisal
from .documents_reading import (
    TOTALS,
    docx_font,
    docx_page,
    docx_paragraphs,
    docx_row_flags,
    docx_table,
    lines_before_first_row,
    pdf_fonts,
    pdf_pages,
    row_line,
    vi,
)
from .factories import World

published = dfx.published

HEADER = [
    "STT",
    "Lĩnh vực, tiêu chí, tiêu chí thành phần",
    "Tối đa",
    "Điểm tự đánh giá",
    "Điểm thẩm định",
    "Điểm cuối cùng",
    "Giải trình của đơn vị",
    "Ý kiến thẩm định",
]


def download(client: Client, ap: Appraisal, extension: str, unit: str = "SNV") -> bytes:
    url = reverse("documents:scoring_table", args=[ap.cycle.pk, unit, extension])
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Disposition"] == (
        f'attachment; filename="2025_{unit}_bang-diem.{extension}"'
    )
    return response.content


def stored(ap: Appraisal) -> tuple[UnitResult, UnitResult]:
    return (
        UnitResult.objects.get(cycle=ap.cycle, unit=ap.a.unit, basis="final"),
        UnitResult.objects.get(cycle=ap.cycle, unit=ap.a.unit, basis="self"),
    )


def test_word_reads_back_every_stored_figure_and_remark(
    published: Appraisal, anonymous: Client
) -> None:
    ap = published
    final, own = stored(ap)
    data = download(anonymous, ap, "docx")
    table = docx_table(data)
    assert table[0] == HEADER
    rows = {row[0]: row for row in table[1:] if row[0]}
    appraised = set(
        LeafAppraisal.objects.filter(assessment=ap.a).values_list("leaf_code", flat=True)
    )
    in_order = [n.code for n in ap.world.fw.all_nodes if n.code in final.nodes]
    assert list(rows) == in_order
    for code, figures in final.nodes.items():
        node = ap.world.fw.by_code[code]
        row = rows[code]
        assert row[1] == node.title.get("vi")
        assert row[2] == vi(figures["max"])
        assert row[3] == vi(own.nodes[code]["points"])
        assert row[5] == vi(figures["points"])
        if code == CHOICE_LEAF:
            assert row[4] == "0,50"  # adjusted to "cham"
        elif code in appraised:
            assert row[4] == row[3]  # accepted, or flagged on the declared figure
        else:
            assert row[4] == ""  # a branch, or a survey leaf nobody appraises
    # What was said in the round.
    assert rows[CHOICE_LEAF][6] == "Đồng ý với kết quả thẩm định."
    assert rows[CHOICE_LEAF][7] == dfx.ADJUSTMENT_REASON
    assert rows[RATIO_LEAF][6] == dfx.DISPUTE_REASON
    assert rows[RATIO_LEAF][7] == f"{dfx.FLAG_REASON}\n{dfx.SETTLEMENT_REASON}"
    assert rows[RATIO_LEAF][5] == vi(final.nodes[RATIO_LEAF]["points"]) != rows[RATIO_LEAF][3]
    # The totals, index, rank in the group and band, self-assessed and final.
    totals = {row[1]: row for row in table[1:] if not row[0]}
    assert totals[TOTALS["points"]][2:6] == [vi(final.max), vi(own.points), "", vi(final.points)]
    assert totals[TOTALS["index"]][3:6] == [vi(own.index), "", vi(final.index)]
    assert totals[TOTALS["rank"]][3:6] == [f"{own.rank}/2", "", f"{final.rank}/2"]
    bands = {b.code: b.label("vi") for b in ap.world.fw.bands}
    assert totals[TOTALS["band"]][3:6] == [bands[own.band], "", bands[final.band]]
    facts = docx_paragraphs(data)
    assert "BẢNG TỔNG HỢP KẾT QUẢ TỰ ĐÁNH GIÁ, THẨM ĐỊNH" in facts
    assert "Đơn vị: Sở Nội vụ (SNV)" in facts
    assert f"Quyết định công bố: {dfx.DECISION}" in facts
    assert "Ngày ban hành quyết định: 15/01/2025" in facts


def test_word_repeats_its_header_and_keeps_rows_whole(world: World, anonymous: Client) -> None:
    url = reverse("documents:scoring_table", args=[world.published.pk, "SNV", "docx"])
    data = anonymous.get(url).content
    flags = docx_row_flags(data)
    assert flags[0] == {"tblHeader", "cantSplit"}
    assert len(flags) > 50 and all(row == {"cantSplit"} for row in flags[1:])
    assert docx_page(data) == {"orientation": 1, "width_cm": 29.7, "height_cm": 21.0}
    assert docx_font(data) == "Times New Roman"


def test_pdf_shows_every_row_whole_on_a_page_under_the_header(
    published: Appraisal, anonymous: Client, tmp_path: Path
) -> None:
    ap = published
    final, own = stored(ap)
    data = download(anonymous, ap, "pdf")
    pages = pdf_pages(data, tmp_path)
    assert len(pages) > 1
    assert pdf_fonts(data, tmp_path) == {"Liberation Serif"}
    header_words = {word for label in HEADER for word in label.split()} | {"Điểm", "cùng"}
    codes = list(final.nodes)
    for n, page in enumerate(pages):
        assert "STT" in page and "Ý kiến thẩm định" in page  # the header on every page
        stray = lines_before_first_row(page, header_words, codes + list(TOTALS.values()))
        assert stray == [], f"page {n + 1} starts inside a row: {stray}"
    for code, figures in final.nodes.items():
        own_points, points = vi(own.nodes[code]["points"]), vi(figures["points"])
        found = [p for p in pages if row_line(p, code, vi(figures["max"]), own_points)]
        assert len(found) == 1, code
        assert row_line(found[0], code, vi(figures["max"]), own_points, points), code
    assert "CHỈ SỐ CẢI CÁCH HÀNH CHÍNH NĂM 2025" in pages[0]
    assert dfx.SETTLEMENT_REASON.split()[0] in "".join(pages)


def tall_rows_document() -> Document:
    """A table of rows seven lines tall, which a page break would cut if it could."""
    remark = "\n".join(f"Dòng nhận xét thứ {n}" for n in range(1, 8))
    return Document(
        stem="tall",
        heading=("BẢNG THỬ",),
        facts=(),
        columns=(Column("STT", 2.0), Column("Nội dung", 10.0), Column("Ý kiến", 8.0)),
        sections=(Section("", tuple(Row((f"R{n:02d}", f"Hàng {n}", remark)) for n in range(40))),),
        lang="vi",
        places=2,
    )


def test_rows_are_never_split_across_pages(tmp_path: Path) -> None:
    """WeasyPrint's layout puts the header row on every page and every other row on exactly
    one; the PDF's text agrees: no page starts with the end of a row."""
    doc = tall_rows_document()
    layout = pdf_document_layout(doc)
    pages_of: dict[object, set[int]] = {}
    header_rows = set()
    for number, page in enumerate(layout.pages):
        assert page.width > page.height  # landscape
        for group in _descendants(page._page_box):
            if type(group).__name__ != "TableRowGroupBox":
                continue
            for row in group.children:
                pages_of.setdefault(row.element, set()).add(number)
                if group.is_header:
                    header_rows.add(row.element)
    assert len(layout.pages) > 2
    assert len(header_rows) == 1
    assert all(pages_of[row] == set(range(len(layout.pages))) for row in header_rows)
    body = {row: on for row, on in pages_of.items() if row not in header_rows}
    assert len(body) == 40 and all(len(on) == 1 for on in body.values())
    pages = pdf_pages(pdf_document_bytes(doc), tmp_path)
    starts = [f"R{n:02d}" for n in range(40)]
    for page in pages:
        assert lines_before_first_row(page, {"STT", "Nội", "dung", "Ý", "kiến"}, starts) == []


def test_in_english_the_headings_and_numbers_read_the_english_way(
    world: World, anonymous: Client
) -> None:
    anonymous.cookies["django_language"] = "en"
    url = reverse("documents:scoring_table", args=[world.published.pk, "SNV", "docx"])
    data = anonymous.get(url).content
    table = docx_table(data)
    assert table[0][:3] == ["No.", "Area, criterion, sub-criterion", "Max"]
    figures = world.result(world.published, world.unit_a).nodes["1"]
    assert {row[0]: row for row in table}["1"][2::3] == [figures["max"], figures["points"]]
    assert "SUMMARY OF SELF-ASSESSMENT AND APPRAISAL RESULTS" in docx_paragraphs(data)


def _descendants(box: object):  # type: ignore[no-untyped-def]
    yield box
    for child in getattr(box, "children", ()):
        yield from _descendants(child)


def test_rank_is_a_position_among_the_ranked_units_of_the_group(
    published: Appraisal, anonymous: Client
) -> None:
    """A unit without an index has no rank: it is not one of the N the rank is counted in."""
    ap = published
    final, own = stored(ap)
    others = UnitResult.objects.filter(cycle=ap.cycle, group=final.group).exclude(unit=ap.a.unit)
    assert others.exists()
    others.update(index=None, rank=None, band="")
    UnitResult.objects.filter(pk__in=[final.pk, own.pk]).update(rank=1)
    totals = {row[1]: row for row in docx_table(download(anonymous, ap, "docx"))[1:] if not row[0]}
    assert totals[TOTALS["rank"]][3:6] == ["1/1", "", "1/1"]
