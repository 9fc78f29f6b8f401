"""``send_reminders``: every registered source runs; each reminder reaches each recipient once
a day, however often the command runs."""

from __future__ import annotations

import datetime
from collections.abc import Iterator

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from parindex.accounts.models import User
from parindex.notifications import reminders
from parindex.notifications.models import Notification, ReminderSent

pytestmark = pytest.mark.django_db
DAY = datetime.date(2025, 1, 13)


@pytest.fixture
def people() -> list[User]:
    """Two people a reminder reaches: active, with a password and an address."""
    return [
        User.objects.create_user(username="lan", email="lan@example.org", password="x"),
        User.objects.create_user(username="minh", email="minh@example.org", password="x"),
    ]


@pytest.fixture
def due(people: list[User]) -> Iterator[list[User]]:
    """A source reminding ``recipients`` (mutable) of a deadline two days ahead."""
    recipients = list(people)

    def self_assessment_due(today: datetime.date):
        deadline = today + datetime.timedelta(days=2)
        yield (
            recipients,
            "assessment.due",
            f"Hạn nộp tự đánh giá: {deadline:%d/%m/%Y}",
            "/assessments/",
        )

    reminders.register(self_assessment_due)
    yield recipients
    reminders.unregister(self_assessment_due)


def run(*args: str) -> None:
    call_command("send_reminders", *args)


def test_sends_once_per_day(
    due: list[User], django_capture_on_commit_callbacks, mailoutbox, capsys
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        run("--date", DAY.isoformat())
        run("--date", DAY.isoformat())
    assert Notification.objects.count() == 2
    assert Notification.objects.first().message == "Hạn nộp tự đánh giá: 15/01/2025"
    assert len(mailoutbox) == 2
    assert ReminderSent.objects.filter(date=DAY).count() == 2
    out = capsys.readouterr().out
    assert "sent 2 reminder(s), 0 already sent today" in out
    assert "sent 0 reminder(s), 2 already sent today" in out
    with django_capture_on_commit_callbacks(execute=True):
        run("--date", (DAY + datetime.timedelta(days=1)).isoformat())
    assert Notification.objects.count() == 4


def test_a_recipient_added_later_that_day_still_gets_it(due: list[User]) -> None:
    run("--date", DAY.isoformat())
    due.append(User.objects.create_user(username="hoa", password="x"))
    run("--date", DAY.isoformat())
    assert Notification.objects.count() == 3
    assert Notification.objects.filter(recipient__username="hoa").count() == 1


def test_defaults_to_today(due: list[User]) -> None:
    run()
    assert set(ReminderSent.objects.values_list("date", flat=True)) == {timezone.localdate()}
    assert Notification.objects.count() == 2


def test_dry_run_sends_nothing(due: list[User], capsys) -> None:
    run("--date", DAY.isoformat(), "--dry-run")
    assert Notification.objects.count() == 0 and ReminderSent.objects.count() == 0
    assert "would send 2 reminder(s)" in capsys.readouterr().out


def test_a_failing_source_does_not_stop_the_others(due: list[User]) -> None:
    def broken(today: datetime.date):
        raise LookupError("no deadline table")

    reminders.register(broken)
    try:
        with pytest.raises(CommandError, match="no deadline table"):
            run("--date", DAY.isoformat())
    finally:
        reminders.unregister(broken)
    assert Notification.objects.count() == 2


def test_register_is_idempotent_and_usable_as_decorator() -> None:
    before = len(reminders.registered())

    @reminders.register
    def nothing(today: datetime.date):
        return []

    reminders.register(nothing)
    assert len(reminders.registered()) == before + 1
    reminders.unregister(nothing)
    assert len(reminders.registered()) == before


def test_bad_date_is_a_usage_error() -> None:
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        run("--date", "13/01/2025")
