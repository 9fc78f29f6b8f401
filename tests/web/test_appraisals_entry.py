"""The appraiser types a new figure the way the unit typed its declaration: a ratio in two
numbers, a choice by its title, yes/no by two radios, counts and points read in the page's
language (``0,5`` in Vietnamese, ``1.000`` refused as ambiguous with what was understood).
A refused figure saves nothing and says why in the page's language; the pages show every
declared or appraised value as a person reads it (the option's title, Có/Không, 1.000)."""

from __future__ import annotations

import re
from decimal import Decimal
from html.parser import HTMLParser

from django.template.loader import render_to_string

from parindex.appraisals import services
from parindex.appraisals.forms import figure_input
from parindex.appraisals.models import LeafAppraisal
from parindex.results.models import AppraisedValue

from . import appraisals_fixtures as fx
from .appraisals_fixtures import CHOICE_LEAF, DEDUCTION_LEAF, RATIO_LEAF, Appraisal
from .english_fragments import assert_no_english, visible_text
from .factories import browse

HX = {"HTTP_HX_REQUEST": "true"}
YES_NO_LEAF = "2.4.2"  # yes/no, area 2
KEYS = ("dung_han", "cham", "khong_ban_hanh")


class _Inputs(HTMLParser):
    """The controls of one form (the first whose class is ``form_class``)."""

    def __init__(self, form_class: str) -> None:
        super().__init__()
        self.form_class = form_class
        self.inside = False
        self.done = False
        self.controls: list[tuple[str, dict[str, str]]] = []
        self.options: list[tuple[str, str]] = []
        self._option: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = {k: v or "" for k, v in attrs}
        if tag == "form" and not self.done and self.form_class in found.get("class", "").split():
            self.inside = True
        elif self.inside and tag in ("input", "select", "textarea"):
            self.controls.append((tag, found))
        elif self.inside and tag == "option":
            self._option = found.get("value", "")
            self.options.append((self._option, ""))

    def handle_data(self, data: str) -> None:
        if self._option is not None:
            key, text = self.options[-1]
            self.options[-1] = (key, text + data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "option":
            self._option = None
        elif tag == "form" and self.inside:
            self.inside, self.done = False, True


def form_of(html: str, form_class: str = "adjust") -> _Inputs:
    reader = _Inputs(form_class)
    reader.feed(html)
    assert reader.done, f"no form .{form_class}"
    return reader


def control(form: _Inputs, name: str) -> dict[str, str]:
    found = [attrs for _, attrs in form.controls if attrs.get("name") == name]
    assert found, f"no control {name!r}"
    return found[0]


def english(client):  # type: ignore[no-untyped-def]
    """``client`` after the language switch to English (the browser's preference is ignored)."""
    client.cookies["django_language"] = "en"
    return client


def adjust(  # type: ignore[no-untyped-def]
    ap: Appraisal, code: str, fields: dict[str, str], *, lang: str = "vi", **extra: object
):
    client = browse(ap.appraiser if code != YES_NO_LEAF else ap.appraiser_2)
    if lang == "en":
        english(client)
    data = {"decision": "adjusted", "reason": "Số liệu thẩm định.", "version": 0, **fields}
    return client.post(ap.leaf_url("decide", code), data, **extra)


def error_of(response) -> str:  # type: ignore[no-untyped-def]
    match = re.search(r'<p class="errors" role="alert">(.*?)</p>', response.content.decode(), re.S)
    assert match, "no error shown"
    return visible_text(match.group(1))


# -- the inputs ---------------------------------------------------------------------------------


def test_the_adjust_form_of_a_ratio_leaf_takes_numerator_and_denominator(
    appraisal: Appraisal,
) -> None:
    ap = appraisal
    page = browse(ap.appraiser).get(ap.leaf_url("leaf", RATIO_LEAF))
    assert page.status_code == 200
    form = form_of(page.content.decode())
    names = {attrs.get("name") for _, attrs in form.controls}
    assert {"numerator", "denominator", "points", "reason"} <= names
    assert "value" not in names  # no free text to write "45/50" in
    assert control(form, "numerator")["inputmode"] == "decimal"
    assert control(form, "denominator")["inputmode"] == "decimal"


def test_the_adjust_form_of_a_choice_leaf_lists_the_options_by_title(
    appraisal: Appraisal,
) -> None:
    ap = appraisal
    body = browse(ap.appraiser).get(ap.leaf_url("leaf", CHOICE_LEAF)).content.decode()
    form = form_of(body)
    assert [tag for tag, attrs in form.controls if attrs.get("name") == "value"] == ["select"]
    options = dict(form.options)
    assert options["cham"].startswith("Ban hành chậm")
    assert options["dung_han"].startswith("Ban hành đúng thời hạn")
    assert options["khong_ban_hanh"].startswith("Không ban hành")
    # The declared value is shown by its title, not its key.
    declared = re.search(r'<dd class="declared">(.*?)</dd>', body, re.S)
    assert declared and declared.group(1).strip() == "Ban hành đúng thời hạn"


def test_the_adjust_form_of_a_yes_no_leaf_is_two_radios(appraisal: Appraisal) -> None:
    ap = appraisal
    body = browse(ap.appraiser_2).get(ap.leaf_url("leaf", YES_NO_LEAF)).content.decode()
    radios = [
        attrs["value"]
        for tag, attrs in form_of(body).controls
        if attrs.get("name") == "value" and attrs.get("type") == "radio"
    ]
    assert radios == ["có", "không"]
    done = adjust(ap, YES_NO_LEAF, {"value": "không"})
    assert done.status_code == 302
    assert LeafAppraisal.objects.get(assessment=ap.a, leaf_code=YES_NO_LEAF).value == "không"
    body = browse(ap.appraiser_2).get(ap.leaf_url("leaf", YES_NO_LEAF)).content.decode()
    checked = [
        attrs["value"]
        for _, attrs in form_of(body).controls
        if attrs.get("type") == "radio" and "checked" in attrs
    ]
    assert checked == ["không"]
    assert '<span class="value">Không</span>' in body


def test_a_stored_yes_renders_checked(appraisal: Appraisal) -> None:
    leaf = appraisal.leaf(YES_NO_LEAF)
    html = render_to_string(
        "appraisals/_figure_inputs.html",
        {"f": {"leaf": leaf}, "figure": figure_input(leaf, "Có", "vi"), "figure_points": ""},
    )
    assert re.search(r'value="có" checked', html)
    assert not re.search(r'value="không" checked', html)


# -- a ratio --------------------------------------------------------------------------------------


def test_950_over_1_000_is_refused_as_ambiguous_and_nothing_is_saved(appraisal: Appraisal) -> None:
    ap = appraisal
    refused = adjust(ap, RATIO_LEAF, {"numerator": "950", "denominator": "1.000"})
    assert refused.status_code == 422
    message = error_of(refused)
    assert "«1.000» có hai cách hiểu" in message
    assert "1000" in message and "dấu phẩy" in message
    assert not LeafAppraisal.objects.exists()
    assert not AppraisedValue.objects.filter(unit=ap.a.unit, leaf_code=RATIO_LEAF).exists()
    # What the person typed is still in the form, to correct.
    form = form_of(refused.content.decode())
    assert control(form, "numerator")["value"] == "950"
    assert control(form, "denominator")["value"] == "1.000"
    assert_no_english(refused.content.decode())


def test_950_over_1000_is_saved_and_shown_in_the_vietnamese_format(appraisal: Appraisal) -> None:
    ap = appraisal
    done = adjust(ap, RATIO_LEAF, {"numerator": "950", "denominator": "1000"})
    assert done.status_code == 302
    la = LeafAppraisal.objects.get(assessment=ap.a, leaf_code=RATIO_LEAF)
    assert (la.value, la.points) == ("950/1000", None)
    body = browse(ap.appraiser).get(ap.leaf_url("leaf", RATIO_LEAF)).content.decode()
    assert '<span class="value">950/1.000</span>' in body
    # The form gives the figure back as a person types it: no separator it would refuse.
    form = form_of(body)
    assert control(form, "denominator")["value"] == "1000"


def test_25_over_20_is_refused_above_the_leafs_100_percent(appraisal: Appraisal) -> None:
    ap = appraisal
    refused = adjust(ap, RATIO_LEAF, {"numerator": "25", "denominator": "20"})
    assert refused.status_code == 422
    message = error_of(refused)
    assert message.startswith("Giá trị không hợp lệ:")
    assert "vượt quá mức tối đa 100%" in message
    assert not LeafAppraisal.objects.exists()
    assert_no_english(refused.content.decode())


def test_45_over_50_is_saved_and_scored(appraisal: Appraisal) -> None:
    ap = appraisal
    done = adjust(ap, RATIO_LEAF, {"numerator": " 45 ", "denominator": "50"})
    assert done.status_code == 302
    la = LeafAppraisal.objects.get(assessment=ap.a, leaf_code=RATIO_LEAF)
    assert (la.decision, la.value, la.points) == ("adjusted", "45/50", None)
    stored = AppraisedValue.objects.get(unit=ap.a.unit, leaf_code=RATIO_LEAF)
    assert stored.value == "45/50"
    body = browse(ap.appraiser).get(ap.leaf_url("leaf", RATIO_LEAF)).content.decode()
    assert 'class="appraised">1,50<' in body  # 90 % → the bracket from 80 %: 1.5 points
    form = form_of(body)
    assert (control(form, "numerator")["value"], control(form, "denominator")["value"]) == (
        "45",
        "50",
    )


def test_half_a_ratio_is_refused(appraisal: Appraisal) -> None:
    ap = appraisal
    refused = adjust(ap, RATIO_LEAF, {"numerator": "45", "denominator": ""})
    assert refused.status_code == 422
    assert error_of(refused) == "Hãy nhập cả tử số và mẫu số."
    assert not LeafAppraisal.objects.exists()


def test_a_count_with_a_thousands_dot_is_refused(appraisal: Appraisal) -> None:
    ap = appraisal
    refused = adjust(ap, DEDUCTION_LEAF, {"value": "1.000"})
    assert refused.status_code == 422
    assert "viết số nguyên không có dấu phân cách hàng nghìn: 1000" in error_of(refused)
    assert not LeafAppraisal.objects.exists()


def test_a_settlement_on_a_new_figure_reads_the_same_inputs(appraisal: Appraisal) -> None:
    ap = appraisal
    fx.replied(ap)
    client = browse(ap.appraiser)
    page = client.get(ap.leaf_url("leaf", RATIO_LEAF)).content.decode()
    form = form_of(page, "settle")
    assert {"numerator", "denominator"} <= {attrs.get("name") for _, attrs in form.controls}
    data = {"outcome": "new", "reason": "Báo cáo bổ sung.", "version": 1}
    refused = client.post(
        ap.leaf_url("settle", RATIO_LEAF), {**data, "numerator": "75", "denominator": "1.000"}
    )
    assert refused.status_code == 422
    assert "«1.000» có hai cách hiểu" in error_of(refused)
    assert LeafAppraisal.objects.get(assessment=ap.a, leaf_code=RATIO_LEAF).outcome == ""
    done = client.post(
        ap.leaf_url("settle", RATIO_LEAF), {**data, "numerator": "75", "denominator": "100"}
    )
    assert done.status_code == 302
    la = LeafAppraisal.objects.get(assessment=ap.a, leaf_code=RATIO_LEAF)
    assert (la.outcome, la.settled_value) == ("new", "75/100")


# -- a choice -------------------------------------------------------------------------------------


def test_a_choice_picked_is_stored_by_its_key_and_shown_by_its_title(appraisal: Appraisal) -> None:
    ap = appraisal
    done = adjust(ap, CHOICE_LEAF, {"value": "cham"})
    assert done.status_code == 302
    assert LeafAppraisal.objects.get(assessment=ap.a, leaf_code=CHOICE_LEAF).value == "cham"
    body = browse(ap.appraiser).get(ap.leaf_url("leaf", CHOICE_LEAF)).content.decode()
    assert '<span class="value">Ban hành chậm</span>' in body
    selected = re.search(r'<option value="([a-z_]+)" selected>', body)
    assert selected and selected.group(1) == "cham"
    unit_page = browse(ap.admin).get(ap.unit_url()).content.decode()
    assert "(Ban hành chậm)" in visible_text(unit_page)


def test_a_choice_named_by_its_title_is_stored_by_its_key(appraisal: Appraisal) -> None:
    ap = appraisal
    done = adjust(ap, CHOICE_LEAF, {"value": "Ban hành chậm"})
    assert done.status_code == 302
    assert LeafAppraisal.objects.get(assessment=ap.a, leaf_code=CHOICE_LEAF).value == "cham"
    assert AppraisedValue.objects.get(unit=ap.a.unit, leaf_code=CHOICE_LEAF).value == "cham"


def test_a_choice_the_rule_refuses_says_why_in_vietnamese(appraisal: Appraisal) -> None:
    ap = appraisal
    refused = adjust(ap, CHOICE_LEAF, {"value": "tot_lam"})
    assert refused.status_code == 422
    assert error_of(refused).startswith("Giá trị không hợp lệ:")
    assert_no_english(refused.content.decode())
    assert not LeafAppraisal.objects.exists()


# -- points set directly ---------------------------------------------------------------------------


def test_points_0_5_in_vietnamese_are_accepted(appraisal: Appraisal) -> None:
    ap = appraisal
    done = adjust(ap, RATIO_LEAF, {"points": "0,5"})
    assert done.status_code == 302
    la = LeafAppraisal.objects.get(assessment=ap.a, leaf_code=RATIO_LEAF)
    assert (la.value, la.points) == ("", Decimal("0.5"))
    body = browse(ap.appraiser).get(ap.leaf_url("leaf", RATIO_LEAF)).content.decode()
    assert control(form_of(body), "points")["value"] == "0,5"


def test_points_0_5_with_a_comma_are_refused_in_english(appraisal: Appraisal) -> None:
    ap = appraisal
    refused = adjust(ap, RATIO_LEAF, {"points": "0,5"}, lang="en")
    assert refused.status_code == 422
    assert "write 0.5" in error_of(refused)
    assert not LeafAppraisal.objects.exists()
    done = adjust(ap, RATIO_LEAF, {"points": "0.5"}, lang="en")
    assert done.status_code == 302


def test_refused_points_read_in_vietnamese(appraisal: Appraisal) -> None:
    ap = appraisal  # the ratio leaf: max 2, rounding 0.01
    cases = {
        "abc": "Điểm phải là một số, ví dụ 1,5.",
        "2,5": "Điểm phải nằm trong khoảng từ 0 đến 2.",
        "0,125": "Điểm phải là bội số của 0,01.",
    }
    for typed, message in cases.items():
        refused = adjust(ap, RATIO_LEAF, {"points": typed})
        assert refused.status_code == 422, typed
        assert error_of(refused) == message
        assert control(form_of(refused.content.decode()), "points")["value"] == typed
    assert not LeafAppraisal.objects.exists()


def test_value_and_points_together_are_refused(appraisal: Appraisal) -> None:
    ap = appraisal
    refused = adjust(ap, RATIO_LEAF, {"numerator": "45", "denominator": "50", "points": "1"})
    assert refused.status_code == 422
    assert not LeafAppraisal.objects.exists()


def test_a_refusal_in_the_fragment_keeps_the_typed_figure(appraisal: Appraisal) -> None:
    ap = appraisal
    refused = adjust(ap, RATIO_LEAF, {"numerator": "950", "denominator": "1.000"}, **HX)
    assert refused.status_code == 422
    body = refused.content.decode()
    assert "<html" not in body
    assert control(form_of(body), "denominator")["value"] == "1.000"


# -- values on the pages ---------------------------------------------------------------------------


def _keys_in(html: str) -> list[str]:
    text = visible_text(html)
    return [key for key in KEYS if re.search(rf"\b{key}\b", text)]


def test_the_queue_shows_option_titles_not_keys(appraisal: Appraisal) -> None:
    ap = appraisal
    fx.adjust_and_flag(ap)
    body = browse(ap.appraiser).get(ap.url("queue")).content.decode()
    text = visible_text(body)
    assert "Ban hành đúng thời hạn" in text  # unit A declared dung_han
    assert "Ban hành chậm" in text  # unit B declared cham
    assert _keys_in(body) == []
    assert not any(key in body for key in ("dung_han", "khong_ban_hanh"))
    assert_no_english(body)
    # A row returned after an accept in the queue (htmx) reads the same.
    row = browse(ap.appraiser).post(
        ap.leaf_url("decide", CHOICE_LEAF, ap.b),
        {"decision": "accepted", "version": 0, "from": "queue"},
        **HX,
    )
    assert row.status_code == 200
    assert "Ban hành chậm" in visible_text(row.content.decode())
    assert _keys_in(row.content.decode()) == []


def test_the_unit_page_shows_option_titles_not_keys(appraisal: Appraisal) -> None:
    ap = appraisal
    fx.adjust_and_flag(ap)
    body = browse(ap.admin).get(ap.unit_url()).content.decode()
    text = visible_text(body)
    assert "Ban hành đúng thời hạn" in text  # declared
    assert "Ban hành chậm" in text  # appraised
    assert _keys_in(body) == []
    assert not any(key in body for key in KEYS)
    assert_no_english(body)


def test_the_unit_page_shows_yes_no_words(appraisal: Appraisal) -> None:
    ap = appraisal
    body = browse(ap.admin).get(ap.unit_url()).content.decode()
    row = re.search(rf'<tr data-leaf="{re.escape(YES_NO_LEAF)}".*?</tr>', body, re.S)
    assert row is not None
    assert '<td class="declared">Có</td>' in row.group(0)


def test_the_queue_in_english_shows_english_titles(appraisal: Appraisal) -> None:
    ap = appraisal
    body = english(browse(ap.appraiser)).get(ap.url("queue")).content.decode()
    text = visible_text(body)
    assert "Issued on time" in text and "Issued late" in text
    assert _keys_in(body) == []


def test_a_settled_new_figure_is_shown_by_its_title(appraisal: Appraisal) -> None:
    ap = appraisal
    fx.released(ap)
    services.reply_save(
        assessment=ap.a,
        leaf_code=CHOICE_LEAF,
        agrees=False,
        reason="Không đồng ý.",
        evidence=[fx.reference_of(ap.a, ap.editor_a)],
        actor=ap.editor_a,
    )
    services.reply_save(
        assessment=ap.a, leaf_code=RATIO_LEAF, agrees=True, reason="", actor=ap.editor_a
    )
    services.replies_send(assessment=ap.a, actor=ap.editor_a)
    client = browse(ap.appraiser)
    la = LeafAppraisal.objects.get(assessment=ap.a, leaf_code=CHOICE_LEAF)
    done = client.post(
        ap.leaf_url("settle", CHOICE_LEAF),
        {
            "outcome": "new",
            "value": "khong_ban_hanh",
            "reason": "Chưa ban hành.",
            "version": la.version,
        },
    )
    assert done.status_code == 302
    assert LeafAppraisal.objects.get(pk=la.pk).settled_value == "khong_ban_hanh"
    leaf_page = client.get(ap.leaf_url("leaf", CHOICE_LEAF)).content.decode()
    assert '<span class="value">Không ban hành</span>' in leaf_page
    unit_page = browse(ap.admin).get(ap.unit_url()).content.decode()
    assert "(Không ban hành)" in visible_text(unit_page)
    assert not any(key in unit_page for key in KEYS)


def test_the_adjust_form_previews_the_interpreted_rate_and_points_before_saving(
    appraisal: Appraisal,
) -> None:
    """As on the self-assessment page: 950 / 1000 reads 950/1.000 = 95% with its points, and
    950 / 1.000 says what it could mean; nothing is saved either way."""
    client = browse(appraisal.appraiser)
    page = client.get(appraisal.leaf_url("leaf", RATIO_LEAF)).content.decode()
    assert 'class="score figure-preview"' in page
    preview_url = appraisal.leaf_url("preview", RATIO_LEAF)
    assert f'hx-post="{preview_url}"' in page
    shown = client.post(preview_url, {"numerator": "950", "denominator": "1000"}).content
    assert "950/1.000 = 95%" in shown.decode()
    refused = client.post(preview_url, {"numerator": "950", "denominator": "1.000"}).content
    assert "«1.000» có hai cách hiểu" in refused.decode()
    assert not LeafAppraisal.objects.filter(leaf_code=RATIO_LEAF, decision="adjusted").exists()
    outsider = browse(appraisal.appraiser_2).post(
        preview_url, {"numerator": "1", "denominator": "2"}
    )
    assert outsider.status_code == 403  # an appraiser of area 2 does not preview area 1
