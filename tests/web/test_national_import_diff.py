"""A national import never overwrites silently: a file that changes a stored value shows the
differences (old → new per row) and changes nothing until the person confirms them; applying
writes one audit event per row added or changed, with the values before and after, and skips
rows stored as they are."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from parindex.audit.models import AuditEvent
from parindex.national.models import NationalResult, NationalYear
from parindex.national.services import (
    ConfirmationNeeded,
    national_results_import,
    national_years_import,
)
from parindex.units.models import Unit

STORED = """year,province,index,rank,band,of,source
2024,Hà Nội,85.10,5,A,63,https://moha.gov.vn/2024
2024,Hải Phòng,90.05,1,A,63,https://moha.gov.vn/2024
"""

# Hà Nội's 2024 index and rank change, Hải Phòng's row is as stored, Huế is new.
CHANGED = """year,province,index,rank,band,of,source
2024,Hà Nội,86.40,4,A,63,https://moha.gov.vn/2024
2024,Hải Phòng,90.05,1,A,63,https://moha.gov.vn/2024
2024,Huế,84.00,9,B,63,https://moha.gov.vn/2024
"""


def upload(client, text: str, kind: str = "results", name: str = "ket-qua-2024.csv"):  # type: ignore[no-untyped-def]
    return client.post(
        "/national/import/",
        {"kind": kind, "file": SimpleUploadedFile(name, text.encode("utf-8"), "text/csv")},
    )


def hanoi_2024() -> NationalResult:
    return NationalResult.objects.get(unit__code="HA-NOI", year=2024)


def events(action: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=action))


@pytest.fixture
def stored(db: None) -> None:
    national_results_import(text=STORED, source_name="2024.csv")


def test_a_change_shows_the_differences_and_changes_nothing_until_confirmed(
    stored: None, admin, visit
) -> None:
    client = visit("admin")
    client.cookies["django_language"] = "en"
    response = upload(client, CHANGED)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Check the changes before they are applied" in html
    row = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))
    assert "Hà Nội 2024" in row
    assert "85.10 86.40" in row and "5 4" in row  # stored → file, per field
    assert "Hải Phòng 2024" not in row  # unchanged: not a difference
    assert "Rows to add: 1" in row and "skipped: 1" in row
    # Nothing changed: not Hà Nội's figures, not the new province, no event.
    assert hanoi_2024().index == Decimal("85.10") and hanoi_2024().rank == 5
    assert not Unit.objects.filter(code="HUE").exists()
    assert events("national.result_change") == []
    token = re.search(r'name="confirm" value="([0-9a-f]{64})"', html)
    assert token is not None

    response = client.post("/national/import/", {"confirm": token.group(1)})
    assert response.status_code == 302 and response["Location"] == "/national/"
    result = hanoi_2024()
    assert result.index == Decimal("86.40") and result.rank == 4
    (change,) = events("national.result_change")
    assert change.actor is not None and change.actor.username == "admin"
    assert change.target_type == "national.nationalresult"
    assert change.target_id == str(result.pk)
    assert change.before == {"index": "85.10", "rank": 5}
    assert change.after == {"province": "HA-NOI", "year": 2024, "index": "86.40", "rank": 4}
    # The new row is added with its own event; the unchanged row writes none.
    (added,) = [e for e in events("national.result_add") if e.after["province"] == "HUE"]
    assert added.before is None and added.after["index"] == "84.00"
    assert Unit.objects.filter(code="HUE").exists()
    phong = NationalResult.objects.get(unit__code="HAI-PHONG", year=2024)
    assert not AuditEvent.objects.filter(
        target_type="national.nationalresult", target_id=str(phong.pk), sequence__gt=change.sequence
    ).exists()
    assert [e.target_id for e in events("national.result_change")] == [str(result.pk)]
    # The confirmation is spent: posting it again applies nothing more.
    again = client.post("/national/import/", {"confirm": token.group(1)})
    assert again.status_code == 302 and again["Location"] == "/national/import/"
    assert len(events("national.result_change")) == 1


def test_a_wrong_or_stale_confirmation_changes_nothing(stored: None, admin, visit) -> None:
    client = visit("admin")
    html = upload(client, CHANGED).content.decode()
    assert "Kiểm tra các thay đổi trước khi áp dụng" in html  # Vietnamese first
    token = re.search(r'name="confirm" value="([0-9a-f]{64})"', html)
    assert token is not None
    assert client.post("/national/import/", {"confirm": "0" * 64}).status_code == 302
    assert hanoi_2024().index == Decimal("85.10")
    # Somebody else changed the stored row meanwhile: the person must look again.
    NationalResult.objects.filter(pk=hanoi_2024().pk).update(index=Decimal("85.50"))
    response = client.post("/national/import/", {"confirm": token.group(1)})
    assert response.status_code == 409
    assert "85.50" in response.content.decode()
    assert hanoi_2024().index == Decimal("85.50")
    assert events("national.result_change") == []


def test_the_confirmation_belongs_to_the_file_previewed(stored: None) -> None:
    with pytest.raises(ConfirmationNeeded) as raised:
        national_results_import(text=CHANGED, source_name="a.csv")
    token = raised.value.preview.token
    other = CHANGED.replace("86.40", "99.00")
    with pytest.raises(ConfirmationNeeded):
        national_results_import(text=other, source_name="a.csv", confirm=token)
    assert hanoi_2024().index == Decimal("85.10")
    national_results_import(text=CHANGED, source_name="a.csv", confirm=token)
    assert hanoi_2024().index == Decimal("86.40")


def test_the_same_file_again_writes_nothing(stored: None) -> None:
    before = AuditEvent.objects.count()
    summary = national_results_import(text=STORED, source_name="2024.csv")
    assert (summary.added, summary.changed, summary.unchanged) == (0, 0, 2)
    assert AuditEvent.objects.count() == before


def test_years_changes_need_confirmation_too(db: None) -> None:
    national_years_import(text="year,provinces,average\n2024,63,83.50\n", source_name="y.csv")
    (added,) = events("national.year_add")
    assert added.before is None and added.after == {
        "year": 2024,
        "provinces": 63,
        "average": "83.50",
        "bands": [],
        "source": "",
        "note": "",
    }
    changed = "year,provinces,average\n2024,63,84.00\n"
    with pytest.raises(ConfirmationNeeded) as raised:
        national_years_import(text=changed, source_name="y.csv")
    (change,) = raised.value.preview.changes
    assert change.fields == [
        ("bình quân cả nước", "83.50", "84.00")
    ]  # the field's name, in Vietnamese
    assert NationalYear.objects.get(year=2024).average == Decimal("83.50")
    national_years_import(text=changed, source_name="y.csv", confirm=raised.value.preview.token)
    assert NationalYear.objects.get(year=2024).average == Decimal("84.00")
    (event,) = events("national.year_change")
    assert event.before == {"average": "83.50"} and event.after == {
        "year": 2024,
        "average": "84.00",
    }
