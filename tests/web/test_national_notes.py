"""The notes of national figures ("+4.30 vs 2023, up 1 place", "value not found") read in the
page's language, numbers in its format: Vietnamese pages say "+4,30 so với 2023, tăng 1 bậc"."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from django.utils import translation

from parindex.national import demo as national_demo
from parindex.national.models import NationalResult
from parindex.national.notes import note_text

from .english_fragments import assert_no_english
from .factories import World

DATA = Path(__file__).resolve().parents[2] / "data" / "national"


@pytest.mark.parametrize(
    ("note", "vi", "en"),
    [
        (
            "+4.30 vs 2023, up 1 place",
            "+4,30 so với 2023, tăng 1 bậc",
            "+4.30 vs 2023, up 1 place",
        ),
        ("value not found", "không tìm thấy giá trị", "value not found"),
        (
            "last place; value not found",
            "xếp cuối; không tìm thấy giá trị",
            "last place; value not found",
        ),
        ("up 6 places vs 2022", "tăng 6 bậc so với 2022", "up 6 places vs 2022"),
        (
            "+2.76 and up 1 place vs 2020",
            "+2,76 và tăng 1 bậc so với 2020",
            "+2.76 and up 1 place vs 2020",
        ),
        (
            "DERIVED: 83.32 − 2.55; rank 11 + 3",
            "TÍNH SUY RA: 83,32 − 2,55; thứ hạng 11 + 3",
            "DERIVED: 83.32 − 2.55; rank 11 + 3",
        ),
        (
            "down 7 places vs 2020; rank not stated",
            "giảm 7 bậc so với 2020; không nêu thứ hạng",
            "down 7 places vs 2020; rank not stated",
        ),
        # a clause no phrase knows is the source's own words: kept as written
        (
            "xem công văn 12/SNV; value not found",
            "xem công văn 12/SNV; không tìm thấy giá trị",
            None,
        ),
    ],
)
def test_note_in_both_languages(note: str, vi: str, en: str | None) -> None:
    with translation.override("vi"):
        assert note_text(note) == vi
    with translation.override("en"):
        assert note_text(note) == (en or note)


def shipped_notes() -> list[str]:
    notes = []
    for name in ("par_results.csv", "par_years.csv"):
        lines = [
            line
            for line in (DATA / name).read_text(encoding="utf-8").splitlines()
            if not line.startswith("#")
        ]
        notes += [row["note"] for row in csv.DictReader(lines) if row["note"]]
    return notes


def test_every_shipped_note_is_read() -> None:
    """Each clause of every note in data/national/ is a known phrase (a new wording in the
    data needs its phrase in parindex/national/notes.py)."""
    with translation.override("vi"):
        unknown = [n for n in shipped_notes() if note_text(n, strict=True) is None]
    assert unknown == []


@pytest.fixture
def national(world: World) -> None:
    national_demo.build(log=lambda _: None)


def test_pages_in_vietnamese(national: None, anonymous) -> None:
    html = anonymous.get("/national/?year=2024").content.decode()
    assert "NÊU TRỰC TIẾP: +4,30, tăng 1 bậc" in html
    assert "không tìm thấy giá trị" in html
    for year in sorted(set(NationalResult.objects.values_list("year", flat=True))):
        assert_no_english(anonymous.get(f"/national/?year={year}").content.decode())
    for code in sorted(set(NationalResult.objects.values_list("unit__code", flat=True))):
        assert_no_english(anonymous.get(f"/national/{code}/").content.decode())
    html = anonymous.get("/national/HAI-PHONG/").content.decode()
    assert "NÊU TRỰC TIẾP: +4,30, tăng 1 bậc" in html


def test_pages_in_english(national: None, anonymous) -> None:
    anonymous.cookies["django_language"] = "en"
    html = anonymous.get("/national/?year=2024").content.decode()
    assert "DIRECT: +4.30, up 1" in html and "value not found" in html
    html = anonymous.get("/national/?year=2019").content.decode()
    assert "national average not found" in html
