"""The plan as an official appendix, .xlsx and PDF: the columns of a plan annex, contents as
Roman-numbered headings, tasks numbered within them, Vietnamese text intact, drafts left out."""

from __future__ import annotations

import io
import shutil
import subprocess
from pathlib import Path

import pytest
from openpyxl import load_workbook

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
        pw.task_a.deadline.strftime("%d/%m/%Y"),
        pw.task_a.expected_result,
    ]
    titles = [row[1] for row in body]
    assert pw.draft.title not in titles  # drafts are not part of the plan yet
    assert pw.task_b.title in titles and pw.overdue.title in titles
    assert (
        sum(1 for row in body if row[0] in {"I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX"})
        == 9
    )


def pdf_text(data: bytes, tmp_path: Path) -> str:
    if shutil.which("pdftotext") is None:
        pytest.fail("pdftotext (poppler-utils) is needed to read the PDF")
    path = tmp_path / "plan.pdf"
    path.write_bytes(data)
    return subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(path), "-"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout


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
