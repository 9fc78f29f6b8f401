"""Activation by a one-time link: new accounts have no usable password; the administrator sends
(or re-sends) a link; the person sets their own password with Django's validators. The link
works once, for ACCOUNT_ACTIVATION_DAYS, and stops working when a newer link is issued, the
account is deactivated or its e-mail changes. Links of people without e-mail are printed by the
administrator; nobody ever sees a password."""

from __future__ import annotations

import datetime
import re

from django.core import mail
from django.test import Client
from django.utils import timezone

from parindex.accounts import services, tokens
from parindex.accounts.models import Role, User
from parindex.audit.models import AuditEvent
from parindex.audit.selectors import events_for

from .accounts_fixtures import activation_link, pending_create, set_password
from .factories import person

GOOD = "Cai-cach-2025!"


def send(client: Client, user: User, capture) -> None:  # type: ignore[no-untyped-def]
    with capture(execute=True):
        response = client.post(f"/accounts/manage/{user.pk}/activation/")
    assert response.status_code == 302


def login(username: str, password: str) -> int:
    client = Client()
    return client.post("/accounts/login/", {"username": username, "password": password}).status_code


def test_link_by_email_then_the_person_sets_a_password(
    pending: User, par_admin, admin_client, django_capture_on_commit_callbacks
) -> None:
    assert login(pending.username, "") == 200
    send(admin_client, pending, django_capture_on_commit_callbacks)
    (message,) = mail.outbox
    assert message.to == ["a@example.vn"]
    assert "nguyen.van.a" in message.body
    link = activation_link(message)
    assert link.startswith("/accounts/activate/")

    client = Client()
    opened = client.get(link)
    # The token leaves the address bar (and the Referer of the next page) for the session.
    assert opened.status_code == 302
    assert opened["Location"].endswith("/set-password/")
    form = client.get(opened["Location"]).content.decode()
    assert "Kích hoạt tài khoản" in form
    assert 'name="new_password1"' in form
    # Django's password validators apply.
    weak = client.post(
        opened["Location"], {"new_password1": "12345678", "new_password2": "12345678"}
    )
    assert weak.status_code == 200
    assert "Mật khẩu này quá phổ biến." in weak.content.decode()
    assert not User.objects.get(pk=pending.pk).has_usable_password()
    done = client.post(opened["Location"], {"new_password1": GOOD, "new_password2": GOOD})
    assert done.status_code == 302
    assert done["Location"] == "/accounts/login/"
    user = User.objects.get(pk=pending.pk)
    assert user.check_password(GOOD)
    assert not user.is_pending_activation
    assert login(user.username, GOOD) == 302
    # Used once: the same link no longer opens anything.
    again = Client().get(link)
    assert again.status_code == 200
    assert "Đường dẫn kích hoạt này không còn hiệu lực" in again.content.decode()
    actions = [(e.action, e.actor_id) for e in events_for(target=user)]
    assert actions == [
        ("account.create", par_admin.pk),
        ("account.activation_send", par_admin.pk),
        ("account.activate", user.pk),
    ]
    # Neither the token nor the password is written anywhere in the trail.
    token = link.rstrip("/").rsplit("/", 1)[1]
    trail = str(list(AuditEvent.objects.values_list("before", "after", "reason")))
    assert token not in trail
    assert GOOD not in trail


def test_link_expires(
    pending: User, admin_client, django_capture_on_commit_callbacks, settings
) -> None:
    send(admin_client, pending, django_capture_on_commit_callbacks)
    link = activation_link()
    pending.refresh_from_db()
    token = link.rstrip("/").rsplit("/", 1)[1]
    issued = pending.activation_sent_at
    assert tokens.check_token(pending, token, now=issued + datetime.timedelta(days=7))
    assert not tokens.check_token(
        pending, token, now=issued + datetime.timedelta(days=7, seconds=1)
    )
    User.objects.filter(pk=pending.pk).update(
        activation_sent_at=timezone.now()
        - datetime.timedelta(days=settings.ACCOUNT_ACTIVATION_DAYS, minutes=1)
    )
    assert Client().get(link).status_code == 200  # the "not valid" page, no redirect
    page = admin_client.get(f"/accounts/manage/{pending.pk}/").content.decode()
    assert "Đường dẫn kích hoạt đã hết hạn." in page


def test_a_new_link_voids_the_old_one(
    pending: User, admin_client, django_capture_on_commit_callbacks
) -> None:
    send(admin_client, pending, django_capture_on_commit_callbacks)
    first = activation_link()
    send(admin_client, pending, django_capture_on_commit_callbacks)
    second = activation_link()
    assert second != first
    assert Client().get(first).status_code == 200
    assert set_password(Client(), second).status_code == 302


def test_deactivation_or_a_new_address_voids_the_link(
    province, par_admin, admin_client, django_capture_on_commit_callbacks
) -> None:
    one = pending_create(par_admin, "mot", email="mot@example.vn", role=Role.VIEWER)
    two = pending_create(par_admin, "hai", email="hai@example.vn", role=Role.VIEWER)
    send(admin_client, one, django_capture_on_commit_callbacks)
    send(admin_client, two, django_capture_on_commit_callbacks)
    link_one, link_two = (activation_link(m) for m in mail.outbox)
    services.account_deactivate(actor=par_admin, user=one)
    admin_client.post(
        f"/accounts/manage/{two.pk}/edit/", {"full_name": "Hai", "email": "moi@example.vn"}
    )
    for link in (link_one, link_two):
        response = Client().get(link)
        assert response.status_code == 200
        assert "không còn hiệu lực" in response.content.decode()
    # Reactivated, the first person still needs a new link: the old one stays void.
    services.account_reactivate(actor=par_admin, user=one)
    assert Client().get(link_two).status_code == 200


def test_tampered_links(
    pending: User, par_admin, admin_client, django_capture_on_commit_callbacks
) -> None:
    other = pending_create(par_admin, "nguoi.khac", email="k@example.vn", role=Role.VIEWER)
    send(admin_client, pending, django_capture_on_commit_callbacks)
    send(admin_client, other, django_capture_on_commit_callbacks)
    link = activation_link(mail.outbox[0])
    other_link = activation_link(mail.outbox[1])
    uid, token = link.rstrip("/").split("/")[-2:]
    other_uid = other_link.rstrip("/").split("/")[-2]
    for bad in (
        f"/accounts/activate/{other_uid}/{token}/",  # someone else's account
        f"/accounts/activate/{uid}/{token[:-1]}x/",
        f"/accounts/activate/{uid}/zzzz-{token.split('-')[1]}/",
        f"/accounts/activate/!!/{token}/",
        f"/accounts/activate/{uid}/set-password/",  # no token in the session
    ):
        response = Client().get(bad)
        assert response.status_code == 200, bad
        assert 'name="new_password1"' not in response.content.decode(), bad
    # Posting a password to the form without having opened a valid link does nothing.
    Client().post(
        f"/accounts/activate/{uid}/set-password/", {"new_password1": GOOD, "new_password2": GOOD}
    )
    assert not User.objects.get(pk=pending.pk).has_usable_password()


def test_people_without_email_get_a_printed_link(
    province, par_admin, admin_client, django_capture_on_commit_callbacks
) -> None:
    paper = pending_create(par_admin, "khong.thu", email="", role=Role.VIEWER)
    emailed = pending_create(par_admin, "co.thu", email="co@example.vn", role=Role.VIEWER)
    response = admin_client.post(f"/accounts/manage/{paper.pk}/activation/", follow=True)
    assert "không có địa chỉ thư" in response.content.decode()
    send(admin_client, emailed, django_capture_on_commit_callbacks)
    assert [m.to for m in mail.outbox] == [["co@example.vn"]]
    page = admin_client.get("/accounts/manage/activations/").content.decode()
    links = re.findall(r"http://testserver(/accounts/activate/[^<\s]+/)", page)
    # Only the person without e-mail has their link on the list; the other got it by e-mail.
    assert len(links) == 1
    assert activation_link(mail.outbox[0]) not in page
    assert "đã gửi tới co@example.vn" in page
    assert 'type="button" class="secondary" data-print>' in page
    assert set_password(Client(), links[0]).status_code == 302
    assert User.objects.get(pk=paper.pk).has_usable_password()
    assert "khong.thu" not in admin_client.get("/accounts/manage/activations/").content.decode()


def test_issue_links_to_everyone_waiting(
    province, par_admin, admin_client, django_capture_on_commit_callbacks
) -> None:
    for name, email in [("a1", "a1@example.vn"), ("a2", "a2@example.vn"), ("p1", ""), ("p2", "")]:
        pending_create(par_admin, name, email=email, role=Role.VIEWER)
    already = pending_create(par_admin, "a3", email="a3@example.vn", role=Role.VIEWER)
    send(admin_client, already, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post("/accounts/manage/activations/send/", follow=True)
    assert (
        "Đã gửi 2 đường dẫn kích hoạt qua thư, 2 đường dẫn sẵn sàng để in."
        in response.content.decode()
    )
    assert sorted(m.to[0] for m in mail.outbox) == [
        "a1@example.vn",
        "a2@example.vn",
        "a3@example.vn",
    ]
    assert not User.objects.filter(
        password__startswith="!", activation_sent_at__isnull=True
    ).exists()


def test_no_link_for_accounts_with_a_password(province, par_admin, admin_client) -> None:
    response = admin_client.post(f"/accounts/manage/{par_admin.pk}/activation/", follow=True)
    assert "đã đặt mật khẩu hoặc đã bị vô hiệu hóa" in response.content.decode()
    assert not mail.outbox
    assert not AuditEvent.objects.filter(action="account.activation_send").exists()


def test_administrator_never_sees_a_password(pending: User, admin_client) -> None:
    for url in (
        "/accounts/manage/",
        f"/accounts/manage/{pending.pk}/",
        "/accounts/manage/activations/",
        "/accounts/manage/new/",
    ):
        html = admin_client.get(url).content.decode()
        assert 'type="password"' not in html, url
        assert pending.password not in html, url


def test_demo_prints_an_activation_link_that_works(province, settings) -> None:
    """The demo's step (``build_demo`` calls it last): one pending account and its link, on
    the address the site is served at (`make run PORT=8765` sets SITE_URL)."""
    from parindex.accounts import demo

    settings.SITE_URL = "http://127.0.0.1:8765"
    person("admin", Role.PAR_ADMIN, is_superuser=True)
    lines: list[str] = []
    demo.build(log=lines.append)
    (line,) = lines
    (link,) = re.findall(r"open http://127\.0\.0\.1:8765(/accounts/activate/\S+/) and choose", line)
    user = User.objects.get(username="can.bo.xa")
    assert user.is_pending_activation
    assert user.roles.get().role == Role.UNIT_EDITOR
    assert set_password(Client(), link).status_code == 302
    assert login("can.bo.xa", "Cai-cach-2025!") == 302


def test_pending_list_queries_do_not_grow(province, par_admin, admin_client) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert admin_client.get("/accounts/manage/activations/").status_code == 200
        return len(queries)

    def add(names: range) -> None:
        for n in names:
            user = pending_create(
                par_admin, f"p{n}", email="" if n % 2 else f"p{n}@x.vn", unit=province.unit_a
            )
            services.account_activation_send(actor=par_admin, user=user, site_url="http://x")

    add(range(2))
    few = count()
    add(range(2, 30))
    assert count() == few
