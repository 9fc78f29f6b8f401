"""Names a person reads, and plausible ratios: docs/methodology.md M43–M49 (docs/formats.md §1.2,
§1.5, §1.6 and §2).

Choice options and unit types with titles, ``max_percent`` on ratio rules, ratio terms that look
like thousands-grouped numbers, warnings summarised on standard error, and every message quoting
the value as written. Each example of the methodology is checked here with its points and its
exact messages in Vietnamese and English.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pxkit import errors_of, fw_text, load, one_error, one_leaf, points, score

from parindex.cli import main
from parindex.core import (
    Framework,
    FrameworkError,
    UnitInfo,
    ValueRuleError,
    compute,
    load_framework,
)
from parindex.core.rules import ChoiceRule, Option, ProportionalRule, RatioRule

FRAMEWORKS = Path(__file__).resolve().parents[2] / "frameworks"
SHIPPED = ("provincial-par-index.yaml", "province-internal.yaml")
PROPERTY = settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])

CHOICE = """
- code: "1"
  title: "Ban hành kế hoạch CCHC năm đúng thời hạn"
  max: 1
  rule:
    type: choice
    options:
      dung_han: {points: 1, title: {vi: "Đúng hạn", en: "On time"}}
      cham: {points: 0.5, title: {vi: "Chậm", en: "Late"}}
      khong_ban_hanh: {points: 0, title: {vi: "Không ban hành", en: "Not issued"}}
"""
RATIO_100 = (
    "{type: ratio, max_percent: 100, "
    "brackets: [{min: 95, points: 2}, {min: 90, points: 1}, {min: 0, points: 0}]}"
)
RATIO_OPEN = (
    "{type: ratio, brackets: [{min: 100, points: 2}, {min: 90, points: 1}, {min: 0, points: 0}]}"
)
PROPORTIONAL_100 = "{type: proportional, max_percent: 100}"


def _shipped(name: str) -> Framework:
    return load_framework((FRAMEWORKS / name).read_text(encoding="utf-8"), f"frameworks/{name}")


def refused(fw: Framework, value: str, reason: str) -> ValueRuleError:
    """The error a value gets on leaf 1: it names the leaf and the value as written, and its
    message is ``value.rejected`` with ``reason`` as the reason."""
    error = one_error(lambda: score(fw, value))
    assert isinstance(error, ValueRuleError), type(error)
    assert error.code == "value.rejected"
    assert error.msg is not None and error.msg.params["reason"].code == reason
    assert error.node == fw.leaves[0].code and error.value == value
    return error


def explained(fw: Framework, value: str) -> tuple[str, str]:
    text = score(fw, value).explanation
    return text.get("vi"), text.get("en")


# -- M43 choice options with titles ------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("cham", "0.50"),  # the key
        ("Chậm", "0.50"),  # the Vietnamese title
        ("Late", "0.50"),  # the English title
        ("dung_han", "1.00"),
        ("khong_ban_hanh", "0.00"),
    ],
)
def test_m43_option_by_key_by_vietnamese_title_by_english_title(value: str, expected: str) -> None:
    """M43: `cham`, `Chậm` and `Late` all select option cham (0.50)."""
    assert points(load(CHOICE), value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [("  đúng   HẠN ", "1.00"), ("ON  TIME", "1.00"), ("KHÔNG BAN HÀNH", "0.00"), ("lATE", "0.50")],
)
def test_m43_case_and_spaces_ignored_in_titles(value: str, expected: str) -> None:
    """M43: `  đúng   HẠN ` → 1.00, `ON  TIME` → 1.00, `KHÔNG BAN HÀNH` → 0.00."""
    assert points(load(CHOICE), value) == expected


def test_m43_decomposed_title_reads_as_nfc() -> None:
    """M43: `Đúng hạn` written with combining marks selects dung_han (1.00)."""
    decomposed = unicodedata.normalize("NFD", "Đúng hạn")
    assert decomposed != "Đúng hạn"
    assert points(load(CHOICE), decomposed) == "1.00"


def test_m43_diacritics_count() -> None:
    """M43: `dung han` does not match `Đúng hạn`; the options are listed by their titles."""
    fw = load(CHOICE)
    error = refused(fw, "dung han", "value.choice_unknown")
    assert error.render("en") == (
        "node 1, value 'dung han': choice rule: is not one of the options: "
        "On time, Late, Not issued"
    )
    assert error.render("vi") == (
        "mục 1, giá trị «dung han»: quy tắc chọn phương án: không phải là một phương án của "
        "tiêu chí; các phương án: Đúng hạn, Chậm, Không ban hành"
    )
    refused(fw, "Dung han", "value.choice_unknown")


def test_m43_key_is_matched_exactly() -> None:
    """M43: `CHAM` is refused: the key is matched exactly and `cham` is not a title."""
    refused(load(CHOICE), "CHAM", "value.choice_unknown")


def test_m43_explanation_shows_the_title_in_the_readers_language() -> None:
    """M43: `Late`, `cham` and `Chậm` read `Option «Late» → 0.5 points` /
    `Lựa chọn «Chậm» → 0,5 điểm`."""
    fw = load(CHOICE)
    for value in ("Late", "cham", "Chậm"):
        assert explained(fw, value) == ("Lựa chọn «Chậm» → 0,5 điểm", "Option «Late» → 0.5 points")


@pytest.mark.parametrize("name", SHIPPED)
def test_m43_shipped_options_all_have_both_titles(name: str) -> None:
    """M43: every option of the shipped frameworks has a Vietnamese and an English title, and
    its key and both titles select it."""
    fw = _shipped(name)
    choices = [leaf for leaf in fw.leaves if isinstance(leaf.rule, ChoiceRule)]
    assert choices
    for leaf in choices:
        assert isinstance(leaf.rule, ChoiceRule)
        for option in leaf.rule.options:
            assert option.title is not None and option.title.vi and option.title.en, option.key
            assert option.title.vi != option.key and option.title.en != option.key
            for value in (option.key, option.title.vi, option.title.en):
                scored = score(fw, value, leaf.code)
                assert scored.exact == option.points, (leaf.code, value)
                assert scored.explanation.get("vi").startswith(f"Lựa chọn «{option.title.vi}»")
                assert scored.explanation.get("en").startswith(f"Option «{option.title.en}»")


def test_m43_shipped_issued_on_time_options() -> None:
    """M43: leaf 1.1.1 of both shipped frameworks: dung_han "Ban hành đúng thời hạn" (Issued on
    time), cham "Ban hành chậm" (Issued late), khong_ban_hanh "Không ban hành" (Not issued)."""
    for name in SHIPPED:
        rule = _shipped(name).node("1.1.1").rule
        assert isinstance(rule, ChoiceRule)
        assert [(o.key, o.title and o.title.vi, o.title and o.title.en) for o in rule.options] == [
            ("dung_han", "Ban hành đúng thời hạn", "Issued on time"),
            ("cham", "Ban hành chậm", "Issued late"),
            ("khong_ban_hanh", "Không ban hành", "Not issued"),
        ]


def _options() -> list[tuple[str, str, Option]]:
    """Every option of the shipped frameworks and of M43's example, with its leaf."""
    found = []
    for name in SHIPPED:
        for leaf in _shipped(name).leaves:
            if isinstance(leaf.rule, ChoiceRule):
                found.extend((name, leaf.code, option) for option in leaf.rule.options)
    rule = load(CHOICE).leaves[0].rule
    assert isinstance(rule, ChoiceRule)
    found.extend(("M43", "1", option) for option in rule.options)
    return found


OPTIONS = _options()
FRAMEWORK_OF = {name: _shipped(name) for name in SHIPPED} | {"M43": load(CHOICE)}


@st.composite
def retyped(draw: st.DrawFn, title: str) -> str:
    """``title`` as a person might type it: any letter's case flipped, spaces doubled, padding."""
    # Diacritics are kept: only the case changes.
    text = "".join(c.upper() if draw(st.booleans()) else c.lower() for c in title)
    text = re.sub(" ", lambda _: " " * draw(st.integers(1, 3)), text)
    pad = st.sampled_from(["", " ", "  ", "\t"])
    return draw(pad) + text + draw(pad)


@PROPERTY
@given(data=st.data())
def test_m43_property_any_title_retyped_or_the_key_selects_the_option(data: st.DataObject) -> None:
    """M43: an option's key, or any of its titles with random case and extra inner spaces,
    scores that option's points."""
    name, code, option = data.draw(st.sampled_from(OPTIONS))
    assert option.title is not None
    names = [option.key, *option.names()]
    chosen = data.draw(st.sampled_from(names))
    value = chosen if chosen == option.key else data.draw(retyped(chosen))
    fw = FRAMEWORK_OF[name]
    assert score(fw, value, code).exact == option.points


# -- M44 clashing titles ------------------------------------------------------------------------

CLASH = """
- code: "1"
  title: "Ban hành kế hoạch CCHC năm đúng thời hạn"
  max: 1
  rule:
    type: choice
    options:
      dung_han: {points: 1, title: "Đúng hạn"}
      som: {points: 1, title: {vi: "ĐÚNG  HẠN", en: "Early"}}
      cham: 0.5
      tre: {points: 0, title: "Cham"}
"""


def test_m44_clashing_titles_are_refused() -> None:
    """M44: `ĐÚNG  HẠN` clashes with `Đúng hạn`, and the title `Cham` with the key cham."""
    errors = errors_of(lambda: load(CLASH))
    assert all(isinstance(e, FrameworkError) for e in errors)
    assert [e.code for e in errors] == ["fw.option_title_clash"] * 2
    assert [e.render("en") for e in errors] == [
        "fw.yaml:10, node 1: title 'ĐÚNG  HẠN' of option 'som' would also match option 'dung_han'",
        "fw.yaml:10, node 1: title 'Cham' of option 'tre' would also match option 'cham'",
    ]
    assert [e.render("vi") for e in errors] == [
        "fw.yaml:10, mục 1: tên «ĐÚNG  HẠN» của phương án 'som' trùng với phương án 'dung_han'",
        "fw.yaml:10, mục 1: tên «Cham» của phương án 'tre' trùng với phương án 'cham'",
    ]
    assert fw_text(CLASH).splitlines()[9].strip() == "type: choice"  # line 10: the rule


def test_m44_diacritics_and_own_key_are_no_clash() -> None:
    """M44: a title `Chậm` beside the key cham, and a title matching its own key, load."""
    fw = load(
        CLASH.replace('title: {vi: "ĐÚNG  HẠN", en: "Early"}', 'title: "Sớm"').replace(
            'title: "Cham"', 'title: "Chậm"'
        )
    )
    assert points(fw, "chậm") == "0.00" and points(fw, "cham") == "0.50"
    own = one_leaf('{type: choice, options: {cham: {points: 0.5, title: "CHAM"}, x: 0}}')
    assert points(own, "cham") == "0.50" and points(own, "Cham") == "0.50"


# -- M45 unit type titles ----------------------------------------------------------------------

UNIT_TYPES = """\
unit_types:
  - {code: department, title: {vi: "Sở, ban, ngành", en: "Departments"}}
  - {code: commune, title: {vi: "UBND cấp xã"}}
  - district
"""


def test_m45_unit_type_titles_are_shown_instead_of_codes() -> None:
    """M45: department is shown as Sở, ban, ngành / Departments; commune falls back to its
    Vietnamese title; district, without a title, is shown by its code."""
    fw = load(
        '- {code: "1", title: L, max: 1, applies_to: [department], rule: {type: yes_no}}',
        UNIT_TYPES,
    )
    assert fw.unit_types == ("department", "commune", "district")
    labels = {
        code: (fw.unit_type_label(code, "vi"), fw.unit_type_label(code, "en"))
        for code in fw.unit_types
    }
    assert labels == {
        "department": ("Sở, ban, ngành", "Departments"),
        "commune": ("UBND cấp xã", "UBND cấp xã"),
        "district": ("district", "district"),
    }
    assert fw.leaves[0].applies("department") and not fw.leaves[0].applies("commune")


def test_m45_applies_to_names_codes_not_titles() -> None:
    """M45: `applies_to: ["Sở, ban, ngành"]` is refused."""
    error = one_error(
        lambda: load(
            '- {code: "1", title: L, max: 1, applies_to: ["Sở, ban, ngành"], rule: {type: yes_no}}',
            UNIT_TYPES,
        )
    )
    assert error.code == "fw.applies_to_unknown"
    assert error.render("en") == (
        "fw.yaml:10, node 1: applies_to type 'Sở, ban, ngành' is not in unit_types "
        "(department, commune, district)"
    )
    assert error.render("vi") == (
        "fw.yaml:10, mục 1: loại đơn vị 'Sở, ban, ngành' của applies_to không có trong "
        "unit_types (department, commune, district)"
    )


def test_m45_shipped_internal_unit_type_titles() -> None:
    """M45: province-internal titles its types Sở, ban, ngành and UBND cấp xã."""
    fw = _shipped("province-internal.yaml")
    assert [(fw.unit_type_label(t, "vi"), fw.unit_type_label(t, "en")) for t in fw.unit_types] == [
        ("Sở, ban, ngành", "Departments"),
        ("UBND cấp xã", "Commune People's Committees"),
    ]


# -- M46 max_percent ---------------------------------------------------------------------------

ABOVE_EN = (
    "exceeds this leaf's limit of 100% (the numerator cannot exceed the denominator here); "
    "check the figures"
)
ABOVE_VI = (
    "vượt quá mức tối đa 100% của tiêu chí (tử số không thể lớn hơn mẫu số ở đây); "
    "kiểm tra lại số liệu"
)


@pytest.mark.parametrize("value", ["20/20", "19/20", "100%", "1"])
def test_m46_at_most_the_limit_is_accepted(value: str) -> None:
    """M46: `20/20`, `19/20` and `100%` → 2.00 on a ratio leaf with max_percent 100."""
    assert points(one_leaf(RATIO_100, max="2"), value) == "2.00"


def test_m46_above_the_limit_is_refused() -> None:
    """M46: `25/20` is refused on a ratio leaf with max_percent 100."""
    error = refused(one_leaf(RATIO_100, max="2"), "25/20", "value.ratio_above_max_percent")
    assert error.render("en") == (
        f"node 1, value '25/20': ratio rule: the ratio 25/20 = 125% {ABOVE_EN}"
    )
    assert error.render("vi") == (
        f"mục 1, giá trị «25/20»: quy tắc tỷ lệ theo mức: tỷ lệ 25/20 = 125% {ABOVE_VI}"
    )


def test_m46_percent_and_decimal_terms_above_the_limit() -> None:
    """M46: `125%` and `20.5/20` are refused; the figures follow the reader's format."""
    fw = one_leaf(RATIO_100, max="2")
    error = refused(fw, "125%", "value.ratio_above_max_percent")
    # A percentage has no numerator: the note about numerator and denominator is left out.
    assert error.render("en") == (
        "node 1, value '125%': ratio rule: the ratio 125% exceeds this leaf's limit of 100%; "
        "check the figures"
    )
    assert error.render("vi") == (
        "mục 1, giá trị «125%»: quy tắc tỷ lệ theo mức: tỷ lệ 125% vượt quá mức tối đa 100% "
        "của tiêu chí; kiểm tra lại số liệu"
    )
    error = refused(fw, "20.5/20", "value.ratio_above_max_percent")
    assert error.render("en") == (
        f"node 1, value '20.5/20': ratio rule: the ratio 20.5/20 = 102.5% {ABOVE_EN}"
    )
    assert error.render("vi") == (
        f"mục 1, giá trị «20.5/20»: quy tắc tỷ lệ theo mức: tỷ lệ 20,5/20 = 102,5% {ABOVE_VI}"
    )


def test_m46_proportional_with_max_percent() -> None:
    """M46: proportional, max 1.5, max_percent 100: `20/20` → 1.50, `25/20` refused."""
    fw = one_leaf(PROPORTIONAL_100, max="1.5")
    assert points(fw, "20/20") == "1.50"
    error = refused(fw, "25/20", "value.ratio_above_max_percent")
    assert error.render("en") == (
        f"node 1, value '25/20': proportional rule: the ratio 25/20 = 125% {ABOVE_EN}"
    )
    assert error.render("vi") == (
        f"mục 1, giá trị «25/20»: quy tắc tỷ lệ tương ứng: tỷ lệ 25/20 = 125% {ABOVE_VI}"
    )


def test_m46_without_max_percent_above_100_is_valid() -> None:
    """M46: without max_percent, `120%` and `25/20` → 2.00 on a ratio leaf, and `120%` → 1.50
    on a proportional leaf of max 1.5, counted as 100 %."""
    ratio = one_leaf(RATIO_OPEN, max="2")
    assert points(ratio, "120%") == "2.00" and points(ratio, "25/20") == "2.00"
    proportional = one_leaf("{type: proportional}", max="1.5")
    assert points(proportional, "120%") == "1.50"
    assert explained(proportional, "120%") == (
        "Tỷ lệ 120% × 1,5 = 1,5 điểm (tỷ lệ vượt 100% tính là 100%)",
        "Ratio 120% × 1.5 = 1.5 points (a ratio above 100% counts as 100%)",
    )


OPEN_ENDED = {
    "provincial-par-index.yaml": {"6.1.1", "8.2.1", "8.2.2", "8.2.3"},
    "province-internal.yaml": {"4.3.2", "6.1.2", "6.2.2", "8.2.2"},
}


@pytest.mark.parametrize("name", SHIPPED)
def test_m46_shipped_bounded_ratios_have_max_percent_100(name: str) -> None:
    """M46: every ratio of the shipped frameworks has max_percent 100, except those that can
    genuinely exceed 100 % (disbursement, revenue, growth and socio-economic targets, new
    enterprises, staff streamlining)."""
    fw = _shipped(name)
    ratios = [leaf for leaf in fw.leaves if isinstance(leaf.rule, RatioRule | ProportionalRule)]
    open_ended = {
        leaf.code
        for leaf in ratios
        if isinstance(leaf.rule, RatioRule | ProportionalRule) and leaf.rule.max_percent is None
    }
    assert open_ended == OPEN_ENDED[name]
    for leaf in ratios:
        assert isinstance(leaf.rule, RatioRule | ProportionalRule)
        if leaf.code not in open_ended:
            assert leaf.rule.max_percent == 100, leaf.code
            refused(_single(fw, leaf.code), "101/100", "value.ratio_above_max_percent")
            assert score(fw, "100/100", leaf.code).exact == leaf.max


def _single(fw: Framework, code: str) -> Framework:
    """A framework whose leaf 1 has the rule and max of ``fw``'s leaf ``code`` (for refused())."""
    leaf = fw.node(code)
    rule = leaf.rule
    assert isinstance(rule, RatioRule | ProportionalRule)
    if isinstance(rule, ProportionalRule):
        text = "{type: proportional, max_percent: 100}"
    else:
        brackets = ", ".join(f"{{min: {b.min}, points: {b.points}}}" for b in rule.brackets)
        text = f"{{type: ratio, max_percent: 100, brackets: [{brackets}]}}"
    return one_leaf(text, max=str(leaf.max))


@PROPERTY
@given(a=st.integers(0, 10**9), b=st.integers(1, 10**9))
def test_m46_property_a_over_b_is_refused_exactly_when_a_exceeds_b(a: int, b: int) -> None:
    """M46: on a max_percent 100 leaf, any a/b with a <= b scores and any a > b is refused."""
    for rule, top in ((PROPORTIONAL_100, "1"), (RATIO_100, "2")):
        fw = one_leaf(rule, max=top)
        if a <= b:
            assert score(fw, f"{a}/{b}").status == "scored"
        else:
            refused(fw, f"{a}/{b}", "value.ratio_above_max_percent")


# -- M47 thousands-looking ratio terms ---------------------------------------------------------

THOUSANDS_EN = (
    "the dot may be a thousands separator; write the number without separators ({whole}) or "
    "without the trailing zeros ({trimmed})"
)
THOUSANDS_VI = (
    "dấu chấm ở đây có thể là dấu phân cách hàng nghìn; viết số không có dấu phân cách "
    "({whole}) hoặc bỏ các số 0 ở cuối phần thập phân ({trimmed})"
)


def test_m47_950_over_1_000_is_refused() -> None:
    """M47: `950/1.000` is refused: the dot may be a thousands separator."""
    error = refused(one_leaf("{type: proportional}"), "950/1.000", "value.ratio_thousands")
    assert error.render("en") == (
        "node 1, value '950/1.000': proportional rule: '1.000': "
        + THOUSANDS_EN.format(whole="1000", trimmed="1")
    )
    assert error.render("vi") == (
        "mục 1, giá trị «950/1.000»: quy tắc tỷ lệ tương ứng: «1.000»: "
        + THOUSANDS_VI.format(whole="1000", trimmed="1")
    )


def test_m47_950_over_1000_is_95_percent() -> None:
    """M47: `950/1000` → 0.95; the Vietnamese explanation writes 1000 as 1.000."""
    fw = one_leaf("{type: proportional}")
    assert points(fw, "950/1000") == "0.95"
    assert explained(fw, "950/1000") == (
        "Tỷ lệ 950/1.000 = 95% × 1 = 0,95 điểm",
        "Ratio 950/1000 = 95% × 1 = 0.95 points",
    )


def test_m47_other_thousands_terms_and_spaces() -> None:
    """M47: `12.500/20000` suggests 12500 or 12.5; `950 / 1.000` is quoted with its spaces."""
    fw = one_leaf("{type: proportional}")
    error = refused(fw, "12.500/20000", "value.ratio_thousands")
    assert error.render("en") == (
        "node 1, value '12.500/20000': proportional rule: '12.500': "
        + THOUSANDS_EN.format(whole="12500", trimmed="12.5")
    )
    assert error.render("vi") == (
        "mục 1, giá trị «12.500/20000»: quy tắc tỷ lệ tương ứng: «12.500»: "
        + THOUSANDS_VI.format(whole="12500", trimmed="12.5")
    )
    error = refused(fw, "950 / 1.000", "value.ratio_thousands")
    assert error.render("en").startswith(
        "node 1, value '950 / 1.000': proportional rule: '1.000': "
    )
    assert error.render("vi").startswith(
        "mục 1, giá trị «950 / 1.000»: quy tắc tỷ lệ tương ứng: «1.000»: "
    )


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("0.125", "0.13"),
        ("17.5/20", "0.88"),
        ("2.25/3", "0.75"),
        ("0.500/1", "0.50"),
        ("1.0000/2", "0.50"),
    ],
)
def test_m47_other_decimal_terms_are_unaffected(value: str, expected: str) -> None:
    """M47: `0.125` → 0.13, `17.5/20` → 0.88, `2.25/3` → 0.75, `0.500/1` and `1.0000/2` → 0.50."""
    assert points(one_leaf("{type: proportional}"), value) == expected


@pytest.mark.parametrize(
    ("value", "expected"), [("01.000/2", "0.50"), ("1.000", "1.00"), ("1.000%", "0.01")]
)
def test_m47_d10_d11_leading_zero_and_plain_forms(value: str, expected: str) -> None:
    """M47, D10, D11: `01.000/2` is 1/2; plain `1.000` is the fraction 1; `1.000%` is 1 %."""
    assert points(one_leaf("{type: proportional}"), value) == expected


@pytest.mark.parametrize(
    ("value", "term", "whole"),
    [("1.234.567/2000000", "1.234.567", "1234567"), ("1/1.000.000", "1.000.000", "1000000")],
)
def test_m47_several_groups_are_refused(value: str, term: str, whole: str) -> None:
    """M47: a term with several groups (`1.234.567`) is refused like `1.000`, not a crash."""
    error = refused(one_leaf("{type: proportional}"), value, "value.ratio_thousands_groups")
    assert f"'{term}': the dots are thousands separators" in error.render("en")
    assert f"without separators ({whole})" in error.render("en")
    assert f"«{term}»: các dấu chấm ở đây là dấu phân cách hàng nghìn" in error.render("vi")


THOUSANDS_TERM = st.builds(
    lambda head, groups: head + "".join("." + g for g in groups),
    st.from_regex(r"[1-9][0-9]{0,2}", fullmatch=True),
    st.lists(st.from_regex(r"[0-9]{3}", fullmatch=True), min_size=1, max_size=3),
)


@PROPERTY
@given(term=THOUSANDS_TERM, other=st.integers(1, 10**6), first=st.booleans())
def test_m47_property_a_thousands_term_is_refused(term: str, other: int, first: bool) -> None:
    """M47: any term of one to three digits (not starting with 0) and groups of three digits
    after dots is refused, as numerator or denominator, naming the number without separators."""
    value = f"{term}/{other}" if first else f"{other}/{term}"
    code = "value.ratio_thousands" if term.count(".") == 1 else "value.ratio_thousands_groups"
    error = refused(one_leaf(RATIO_OPEN, max="2"), value, code)
    assert f"'{term}': the dot" in error.render("en")
    assert f"({term.replace('.', '')})" in error.render("en")


@PROPERTY
@given(a=st.integers(0, 10**15), b=st.integers(1, 10**15))
def test_m47_property_plain_integers_are_accepted(a: int, b: int) -> None:
    """M47: any a/b of plain integers is read as a ratio (no max_percent on the leaf)."""
    scored = score(one_leaf(RATIO_OPEN, max="2"), f"{a}/{b}")
    expected = "2" if a >= b else ("1" if a * 100 >= 90 * b else "0")
    assert scored.exact == int(expected)


# -- M48 warnings on standard error ------------------------------------------------------------

M24 = """\
format: parindex.framework/1
code: demo
version: "2024"
title: Demo
unit_types: [department, commune]
nodes:
  - code: "1"
    title: Area
    children:
      - {code: "1.1", title: A, max: 1, rule: {type: yes_no}}
      - {code: "1.2", title: B, max: 1.5, applies_to: [department], rule: {type: proportional}}
"""


def _ignored(tmp_path: Path, count: int) -> list[str]:
    (tmp_path / "fw.yaml").write_text(M24, encoding="utf-8")
    rows = "".join(f"C{i},1.2,1/2\n" for i in range(count))
    (tmp_path / "many.csv").write_text("unit,item,value\n" + rows, encoding="utf-8")
    units = "".join(f"C{i},commune\n" for i in range(count))
    (tmp_path / "units.csv").write_text("unit,type\n" + units, encoding="utf-8")
    return ["compute", "fw.yaml", "many.csv", "--units", "units.csv", "--format", "csv"]


def test_m48_warnings_are_summarised(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """M48: 25 ignored values print the count and the first ten with their lines (11 lines);
    --verbose prints all 25; the exit status is 0."""
    monkeypatch.chdir(tmp_path)
    args = _ignored(tmp_path, 25)
    assert main(args) == 0
    lines = capsys.readouterr().err.splitlines()
    assert len(lines) == 11
    assert lines[0] == (
        "warning: 25 values ignored because their leaf does not apply to the unit's type; "
        "the first 10 (--verbose lists every one):"
    )
    assert lines[1] == (
        "warning: many.csv:2, unit C0, node 1.2: does not apply to type commune; value ignored"
    )
    assert lines[10] == (
        "warning: many.csv:11, unit C9, node 1.2: does not apply to type commune; value ignored"
    )
    assert main([*args, "--verbose"]) == 0
    lines = capsys.readouterr().err.splitlines()
    assert len(lines) == 25
    assert all(re.fullmatch(r"warning: many\.csv:\d+, unit C\d+, node 1\.2: .*", x) for x in lines)
    assert main(["--lang", "vi", *args]) == 0
    assert capsys.readouterr().err.splitlines()[:2] == [
        "warning: 25 giá trị được bỏ qua vì tiêu chí không áp dụng cho loại đơn vị; "
        "10 cảnh báo đầu tiên (--verbose để xem tất cả):",
        "warning: many.csv:2, đơn vị C0, mục 1.2: không áp dụng cho loại đơn vị commune; "
        "giá trị được bỏ qua",
    ]


def test_m48_ten_warnings_print_without_a_summary(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """M48: with 10 such rows, the 10 warnings are printed without a summary line."""
    monkeypatch.chdir(tmp_path)
    assert main(_ignored(tmp_path, 10)) == 0
    lines = capsys.readouterr().err.splitlines()
    assert len(lines) == 10
    assert all("does not apply to type commune; value ignored" in x for x in lines)


# -- M49 every error names the value as written ------------------------------------------------


@pytest.mark.parametrize(
    ("rule", "value", "en", "vi"),
    [
        (
            "{type: proportional}",
            "950 / 1.000",
            "node 1, value '950 / 1.000': proportional rule: '1.000': the dot may be",
            "mục 1, giá trị «950 / 1.000»: quy tắc tỷ lệ tương ứng: «1.000»: dấu chấm ở đây",
        ),
        (
            RATIO_100,
            "20.5/20",
            "node 1, value '20.5/20': ratio rule: the ratio 20.5/20 = 102.5% exceeds",
            "mục 1, giá trị «20.5/20»: quy tắc tỷ lệ theo mức: tỷ lệ 20,5/20 = 102,5% vượt quá",
        ),
        (
            "{type: proportional}",
            "1,5",
            "node 1, value '1,5': proportional rule: use '.' as the decimal separator: write 1.5",
            "mục 1, giá trị «1,5»: quy tắc tỷ lệ tương ứng: dùng dấu chấm '.' làm dấu thập phân "
            "trong tệp dữ liệu: viết 1.5",
        ),
    ],
)
def test_m49_value_errors_quote_the_value_as_written(
    rule: str, value: str, en: str, vi: str
) -> None:
    """M49: `950 / 1.000`, `20.5/20` and `1,5` are quoted as written, in both languages."""
    error = one_error(lambda: score(one_leaf(rule, max="2"), value))
    assert error.value == value
    assert error.render("en").startswith(en)
    assert error.render("vi").startswith(vi)


def test_m49_framework_errors_quote_the_value_as_written() -> None:
    """M49: `max_percent: 1,5` and `type: magic` are quoted as written."""
    nodes = """
    - code: "1"
      title: L
      max: 1
      rule:
        type: proportional
        max_percent: 1,5
    """
    error = one_error(lambda: load(nodes))
    assert error.code == "fw.bad_number"
    assert error.render("en") == (
        "fw.yaml:11, node 1: max_percent '1,5': use '.' as the decimal separator: write 1.5"
    )
    assert error.render("vi") == (
        "fw.yaml:11, mục 1: max_percent «1,5»: dùng dấu chấm '.' làm dấu thập phân trong tệp "
        "dữ liệu: viết 1.5"
    )
    error = one_error(lambda: one_leaf("{type: magic}"))
    assert error.code == "fw.rule_type"
    kinds = "points, choice, yes_no, ratio, proportional, count, deduction, survey"
    assert error.render("en") == f"fw.yaml:6, node 1: rule type 'magic' is not one of {kinds}"
    assert error.render("vi") == (
        f"fw.yaml:6, mục 1: loại quy tắc «magic» không hợp lệ; phải là một trong: {kinds}"
    )


def test_an_option_named_like_not_applicable_is_refused() -> None:
    """D12: an option whose key or title is an n/a word could never be chosen on an allow_na
    leaf (the value reads as n/a), so the framework file is refused."""
    text = """
- code: "1"
  title: "Áp dụng hệ thống quản lý chất lượng"
  max: 1
  rule:
    type: choice
    options:
      co: 1
      khong_ap_dung: {points: 0, title: "Không áp dụng"}
"""
    errors = errors_of(lambda: load(text))
    assert [e.code for e in errors] == ["fw.option_na_word"]
    assert "«Không áp dụng» là từ dành cho «không áp dụng»" in errors[0].render("vi")


def test_not_applicable_warning_names_the_unit_type_by_its_title() -> None:
    """M45: the warning for an ignored value names the unit type by its title."""
    fw = load_framework(
        """format: parindex.framework/1
code: demo
version: "1"
title: "Demo"
unit_types:
  - {code: department, title: {vi: "Sở, ban, ngành", en: "Departments"}}
  - commune
nodes:
  - code: "1"
    title: "A"
    children:
      - {code: "1.1", title: a, max: 1, rule: {type: yes_no}}
      - {code: "1.2", title: b, max: 1, rule: {type: yes_no}, applies_to: [commune]}
""",
        "fw.yaml",
    )
    result = compute(fw, {"S": {"1.1": "có", "1.2": "có"}}, [UnitInfo("S", type="department")])
    (warning,) = result.warnings
    assert warning.render("vi") == (
        "đơn vị S, mục 1.2: không áp dụng cho loại đơn vị Sở, ban, ngành; giá trị được bỏ qua"
    )
    assert warning.render("en") == (
        "unit S, node 1.2: does not apply to type Departments; value ignored"
    )
