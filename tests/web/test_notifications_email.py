"""A mail server that refuses the e-mail of a notification does not turn a saved change into an
error page: the change is saved and answered as usual, the failure is logged with the recipient
and the subject, and the next ``send_reminders`` run sends the e-mail.

The view below writes the way every service does (a change and ``notify`` in one transaction),
and the database commits for real: the e-mails go after the commit, inside the request."""

from __future__ import annotations

import io
import logging
import smtplib

import pytest
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.core.management import call_command
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.test import Client, override_settings
from django.urls import path

from parindex.accounts.models import User
from parindex.notifications.models import Notification
from parindex.notifications.services import notify


class RefusingBackend(BaseEmailBackend):
    def send_messages(self, email_messages):  # type: ignore[no-untyped-def]
        raise smtplib.SMTPDataError(451, b"try again later")


def rename_and_tell(request: HttpRequest) -> HttpResponse:
    with transaction.atomic():
        User.objects.filter(username="lan").update(full_name="Trần Thị Lan")
        notify(
            recipients=User.objects.filter(username="lan"),
            verb="account.renamed",
            message="Tên của bạn đã được cập nhật.",
            url="/accounts/",
        )
    return HttpResponse("saved")


urlpatterns = [path("rename/", rename_and_tell)]


@pytest.mark.django_db(transaction=True)
@override_settings(ROOT_URLCONF=__name__)
def test_a_refused_email_leaves_the_change_saved_and_goes_with_the_next_reminders(
    settings, caplog
) -> None:
    User.objects.create_user(username="lan", email="lan@example.vn")
    settings.EMAIL_BACKEND = f"{RefusingBackend.__module__}.{RefusingBackend.__qualname__}"
    caplog.set_level(logging.ERROR, logger="parindex.notifications")

    response = Client(raise_request_exception=False).post("/rename/")

    assert response.status_code == 200
    assert User.objects.get(username="lan").full_name == "Trần Thị Lan"
    notification = Notification.objects.get(verb="account.renamed")
    assert notification.email_state == Notification.EmailState.PENDING
    assert notification.email_attempts == 1 and "SMTPDataError" in notification.email_error
    (record,) = [r for r in caplog.records if r.name == "parindex.notifications.services"]
    assert record.exc_info is not None
    assert "lan@example.vn" in record.getMessage()
    assert "Chỉ số CCHC: Tên của bạn đã được cập nhật." in record.getMessage()  # the subject

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    mail.outbox = []
    out = io.StringIO()
    call_command("send_reminders", stdout=out)
    assert "sent 1 waiting e-mail(s) again, 0 failed again" in out.getvalue()
    (sent,) = mail.outbox
    assert sent.to == ["lan@example.vn"] and "Tên của bạn đã được cập nhật." in sent.body
    notification.refresh_from_db()
    assert notification.email_state == Notification.EmailState.SENT
    assert notification.emailed_at is not None and notification.email_error == ""
