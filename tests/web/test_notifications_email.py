"""A mail server that refuses the e-mail of a notification does not turn a saved change into an
error page: the head's submission is saved and answered as usual, the failure is logged with
the recipient and the subject, and the next ``send_reminders`` run sends the e-mail.

The database commits for real here (the e-mails go after the commit, inside the request)."""

from __future__ import annotations

import io
import logging
import smtplib

import pytest
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.core.management import call_command

from parindex.accounts.models import User
from parindex.notifications.models import Notification

from .assessments_fixtures import Open
from .factories import browse
from .test_assessments_submit import attach_all_required


class RefusingBackend(BaseEmailBackend):
    def send_messages(self, email_messages):  # type: ignore[no-untyped-def]
        raise smtplib.SMTPDataError(451, b"try again later")


@pytest.mark.django_db(transaction=True)
def test_a_refused_email_leaves_the_submission_saved_and_goes_with_the_next_reminders(
    opened: Open, head_a: User, admin: User, settings, caplog
) -> None:
    User.objects.filter(pk=admin.pk).update(email="admin@example.vn")
    attach_all_required(opened, head_a)
    settings.EMAIL_BACKEND = f"{RefusingBackend.__module__}.{RefusingBackend.__qualname__}"
    caplog.set_level(logging.ERROR, logger="parindex.notifications")

    response = browse(head_a).post(opened.url("submit"))

    assert response.status_code == 302
    opened.a.refresh_from_db()
    assert opened.a.state == "submitted"
    notification = Notification.objects.get(recipient=admin, verb="assessment_submitted")
    assert notification.email_state == Notification.EmailState.PENDING
    assert notification.email_attempts == 1 and "SMTPDataError" in notification.email_error
    (record,) = [r for r in caplog.records if r.name == "parindex.notifications.services"]
    assert record.exc_info is not None
    assert "admin@example.vn" in record.getMessage()
    assert "Chỉ số CCHC:" in record.getMessage()  # the subject

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    mail.outbox = []
    out = io.StringIO()
    call_command("send_reminders", stdout=out)
    assert "sent 1 waiting e-mail(s) again, 0 failed again" in out.getvalue()
    (sent,) = mail.outbox
    assert sent.to == ["admin@example.vn"] and opened.a.unit.name in sent.body
    notification.refresh_from_db()
    assert notification.email_state == Notification.EmailState.SENT
    assert notification.emailed_at is not None and notification.email_error == ""
