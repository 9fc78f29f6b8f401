"""The self-assessment page: leaves grouped by area with an input made for each rule type and
the rule in plain words, live points (a preview that saves nothing), per-leaf saves, progress,
last cycle's answers beside the leaf."""

from __future__ import annotations

import datetime
import re

from django.test import Client

from parindex.assessments.services import missing_evidence
from parindex.audit.models import AuditEvent
from parindex.evidence.services import evidence_reference
from parindex.results.models import Answer

from .assessments_fixtures import HX, Open
from .factories import browse


def leaf_html(html: str, code: str) -> str:
    """The article of one leaf in the page."""
    match = re.search(
        rf'<article class="leaf[^"]*" id="leaf-\d+" data-leaf="{re.escape(code)}">(.*?)</article>',
        html,
        re.S,
    )
    assert match, f"leaf {code} not on the page"
    return match.group(1)


def test_page_groups_applicable_leaves_by_area_with_an_input_per_rule_type(
    opened: Open, editor_a
) -> None:
    html = browse(editor_a).get(opened.url("page")).content.decode()
    # Areas as headings, in framework order.
    areas = re.findall(r'<section class="area" id="area-([^"]+)">', html)
    assert areas[:3] == ["1", "2", "3"]
    # A department sees department leaves, not the commune-only ones.
    assert 'data-leaf="1.3.1"' in html and 'data-leaf="1.3.2"' not in html
    # Choice: a select with its options and their points.
    choice = leaf_html(html, "1.1.1")
    assert '<select name="value"' in choice and 'value="dung_han"' in choice
    assert 'class="save"' in choice  # editable: each leaf has its own save button
    assert "Chọn một phương án" in choice  # the rule in plain Vietnamese
    # Ratio: numerator and denominator.
    ratio = leaf_html(html, "1.1.2")
    assert 'name="numerator"' in ratio and 'name="denominator"' in ratio
    # Deduction and count: whole numbers.
    assert 'inputmode="numeric"' in leaf_html(html, "1.2")
    # Yes/no: two radios.
    assert leaf_html(html, "4.3.1").count('type="radio"') == 2
    # Points with the rule's step and the leaf's max.
    points = leaf_html(html, "4.4")
    assert 'inputmode="decimal"' in points and "từ 0 đến 2, bước 0,5" in points
    # n/a where the framework allows it, not elsewhere.
    assert 'name="na"' in leaf_html(html, "1.3.3")
    assert 'name="na"' not in leaf_html(html, "1.1.2")
    # Survey leaves are read-only.
    survey = leaf_html(html, "1.5")
    assert "<form" not in survey.split('class="evidence"')[0]
    assert "khảo sát" in survey
    # Live preview on typing, on the preview endpoint.
    assert 'hx-trigger="input changed delay:400ms"' in ratio
    assert opened.leaf_url("1.1.2", "leaf_preview") in ratio


def test_page_shows_last_cycle_answer_and_points_for_the_same_leaf_code(
    opened: Open, editor_a
) -> None:
    html = browse(editor_a).get(opened.url("page")).content.decode()
    result = opened.world.result(opened.world.current, opened.world.unit_a)
    previous = result.leaves["1.1.2"]
    shown = previous["points"].replace(".", ",")  # the page's Vietnamese decimal comma
    assert f"«{previous['value']}» → {shown}" in leaf_html(html, "1.1.2")
    # 1.1.1 had no answer for unit A in 2024: nothing is shown beside it.
    assert "2024" not in leaf_html(html, "1.1.1")


def test_preview_scores_with_the_core_and_saves_nothing(opened: Open, editor_a) -> None:
    client = browse(editor_a)
    url = opened.leaf_url("1.1.2", "leaf_preview")
    response = client.post(url, {"numerator": "45", "denominator": "50", "version": "0"}, **HX)
    assert response.status_code == 200
    text = response.content.decode()
    assert "1,50" in text or "1.50" in text  # 90 % is in the 80 % bracket: 1.5 points
    assert "Tỷ lệ 45/50 = 90%" in text
    assert not Answer.objects.filter(cycle=opened.cycle, leaf_code="1.1.2").exists()
    # A value the rule refuses is explained, not saved.
    bad = client.post(url, {"numerator": "4", "denominator": "0"}, **HX)
    assert bad.status_code == 200 and "mẫu số phải lớn hơn 0" in bad.content.decode()
    half = client.post(url, {"numerator": "4", "denominator": ""}, **HX)
    assert "tử số" in half.content.decode() or "numerator" in half.content.decode()


def test_each_leaf_saves_on_its_own_and_returns_its_fragment_and_the_summary(
    opened: Open, editor_a
) -> None:
    client = browse(editor_a)
    response = client.post(
        opened.leaf_url("1.1.2"), {"numerator": "45", "denominator": "50", "version": "0"}, **HX
    )
    assert response.status_code == 200
    text = response.content.decode()
    assert text.count("<article") == 1 and 'data-leaf="1.1.2"' in text
    assert 'id="assessment-summary"' in text and 'hx-swap-oob="true"' in text
    answer = Answer.objects.get(cycle=opened.cycle, unit=opened.a.unit, leaf_code="1.1.2")
    assert (answer.value, answer.version, answer.updated_by) == ("45/50", 1, editor_a)
    # The new version travels with the fragment, so the next save is not a conflict.
    assert 'name="version" value="1"' in text
    again = client.post(
        opened.leaf_url("1.1.2"), {"numerator": "50", "denominator": "50", "version": "1"}, **HX
    )
    assert again.status_code == 200
    answer.refresh_from_db()
    assert (answer.value, answer.version) == ("50/50", 2)
    # Other leaves untouched.
    assert Answer.objects.filter(cycle=opened.cycle, unit=opened.a.unit).count() == 1


def test_save_without_javascript_redirects_to_the_leaf(opened: Open, editor_a) -> None:
    response = browse(editor_a).post(opened.leaf_url("1.1.1"), {"value": "cham", "version": "0"})
    assert response.status_code == 302
    assert response["Location"].startswith(opened.url("page") + "#leaf-")


def test_inputs_of_each_kind_compose_the_value_the_core_reads(opened: Open, editor_a) -> None:
    client = browse(editor_a)
    cases = [
        ("1.1.1", {"value": "dung_han"}, "dung_han"),
        ("4.3.1", {"value": "có"}, "có"),
        ("1.2", {"value": "2"}, "2"),
        ("4.4", {"value": "1.5"}, "1.5"),
        ("1.3.3", {"na": "1", "numerator": "3", "denominator": "4"}, "n/a"),
    ]
    for code, data, stored in cases:
        response = client.post(opened.leaf_url(code), {**data, "version": "0"}, **HX)
        assert response.status_code == 200, (code, response.content[:300])
        answer = Answer.objects.get(cycle=opened.cycle, unit=opened.a.unit, leaf_code=code)
        assert answer.value == stored


def test_a_value_the_rule_refuses_is_reported_and_not_saved(opened: Open, editor_a) -> None:
    client = browse(editor_a)
    response = client.post(opened.leaf_url("4.4"), {"value": "2.5", "version": "0"}, **HX)
    assert response.status_code == 422
    assert "quy tắc chấm điểm trực tiếp: phải nằm trong khoảng [0, 2]" in response.content.decode()
    response = client.post(opened.leaf_url("1.1.1"), {"value": "tot", "version": "0"}, **HX)
    assert response.status_code == 422
    assert not Answer.objects.filter(cycle=opened.cycle, unit=opened.a.unit).exists()
    # A survey leaf is not declared by the unit.
    response = client.post(opened.leaf_url("1.5"), {"value": "80", "version": "0"}, **HX)
    assert response.status_code == 422


def test_every_saved_change_writes_an_audit_event_with_before_and_after(
    opened: Open, editor_a
) -> None:
    client = browse(editor_a)
    client.post(opened.leaf_url("1.2"), {"value": "1", "version": "0"}, **HX)
    client.post(opened.leaf_url("1.2"), {"value": "2", "version": "1"}, **HX)
    client.post(opened.leaf_url("1.2"), {"value": "2", "version": "2"}, **HX)  # unchanged
    events = list(
        AuditEvent.objects.filter(action="answer.value", leaf_code="1.2", unit=opened.a.unit)
    )
    assert [(e.before["value"], e.after["value"]) for e in events] == [("", "1"), ("1", "2")]
    assert events[1].before["points"] == "0.75" and events[1].after["points"] == "0.50"
    assert all(e.actor_id == editor_a.pk and e.cycle_id == opened.cycle.pk for e in events)


def evidence_progress(html: str) -> tuple[int, int, int]:
    """(leaves with their required evidence, leaves requiring it, percent) as the page shows."""
    counts = re.search(r"Tài liệu kiểm chứng bắt buộc: (\d+)/(\d+) tiêu chí", html)
    percent = re.search(r'value="(\d+)" data-progress="evidence"', html)
    assert counts and percent
    return int(counts.group(1)), int(counts.group(2)), int(percent.group(1))


def test_progress_counts_answered_and_evidence_complete(opened: Open, editor_a) -> None:
    client = browse(editor_a)
    before = client.get(opened.url("page")).content.decode()
    total = int(re.search(r"/ (\d+)|of (\d+) leaves|trên (\d+)", before).group(0).split()[-1])  # type: ignore[union-attr]
    assert total > 0
    client.post(opened.leaf_url("1.2"), {"value": "0", "version": "0"}, **HX)
    after = client.get(opened.url("page")).content.decode()
    answered = re.search(r'value="(\d+)" data-progress="answered"', after)
    assert answered and int(answered.group(1)) > 0
    # Evidence linked to a leaf that requires it raises the evidence-complete count and bar.
    done, required, percent = evidence_progress(after)
    assert done == 0 and required >= 2 and percent == 0
    leaf = missing_evidence(opened.a)[0]
    document = evidence_reference(
        unit=opened.a.unit,
        user=editor_a,
        number="12/KH-SNV",
        issued_on=datetime.date(2025, 1, 10),
        issuer="Sở Nội vụ",
        title="Kế hoạch CCHC năm 2025",
    )
    linked = client.post(
        opened.leaf_url(leaf.code, "evidence_attach"), {"evidence": document.pk}, **HX
    )
    assert linked.status_code == 200
    page = client.get(opened.url("page")).content.decode()
    assert evidence_progress(page) == (1, required, 100 // required)


def test_page_queries_do_not_grow_with_answers(
    opened: Open, editor_a, django_assert_max_num_queries
) -> None:
    client: Client = browse(editor_a)
    client.get(opened.url("page"))
    for code, value in (("1.2", "1"), ("2.3", "0"), ("3.1", "0"), ("4.4", "1")):
        client.post(opened.leaf_url(code), {"value": value, "version": "0"}, **HX)
    with django_assert_max_num_queries(25):
        assert client.get(opened.url("page")).status_code == 200
