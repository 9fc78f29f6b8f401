"""Every action the code writes to the audit trail reads as a label, in Vietnamese and in
English, never as its code; and the fields, object types and states the newer events record
(plans, tasks, progress reports, national imports, unit mergers, admin saves) read as labels on
the Vietnamese audit log.

The codes are found by reading the source: every ``action="…"`` a call passes (directly, through
a variable of the same function, or a conditional), and the few built at run time, expanded
from what they are built of. A new action in a service fails here until it has a label; a new
way of building one fails until this test knows it.
"""

from __future__ import annotations

import ast
import datetime
import re
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest
from django.contrib import admin as django_admin
from django.utils import timezone, translation

from parindex.accounts.models import User
from parindex.appraisals.models import Decision
from parindex.audit.admin_base import AuditedAdmin
from parindex.audit.models import AuditEvent
from parindex.auditlog import presentation
from parindex.core.workflow import Action
from parindex.cycles.models import Cycle
from parindex.national import services as national_services
from parindex.plans import services as plan_services
from parindex.plans.models import PlanTarget, Task
from parindex.units.models import Unit

from .english_fragments import assert_no_english, visible_text, word_pattern
from .factories import World, browse
from .plans_fixtures import plan_world_build

PACKAGE = Path(__file__).resolve().parents[2] / "parindex"
CODE = re.compile(r"^[a-z_]+\.[a-z_]+$")


def admin_saves() -> set[str]:
    """``<model>.create`` / ``<model>.update`` of every model the admin saves audited."""
    return {
        f"{model._meta.model_name}.{verb}"
        for model, model_admin in django_admin.site._registry.items()
        if isinstance(model_admin, AuditedAdmin)
        for verb in ("create", "update")
    }


# Actions built at run time, by their expression in the source: the codes each can build.
DYNAMIC = {
    "f'assessment.{action.value}'": lambda: {f"assessment.{a.value}" for a in Action},
    "f'appraisal.{decision.value}'": lambda: {f"appraisal.{d.value}" for d in Decision},
    "f\"{obj._meta.model_name}.{('update' if change else 'create')}\"": admin_saves,
}


def _strings(node: ast.expr) -> Iterator[str]:
    """The string constants an expression can evaluate to (a literal, either arm of a
    conditional)."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        yield node.value
    elif isinstance(node, ast.IfExp):
        yield from _strings(node.body)
        yield from _strings(node.orelse)
    elif isinstance(node, ast.Tuple):  # ``actions=("x.add", "x.change")``: one per case
        for item in node.elts:
            yield from _strings(item)


def _assigned(function: ast.AST, name: str) -> Iterator[ast.expr]:
    """What ``name`` is assigned in ``function``, also as one name of a tuple
    (``action, before = "national.result_add", None``)."""
    for node in ast.walk(function):
        if not isinstance(node, ast.Assign):
            continue
        for target in node.targets:
            if isinstance(target, ast.Name) and target.id == name:
                yield node.value
            elif isinstance(target, ast.Tuple) and isinstance(node.value, ast.Tuple):
                for item, value in zip(target.elts, node.value.elts, strict=False):
                    if isinstance(item, ast.Name) and item.id == name:
                        yield value


def _calls_with_action(tree: ast.AST) -> Iterator[tuple[ast.Call, ast.expr, ast.AST]]:
    """(call, its ``action=`` (or ``actions=``) value, the innermost function around it, else
    the module)."""

    def visit(node: ast.AST, function: ast.AST) -> Iterator[tuple[ast.Call, ast.expr, ast.AST]]:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            function = node
        if isinstance(node, ast.Call):
            for keyword in node.keywords:
                if keyword.arg in ("action", "actions"):
                    yield node, keyword.value, function
        for child in ast.iter_child_nodes(node):
            yield from visit(child, function)

    yield from visit(tree, tree)


def written_actions() -> tuple[set[str], set[str]]:
    """(the action codes found in the source, the run-time expressions this test does not
    know). A code passed to a function as ``action=`` (``account_password_set``) is found at
    its caller."""
    codes: set[str] = set()
    unknown: set[str] = set()
    for path in sorted(PACKAGE.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for call, value, function in _calls_with_action(tree):
            if isinstance(value, ast.JoinedStr):
                expression = ast.unparse(value)
                if expression in DYNAMIC:
                    codes |= DYNAMIC[expression]()
                else:
                    unknown.add(f"{path.relative_to(PACKAGE)}:{call.lineno} {expression}")
                continue
            values = list(_assigned(function, value.id)) if isinstance(value, ast.Name) else [value]
            codes |= {s for v in values for s in _strings(v) if CODE.match(s)}
    return codes, unknown


def test_the_scan_finds_the_actions_the_services_write() -> None:
    codes, unknown = written_actions()
    assert unknown == set(), "an action built at run time that DYNAMIC does not expand"
    expected = {
        "answer.value",
        "plan.create",
        "plan.target_delete",
        "task.report",
        "framework.import",
        "national.result_change",  # through a variable
        "national.year_add",
        "unit.merge",
        "account.deactivate",  # a conditional's other arm
        "account.password_reset",  # passed to a function that records it
        "assessment.publish",  # built from the workflow's actions
        "appraisal.flagged",  # built from the decisions
        "cycle.update",  # the admin's save
        "survey.job_retry",
    }
    assert expected <= codes, expected - codes
    assert not any(code.startswith(("store_", "workflow.")) for code in codes)


@pytest.mark.parametrize("code", sorted(written_actions()[0]))
def test_every_written_action_has_a_label_in_both_languages(code: str) -> None:
    with translation.override("vi"):
        vietnamese = presentation.action_label(code)
    with translation.override("en"):
        english = presentation.action_label(code)
    assert english != code, f"{code} has no label"
    assert vietnamese != code, f"{code} has no Vietnamese label"
    assert vietnamese != english, f"{code}: {english!r} is not translated"


def test_an_admin_save_of_a_model_without_its_own_label(db: None) -> None:
    with translation.override("vi"):
        assert presentation.action_label("frameworkversion.update").startswith("Sửa: ")
        assert presentation.action_label("nothing.update") == "nothing.update"
    with translation.override("en"):
        assert presentation.action_label("unitresult.create") == "Added: Unit result"


# -- the newer events on the pages --------------------------------------------------------------

RESULTS = """year,province,index,rank,band,of,source,area_1
2018,Tiền Giang,73.69,54,C,63,https://baoapbac.vn/x,70.5
2018,Đồng Tháp,80.10,20,B,63,https://dongthap.gov.vn/y,
"""
YEARS = "year,provinces,average,bands,source\n2018,63,76.92,A:90;B:80;C:70,https://x\n"

# Actions whose events the fixture writes, with what the Vietnamese log must show of them.
LOG_LABELS = {
    "plan.create": ("Tạo kế hoạch", "Kế hoạch #", "Số nội dung", "Ngày ban hành", "01/03/2023"),
    "plan.update": ("Cập nhật kế hoạch", "Công khai", "có → không"),
    "plan.target_set": ("Đặt mục tiêu của kế hoạch", "Mục tiêu kế hoạch #", "Phạm vi"),
    "plan.target_delete": ("Xoá mục tiêu của kế hoạch",),
    "plan.area_add": ("Thêm nội dung kế hoạch", "Nội dung kế hoạch #", "Cơ quan chủ trì"),
    "plan.area_change": ("Sửa nội dung kế hoạch", "Tiêu chí liên quan"),
    "task.create": ("Tạo nhiệm vụ", "Nhiệm vụ #", "Thời hạn hoàn thành", "Cơ quan phối hợp"),
    "task.update": ("Cập nhật nhiệm vụ", "Thời hạn hoàn thành"),
    "task.status": ("Đổi trạng thái nhiệm vụ", "Chưa thực hiện → Hoàn thành"),
    "task.report": ("Báo cáo tiến độ nhiệm vụ", "Báo cáo tiến độ #", "Tỷ lệ hoàn thành"),
    "framework.import": ("Nhập bộ chỉ số", "Phiên bản bộ chỉ số #", "Số tiêu chí của bộ chỉ số"),
    "national.result_add": ("Thêm kết quả toàn quốc", "Kết quả toàn quốc #", "Tỉnh"),
    "national.result_change": ("Sửa kết quả toàn quốc", "Thứ hạng", "20 → 18"),
    "national.year_add": ("Thêm số liệu toàn quốc theo năm", "A ≥ 90, B ≥ 80, C ≥ 70"),
    "unit.create": ("Tạo đơn vị", "Đơn vị #", "Loại đơn vị"),
    "unit.merge": ("Sáp nhập đơn vị", "Kế thừa đơn vị #", "Đơn vị tiền thân", "30/06/2025"),
    "cycle.create": ("Tạo kỳ đánh giá", "Kỳ đánh giá #", "Đơn vị được đánh giá"),
    "cycle.update": ("Sửa kỳ đánh giá", "Tên"),
}


@pytest.fixture
def events(world: World, admin: User) -> World:
    """A plan's life (particulars, targets, contents, tasks, a progress report), national
    results and years imported and changed, two provinces merged, a cycle added and changed in
    the admin; the world's framework import is there already."""
    pw = plan_world_build(world, published=True)
    plan = pw.plan
    plan_services.plan_update(plan=plan, actor=admin, published=False)
    target = plan_services.target_set(
        plan=plan, year=2024, scope=PlanTarget.Scope.NATIONAL, rank=30, actor=admin
    )
    plan_services.target_delete(plan=plan, target_id=target.pk, actor=admin)
    area = plan_services.area_save(
        plan=plan,
        area=None,
        position=10,
        title="Chuyển đổi số",
        lead_agency=world.unit_a,
        node_codes=["1.1"],
        actor=admin,
    )
    plan_services.area_save(
        plan=plan,
        area=area,
        position=10,
        title="Chuyển đổi số",
        lead_agency=world.unit_b,
        node_codes=["1.1", "2.2"],
        actor=admin,
    )
    task = pw.task_b
    plan_services.task_update(
        task=task,
        area=task.area,
        title=task.title,
        lead_agency=task.lead_agency,
        start_date=task.start_date,
        deadline=task.deadline + datetime.timedelta(days=10),
        coordinating=[world.unit_a],
        node_codes=task.node_codes,
        status=task.status,
        expected_points=Decimal("2.50"),
        expected_result=task.expected_result,
        actor=admin,
    )
    plan_services.task_status_set(task=pw.task_a, status=Task.Status.DONE, actor=admin)
    plan_services.progress_report(
        task=task,
        user=admin,
        reported_on=timezone.localdate(),
        text="Đã rà soát 40 văn bản.",
        percent=40,
    )
    national_services.national_results_import(text=RESULTS, source_name="kq.csv", actor=admin)
    changed = RESULTS.replace("80.10,20,", "81.00,18,")
    with pytest.raises(national_services.ConfirmationNeeded) as asked:
        national_services.national_results_import(text=changed, source_name="kq.csv", actor=admin)
    national_services.national_results_import(
        text=changed, source_name="kq.csv", actor=admin, confirm=asked.value.preview.token
    )
    national_services.national_years_import(text=YEARS, source_name="nam.csv", actor=admin)
    national_services.province_merger_record(
        predecessors=list(Unit.objects.filter(code__in=["TIEN-GIANG", "DONG-THAP"])),
        successor_code="DONG-THAP-2025",
        successor_name="Đồng Tháp",
        date=datetime.date(2025, 7, 1),
        legal_basis="Nghị quyết 202/2025/QH15",
        actor=admin,
    )
    client = browse(admin)
    response = client.post(
        "/admin/cycles/cycle/add/",
        {
            "year": 2027,
            "title": "Chỉ số CCHC năm 2027",
            "framework_version": world.version.pk,
            "units": [u.pk for u in world.units],
            "audit_reason": "Kỳ đánh giá năm 2027.",
        },
    )
    assert response.status_code == 302
    cycle = Cycle.objects.get(year=2027)
    response = client.post(
        f"/admin/cycles/cycle/{cycle.pk}/change/",
        {
            "year": 2027,
            "title": "Chỉ số CCHC năm 2027 (sửa)",
            "units": [u.pk for u in world.units[:2]],
            "audit_reason": "Thu hẹp phạm vi.",
        },
    )
    assert response.status_code == 302
    return world


def test_the_fixture_writes_every_event_the_page_test_reads(events: World) -> None:
    recorded = set(AuditEvent.objects.values_list("action", flat=True))
    assert set(LOG_LABELS) <= recorded, set(LOG_LABELS) - recorded


@pytest.mark.parametrize("language", ["vi", "en"])
def test_every_field_and_object_of_the_new_events_has_a_label(events: World, language: str) -> None:
    shown = AuditEvent.objects.filter(action__in=LOG_LABELS).order_by("sequence")
    with translation.override(language):
        for row in presentation.rows(list(shown)):
            code = row.event.action
            assert row.action != code
            assert row.target and not row.target.startswith(row.event.target_type), code
            for change in row.changes:
                assert change.field != change.code, f"{code}: {change.code} has no label"


def raw_codes(events: list[AuditEvent]) -> list[str]:
    """What the events store as codes: actions, object types, field names, coded values."""
    found: set[str] = set()
    for event in events:
        found |= {event.action, event.target_type}
        for side in (event.before or {}, event.after or {}):
            found |= set(side)
            found |= {v for v in side.values() if isinstance(v, str) and "_" in v}
    return sorted(found)


@pytest.mark.parametrize("action", sorted(LOG_LABELS))
def test_the_new_events_read_in_vietnamese(events: World, admin: User, action: str) -> None:
    html = browse(admin).get(f"/audit/?action={action}").content.decode()
    text = visible_text(html)
    for label in LOG_LABELS[action]:
        assert label in text, label
    assert_no_english(html)
    codes = raw_codes(list(AuditEvent.objects.filter(action=action)))
    shown = word_pattern(tuple(codes)).findall(" " + text + " ")
    assert shown == [], f"codes on the page: {shown}"


def test_the_whole_log_reads_in_vietnamese(events: World, admin: User) -> None:
    html = browse(admin).get("/audit/").content.decode()
    assert_no_english(html)
    assert "Sáp nhập đơn vị" in visible_text(html)


def test_the_new_events_in_english(events: World, admin: User) -> None:
    client = browse(admin)
    client.cookies["django_language"] = "en"
    expected = {
        "plan.area_change": ("Plan content area changed", "Lead agency"),
        "task.report": ("Task progress reported", "Not started → In progress", "Percent done"),
        "unit.merge": ("Units merged", "Predecessor unit", "30/06/2025"),
        "national.year_add": ("National year added", "A ≥ 90"),
        "cycle.update": ("Cycle changed", "Units in scope"),
    }
    for action, labels in expected.items():
        text = visible_text(client.get(f"/audit/?action={action}").content.decode())
        for label in labels:
            assert label in text, (action, label)


def test_a_survey_job_run_again_reads_in_vietnamese(db: None) -> None:
    with translation.override("vi"):
        lines = presentation.changes(
            {"state": "failed", "attempt": 1},
            {"state": "queued", "attempt": 2},
            "surveys.surveyjob",
        )
        label = presentation.target_label("surveys.surveyjob", "3")
    assert [(c.field, c.before, c.after) for c in lines] == [
        ("Trạng thái", "Thất bại", "Đang chờ"),
        ("Lần chạy", "1", "2"),
    ]
    assert label == "Tác vụ khảo sát #3"
