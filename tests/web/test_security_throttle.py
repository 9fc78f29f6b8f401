"""Throttling keys on addresses a client cannot choose, and on usernames and addresses apart.

Behind PARINDEX_PROXY_COUNT trusted proxies that each append to X-Forwarded-For, the client's
address is the N-th entry from the right (what the outermost proxy saw); anything to its left
was written by the client. Login failures lock a username (from any address) and, separately,
an address (for any username). Password-reset requests are limited per address and per e-mail.
"""

from __future__ import annotations

import pytest
from django.core import mail
from django.test import Client, RequestFactory

from parindex.accounts.models import Role, User

from .factories import PASSWORD, person

LOGIN = "/accounts/login/"
RESET = "/accounts/password/reset/"
LOCKED = 429


# -- the client's address ----------------------------------------------------------------------


def request_from(remote: str | None, forwarded: str | None = None):  # type: ignore[no-untyped-def]
    meta = {} if forwarded is None else {"HTTP_X_FORWARDED_FOR": forwarded}
    request = RequestFactory().get("/", **meta)
    if remote is None:
        del request.META["REMOTE_ADDR"]
    else:
        request.META["REMOTE_ADDR"] = remote
    return request


@pytest.mark.parametrize(
    ("count", "remote", "forwarded", "expected"),
    [
        # No proxy: the header is the client's own text, never read.
        (0, "198.51.100.7", "203.0.113.5", "198.51.100.7"),
        (0, "198.51.100.7", None, "198.51.100.7"),
        # One proxy: the right-most entry is what it appended.
        (1, "10.0.0.1", "203.0.113.5", "203.0.113.5"),
        (1, "10.0.0.1", "1.2.3.4, 5.6.7.8, 203.0.113.5", "203.0.113.5"),
        (1, "10.0.0.1", "1.2.3.4,203.0.113.5 ", "203.0.113.5"),
        (1, "10.0.0.1", "2001:db8::1", "2001:db8::1"),
        # Two proxies: the outer one appended the client, the inner one the outer proxy.
        (2, "10.0.0.2", "1.2.3.4, 203.0.113.5, 10.0.0.1", "203.0.113.5"),
        # Fewer entries than proxies, no header, or a malformed entry: the peer's address.
        (2, "10.0.0.2", "203.0.113.5", "10.0.0.2"),
        (1, "10.0.0.1", None, "10.0.0.1"),
        (1, "10.0.0.1", "", "10.0.0.1"),
        (1, "10.0.0.1", "1.2.3.4, not-an-address", "10.0.0.1"),
        (1, "10.0.0.1", "1.2.3.4, ", "10.0.0.1"),
        (0, None, None, None),
    ],
)
def test_client_address(
    settings, count: int, remote: str | None, forwarded: str | None, expected: str | None
) -> None:
    from parindex.shared.clientip import client_address

    settings.PROXY_COUNT = count
    assert client_address(request_from(remote, forwarded)) == expected


def test_client_address_is_what_login_throttling_uses(settings) -> None:
    assert settings.AXES_CLIENT_IP_CALLABLE == "parindex.shared.clientip.client_address"
    assert settings.AXES_LOCKOUT_PARAMETERS == ["username", "ip_address"]


# -- login -------------------------------------------------------------------------------------


def login(client: Client, username: str, password: str) -> int:
    return client.post(LOGIN, {"username": username, "password": password}).status_code


def behind_proxy(address: str, spoofed: str = "") -> Client:
    forwarded = f"{spoofed}, {address}" if spoofed else address
    return Client(REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR=forwarded)


def test_spoofed_left_most_addresses_do_not_escape_the_lock(db: None, settings) -> None:
    """Twelve wrong passwords, each with a new made-up left-most X-Forwarded-For entry."""
    settings.PROXY_COUNT = 1
    person("quan.tri", Role.PAR_ADMIN)
    codes = [
        login(behind_proxy("203.0.113.5", f"192.0.2.{n}"), "quan.tri", "sai") for n in range(12)
    ]
    assert codes[:4] == [200] * 4 and set(codes[4:]) == {LOCKED}
    client = behind_proxy("203.0.113.5", "192.0.2.200")
    assert login(client, "quan.tri", PASSWORD) == LOCKED
    assert "_auth_user_id" not in client.session


def test_a_spray_over_many_usernames_from_one_address_is_locked(db: None, settings) -> None:
    settings.PROXY_COUNT = 1
    for n in range(7):
        person(f"can.bo.{n}", Role.VIEWER)
    codes = [login(behind_proxy("203.0.113.5"), f"can.bo.{n}", "sai") for n in range(6)]
    assert codes[:4] == [200] * 4 and set(codes[4:]) == {LOCKED}
    # Even the right password of an account not tried yet: the address is locked.
    assert login(behind_proxy("203.0.113.5", "192.0.2.1"), "can.bo.6", PASSWORD) == LOCKED
    # Another client behind the same proxy has its own address and logs in.
    assert login(behind_proxy("198.51.100.7"), "can.bo.6", PASSWORD) == 302


def test_signing_in_between_sprays_does_not_clear_the_address(db: None, settings) -> None:
    """Someone with a valid account sprays four usernames, signs in to their own account from
    the same address, and sprays on: the address stays at its count and is locked at the fifth
    failure. Only the failures made on the username that signed in are forgotten."""
    from axes.models import AccessAttempt

    settings.PROXY_COUNT = 1
    person("ke.xau", Role.VIEWER)
    for n in range(6):
        person(f"can.bo.{n}", Role.VIEWER)
    assert login(behind_proxy("203.0.113.5"), "ke.xau", "sai") == 200  # a typo of their own
    codes = [login(behind_proxy("203.0.113.5"), f"can.bo.{n}", "sai") for n in range(3)]
    assert codes == [200] * 3
    assert login(behind_proxy("203.0.113.5"), "ke.xau", PASSWORD) == 302
    assert not AccessAttempt.objects.filter(username="ke.xau").exists()
    assert AccessAttempt.objects.filter(ip_address="203.0.113.5").count() == 3
    assert login(behind_proxy("203.0.113.5"), "can.bo.3", "sai") == 200  # the fourth failure
    assert login(behind_proxy("203.0.113.5"), "can.bo.4", "sai") == LOCKED
    assert login(behind_proxy("203.0.113.5", "192.0.2.9"), "can.bo.5", PASSWORD) == LOCKED
    # The accounts sprayed are not locked from another address.
    assert login(behind_proxy("198.51.100.7"), "can.bo.0", PASSWORD) == 302


def test_one_username_attacked_from_many_addresses_is_locked(db: None, settings) -> None:
    settings.PROXY_COUNT = 1
    person("can.bo", Role.VIEWER)
    codes = [login(behind_proxy(f"203.0.113.{n}"), "can.bo", "sai") for n in range(6)]
    assert codes[:4] == [200] * 4 and set(codes[4:]) == {LOCKED}
    assert login(behind_proxy("198.51.100.7"), "can.bo", PASSWORD) == LOCKED


def test_without_a_proxy_the_header_is_ignored(db: None, settings) -> None:
    settings.PROXY_COUNT = 0
    person("can.bo", Role.VIEWER)
    for n in range(5):
        Client(REMOTE_ADDR="198.51.100.7", HTTP_X_FORWARDED_FOR=f"192.0.2.{n}").post(
            LOGIN, {"username": f"khong.co.{n}", "password": "sai"}
        )
    client = Client(REMOTE_ADDR="198.51.100.7", HTTP_X_FORWARDED_FOR="192.0.2.99")
    assert login(client, "can.bo", PASSWORD) == LOCKED


# -- password reset ----------------------------------------------------------------------------

TOO_MANY = "Có quá nhiều yêu cầu đặt lại mật khẩu"


def reset(email: str, address: str = "198.51.100.7") -> str:
    response = Client(REMOTE_ADDR=address).post(RESET, {"email": email}, follow=True)
    return response.content.decode()


def with_email(username: str, email: str) -> User:
    user = person(username, Role.VIEWER)
    User.objects.filter(pk=user.pk).update(email=email)
    return user


def test_the_sixth_reset_from_one_address_sends_no_mail(db: None) -> None:
    with_email("can.bo", "canbo@example.vn")
    for n in range(5):
        assert TOO_MANY not in reset(f"khac.{n}@example.vn")
    assert not mail.outbox
    html = reset("canbo@example.vn")
    assert TOO_MANY in html and "15 phút" in html
    assert not mail.outbox
    # Another address is not held back.
    assert TOO_MANY not in reset("canbo@example.vn", address="203.0.113.5")
    assert len(mail.outbox) == 1


def test_the_sixth_reset_of_one_email_sends_no_mail(db: None) -> None:
    with_email("can.bo", "canbo@example.vn")
    for n in range(5):
        assert TOO_MANY not in reset("CanBo@example.vn ", address=f"203.0.113.{n}")
    assert len(mail.outbox) == 5
    assert TOO_MANY in reset("canbo@example.vn", address="203.0.113.99")
    assert len(mail.outbox) == 5


def test_reset_throttling_follows_the_proxy_address(db: None, settings) -> None:
    settings.PROXY_COUNT = 1
    for n in range(5):
        Client(REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR=f"192.0.2.{n}, 203.0.113.5").post(
            RESET, {"email": f"khac.{n}@example.vn"}
        )
    client = Client(REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="192.0.2.77, 203.0.113.5")
    assert TOO_MANY in client.post(RESET, {"email": "moi@example.vn"}).content.decode()
