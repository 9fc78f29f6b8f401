"""An e-mail that cannot be sent never undoes or breaks the change that caused it: the failure is
logged with its recipient and subject, recorded on the notification, and ``send_reminders``
sends it again each day until it goes, at most ``EMAIL_MAX_ATTEMPTS`` times in all."""

from __future__ import annotations

import datetime
import io
import logging
import smtplib

import pytest
from django.core.mail.backends.base import BaseEmailBackend
from django.core.management import call_command
from django.utils import timezone

from parindex.accounts.models import User
from parindex.notifications.models import Notification
from parindex.notifications.services import EMAIL_MAX_ATTEMPTS, notify

pytestmark = pytest.mark.django_db

State = Notification.EmailState


class RefusingBackend(BaseEmailBackend):
    """A mail server that takes the connection and refuses every message."""

    tries = 0

    def send_messages(self, email_messages):  # type: ignore[no-untyped-def]
        RefusingBackend.tries += len(email_messages)
        raise smtplib.SMTPRecipientsRefused({"x": (550, b"mailbox unavailable")})


class UnreachableBackend(BaseEmailBackend):
    """No mail server at all: opening the connection fails."""

    def open(self):  # type: ignore[no-untyped-def]
        raise ConnectionRefusedError(111, "Connection refused")


def dotted(cls: type) -> str:
    return f"{cls.__module__}.{cls.__qualname__}"


@pytest.fixture
def refusing(settings) -> None:  # type: ignore[no-untyped-def]
    RefusingBackend.tries = 0
    settings.EMAIL_BACKEND = dotted(RefusingBackend)


@pytest.fixture
def people() -> list[User]:
    return [
        User.objects.create_user(username="lan", email="lan@example.org"),
        User.objects.create_user(username="minh", email="minh@example.org"),
        User.objects.create_user(username="no.mail", email=""),
    ]


def announce(people: list[User], capture) -> list[Notification]:  # type: ignore[no-untyped-def]
    with capture(execute=True):
        return notify(
            recipients=people, verb="assessment.due", message="Hạn nộp: 15/01/2025", url="/a/"
        )


def reminders_run() -> None:
    call_command("send_reminders", "--date", "2025-01-13", stdout=io.StringIO())


def states() -> dict[str, tuple[str, int]]:
    return {
        n.recipient.username: (n.email_state, n.email_attempts)
        for n in Notification.objects.select_related("recipient")
    }


def test_a_sent_email_is_recorded(
    people: list[User], django_capture_on_commit_callbacks, mailoutbox
) -> None:
    announce(people, django_capture_on_commit_callbacks)
    assert len(mailoutbox) == 2
    assert states() == {
        "lan": (State.SENT, 1),
        "minh": (State.SENT, 1),
        "no.mail": (State.NONE, 0),
    }
    assert Notification.objects.get(recipient__username="lan").emailed_at is not None


def test_a_refused_email_is_logged_kept_and_sent_by_the_next_reminder_run(
    people: list[User], django_capture_on_commit_callbacks, refusing, settings, caplog, mailoutbox
) -> None:
    caplog.set_level(logging.ERROR, logger="parindex.notifications")
    created = announce(people, django_capture_on_commit_callbacks)  # no exception escapes
    assert len(created) == 3 and Notification.objects.count() == 3
    assert RefusingBackend.tries == 2
    logged = [r for r in caplog.records if r.name == "parindex.notifications.services"]
    assert len(logged) == 2 and all(r.exc_info for r in logged)
    text = caplog.text
    assert "lan@example.org" in text and "minh@example.org" in text
    assert "Chỉ số CCHC: Hạn nộp: 15/01/2025" in text  # the subject
    assert states()["lan"] == (State.PENDING, 1)
    lan = Notification.objects.get(recipient__username="lan")
    assert "SMTPRecipientsRefused" in lan.email_error and lan.emailed_at is None

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    reminders_run()
    assert sorted(m.to[0] for m in mailoutbox) == ["lan@example.org", "minh@example.org"]
    assert states() == {
        "lan": (State.SENT, 2),
        "minh": (State.SENT, 2),
        "no.mail": (State.NONE, 0),
    }
    lan.refresh_from_db()
    assert lan.email_error == "" and lan.emailed_at is not None
    reminders_run()  # sent ones are not sent again
    assert len(mailoutbox) == 2


def test_attempts_are_bounded(
    people: list[User], django_capture_on_commit_callbacks, refusing, caplog
) -> None:
    announce(people[:1], django_capture_on_commit_callbacks)
    for _ in range(EMAIL_MAX_ATTEMPTS + 2):
        reminders_run()
    assert RefusingBackend.tries == EMAIL_MAX_ATTEMPTS
    assert states()["lan"] == (State.FAILED, EMAIL_MAX_ATTEMPTS)


def test_no_mail_server_leaves_every_email_waiting(
    people: list[User], django_capture_on_commit_callbacks, settings, caplog
) -> None:
    settings.EMAIL_BACKEND = dotted(UnreachableBackend)
    announce(people, django_capture_on_commit_callbacks)
    assert states()["minh"] == (State.PENDING, 1)
    assert (
        "ConnectionRefusedError" in Notification.objects.get(recipient__username="minh").email_error
    )
    assert "cannot reach the mail server" in caplog.text and "minh@example.org" in caplog.text


def test_an_email_never_tried_is_sent_once_its_request_is_surely_over(
    people: list[User], mailoutbox
) -> None:
    # The process stopped between the commit and the sending: the callback never ran.
    notify(recipients=people[:2], verb="assessment.due", message="Hạn nộp", url="/a/")
    reminders_run()
    assert mailoutbox == []  # younger than an hour: its request may still be sending it
    Notification.objects.filter(recipient__username="lan").update(
        created_at=timezone.now() - datetime.timedelta(hours=2)
    )
    reminders_run()
    assert [m.to[0] for m in mailoutbox] == ["lan@example.org"]
    assert states()["lan"] == (State.SENT, 1) and states()["minh"] == (State.PENDING, 0)


def test_dry_run_lists_the_waiting_emails_without_sending(
    people: list[User], django_capture_on_commit_callbacks, refusing, capsys
) -> None:
    announce(people[:1], django_capture_on_commit_callbacks)
    call_command("send_reminders", "--dry-run")
    assert "would send 1 waiting e-mail(s) again" in capsys.readouterr().out
    assert RefusingBackend.tries == 1 and states()["lan"] == (State.PENDING, 1)
