"""The audit log and a leaf's history read in the reader's language: states, field names, object
types and the services' own reasons by their labels, never the codes the trail stores.

The events are the real services' (a cycle opened, a unit through a whole appraisal round, an
Excel import, a survey aggregation), so a new field or state a service records shows here."""

from __future__ import annotations

import pytest

from parindex.assessments import services as assessment_services
from parindex.audit.models import AuditEvent
from parindex.results.models import Answer
from parindex.surveys.models import Questionnaire

from . import appraisals_fixtures as fx
from .appraisals_fixtures import CHOICE_LEAF, DEDUCTION_LEAF, RATIO_LEAF, Appraisal, visitor
from .english_fragments import assert_no_english, visible_text
from .factories import World, person
from .surveys_fixtures import GOOD_ROWS, responses_csv, upload

# Codes the events below store, each of which must read as a label.
RAW_CODES = (
    "cycle.state",
    "assessment.submit",
    "preparing",
    "in_progress",
    "in_appraisal",
    "self_assessment",
    "settled_points",
    "settled_value",
    "appraised_points",
    "self_points",
    "final_points",
    "submitted_at",
    "cover_evidence",
    "own_units_left_out",
    "explanation_closed_at",
    "opens_at",
    "closes_at",
    "cycles.cycle",
    "assessments.assessment",
    "appraisals.leafappraisal",
    "results.answer",
    "Excel import",
    "survey aggregation",
)


def no_raw_codes(html: str) -> None:
    assert_no_english(html)
    assert_no_english(html, RAW_CODES)


@pytest.fixture
def trail(appraisal: Appraisal) -> Appraisal:
    """Unit A through the whole round; the ward's editor imports a value from Excel."""
    fx.appraised(appraisal)
    ward = appraisal.ward
    editor = person("editor.ward", "unit_editor", ward.unit)
    answer = Answer.objects.get(cycle=appraisal.cycle, unit=ward.unit, leaf_code=DEDUCTION_LEAF)
    assessment_services.answers_import(
        assessment=ward,
        values=[(DEDUCTION_LEAF, "2", answer.version)],
        actor=editor,
        reason="Excel import",
    )
    return appraisal


# What the log shows of each kind of event, by the action filter: every label must be there.
LOG_LABELS = {
    "cycle.state": ("Trạng thái", "Đang chuẩn bị → Đang đánh giá", "Kỳ đánh giá #"),
    "calendar.set": ("Giai đoạn", "Tự đánh giá", "Bắt đầu lúc", "Kết thúc lúc"),
    "assessment.submit": ("Đang tự đánh giá → Đã nộp", "Nộp lúc", "Công văn gửi kèm có chữ ký"),
    "appraisal.adjusted": ("Kết quả thẩm định", "Điều chỉnh", "Điểm theo tự đánh giá"),
    "appraisal.settle": ("Kết luận", "Số liệu mới", "Điểm kết luận", "Điểm có hiệu lực"),
    "appraiser.assign": ("Người thẩm định", "Lĩnh vực", "Loại trừ đơn vị của mình"),
    "assessment.settle": ("Đã giải trình → Đã thẩm định", "Kết thúc giải trình lúc"),
    "answer.value": ("Kết quả tự đánh giá #", "Giá trị", "Điểm", "Nhập từ tệp Excel"),
}


@pytest.mark.parametrize("action", sorted(LOG_LABELS))
def test_audit_log_reads_in_vietnamese(trail: Appraisal, action: str) -> None:
    assert AuditEvent.objects.filter(action=action).exists()
    html = visitor(trail, "admin").get(f"/audit/?action={action}").content.decode()
    text = visible_text(html)
    for label in LOG_LABELS[action]:
        assert label in text, label
    no_raw_codes(html)


def test_every_page_of_the_log(trail: Appraisal) -> None:
    client = visitor(trail, "admin")
    last = AuditEvent.objects.order_by("sequence").last()
    assert last is not None
    for before in range(last.sequence + 1, 1, -50):
        no_raw_codes(client.get(f"/audit/?before={before}").content.decode())


def test_leaf_history_reads_in_vietnamese(trail: Appraisal) -> None:
    client = visitor(trail, "admin")
    for leaf in (CHOICE_LEAF, RATIO_LEAF):
        html = client.get(f"/audit/leaf/{trail.cycle.pk}/SNV/{leaf}/").content.decode()
        no_raw_codes(html)
    text = visible_text(html)  # the ratio leaf: flagged, replied, settled on a new figure
    for label in ("Yêu cầu giải trình", "Đồng ý", "Số liệu mới", "Giá trị kết luận", "Vòng"):
        assert label in text, label
    html = client.get(f"/audit/leaf/{trail.cycle.pk}/{trail.ward.unit.code}/{DEDUCTION_LEAF}/")
    assert "Nhập từ tệp Excel" in html.content.decode()
    no_raw_codes(html.content.decode())


def test_labels_in_english(trail: Appraisal) -> None:
    client = visitor(trail, "admin")
    client.cookies["django_language"] = "en"
    html = client.get(f"/audit/leaf/{trail.cycle.pk}/SNV/{RATIO_LEAF}/").content.decode()
    assert "Settled value" in html and "New figure" in html
    html = client.get("/audit/?action=cycle.state").content.decode()
    assert "Cycle #" in html and "Preparing → In progress" in visible_text(html)
    html = client.get("/audit/?action=answer.value").content.decode()
    assert "Imported from an Excel file" in html


def test_survey_aggregation_reason(survey: Questionnaire, world: World, visit) -> None:
    client = visit("admin")
    client.post(f"/surveys/{survey.pk}/responses/", {"file": upload(responses_csv(GOOD_ROWS))})
    client.post(f"/surveys/{survey.pk}/aggregate/")
    event = AuditEvent.objects.filter(action="answer.value", unit=world.unit_a).first()
    assert event is not None and event.reason == "survey aggregation"
    url = f"/audit/leaf/{world.current.pk}/{world.unit_a.code}/{event.leaf_code}/"
    html = client.get(url).content.decode()
    assert "Tổng hợp kết quả khảo sát" in html
    no_raw_codes(html)
    html = client.get("/audit/").content.decode()
    assert "Kết quả tự đánh giá #" in html  # results.answer
    no_raw_codes(html)


def test_roles_uploads_and_unknown_fields(db: None) -> None:
    from django.utils import translation

    from parindex.auditlog.presentation import changes, target_label

    with translation.override("vi"):
        roles = changes(
            None,
            {"roles": [{"role": "unit_editor", "unit": "SNV", "area": ""}], "is_active": True},
            "accounts.user",
        )
        assert [(c.field, c.after) for c in roles] == [
            ("Các vai trò", "Cán bộ đầu mối của đơn vị (SNV)"),
            ("Kích hoạt", "có"),
        ]
        upload = changes(None, {"size": 12, "content_type": "application/pdf"}, "evidence.evidence")
        assert [c.field for c in upload] == ["Dung lượng (byte)", "Kiểu nội dung"]
        assert changes(None, {"mystery": "x"})[0].field == "mystery"  # shown as recorded
        assert target_label("no.such_model", "3") == "no.such_model #3"
