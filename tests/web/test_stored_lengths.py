"""Stored values respect their columns and hold no control character, on every database: a value
too long for its column is refused with a message (never cut short by SQLite, never a server
error on PostgreSQL), and a NUL byte in an import names its line and column."""

from __future__ import annotations

import pytest

from parindex.assessments.services import ANSWER_MAX_CHARS, answer_save
from parindex.core import ValueRuleError
from parindex.national.models import NationalResult
from parindex.national.services import NationalImportError, national_results_import
from parindex.results.models import Answer
from parindex.units.models import Unit

from . import assessments_fixtures as fx
from .factories import World

opened = fx.opened


def test_a_value_longer_than_its_column_is_refused(opened: fx.Open, editor_a) -> None:
    """ "1 …300 spaces… /2" is a ratio the rule reads; stored it would not fit 200 characters."""
    value = "1" + " " * 300 + "/2"
    with pytest.raises(ValueRuleError) as caught:
        answer_save(assessment=opened.a, leaf_code="1.1.2", value=value, version=0, actor=editor_a)
    assert caught.value.code == "text.too_long"
    assert str(ANSWER_MAX_CHARS) in caught.value.text("vi")
    assert not Answer.objects.filter(cycle=opened.cycle).exists()
    saved = answer_save(
        assessment=opened.a, leaf_code="1.1.2", value="1 / 2", version=0, actor=editor_a
    )
    assert saved.value == "1 / 2"


def test_a_nul_byte_in_a_national_file_is_refused_and_overwrites_nothing(world: World) -> None:
    national_results_import(
        text="year,province,index,rank,band\n2024,Hà Nội,88.50,5,B\n", source_name="a.csv"
    )
    text = "year,province,index,rank,band,note\n2024,Hà Nội\x00,10.00,63,D,\x01\n"
    with pytest.raises(NationalImportError) as caught:
        national_results_import(text=text, source_name="b.csv")
    problems = [(p.line, p.column) for p in caught.value.problems]
    assert problems == [(2, "province"), (2, "note")]
    assert caught.value.problems[0].message.startswith("Ô có ký tự điều khiển U+0000")
    assert "\x00" not in str(caught.value)
    assert list(NationalResult.objects.values_list("unit__name", "index")) == [
        ("Hà Nội", NationalResult.objects.get().index)
    ]
    assert str(NationalResult.objects.get().index) == "88.50"


def test_national_names_and_codes_longer_than_their_columns_are_refused(world: World) -> None:
    long_name = "Tỉnh " + "Rất Dài " * 30
    text = (
        "year,province,index,rank,band,province_code\n"
        f"2024,{long_name},80,1,B,\n"
        f"2024,Hà Nội,80,1,B,{'A' * 41}\n"
    )
    with pytest.raises(NationalImportError) as caught:
        national_results_import(text=text, source_name="c.csv")
    problems = [(p.line, p.column) for p in caught.value.problems]
    assert problems == [(2, "province"), (3, "province_code")]
    assert not Unit.objects.filter(name__startswith="Tỉnh Rất").exists()
