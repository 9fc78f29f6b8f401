"""Logging in and passwords: throttling per username and per address (django-axes: 5 failures
lock the username, and separately the address, for 15 minutes, on a Vietnamese page), logout by
POST only, password change (with Django's validators, audited) and reset by e-mail (one-time
link, never for accounts that were not activated)."""

from __future__ import annotations

import datetime
import re

from axes.models import AccessAttempt
from django.conf import settings
from django.core import mail
from django.test import Client
from django.utils import timezone

from parindex.accounts.models import Role, User
from parindex.audit.selectors import events_for

from .accounts_fixtures import pending_create
from .factories import PASSWORD, browse, person

URL = "/accounts/login/"
NEW = "Cai-cach-2025!"


def login(username: str, password: str, address: str = "10.0.0.1") -> int:
    response = Client(REMOTE_ADDR=address).post(URL, {"username": username, "password": password})
    return response.status_code


def test_throttling_settings() -> None:
    assert settings.AXES_FAILURE_LIMIT == 5
    assert datetime.timedelta(hours=settings.AXES_COOLOFF_TIME) == datetime.timedelta(minutes=15)
    assert settings.AXES_LOCKOUT_PARAMETERS == ["username", "ip_address"]


def test_five_failures_lock_the_username_and_the_address(db: None) -> None:
    person("can.bo", Role.VIEWER)
    for _ in range(4):
        assert login("can.bo", "sai") == 200
    assert login("can.bo", "sai") == 429
    client = Client(REMOTE_ADDR="10.0.0.1")
    locked = client.post(URL, {"username": "can.bo", "password": PASSWORD})
    assert locked.status_code == 429
    html = locked.content.decode()
    assert "Đăng nhập sai quá nhiều lần" in html
    assert '<html lang="vi">' in html
    assert "_auth_user_id" not in client.session
    # The username is locked from every address, and the address for every username
    # (tests/web/test_security_throttle.py); another person elsewhere still logs in.
    assert login("can.bo", PASSWORD, address="10.0.0.2") == 429
    person("nguoi.khac", Role.VIEWER)
    assert login("nguoi.khac", PASSWORD) == 429
    assert login("nguoi.khac", PASSWORD, address="10.0.0.2") == 302


def test_the_lock_lasts_fifteen_minutes(db: None) -> None:
    person("can.bo", Role.VIEWER)
    for _ in range(5):
        login("can.bo", "sai")
    assert login("can.bo", PASSWORD) == 429
    AccessAttempt.objects.update(attempt_time=timezone.now() - datetime.timedelta(minutes=14))
    assert login("can.bo", PASSWORD) == 429
    AccessAttempt.objects.update(attempt_time=timezone.now() - datetime.timedelta(minutes=16))
    assert login("can.bo", PASSWORD) == 302


def test_pending_and_deactivated_accounts_cannot_log_in(province, par_admin) -> None:
    waiting = pending_create(par_admin, "cho.kich.hoat", role=Role.VIEWER)
    assert login(waiting.username, "") == 200
    assert login(waiting.username, "!") == 200
    gone = person("da.nghi", Role.VIEWER, is_active=False)
    assert login(gone.username, PASSWORD) == 200


def test_logout_by_post_only(db: None) -> None:
    user = person("can.bo", Role.VIEWER)
    client = browse(user)
    assert client.get("/accounts/logout/").status_code == 405
    assert "_auth_user_id" in client.session
    page = client.get("/").content.decode()
    assert '<form action="/accounts/logout/" method="post">' in page
    assert client.post("/accounts/logout/").status_code == 302
    assert "_auth_user_id" not in client.session


def test_password_change(db: None) -> None:
    user = person("can.bo", Role.VIEWER)
    client = browse(user)
    page = client.get("/accounts/password/change/").content.decode()
    assert "Đổi mật khẩu" in page
    url = "/accounts/password/change/"
    wrong = client.post(url, {"old_password": "sai", "new_password1": NEW, "new_password2": NEW})
    assert wrong.status_code == 200
    assert "Mật khẩu cũ" in wrong.content.decode()
    weak = client.post(
        url, {"old_password": PASSWORD, "new_password1": "can.bo1", "new_password2": "can.bo1"}
    )
    assert weak.status_code == 200
    user.refresh_from_db()
    assert user.check_password(PASSWORD)
    done = client.post(url, {"old_password": PASSWORD, "new_password1": NEW, "new_password2": NEW})
    assert done["Location"] == "/accounts/password/change/done/"
    assert (
        "Mật khẩu mới của anh/chị đã có hiệu lực." in client.get(done["Location"]).content.decode()
    )
    user.refresh_from_db()
    assert user.check_password(NEW)
    # Still signed in after the change; the trail says it happened, not what the password is.
    assert "_auth_user_id" in client.session
    assert client.get(url).status_code == 200
    (event,) = events_for(target=user)
    assert (event.action, event.actor_id, event.before, event.after) == (
        "account.password_change",
        user.pk,
        None,
        None,
    )


def test_password_reset_by_email(db: None) -> None:
    user = person("can.bo", Role.VIEWER)
    User.objects.filter(pk=user.pk).update(email="canbo@example.vn")
    client = Client()
    assert 'href="/accounts/password/reset/"' in client.get(URL).content.decode()
    assert "Quên mật khẩu?" in client.get("/accounts/password/reset/").content.decode()
    response = client.post("/accounts/password/reset/", {"email": "canbo@example.vn"})
    assert response["Location"] == "/accounts/password/reset/sent/"
    (message,) = mail.outbox
    assert message.subject == "Chỉ số CCHC: đặt mật khẩu mới"
    assert "Tên đăng nhập của anh/chị là can.bo." in message.body
    link = re.search(r"http://testserver(/accounts/password/reset/\S+/)", message.body).group(1)
    opened = client.get(link)
    assert opened.status_code == 302
    form_url = opened["Location"]
    done = client.post(form_url, {"new_password1": NEW, "new_password2": NEW})
    assert done["Location"] == "/accounts/password/reset/done/"
    user.refresh_from_db()
    assert user.check_password(NEW)
    assert [e.action for e in events_for(target=user)] == ["account.password_reset"]
    # The link works once.
    again = Client().get(link)
    assert "không còn hiệu lực" in again.content.decode()


def test_no_reset_mail_for_accounts_never_activated(province, par_admin) -> None:
    pending_create(par_admin, "cho.kich.hoat", email="cho@example.vn", role=Role.VIEWER)
    response = Client().post("/accounts/password/reset/", {"email": "cho@example.vn"})
    # The same answer as for any address, so nobody learns which addresses exist.
    assert response["Location"] == "/accounts/password/reset/sent/"
    assert not mail.outbox
