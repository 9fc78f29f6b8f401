"""Plans, contents, targets and tasks through their pages; progress reports with evidence from
the evidence store; what a refused report leaves behind (nothing)."""

from __future__ import annotations

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from parindex.evidence.models import Evidence
from parindex.evidence.services import evidence_reference
from parindex.plans.models import ContentArea, Plan, PlanTarget, ProgressEvidence, Task
from parindex.plans.services import DEFAULT_AREAS

from . import evidence_samples as samples
from . import plans_fixtures as fx
from .factories import World, table_rows


def test_a_new_plan_starts_with_the_nine_contents(world: World, visit) -> None:
    fx.leads_create()
    response = visit("admin").post(
        "/plans/new/",
        {
            "number": "252/KH-UBND",
            "title": "Kế hoạch nâng cao Chỉ số CCHC giai đoạn 2018-2020",
            "issued_on": "2018-09-19",
            "issuer": "Ủy ban nhân dân tỉnh Tiền Giang",
            "start_year": "2018",
            "end_year": "2020",
            "goals": "Năm sau cao hơn năm trước.",
            "framework_version": world.version.pk,
        },
    )
    plan = Plan.objects.get()
    assert response["Location"] == f"/plans/{plan.pk}/"
    areas = list(plan.areas.order_by("position"))
    assert [a.title for a in areas] == [title for title, _, _ in DEFAULT_AREAS]
    assert areas[0].lead_agency == world.unit_a and areas[1].lead_agency == world.unit_b
    assert areas[7].node_codes == ["3.4"]
    assert not plan.published


def test_period_must_be_ordered(world: World, visit) -> None:
    response = visit("admin").post(
        "/plans/new/",
        {
            "number": "1",
            "title": "X",
            "issued_on": "2018-09-19",
            "issuer": "UBND",
            "start_year": "2020",
            "end_year": "2018",
        },
    )
    assert response.status_code == 200
    assert Plan.objects.count() == 0


def test_targets_are_set_per_year_and_scope(pw: fx.PlanWorld, visit) -> None:
    client = visit("admin")
    url = f"/plans/{pw.plan.pk}/targets/"
    data = {"year": "2024", "scope": "national", "band": "B", "rank": "40", "note": "Khá"}
    assert client.post(url, data).status_code == 302
    assert client.post(url, {**data, "rank": "35"}).status_code == 302
    target = PlanTarget.objects.get(plan=pw.plan)
    assert target.rank == 35 and target.band == "B"
    outside = client.post(url, {**data, "year": "2030"})
    assert "2023–2026" in outside.content.decode()
    empty = client.post(url, {"year": "2025", "scope": "national"})
    assert empty.status_code == 200 and PlanTarget.objects.count() == 1
    client.post(url, {"delete": target.pk})
    assert not PlanTarget.objects.exists()


def _target_rows(html: str, scope: str) -> list[list[str]]:
    """The cells of the targets table of one scope (year, band, rank, index, note…)."""
    marker = f'class="targets targets-{scope}"'
    if marker not in html:
        return []
    return [row.cells for row in table_rows(html.split(marker, 1)[1].split("</table>", 1)[0])]


def test_internal_targets_per_year(pw: fx.PlanWorld, visit) -> None:
    """Goals for the units, internally: a band of the plan's framework and a rank in their group,
    per year of the plan, beside the province's national goals."""
    admin = visit("admin")
    url = f"/plans/{pw.plan.pk}/targets/"
    internal = {"scope": "internal", "band": "KHA", "rank": "5", "index": "80"}
    assert admin.post(url, {**internal, "year": "2024", "note": "Nhóm Khá"}).status_code == 302
    assert (
        admin.post(url, {**internal, "year": "2025", "band": "TOT", "rank": "3"}).status_code == 302
    )
    national = {"year": "2024", "scope": "national", "band": "B", "rank": "40"}
    assert admin.post(url, national).status_code == 302
    # A year's target replaces the one there was.
    again = {**internal, "year": "2024", "rank": "4", "note": "Nhóm Khá"}
    assert admin.post(url, again).status_code == 302
    saved = {(t.year, t.band, t.rank) for t in PlanTarget.objects.filter(scope="internal")}
    assert saved == {(2024, "KHA", 4), (2025, "TOT", 3)}

    # Refused with the reason beside the field, and nothing changes.
    refusals = [
        ({**internal, "year": "2027"}, "year", "2023–2026"),
        ({**internal, "year": "2026", "band": "B"}, "band", "TOT, KHA, TB, YEU"),
        ({**internal, "year": "2026", "rank": "0"}, "rank", "Thứ hạng bắt đầu từ 1."),
        ({**internal, "year": "2026", "band": "", "rank": "", "index": ""}, None, ""),
    ]
    for data, field, text in refusals:
        response = admin.post(url, data)
        assert response.status_code == 200, data
        errors = response.context["form"].errors
        assert field in errors if field else errors, data
        assert text in " ".join(errors.get(field or "__all__", [])), data
    assert PlanTarget.objects.count() == 3

    # The plan's page shows both scopes, the units' band named as the framework names it.
    page = f"/plans/{pw.plan.pk}/"
    html = visit("viewer").get(page).content.decode()
    assert "Các cơ quan, đơn vị trong tỉnh" in html and "Tỉnh, trong cả nước" in html
    assert _target_rows(html, "internal") == [
        ["2024", "Khá", "4", "80,00", "Nhóm Khá"],
        ["2025", "Tốt", "3", "80,00", ""],
    ]
    assert _target_rows(html, "national") == [["2024", "B", "40", "—", ""]]
    # The targets page lists them the same way.
    assert _target_rows(admin.get(url).content.decode(), "internal")[0][:3] == ["2024", "Khá", "4"]

    # Access: the administrator writes; a viewer or a unit reads; the public reads a published
    # plan only.
    for persona in ("viewer", "editor_a"):
        refused = visit(persona).post(url, {**internal, "year": "2026"})
        assert refused.status_code == 403
    assert visit("anonymous").post(url, {**internal, "year": "2026"}).status_code == 302
    assert PlanTarget.objects.count() == 3
    assert visit("anonymous").get(page)["Location"].startswith("/accounts/login/")
    Plan.objects.filter(pk=pw.plan.pk).update(published=True)
    public = visit("anonymous").get(page).content.decode()
    assert [row[:3] for row in _target_rows(public, "internal")] == [
        ["2024", "Khá", "4"],
        ["2025", "Tốt", "3"],
    ]


def test_contents_are_editable_and_nodes_checked(pw: fx.PlanWorld, visit) -> None:
    client = visit("admin")
    area = ContentArea.objects.get(plan=pw.plan, position=8)
    url = f"/plans/{pw.plan.pk}/areas/{area.pk}/"
    bad = client.post(url, {"position": "8", "title": area.title, "nodes": "3.4, 9.9"})
    assert "9.9" in bad.content.decode()
    good = client.post(url, {"position": "8", "title": "Một cửa", "nodes": "3.4, 3.3"})
    assert good.status_code == 302
    area.refresh_from_db()
    assert area.node_codes == ["3.4", "3.3"] and area.title == "Một cửa"
    clash = client.post(url, {"position": "1", "title": "X"})
    assert clash.status_code == 200
    added = client.post(f"/plans/{pw.plan.pk}/areas/", {"position": "10", "title": "Khác"})
    assert added.status_code == 302 and pw.plan.areas.count() == 10


def task_form(pw: fx.PlanWorld, world: World, **changes: object) -> dict[str, object]:
    area = pw.plan.areas.get(position=3)
    data: dict[str, object] = {
        "area": area.pk,
        "title": "Giải quyết hồ sơ TTHC đúng hạn",
        "lead_agency": world.unit_b.pk,
        "coordinating_agencies": [world.unit_a.pk],
        "nodes": "3.3, 3.3.1",
        "start_date": "2024-01-01",
        "deadline": "2024-12-31",
        "status": "not_started",
        "expected_points": "5.50",
        "expected_result": "98% hồ sơ đúng hạn",
    }
    data.update(changes)
    return data


def test_task_create_and_edit(pw: fx.PlanWorld, world: World, visit) -> None:
    client = visit("admin")
    response = client.post(f"/plans/{pw.plan.pk}/tasks/new/", task_form(pw, world))
    task = Task.objects.latest("pk")
    assert response["Location"] == f"/plans/tasks/{task.pk}/"
    assert task.node_codes == ["3.3", "3.3.1"]
    assert list(task.coordinating_agencies.all()) == [world.unit_a]
    assert str(task.expected_points) == "5.50"
    edit = client.post(
        f"/plans/tasks/{task.pk}/edit/", task_form(pw, world, nodes="3.3", status="in_progress")
    )
    assert edit.status_code == 302
    task.refresh_from_db()
    assert task.node_codes == ["3.3"] and task.status == Task.Status.IN_PROGRESS
    page = client.get(f"/plans/tasks/{task.pk}/").content.decode()
    assert "Kết quả giải quyết TTHC" in page  # the linked node's title from the framework


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"nodes": "3.3, 42"}, "42"),
        ({"deadline": "2023-12-31"}, "must not be before the start"),
    ],
)
def test_task_refused_changes_nothing(
    pw: fx.PlanWorld, world: World, visit, changes: dict[str, str], message: str
) -> None:
    client = visit("admin")
    client.cookies["django_language"] = "en"
    before = Task.objects.count()
    response = client.post(f"/plans/{pw.plan.pk}/tasks/new/", task_form(pw, world, **changes))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert Task.objects.count() == before


def test_lead_agency_reports_progress_with_evidence(
    pw: fx.PlanWorld, world: World, visit, editor_a
) -> None:
    cited = evidence_reference(
        unit=world.unit_a,
        user=editor_a,
        number="12/KH-SNV",
        issued_on=datetime.date(2024, 1, 10),
        issuer="Sở Nội vụ",
        title="Kế hoạch CCHC 2024",
    )
    client = visit("editor_a")
    upload = SimpleUploadedFile("Báo cáo tiến độ.pdf", samples.pdf("Tiến độ"), "application/pdf")
    response = client.post(
        f"/plans/tasks/{pw.task_a.pk}/report/",
        {
            "reported_on": datetime.date.today().isoformat(),
            "percent": "100",
            "text": "Kế hoạch đã ban hành.",
            "files": [upload],
            "evidence": [cited.pk],
        },
    )
    assert response.status_code == 302
    pw.task_a.refresh_from_db()
    assert pw.task_a.status == Task.Status.DONE  # 100% marks the task done
    report = pw.task_a.reports.get()
    linked = Evidence.objects.filter(
        pk__in=ProgressEvidence.objects.filter(report=report).values("evidence")
    )
    assert {e.unit_id for e in linked} == {world.unit_a.pk}
    assert {e.kind for e in linked} == {Evidence.Kind.FILE, Evidence.Kind.REFERENCE}
    page = client.get(f"/plans/tasks/{pw.task_a.pk}/").content.decode()
    assert "Báo cáo tiến độ.pdf" in page and "Kế hoạch CCHC 2024" in page
    assert f"/evidence/{cited.pk}/" in page


def test_evidence_of_another_unit_is_refused(
    pw: fx.PlanWorld, world: World, visit, editor_b
) -> None:
    foreign = evidence_reference(
        unit=world.unit_b,
        user=editor_b,
        number="1/BC",
        issued_on=datetime.date(2024, 1, 1),
        issuer="Sở Tư pháp",
        title="Báo cáo",
    )
    response = visit("admin").post(
        f"/plans/tasks/{pw.task_a.pk}/report/",
        {"reported_on": "2024-02-01", "percent": "10", "text": "x", "evidence": [foreign.pk]},
    )
    assert response.status_code == 400
    assert not pw.task_a.reports.exists()


def test_a_disguised_program_is_refused_and_nothing_is_kept(pw: fx.PlanWorld, visit) -> None:
    client = visit("editor_a")
    program = SimpleUploadedFile("bao-cao.pdf", b"MZ\x90\x00" + b"\x00" * 200, "application/pdf")
    response = client.post(
        f"/plans/tasks/{pw.task_a.pk}/report/",
        {"reported_on": "2024-02-01", "percent": "50", "text": "Đã làm.", "files": [program]},
    )
    assert response.status_code == 400
    assert "chương trình" in response.content.decode() or "program" in response.content.decode()
    assert not pw.task_a.reports.exists()
    assert not Evidence.objects.exists()
    pw.task_a.refresh_from_db()
    assert pw.task_a.status == Task.Status.NOT_STARTED


def test_report_starts_a_task_and_checks_its_figures(pw: fx.PlanWorld, visit) -> None:
    client = visit("editor_a")
    url = f"/plans/tasks/{pw.task_a.pk}/report/"
    future = (datetime.date.today() + datetime.timedelta(days=3)).isoformat()
    assert (
        client.post(url, {"reported_on": future, "percent": "10", "text": "x"}).status_code == 400
    )
    assert (
        client.post(url, {"reported_on": "2024-01-01", "percent": "101", "text": "x"}).status_code
        == 400
    )
    assert (
        client.post(
            url, {"reported_on": "2024-01-01", "percent": "30", "text": "Bắt đầu"}
        ).status_code
        == 302
    )
    pw.task_a.refresh_from_db()
    assert pw.task_a.status == Task.Status.IN_PROGRESS
