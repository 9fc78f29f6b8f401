"""The plan as an official appendix, .xlsx and PDF: the columns of a plan annex, contents as
Roman-numbered headings, tasks numbered within them, Vietnamese text intact, drafts left out;
deadlines as date cells; the PDF in Liberation Serif, its header on every page and no task row
split across two pages."""

from __future__ import annotations

import datetime
import io
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from openpyxl import load_workbook

from parindex.plans.services import task_create

from . import plans_fixtures as fx
from .factories import World

HEADERS = [
    "STT",
    "Nội dung",
    "Cơ quan chủ trì",
    "Cơ quan phối hợp",
    "Thời gian hoàn thành",
    "Kết quả dự kiến",
]


def test_xlsx_appendix(pw: fx.PlanWorld, world: World, visit) -> None:
    response = visit("viewer").get(f"/plans/{pw.plan.pk}/appendix.xlsx")
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml"
    )
    assert 'filename="ke-hoach-252-KH-UBND.xlsx"' in response["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = [[c if c is not None else "" for c in row] for row in sheet.iter_rows(values_only=True)]
    assert rows[0][0] == "PHỤ LỤC: DANH MỤC NHIỆM VỤ"
    assert "252/KH-UBND" in rows[2][0] and "01/03/2023" in rows[2][0]
    assert rows[4] == HEADERS
    body = rows[5:]
    assert body[0][:3] == ["I", "CÔNG TÁC CHỈ ĐẠO, ĐIỀU HÀNH", "Sở Nội vụ"]
    assert body[1] == [
        1,  # a numeric cell, not text
        pw.task_a.title,
        "Sở Nội vụ",
        "Sở Tư pháp",
        # a date cell, read back as a datetime, shown as a date by Excel
        datetime.datetime.combine(pw.task_a.deadline, datetime.time()),
        pw.task_a.expected_result,
    ]
    deadline = sheet.cell(row=7, column=5)
    assert deadline.is_date and deadline.number_format == "dd/mm/yyyy"
    assert sheet.cell(row=6, column=5).value is None  # a content's heading has no deadline
    titles = [row[1] for row in body]
    assert pw.draft.title not in titles  # drafts are not part of the plan yet
    assert pw.task_b.title in titles and pw.overdue.title in titles
    assert (
        sum(1 for row in body if row[0] in {"I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX"})
        == 9
    )


def poppler(tool: str, data: bytes, tmp_path: Path, *args: str) -> str:
    if shutil.which(tool) is None:
        pytest.fail(f"{tool} (poppler-utils) is needed to read the PDF")
    path = tmp_path / "plan.pdf"
    path.write_bytes(data)
    return subprocess.run(
        [tool, *args, str(path), "-"] if tool == "pdftotext" else [tool, str(path)],
        check=True,
        capture_output=True,
        text=True,
    ).stdout


def pdf_text(data: bytes, tmp_path: Path) -> str:
    return poppler("pdftotext", data, tmp_path, "-enc", "UTF-8")


def pdf_pages(data: bytes, tmp_path: Path) -> list[str]:
    """Each page's text with every space and line break taken out (cells wrap anywhere)."""
    return ["".join(page.split()) for page in pdf_text(data, tmp_path).split("\f")[:-1]]


def test_pdf_appendix_keeps_vietnamese_text(
    pw: fx.PlanWorld, world: World, visit, tmp_path: Path
) -> None:
    response = visit("viewer").get(f"/plans/{pw.plan.pk}/appendix.pdf")
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")
    text = "".join(pdf_text(response.content, tmp_path).split())  # cells wrap anywhere
    for words in (
        "PHỤ LỤC: DANH MỤC NHIỆM VỤ",
        "Cơ quan chủ trì",
        "Cơ quan phối hợp",
        "Kết quả dự kiến",
        "Ủy ban nhân dân tỉnh",
        "Sở Tư pháp",
        "Tăng cường kỷ luật, kỷ cương hành chính",
        "Kèm theo Kế hoạch số 252/KH-UBND",
    ):
        assert "".join(words.split()) in text, words
    assert "".join(pw.draft.title.split()) not in text


LONG_RESULT = (
    "Văn bản hướng dẫn được ban hành, phổ biến đến từng cơ quan, đơn vị; kết quả thực hiện được "
    "tổng hợp, báo cáo định kỳ hằng quý về Sở Nội vụ, có số liệu kiểm chứng đầy đủ và đánh giá "
    "mức độ hoàn thành so với chỉ tiêu của kế hoạch, nêu rõ khó khăn, vướng mắc và đề xuất giải "
    "pháp khắc phục trong kỳ tiếp theo"
)


def test_pdf_appendix_keeps_every_task_row_on_one_page(
    pw: fx.PlanWorld, world: World, visit, tmp_path: Path
) -> None:
    """Forty tasks of several lines each run over several pages: each row starts and ends on the
    same page (its title and the end of its expected result), the header is printed on every
    page, and the text is set in Liberation Serif, the font of the other documents."""
    areas = list(pw.plan.areas.order_by("position"))
    start = datetime.date(2024, 1, 1)
    for n in range(1, 41):
        task_create(
            plan=pw.plan,
            area=areas[n % len(areas)],
            title=f"NV{n:02d} Rà soát, chuẩn hóa quy trình nội bộ giải quyết thủ tục hành chính",
            lead_agency=world.unit_a,
            coordinating=[world.unit_b, world.ward],
            start_date=start,
            deadline=start + datetime.timedelta(days=30 + n),
            expected_result=f"{LONG_RESULT} KQ{n:02d}.",
        )
    data = visit("viewer").get(f"/plans/{pw.plan.pk}/appendix.pdf").content
    pages = pdf_pages(data, tmp_path)
    assert len(pages) >= 3
    for n in range(1, 41):
        starts = [p for p, text in enumerate(pages) if f"NV{n:02d}" in text]
        ends = [p for p, text in enumerate(pages) if f"KQ{n:02d}." in text]
        assert len(starts) == 1 and starts == ends, (n, starts, ends)
    assert all("Cơquanchủtrì" in text for text in pages)  # the header, on every page
    fonts = poppler("pdffonts", data, tmp_path)
    assert re.search(r"\+Liberation-?Serif\s", fonts), fonts
    assert re.search(r"\+Liberation-?Serif-Bold\s", fonts), fonts  # headers and headings
    assert "Noto" not in fonts and "DejaVu" not in fonts  # nothing fell back to another font
