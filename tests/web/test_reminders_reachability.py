"""Reminders reach only the people they can: an active account that can log in gets the in-app
notice, and the e-mail when it has an address; a deactivated account or one never activated
gets nothing. The run of ``send_reminders`` and the tracking board name who was not reached,
what they do and why, instead of reporting "sent". Also: a favicon for the pages that link
none, and the audit log naming a cancelled cycle."""

from __future__ import annotations

import datetime
import io
from collections.abc import Iterator

import pytest
from django.contrib.messages import get_messages
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from parindex.accounts.models import Role, User
from parindex.appraisals.reminders import appraisal_due, explanation_due
from parindex.assessments.models import StageWindow
from parindex.cycles.models import Cycle
from parindex.notifications import reminders
from parindex.notifications.models import Notification, ReminderSent
from parindex.notifications.reach import Reach, reach_of
from parindex.office import services as office

from . import appraisals_fixtures as fx
from .appraisals_fixtures import Appraisal
from .english_fragments import visible_text
from .factories import World, browse, person, table_rows

DAY = datetime.date(2025, 1, 13)


def holders(world: World) -> dict[str, User]:
    """Four editors of unit A, one per way a reminder can (not) reach them."""
    with_mail = person("co.mail", Role.UNIT_EDITOR, world.unit_a)
    with_mail.email = "co.mail@example.vn"
    with_mail.save()
    no_mail = person("khong.mail", Role.UNIT_EDITOR, world.unit_a)
    waiting = person("chua.kich.hoat", Role.UNIT_EDITOR, world.unit_a)
    waiting.email = "cho@example.vn"
    waiting.set_unusable_password()
    waiting.save()
    gone = person("da.nghi", Role.UNIT_EDITOR, world.unit_a, is_active=False)
    gone.email = "nghi@example.vn"
    gone.save()
    return {"email": with_mail, "in_app": no_mail, "not_activated": waiting, "inactive": gone}


@pytest.fixture
def source(world: World) -> Iterator[dict[str, User]]:
    people = holders(world)

    def due(today: datetime.date):  # type: ignore[no-untyped-def]
        yield list(people.values()), "test_due", "Hạn nộp sắp đến.", "/assessments/"

    reminders.register(due)
    yield people
    reminders.unregister(due)


def run(day: datetime.date = DAY) -> str:
    out = io.StringIO()
    call_command("send_reminders", "--date", day.isoformat(), stdout=out)
    return out.getvalue()


def test_reach_is_decided_from_the_account(source: dict[str, User]) -> None:
    assert {key: reach_of(user) for key, user in source.items()} == {
        "email": Reach.EMAIL,
        "in_app": Reach.IN_APP,
        "not_activated": Reach.NOT_ACTIVATED,
        "inactive": Reach.INACTIVE,
    }


def test_send_reminders_reaches_only_who_it_can_and_names_the_others(
    source: dict[str, User], world: World, django_capture_on_commit_callbacks, mailoutbox
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        out = run()
    got = set(Notification.objects.values_list("recipient__username", flat=True))
    assert got == {"co.mail", "khong.mail"}
    assert [m.to for m in mailoutbox] == [["co.mail@example.vn"]]
    assert ReminderSent.objects.count() == 2
    assert "sent 2 reminder(s)" in out
    # Each one not reached is named with their unit and why; the e-mail-less one as in-app only.
    for username, reach in (
        ("chua.kich.hoat", Reach.NOT_ACTIVATED),
        ("da.nghi", Reach.INACTIVE),
        ("khong.mail", Reach.IN_APP),
    ):
        line = next(line for line in out.splitlines() if f"({username}," in line)
        assert str(reach.label) in line and world.unit_a.name in line, line
    assert "(co.mail," not in out  # reached in the app and by e-mail: nothing to report


def test_a_reminder_nobody_can_receive_is_reported(source: dict[str, User]) -> None:
    source["email"].is_active = False
    source["email"].save()
    source["in_app"].set_unusable_password()
    source["in_app"].save()
    out = run()
    assert Notification.objects.count() == 0 and ReminderSent.objects.count() == 0
    assert "reached nobody (1)" in out and "test_due /assessments/" in out


def test_deactivated_holders_reach_the_report_of_the_deadline_reminders(
    appraisal: Appraisal,
) -> None:
    ap = appraisal
    fx.released(ap)
    StageWindow.objects.filter(cycle=ap.cycle, stage="explanation").update(
        closes_at=timezone.now() + datetime.timedelta(days=1)
    )
    ap.head_a.is_active = False
    ap.head_a.save()
    today = timezone.localdate()
    (people, *_), *_ = explanation_due(today)
    assert "head.a" in {p.username for p in people}
    out = run(today)
    assert not Notification.objects.filter(recipient=ap.head_a, verb="explanation_due").exists()
    assert Notification.objects.filter(recipient=ap.editor_a, verb="explanation_due").exists()
    line = next(line for line in out.splitlines() if "(head.a," in line)
    assert str(Reach.INACTIVE.label) in line and ap.a.unit.name in line


def test_a_cancelled_cycle_sends_no_appraisal_reminders(appraisal: Appraisal) -> None:
    ap = appraisal
    fx.released(ap)
    soon = timezone.now() + datetime.timedelta(days=1)
    StageWindow.objects.filter(cycle=ap.cycle, stage__in=["explanation", "appraisal"]).update(
        closes_at=soon
    )
    today = timezone.localdate()
    assert list(explanation_due(today)) and list(appraisal_due(today))
    Cycle.all_objects.filter(pk=ap.cycle.pk).update(state=Cycle.State.CANCELLED)
    assert list(explanation_due(today)) == [] and list(appraisal_due(today)) == []


def reached(html: str) -> dict[str, str]:
    """The tracking board's "not reached" rows: username → why."""
    return {
        r.attrs["data-person"]: r.cells[-1] for r in table_rows(html) if "data-person" in r.attrs
    }


def test_the_tracking_board_says_who_reminders_do_not_reach(appraisal: Appraisal) -> None:
    ap = appraisal
    people = holders(ap.world)
    for user in (ap.editor_a, ap.head_a, ap.conflicted):
        user.is_active = False
        user.save()
    html = browse(ap.admin).get(ap.url("tracking")).content.decode()
    rows = reached(html)
    assert "co.mail" not in rows  # in the app and by e-mail: nothing to say
    with_label = {
        name: why for name, why in rows.items() if name in {u.username for u in people.values()}
    }
    assert with_label == {
        "khong.mail": str(Reach.IN_APP.label),
        "chua.kich.hoat": str(Reach.NOT_ACTIVATED.label),
        "da.nghi": str(Reach.INACTIVE.label),
    }
    assert rows["editor.b"] == str(Reach.IN_APP.label)  # the fixture's people have no address
    # Unit B's people have no address but can log in: reached in the app. Unit A keeps one
    # editor with an address; a unit whose every holder is unreachable is named.
    assert 'data-unit-unreached="' + ap.world.unit_a.code not in html
    people["email"].is_active = False
    people["email"].save()
    people["in_app"].set_unusable_password()
    people["in_app"].save()
    html = browse(ap.admin).get(ap.url("tracking")).content.decode()
    assert 'data-unit-unreached="' + ap.world.unit_a.code + '"' in html
    assert 'data-unit-unreached="' + ap.world.unit_b.code + '"' not in html
    # The account never activated is offered an activation link, not a reminder.
    waiting = next(r for r in table_rows(html) if r.attrs.get("data-user") == "chua.kich.hoat")
    assert str(Reach.NOT_ACTIVATED.label) in waiting.cells[3]
    remind = ap.url("remind", user_id=people["not_activated"].pk)
    assert f'action="{remind}"' not in html
    assert reverse("accounts:detail", args=[people["not_activated"].pk]) in html


def test_a_reminder_to_an_account_never_activated_is_refused_not_reported_sent(
    appraisal: Appraisal,
) -> None:
    ap = appraisal
    waiting = holders(ap.world)["not_activated"]
    client = browse(ap.admin)
    response = client.post(ap.url("remind", user_id=waiting.pk))
    assert response.status_code == 302
    (message,) = get_messages(response.wsgi_request)
    assert message.level_tag == "error" and str(waiting) in message.message
    assert not Notification.objects.filter(recipient=waiting).exists()


def test_a_reminder_to_an_account_without_address_says_in_app_only(
    appraisal: Appraisal, mailoutbox
) -> None:
    ap = appraisal
    response = browse(ap.admin).post(ap.url("remind", user_id=ap.editor_b.pk))
    (message,) = get_messages(response.wsgi_request)
    assert message.level_tag == "warning"
    assert Notification.objects.filter(recipient=ap.editor_b, verb="login_reminder").exists()
    assert mailoutbox == []


def test_favicon_ico_is_served(db: None, settings) -> None:
    settings.WHITENOISE_USE_FINDERS = True
    settings.WHITENOISE_AUTOREFRESH = True
    client = browse()
    response = client.get("/favicon.ico")
    assert response.status_code == 302
    icon = client.get(response["Location"])
    assert icon.status_code == 200
    body = b"".join(icon) if icon.streaming else icon.content
    assert body[:4] == b"\x00\x00\x01\x00"  # an ICO file


def test_the_audit_log_names_a_cancelled_cycle(world: World, admin: User) -> None:
    cycle = world.current
    office.cycle_cancel(cycle=cycle, reason="Mở nhầm.", actor=admin)
    client = browse(admin)
    html = client.get(reverse("audit:log"), {"cycle": cycle.pk}).content.decode()
    log = visible_text(html.split('class="audit-log"')[1])
    assert "Hủy kỳ đánh giá" in log and f"{cycle.title} (đã hủy)" in log
    assert f'<option value="{cycle.pk}"' in html
    leaf = client.get(
        reverse("audit:leaf_history", args=[cycle.pk, world.unit_a.code, fx.RATIO_LEAF])
    )
    assert leaf.status_code == 200
