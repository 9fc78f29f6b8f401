"""Fixtures and helpers of the account tests (``tests/web/test_accounts_*.py``): a PAR
administrator who is not a superuser, pending accounts, Excel files built in memory, and a
reader of the activation link in an e-mail.

conftest.py makes the fixtures (``__all__``) visible to every web test; test modules import the
helpers by name.
"""

from __future__ import annotations

import datetime
import io
import re
from dataclasses import dataclass

import pytest
from django.core import mail
from django.test import Client

from parindex.accounts import services
from parindex.accounts.models import Role, User
from parindex.frameworks.models import FrameworkVersion
from parindex.frameworks.services import framework_import
from parindex.units.models import Unit, UnitType

from .factories import FRAMEWORK_FILE, browse, framework_text, person

__all__ = ["admin_client", "par_admin", "pending", "province"]

HEADER = ["username", "full_name", "email", "role", "unit_code", "area_code"]
LINK_RE = re.compile(r"https?://[^/\s]+(/accounts/activate/[^\s]+/)")


@dataclass
class Province:
    """What account tests need: two open departments, a closed one, and the areas of the
    shipped internal framework (codes 1–8, B, P)."""

    unit_a: Unit
    unit_b: Unit
    closed: Unit


@pytest.fixture
def province(db: None) -> Province:
    """Light beside ``world`` (no cycles, no results); shares its units when both are used."""
    if not FrameworkVersion.objects.exists():
        framework_import(text=framework_text(), source_name=FRAMEWORK_FILE)

    def unit(code: str, name: str, **dates: datetime.date) -> Unit:
        return Unit.objects.get_or_create(
            code=code, defaults={"name": name, "type": UnitType.DEPARTMENT, **dates}
        )[0]

    return Province(
        unit("SNV", "Sở Nội vụ"),
        unit("STP", "Sở Tư pháp"),
        unit("SKHDT", "Sở Kế hoạch và Đầu tư", valid_to=datetime.date(2025, 2, 28)),
    )


@pytest.fixture
def par_admin(db: None) -> User:
    """PAR administrator by role only (not a superuser, not staff)."""
    return person("par.admin", Role.PAR_ADMIN)


@pytest.fixture
def admin_client(par_admin: User) -> Client:
    return browse(par_admin)


def pending_create(
    actor: User,
    username: str = "nguyen.van.a",
    *,
    email: str = "a@example.vn",
    role: str = Role.UNIT_EDITOR,
    unit: Unit | None = None,
    area: str = "",
) -> User:
    return services.account_create(
        actor=actor,
        username=username,
        full_name=username.replace(".", " ").title(),
        email=email,
        roles=[services.RoleSpec(role=role, unit=unit, area=area)],
    )


@pytest.fixture
def pending(province: Province, par_admin: User) -> User:
    """A new unit editor of unit A, with an e-mail address, who has no password yet."""
    return pending_create(par_admin, unit=province.unit_a)


def xlsx(
    rows: list[list[object]], *, header: list[str] | None = None, sheet: str = "accounts"
) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook()
    ws = workbook.active
    assert ws is not None
    ws.title = sheet
    ws.append(header if header is not None else HEADER)
    for row in rows:
        ws.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def upload(client: Client, data: bytes, name: str = "nhan-su.xlsx", **extra: str):  # type: ignore[no-untyped-def]
    file = io.BytesIO(data)
    file.name = name
    return client.post("/accounts/manage/import/", {"file": file}, **extra)


def activation_link(message: mail.EmailMessage | None = None) -> str:
    """The path of the activation link in an e-mail (the last one sent by default)."""
    message = message or mail.outbox[-1]
    match = LINK_RE.search(message.body)
    assert match, message.body
    return match.group(1)


def set_password(client: Client, link: str, password: str = "Cai-cach-2025!"):  # type: ignore[no-untyped-def]
    """Open an activation link and choose a password; returns the final response."""
    opened = client.get(link)
    assert opened.status_code == 302, opened.content.decode()[:500]
    return client.post(opened["Location"], {"new_password1": password, "new_password2": password})
