"""A cycle's ranking annex (*phụ lục kết quả Chỉ số CCHC*) as Word, Excel and PDF: per ranking
group, every unit's area indices, points, index, rank and band as stored, tied to the decision
that published them; Excel's numbers and dates as such, its header frozen and filtered
(issue 10)."""

from __future__ import annotations

import datetime
from decimal import Decimal
from pathlib import Path

from django.test import Client
from django.urls import reverse

from parindex.results.models import Basis, UnitResult
from parindex.results.services import cycle_compute

from . import documents_fixtures as dfx
from .appraisals_fixtures import Appraisal
from .documents_reading import (
    docx_paragraphs,
    docx_row_flags,
    docx_table,
    pdf_fonts,
    pdf_pages,
    row_line,
    vi,
    workbook_sheet,
)
from .factories import World, browse

published = dfx.published

AREAS = [f"Lĩnh vực {n}" for n in range(1, 9)]
HEADER = ["STT", "Mã", "Đơn vị", *AREAS, "Điểm", "Chỉ số", "Thứ hạng", "Xếp loại"]
ATTACHED = "(Kèm theo Quyết định số 12/QĐ-UBND ngày 15/01/2025)"


def download(client: Client, cycle_id: int, extension: str, basis: str = "") -> bytes:
    url = reverse("documents:ranking_annex", args=[cycle_id, extension])
    response = client.get(f"{url}?basis={basis}" if basis else url)
    assert response.status_code == 200
    return response


def ranked(ap: Appraisal) -> dict[str, list[UnitResult]]:
    """The stored final results by group, in ranking order."""
    groups: dict[str, list[UnitResult]] = {}
    for result in (
        UnitResult.objects.filter(cycle=ap.cycle, basis="final")
        .select_related("unit")
        .order_by("position")
    ):
        groups.setdefault(result.group, []).append(result)
    return groups


def expected_row(n: int, result: UnitResult, bands: dict[str, str]) -> list[str]:
    indices = [vi(result.nodes[str(area)]["index"]) for area in range(1, 9)]
    return [
        str(n),
        result.unit.code,
        result.unit.name,
        *indices,
        vi(result.points),
        vi(result.index),
        str(result.rank),
        bands[result.band],
    ]


def test_word_annex_lists_every_group_and_unit_as_stored(
    published: Appraisal, anonymous: Client
) -> None:
    response = download(anonymous, published.cycle.pk, "docx")
    assert response["Content-Disposition"] == 'attachment; filename="2025_phu-luc-xep-hang.docx"'
    table = docx_table(response.content)
    assert table[0] == HEADER
    bands = {b.code: b.label("vi") for b in published.world.fw.bands}
    expected: list[list[str]] = []
    for group, results in ranked(published).items():
        expected.append([group] * len(HEADER))  # the group's heading spans the row
        expected += [expected_row(n, r, bands) for n, r in enumerate(results, start=1)]
    assert table[1:] == expected
    flags = docx_row_flags(response.content)
    assert flags[0] == {"tblHeader", "cantSplit"} and all(f == {"cantSplit"} for f in flags[1:])
    paragraphs = docx_paragraphs(response.content)
    assert paragraphs[:2] == ["PHỤ LỤC", "KẾT QUẢ CHỈ SỐ CẢI CÁCH HÀNH CHÍNH NĂM 2025"]
    assert ATTACHED in paragraphs


def test_excel_annex_has_numbers_dates_a_frozen_header_and_filters(
    published: Appraisal, anonymous: Client
) -> None:
    response = download(anonymous, published.cycle.pk, "xlsx")
    assert response["Content-Disposition"] == 'attachment; filename="2025_phu-luc-xep-hang.xlsx"'
    sheet = workbook_sheet(response.content)
    rows = list(sheet.iter_rows())
    header = next(n for n, row in enumerate(rows, start=1) if row[1].value == "STT")
    assert [c.value for c in rows[header - 1]] == ["Nhóm xếp hạng", *HEADER]
    assert sheet.freeze_panes == f"A{header + 1}"
    assert sheet.print_title_rows == f"${header}:${header}"  # repeated on every printed page
    facts = {row[0].value: row[1] for row in rows[:header] if row[0].value}
    assert facts["Ngày ban hành quyết định"].is_date
    assert facts["Ngày ban hành quyết định"].value == datetime.datetime(2025, 1, 15)
    assert facts["Quyết định công bố"].value == dfx.DECISION
    body = [row for row in rows[header:] if row[2].value]
    results = [r for group in ranked(published).values() for r in group]
    assert sheet.auto_filter.ref == f"A{header}:P{header + len(results)}"
    assert len(body) == len(results)
    for row, result in zip(body, results, strict=True):
        assert row[0].value == result.group  # every row names its group: filters keep it
        assert [row[2].value, row[3].value] == [result.unit.code, result.unit.name]
        figures = [row[n] for n in (*range(4, 12), 12, 13, 14)]
        assert all(cell.data_type == "n" for cell in figures)  # numbers, not text
        assert row[12].number_format == "0.00"
        assert Decimal(str(row[12].value)) == result.points
        assert Decimal(str(row[13].value)) == result.index
        assert row[14].value == result.rank
        assert [Decimal(str(cell.value)) for cell in figures[:8]] == [
            Decimal(result.nodes[str(area)]["index"]) for area in range(1, 9)
        ]


def test_pdf_annex_shows_every_unit_in_liberation_serif(
    published: Appraisal, anonymous: Client, tmp_path: Path
) -> None:
    data = download(anonymous, published.cycle.pk, "pdf").content
    pages = pdf_pages(data, tmp_path)
    text = "\n".join(pages)
    assert "PHỤ LỤC" in pages[0] and ATTACHED in pages[0]
    assert pdf_fonts(data, tmp_path) == {"Liberation Serif"}
    for group, results in ranked(published).items():
        assert group in text
        for n, result in enumerate(results, start=1):
            assert row_line(text, str(n), result.unit.code, vi(result.index), str(result.rank))


def test_an_unpublished_annex_says_so_and_a_self_assessed_one_is_named_so(
    world: World, viewer
) -> None:
    client = browse(viewer)
    data = download(client, world.current.pk, "docx").content
    paragraphs = docx_paragraphs(data)
    assert "Trạng thái: Chưa công bố: bản dự thảo, chỉ dành cho người có thẩm quyền" in paragraphs
    assert not any(p.startswith("(Kèm theo") for p in paragraphs)
    cycle_compute(cycle=world.current, basis=Basis.SELF)
    response = download(client, world.current.pk, "xlsx", basis="self")
    assert response["Content-Disposition"] == (
        'attachment; filename="2024_phu-luc-xep-hang_tu-danh-gia.xlsx"'
    )
