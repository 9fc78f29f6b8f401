"""The plan dashboard (tasks by status per content and per lead agency, overdue first, the
timeline) and the reminders sent before deadlines and on overdue tasks."""

from __future__ import annotations

import datetime
from io import StringIO

from django.core.management import call_command
from django.utils import timezone

from parindex.notifications.models import Notification
from parindex.notifications.reminders import registered
from parindex.plans.models import Task
from parindex.plans.reminders import task_reminders

from . import plans_fixtures as fx
from .factories import World, table_rows


def test_counts_overdue_first_and_timeline(pw: fx.PlanWorld, world: World, visit) -> None:
    html = visit("viewer").get(f"/plans/{pw.plan.pk}/").content.decode()
    assert 'id="count-overdue" class="warn">1<' in html
    tasks = table_rows(html.split('class="tasks"')[1].split("</table>")[0])
    assert tasks[0].cells[0].startswith(pw.overdue.title)  # overdue first
    assert "overdue" in tasks[0].classes
    assert [row.cells[0].split("Nodes")[0].split("Tiêu chí")[0] for row in tasks][1:3] != []
    by_lead = table_rows(html.split('class="by-lead"')[1].split("</table>")[0])
    # columns: lead, draft, not started, in progress, done, overdue
    assert by_lead[0].cells == ["Sở Nội vụ", "1", "1", "1", "0", "1"]
    assert by_lead[1].cells == ["Sở Tư pháp", "0", "1", "0", "0", "0"]
    by_area = table_rows(html.split('class="by-area"')[1].split("</table>")[0])
    assert len(by_area) == 9 and by_area[0].cells[1:5] == ["1", "1", "0", "0"]
    assert html.count("<svg") >= 1 and "Timeline" not in html  # chart, in Vietnamese


def test_the_dashboard_follows_reports(pw: fx.PlanWorld, world: World, visit) -> None:
    visit("editor_a").post(
        f"/plans/tasks/{pw.overdue.pk}/report/",
        {"reported_on": timezone.localdate().isoformat(), "percent": "100", "text": "Xong."},
    )
    html = visit("viewer").get(f"/plans/{pw.plan.pk}/").content.decode()
    assert 'id="count-overdue" >0<' in html or 'id="count-overdue">0<' in html
    assert 'id="count-done">1<' in html


def test_anonymous_dashboard_has_no_drafts(world: World, visit) -> None:
    published = fx.plan_world_build(world, published=True)
    html = visit("anonymous").get(f"/plans/{published.plan.pk}/").content.decode()
    assert published.draft.title not in html
    assert published.task_a.title in html


def test_reminders_before_the_deadline_and_when_overdue(
    pw: fx.PlanWorld, world: World, admin, editor_a, editor_b
) -> None:
    assert task_reminders in registered()
    today = timezone.localdate()
    sent = {
        verb: (url, {u.username for u in people}, message)
        for people, verb, message, url in task_reminders(today)
    }
    assert set(sent) == {"plan_task_due_7d", "plan_task_overdue"}
    url, people, message = sent["plan_task_due_7d"]
    assert url == f"/plans/tasks/{pw.task_a.pk}/" and people == {"editor.a"}
    assert pw.task_a.title in message
    url, people, _ = sent["plan_task_overdue"]
    assert url == f"/plans/tasks/{pw.overdue.pk}/" and people == {"editor.a", "admin"}
    # One day later nothing is due; a week after the first overdue reminder, the next one.
    assert [r[1] for r in task_reminders(today + datetime.timedelta(days=1))] == []
    later = [r[1] for r in task_reminders(today + datetime.timedelta(days=7))]
    assert "plan_task_overdue" in later
    Task.objects.filter(pk=pw.overdue.pk).update(status=Task.Status.DONE)
    assert "plan_task_overdue" not in [r[1] for r in task_reminders(today)]


def test_send_reminders_notifies_the_lead_agency(
    pw: fx.PlanWorld, world: World, editor_a, mailoutbox
) -> None:
    call_command("send_reminders", stdout=StringIO())
    notes = Notification.objects.filter(recipient=editor_a)
    assert {n.url for n in notes} == {
        f"/plans/tasks/{pw.task_a.pk}/",
        f"/plans/tasks/{pw.overdue.pk}/",
    }
    call_command("send_reminders", stdout=StringIO())
    assert Notification.objects.filter(recipient=editor_a).count() == 2  # once a day


def test_dashboard_queries_do_not_grow_with_tasks(
    pw: fx.PlanWorld, world: World, visit, django_assert_max_num_queries
) -> None:
    client = visit("viewer")
    client.get(f"/plans/{pw.plan.pk}/")
    with django_assert_max_num_queries(14):
        few = client.get(f"/plans/{pw.plan.pk}/")
    for n in range(10):
        Task.objects.create(
            plan=pw.plan,
            area=pw.task_b.area,
            title=f"Nhiệm vụ {n}",
            lead_agency=world.unit_b,
            start_date=pw.task_b.start_date,
            deadline=pw.task_b.deadline,
        ).coordinating_agencies.add(world.unit_a)
    with django_assert_max_num_queries(14):
        many = client.get(f"/plans/{pw.plan.pk}/")
    assert few.status_code == many.status_code == 200
    tasks = table_rows(many.content.decode().split('class="tasks"')[1])
    assert len(tasks) == 14
