"""Demo step of the evidence store: a few documents in the library of the Department of Home
Affairs (SNV), uploaded through the same service as the page."""

from __future__ import annotations

import datetime
from collections.abc import Callable

from django.core.files.uploadedfile import SimpleUploadedFile

from parindex.accounts.models import User
from parindex.units.models import Unit

from .services import evidence_reference, evidence_upload


def simple_pdf(lines: list[str]) -> bytes:
    """A one-page PDF showing ``lines`` (ASCII) in Helvetica, with a correct cross-reference."""
    text = "BT /F1 14 Tf 56 780 Td 18 TL " + " ".join(
        "(" + line.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)") + ") '"
        for line in lines
    )
    stream = text + " ET"
    objects = [
        "<< /Type /Catalog /Pages 2 0 R >>",
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        "/Resources << /Font << /F1 5 0 R >> >> >>",
        f"<< /Length {len(stream)} >>\nstream\n{stream}\nendstream",
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = b"%PDF-1.4\n"
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n{body}\nendobj\n".encode("ascii")
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode("ascii")
    out += "".join(f"{offset:010d} 00000 n \n" for offset in offsets).encode("ascii")
    out += (
        f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n"
    ).encode("ascii")
    return out


def build(*, log: Callable[[str], None] = print) -> None:
    unit = Unit.objects.filter(code="SNV").first()
    editor = User.objects.filter(username="editor.snv").first()
    if unit is None or editor is None:
        return
    plan = simple_pdf(
        [
            "UY BAN NHAN DAN TINH - SO NOI VU",
            "Ke hoach cai cach hanh chinh nam 2024",
            "(tai lieu minh hoa cua ban demo parindex)",
        ]
    )
    evidence_upload(
        file=SimpleUploadedFile("Kế hoạch CCHC năm 2024.pdf", plan),
        unit=unit,
        user=editor,
        title="Kế hoạch cải cách hành chính năm 2024 của Sở Nội vụ",
    )
    report = simple_pdf(["Bao cao ket qua cai cach hanh chinh 6 thang dau nam 2024"])
    evidence_upload(
        file=SimpleUploadedFile("Báo cáo 6 tháng.pdf", report),
        unit=unit,
        user=editor,
        title="Báo cáo kết quả CCHC 6 tháng đầu năm 2024",
    )
    evidence_reference(
        unit=unit,
        user=editor,
        number="45/QĐ-UBND",
        issued_on=datetime.date(2024, 1, 15),
        issuer="UBND tỉnh",
        title="Quyết định phê duyệt danh mục tài liệu mật (không tải lên)",
    )
    log("evidence: 3 documents in the library of SNV (2 PDF files, 1 reference)")
