"""The cycle calendar: opening a cycle creates one assessment per unit in scope; deadlines are
enforced when each request arrives; an extension for one unit lets only that unit write; the
administrator's calendar page; the countdown on the unit's page."""

from __future__ import annotations

import datetime
import io

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from parindex.assessments.models import Assessment, Stage, StageExtension, StageWindow
from parindex.assessments.reminders import self_assessment_due
from parindex.assessments.services import (
    AssessmentError,
    CalendarError,
    StageClosed,
    answer_save,
    cycle_open,
    stage_extend,
    stage_is_open,
)
from parindex.audit.models import AuditEvent
from parindex.cycles.models import Cycle
from parindex.notifications.models import Notification
from parindex.results.models import Answer

from . import assessments_fixtures as fx
from .assessments_fixtures import DAY, HX, Open, windows_around
from .factories import World, browse

# The assessment fixtures, made visible to pytest in this module.
opened = fx.opened
appraiser = fx.appraiser
media = fx.media


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
