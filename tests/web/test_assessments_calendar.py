"""The cycle calendar: opening a cycle creates one assessment per unit in scope; deadlines are
enforced when each request arrives; an extension for one unit lets only that unit write; the
administrator's calendar page; the countdown on the unit's page."""

from __future__ import annotations

import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from parindex.assessments import excel
from parindex.assessments.models import (
    AnswerEvidence,
    Assessment,
    Stage,
    StageExtension,
    StageWindow,
)
from parindex.assessments.reminders import self_assessment_due
from parindex.assessments.services import (
    AssessmentError,
    CalendarError,
    StageClosed,
    answer_evidence_link,
    answer_save,
    cycle_open,
    missing_evidence,
    stage_extend,
)
from parindex.assessments.stages import stage_is_open
from parindex.audit.models import AuditEvent
from parindex.cycles.models import Cycle
from parindex.evidence.models import Evidence
from parindex.evidence.services import evidence_reference
from parindex.notifications.models import Notification
from parindex.results.models import Answer

from . import evidence_samples as samples
from .assessments_fixtures import DAY, HX, Open, windows_around
from .factories import World, browse


def close_self_assessment(opened: Open) -> None:
    """Move the self-assessment window into the past (it closed an hour ago)."""
    now = timezone.now()
    StageWindow.objects.filter(cycle=opened.cycle, stage=Stage.SELF_ASSESSMENT).update(
        opens_at=now - 10 * DAY, closes_at=now - datetime.timedelta(hours=1)
    )


def test_opening_a_cycle_creates_one_draft_assessment_per_unit_and_the_windows(
    world: World, admin
) -> None:
    cycle = Cycle.objects.create(
        year=2025, title="2025", framework_version=world.version, state=Cycle.State.PREPARING
    )
    cycle.units.set(world.units)
    created = cycle_open(cycle=cycle, windows=windows_around(timezone.now()), actor=admin)
    assert len(created) == 4
    assert {a.state for a in Assessment.objects.filter(cycle=cycle)} == {"draft"}
    assert StageWindow.objects.filter(cycle=cycle).count() == 5
    cycle.refresh_from_db()
    assert cycle.state == Cycle.State.IN_PROGRESS
    assert AuditEvent.objects.filter(action="assessment.open", cycle=cycle).count() == 4
    # Opening again adds nothing for units that have their assessment.
    assert cycle_open(cycle=cycle, windows=windows_around(timezone.now()), actor=admin) == []
    assert Assessment.objects.filter(cycle=cycle).count() == 4


def test_a_calendar_with_a_stage_closing_before_it_opens_is_refused(world: World, admin) -> None:
    cycle = Cycle.objects.create(year=2025, title="2025", framework_version=world.version)
    now = timezone.now()
    with pytest.raises(CalendarError):
        cycle_open(cycle=cycle, windows={Stage.SELF_ASSESSMENT: (now, now - DAY)}, actor=admin)
    assert not Assessment.objects.filter(cycle=cycle).exists()


def test_a_write_after_the_deadline_is_refused_when_the_request_arrives(
    opened: Open, editor_a
) -> None:
    client = browse(editor_a)
    page = client.get(opened.url("page")).content.decode()
    assert 'name="version"' in page
    close_self_assessment(opened)  # the deadline passes while the page is open
    response = client.post(opened.leaf_url("1.2"), {"value": "1", "version": "0"}, **HX)
    assert response.status_code == 403
    assert "hết" in response.content.decode()  # "Thời hạn tự đánh giá ... đã hết"
    assert not Answer.objects.filter(cycle=opened.cycle).exists()
    # The page itself shows read-only inputs once closed.
    page = client.get(opened.url("page")).content.decode()
    assert 'class="save"' not in page and "disabled" in page


def test_an_extension_for_one_unit_lets_only_that_unit_write(
    opened: Open, editor_a, editor_b, admin
) -> None:
    close_self_assessment(opened)
    stage_extend(
        assessment=opened.a,
        stage=Stage.SELF_ASSESSMENT,
        closes_at=timezone.now() + 2 * DAY,
        reason="Đơn vị bị gián đoạn mạng",
        actor=admin,
    )
    assert stage_is_open(opened.a, Stage.SELF_ASSESSMENT)
    assert not stage_is_open(opened.b, Stage.SELF_ASSESSMENT)
    ok = browse(editor_a).post(opened.leaf_url("1.2"), {"value": "1", "version": "0"}, **HX)
    assert ok.status_code == 200
    refused = browse(editor_b).post(
        opened.leaf_url("1.2", assessment=opened.b), {"value": "1", "version": "0"}, **HX
    )
    assert refused.status_code == 403
    assert list(Answer.objects.filter(cycle=opened.cycle).values_list("unit__code", flat=True)) == [
        opened.a.unit.code
    ]
    event = AuditEvent.objects.get(action="stage.extend")
    assert event.reason == "Đơn vị bị gián đoạn mạng" and event.unit_id == opened.a.unit_id
    # The unit's page says it was extended for it.
    assert "đã gia hạn cho đơn vị" in browse(editor_a).get(opened.url("page")).content.decode()


def test_an_extension_needs_a_reason_and_an_administrator(opened: Open, editor_a, admin) -> None:
    later = timezone.now() + DAY
    with pytest.raises(AssessmentError):
        stage_extend(
            assessment=opened.a,
            stage=Stage.SELF_ASSESSMENT,
            closes_at=later,
            reason=" ",
            actor=admin,
        )
    with pytest.raises(AssessmentError):
        stage_extend(
            assessment=opened.a,
            stage=Stage.SELF_ASSESSMENT,
            closes_at=later,
            reason="x",
            actor=editor_a,
        )
    assert not StageExtension.objects.exists()


def test_a_stage_not_yet_open_refuses_writes(opened: Open, editor_a) -> None:
    now = timezone.now()
    StageWindow.objects.filter(cycle=opened.cycle, stage=Stage.SELF_ASSESSMENT).update(
        opens_at=now + DAY, closes_at=now + 5 * DAY
    )
    with pytest.raises(StageClosed):
        answer_save(assessment=opened.a, leaf_code="1.2", value="1", version=0, actor=editor_a)


def test_the_unit_page_counts_down_to_its_deadline(opened: Open, editor_a) -> None:
    html = browse(editor_a).get(opened.url("page")).content.decode()
    assert 'class="countdown" data-remaining="' in html
    remaining = int(html.split('data-remaining="')[1].split('"')[0])
    assert 9 * 86400 < remaining <= 10 * 86400
    assert "còn 9 ngày" in html  # server-rendered, then kept running by the page's script
    assert 'data-days="còn {d} ngày {h} giờ"' in html


def test_calendar_page_sets_dates_and_opens_a_cycle(world: World, admin) -> None:
    cycle = Cycle.objects.create(year=2025, title="2025", framework_version=world.version)
    cycle.units.set(world.units)
    client = browse(admin)
    url = reverse("assessments:calendar", kwargs={"cycle_id": cycle.pk})
    assert client.get(url).status_code == 200
    local = timezone.localtime()
    fmt = "%Y-%m-%dT%H:%M"
    data = {
        "self_assessment_opens": (local - DAY).strftime(fmt),
        "self_assessment_closes": (local + 7 * DAY).strftime(fmt),
        "appraisal_opens": (local + 8 * DAY).strftime(fmt),
        "appraisal_closes": (local + 15 * DAY).strftime(fmt),
        "open": "1",
    }
    response = client.post(url, data)
    assert response.status_code == 302
    assert Assessment.objects.filter(cycle=cycle).count() == 4
    assert set(StageWindow.objects.filter(cycle=cycle).values_list("stage", flat=True)) == {
        "self_assessment",
        "appraisal",
    }
    # A bad calendar is refused with the form's message, nothing changed.
    data["self_assessment_closes"] = (local - 2 * DAY).strftime(fmt)
    data.pop("open")
    bad = client.post(url, data)
    assert bad.status_code == 422
    window = StageWindow.objects.get(cycle=cycle, stage="self_assessment")
    assert window.closes_at > timezone.now()


def test_calendar_page_extends_one_unit_with_a_reason(opened: Open, admin) -> None:
    client = browse(admin)
    url = reverse("assessments:extend", kwargs={"cycle_id": opened.cycle.pk})
    when = (timezone.localtime() + 20 * DAY).strftime("%Y-%m-%dT%H:%M")
    no_reason = client.post(
        url, {"unit": opened.a.unit.code, "stage": "self_assessment", "closes_at": when}
    )
    assert no_reason.status_code == 302 and not StageExtension.objects.exists()
    client.post(
        url,
        {
            "unit": opened.a.unit.code,
            "stage": "self_assessment",
            "closes_at": when,
            "reason": "Lý do",
        },
    )
    extension = StageExtension.objects.get()
    assert extension.assessment == opened.a and extension.created_by == admin
    page = client.get(reverse("assessments:calendar", kwargs={"cycle_id": opened.cycle.pk}))
    assert "Lý do" in page.content.decode()


def test_calendar_pages_are_for_administrators_only(
    opened: Open, visit, editor_a, viewer, appraiser
) -> None:
    cycle = opened.cycle.pk
    urls = [
        ("get", reverse("assessments:calendar", kwargs={"cycle_id": cycle})),
        ("post", reverse("assessments:calendar", kwargs={"cycle_id": cycle})),
        ("post", reverse("assessments:extend", kwargs={"cycle_id": cycle})),
        ("post", reverse("assessments:reopen", kwargs={"cycle_id": cycle})),
    ]
    for method, url in urls:
        assert getattr(visit("anonymous"), method)(url).status_code == 302
        for persona in ("editor_a", "viewer", "appraiser"):
            assert getattr(visit(persona), method)(url).status_code == 403, (persona, url)
        assert getattr(visit("admin"), method)(url).status_code in (200, 302, 422)


def test_reminders_before_the_deadline_go_to_draft_units_people(
    opened: Open, editor_a, editor_b, admin
) -> None:
    now = timezone.now()
    StageWindow.objects.filter(cycle=opened.cycle, stage=Stage.SELF_ASSESSMENT).update(
        closes_at=now + 3 * DAY
    )
    opened.b.state = "submitted"  # a unit that submitted hears nothing
    opened.b.save()
    today = timezone.localdate()
    due = list(self_assessment_due(today))
    assert [list(people) for people, *_ in due] == [[editor_a]]
    _, verb, message, url = due[0]
    assert verb == "self_assessment_due" and url == opened.url("page")
    assert "(còn 3 ngày)" in message and "chưa được nộp" in message
    assert list(self_assessment_due(today + datetime.timedelta(days=1))) == []  # 2 days before
    call_command("send_reminders", "--date", today.isoformat(), stdout=io.StringIO())
    assert Notification.objects.filter(recipient=editor_a, verb="self_assessment_due").count() == 1


def files_under(root) -> list[str]:  # type: ignore[no-untyped-def]
    return sorted(str(p) for p in root.rglob("*") if p.is_file()) if root.exists() else []


def test_every_self_assessment_action_after_the_deadline_is_refused_and_changes_nothing(
    opened: Open, editor_a, head_a, media
) -> None:
    # Before the deadline: a value saved, and evidence on every leaf that needs it, so that the
    # only reason to refuse what follows is the calendar.
    answer_save(assessment=opened.a, leaf_code="1.2", value="1", version=0, actor=editor_a)
    document = evidence_reference(
        unit=opened.a.unit,
        user=editor_a,
        number="12/KH-SNV",
        issued_on=datetime.date(2025, 1, 10),
        issuer="Sở Nội vụ",
        title="Kế hoạch CCHC năm 2025",
    )
    for leaf in missing_evidence(opened.a):
        answer_evidence_link(
            assessment=opened.a, leaf_code=leaf.code, evidence=document, actor=editor_a
        )
    link = AnswerEvidence.objects.filter(assessment=opened.a).first()
    assert link is not None
    unlinked_leaf = next(
        code
        for code in ("1.1.1", "1.1.2", "2.2.2", "4.4")
        if not AnswerEvidence.objects.filter(assessment=opened.a, leaf_code=code).exists()
    )
    book = load_workbook(io.BytesIO(browse(editor_a).get(opened.url("excel_download")).content))
    sheet = book[excel.SHEET]
    for row in range(excel.FIRST_ROW, sheet.max_row + 1):
        if sheet.cell(row, excel.COL_LEAF).value == "2.3":
            sheet.cell(row, excel.COL_VALUE).value = 0
    workbook = io.BytesIO()
    book.save(workbook)

    close_self_assessment(opened)

    def snapshot() -> dict[str, object]:
        opened.a.refresh_from_db()
        return {
            "answers": list(Answer.objects.order_by("pk").values_list("leaf_code", "value")),
            "links": list(AnswerEvidence.objects.order_by("pk").values_list("pk", "leaf_code")),
            "evidence": list(Evidence.objects.order_by("pk").values_list("pk", flat=True)),
            "events": AuditEvent.objects.count(),
            "state": (opened.a.state, opened.a.submitted_at, opened.a.version),
            "files": files_under(media),
        }

    before = snapshot()
    editor, head = browse(editor_a), browse(head_a)
    pdf = SimpleUploadedFile("ke-hoach.pdf", samples.pdf(), content_type="application/pdf")
    cover = SimpleUploadedFile("cong-van.pdf", samples.pdf(), content_type="application/pdf")
    unlink_url = reverse(
        "assessments:evidence_unlink",
        kwargs={
            "cycle_id": opened.cycle.pk,
            "unit_code": opened.a.unit.code,
            "leaf_code": link.leaf_code,
            "link_id": link.pk,
        },
    )
    attempts = {
        "submit": head.post(opened.url("submit")),
        "submit with a cover document": head.post(opened.url("submit"), {"file": cover}),
        "Excel upload": editor.post(
            opened.url("excel_upload"),
            {"file": SimpleUploadedFile("tu-danh-gia.xlsx", workbook.getvalue())},
            **HX,
        ),
        "evidence upload": editor.post(
            opened.leaf_url(unlinked_leaf, "evidence_upload"),
            {"file": pdf, "title": "Kế hoạch"},
            **HX,
        ),
        "evidence attach": editor.post(
            opened.leaf_url(unlinked_leaf, "evidence_attach"), {"evidence": document.pk}, **HX
        ),
        "unlink": editor.post(unlink_url, **HX),
    }
    for action, response in attempts.items():
        assert response.status_code == 403, (action, response.status_code)
        assert "hết" in response.content.decode(), action  # "... đã hết hạn": the reason given
    assert snapshot() == before
    assert opened.a.state == "draft"
