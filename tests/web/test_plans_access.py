"""Who may see and do what on the plan pages: the administrator manages plans; a lead agency
updates and reports on its own tasks only; viewers and units read; anonymous visitors see only
published plans, never drafts."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client

from parindex.plans.models import Plan, ProgressReport, Task

from . import plans_fixtures as fx
from .factories import World, browse, person

READ = "read"
MANAGE = "manage"


def read_pages(p: fx.PlanWorld) -> list[str]:
    plan = p.plan.pk
    return [
        f"/plans/{plan}/",
        f"/plans/{plan}/points-lost/",
        f"/plans/{plan}/what-if/",
        f"/plans/{plan}/appendix.xlsx",
        f"/plans/{plan}/appendix.pdf",
        f"/plans/tasks/{p.task_a.pk}/",
        f"/plans/tasks/{p.task_b.pk}/",
    ]


def manage_pages(p: fx.PlanWorld) -> list[str]:
    plan = p.plan.pk
    area = p.plan.areas.first()
    assert area is not None
    return [
        "/plans/new/",
        f"/plans/{plan}/edit/",
        f"/plans/{plan}/targets/",
        f"/plans/{plan}/areas/",
        f"/plans/{plan}/areas/{area.pk}/",
        f"/plans/{plan}/tasks/new/",
        f"/plans/tasks/{p.task_a.pk}/edit/",
    ]


def status_of(client: Client, url: str) -> int:
    return client.get(url).status_code


# Expected status per persona: (read an unpublished plan, manage, read a draft task).
UNPUBLISHED = {
    "anonymous": (302, 302, 302),
    "nobody": (403, 403, 403),
    "viewer": (200, 403, 200),
    "editor_a": (200, 403, 200),
    "editor_b": (200, 403, 200),
    "admin": (200, 200, 200),
}


@pytest.mark.parametrize("persona", list(UNPUBLISHED))
def test_pages_of_an_unpublished_plan(pw: fx.PlanWorld, visit, persona: str) -> None:
    client = browse(person("nobody")) if persona == "nobody" else visit(persona)
    read, manage, draft = UNPUBLISHED[persona]
    for url in read_pages(pw):
        response = client.get(url)
        assert response.status_code == read, url
        if read == 302:
            assert response["Location"].startswith("/accounts/login/?next=")
    for url in manage_pages(pw):
        assert status_of(client, url) == manage, url
    assert status_of(client, f"/plans/tasks/{pw.draft.pk}/") == draft
    listing = client.get("/plans/").content.decode()
    assert ("252/KH-UBND" in listing) == (read == 200)


@pytest.mark.parametrize("persona", ["anonymous", "viewer", "editor_a", "admin"])
def test_published_plan_is_open_but_not_its_drafts(
    published_pw: fx.PlanWorld, visit, persona: str
) -> None:
    client = visit(persona)
    for url in read_pages(published_pw):
        assert client.get(url).status_code == 200, url
    assert "252/KH-UBND" in client.get("/plans/").content.decode()
    draft_status = client.get(f"/plans/tasks/{published_pw.draft.pk}/").status_code
    assert draft_status == (302 if persona == "anonymous" else 200)
    detail = client.get(f"/plans/{published_pw.plan.pk}/").content.decode()
    assert (published_pw.draft.title in detail) == (persona != "anonymous")
    if persona != "admin":
        for url in manage_pages(published_pw):
            assert client.get(url).status_code in (302, 403), url


def report_data(**extra: object) -> dict[str, object]:
    return {
        "reported_on": datetime.date.today().isoformat(),
        "percent": "40",
        "text": "Đã dự thảo kế hoạch.",
        **extra,
    }


@pytest.mark.parametrize(
    ("persona", "own", "other"),
    [
        ("anonymous", 302, 302),
        ("viewer", 403, 403),
        ("editor_a", 302, 403),  # 302: saved, back to the task
        ("editor_b", 403, 302),
        ("admin", 302, 302),
    ],
)
def test_status_and_reports_by_the_lead_agency_only(
    pw: fx.PlanWorld, visit, persona: str, own: int, other: int
) -> None:
    client = visit(persona)
    for task, expected in ((pw.task_a, own), (pw.task_b, other)):
        before = ProgressReport.objects.filter(task=task).count()
        response = client.post(f"/plans/tasks/{task.pk}/report/", report_data())
        assert response.status_code == expected
        after = ProgressReport.objects.filter(task=task).count()
        assert after == before + (1 if expected == 302 and persona != "anonymous" else 0)
        response = client.post(f"/plans/tasks/{task.pk}/status/", {"status": "done"})
        assert response.status_code == expected
        task.refresh_from_db()
        assert (task.status == Task.Status.DONE) == (expected == 302 and persona != "anonymous")


def test_a_lead_agency_cannot_report_on_a_draft(pw: fx.PlanWorld, visit) -> None:
    client = visit("editor_a")
    assert client.post(f"/plans/tasks/{pw.draft.pk}/report/", report_data()).status_code == 403
    assert client.post(f"/plans/tasks/{pw.draft.pk}/status/", {"status": "done"}).status_code == 403
    assert not ProgressReport.objects.filter(task=pw.draft).exists()


@pytest.mark.parametrize("persona", ["anonymous", "viewer", "editor_a"])
def test_management_actions_are_refused(pw: fx.PlanWorld, visit, persona: str) -> None:
    client = visit(persona)
    plan = pw.plan
    expected = 302 if persona == "anonymous" else 403
    posts = [
        (
            "/plans/new/",
            {
                "number": "1/KH",
                "title": "X",
                "issued_on": "2024-01-01",
                "issuer": "UBND",
                "start_year": "2024",
                "end_year": "2025",
            },
        ),
        (f"/plans/{plan.pk}/edit/", {"number": "9/KH"}),
        (f"/plans/{plan.pk}/targets/", {"year": "2024", "scope": "national", "band": "A"}),
        (f"/plans/{plan.pk}/areas/", {"position": "10", "title": "Mới"}),
        (f"/plans/{plan.pk}/tasks/new/", {"title": "X"}),
        (f"/plans/tasks/{pw.task_a.pk}/edit/", {"title": "X"}),
        (f"/plans/{plan.pk}/points-lost/", {"cycle": "", "nodes": ["1.1"]}),
    ]
    for url, data in posts:
        response = client.post(url, data)
        assert response.status_code in (expected, 404), url
        if response.status_code == 302:
            assert response["Location"].startswith("/accounts/login/")
    plan.refresh_from_db()
    assert plan.number == "252/KH-UBND"
    assert Plan.objects.count() == 1
    assert plan.areas.count() == 9 and plan.targets.count() == 0
    assert Task.objects.count() == 4


def test_unknown_plan_and_task(pw: fx.PlanWorld, world: World, visit) -> None:
    client = visit("admin")
    for url in (
        "/plans/999999/",
        "/plans/tasks/999999/",
        "/plans/999999/points-lost/",
        "/plans/999999/appendix.pdf",
        f"/plans/{pw.plan.pk}/areas/999999/",
    ):
        assert client.get(url).status_code == 404, url
