"""Account management by the PAR administrator (/accounts/manage/): the list with its filters,
creating an account with scoped roles, editing, roles added and removed, deactivation — every
write audited, refusals shown next to the field with nothing changed."""

from __future__ import annotations

import pytest
from django.test import Client

from parindex.accounts import roles
from parindex.accounts.models import Role, RoleAssignment, User
from parindex.audit.models import AuditEvent
from parindex.audit.selectors import events_for

from .accounts_fixtures import Province, pending_create
from .factories import PASSWORD, browse, person, table_rows

HTMX = {"HTTP_HX_REQUEST": "true"}


def new_account(client: Client, **fields: str):  # type: ignore[no-untyped-def]
    roles = fields.pop("roles", "")
    data = {
        "username": "tran.thi.b",
        "full_name": "Trần Thị B",
        "email": "b@example.vn",
        "roles-TOTAL_FORMS": "3",
        "roles-INITIAL_FORMS": "0",
        **fields,
    }
    for index, spec in enumerate(filter(None, roles.split(";"))):
        role, _, scope = spec.partition(":")
        data[f"roles-{index}-role"] = role
        if role in ("unit_editor", "unit_head"):
            data[f"roles-{index}-unit"] = scope
        else:
            data[f"roles-{index}-area"] = scope
    return client.post("/accounts/manage/new/", data)


def test_create_account_with_scoped_roles(province: Province, par_admin, admin_client) -> None:
    unit = province.unit_a
    response = new_account(admin_client, roles=f"unit_editor:{unit.pk};appraiser:3;viewer:")
    user = User.objects.get(username="tran.thi.b")
    assert response.status_code == 302
    assert response["Location"] == f"/accounts/manage/{user.pk}/"
    assert (user.full_name, user.email, user.is_active) == ("Trần Thị B", "b@example.vn", True)
    # No password at all until the person sets one through the activation link.
    assert not user.has_usable_password()
    assert user.is_pending_activation
    assert user.activation_sent_at is None
    assert sorted(user.roles.values_list("role", "unit__code", "area")) == [
        ("appraiser", None, "3"),
        ("unit_editor", "SNV", ""),
        ("viewer", None, ""),
    ]
    (event,) = events_for(target=user)
    assert (event.action, event.actor_id) == ("account.create", par_admin.pk)
    assert event.after["roles"] == [
        {"role": "unit_editor", "unit": "SNV", "area": ""},
        {"role": "appraiser", "unit": "", "area": "3"},
        {"role": "viewer", "unit": "", "area": ""},
    ]
    assert "password" not in str(event.after)
    page = admin_client.get(response["Location"]).content.decode()
    assert "Chờ kích hoạt" in page
    assert "Gửi đường dẫn kích hoạt" in page


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"roles": "unit_editor:"}, "Vai trò của đơn vị cần có đơn vị."),
        ({"roles": "appraiser:"}, "Thành viên tổ thẩm định cần có lĩnh vực."),
        ({"roles": "viewer:3"}, "Vai trò này áp dụng toàn tỉnh: không ghi đơn vị hay lĩnh vực."),
        ({"roles": ""}, "Hãy giao cho người này ít nhất một vai trò."),
        ({"roles": "viewer:;viewer:"}, "Cùng một vai trò được giao hai lần."),
        ({"roles": "appraiser:Z9"}, "Z9"),
        ({"roles": "viewer:", "username": "có dấu cách"}, "username"),
        ({"roles": "viewer:", "username": "PAR.ADMIN"}, "Đã có tài khoản với tên đăng nhập này."),
        ({"roles": "viewer:", "email": "khong-phai-thu"}, "email"),
        ({"roles": "viewer:", "full_name": ""}, "full_name"),
    ],
)
def test_create_refusals_change_nothing(
    province: Province, admin_client, fields: dict[str, str], message: str
) -> None:
    users, events = User.objects.count(), AuditEvent.objects.count()
    response = new_account(admin_client, **fields)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert (User.objects.count(), AuditEvent.objects.count()) == (users, events)


def test_email_must_be_unused(province, par_admin, admin_client) -> None:
    pending_create(par_admin, "nguoi.a", email="chung@example.vn", role=Role.VIEWER)
    response = new_account(admin_client, email="CHUNG@example.vn", roles="viewer:")
    assert "Địa chỉ thư này đã thuộc về tài khoản “nguoi.a”." in response.content.decode()
    assert not User.objects.filter(username="tran.thi.b").exists()


def test_closed_units_are_not_offered(province: Province, admin_client) -> None:
    page = admin_client.get("/accounts/manage/new/").content.decode()
    assert f'<option value="{province.unit_a.pk}">SNV — Sở Nội vụ</option>' in page
    assert "SKHDT" not in page
    response = new_account(admin_client, roles=f"unit_editor:{province.closed.pk}")
    assert response.status_code == 200
    assert not User.objects.filter(username="tran.thi.b").exists()


def test_list_filters(province: Province, par_admin, admin_client) -> None:
    pending_create(par_admin, "editor.snv", email="", unit=province.unit_a)
    pending_create(par_admin, "head.stp", email="", role=Role.UNIT_HEAD, unit=province.unit_b)
    pending_create(par_admin, "editor.stp", email="", unit=province.unit_b)
    pending_create(par_admin, "tham.dinh", email="", role=Role.APPRAISER, area="2")
    person("nghi.huu", Role.VIEWER, is_active=False)
    person("dang.dung", Role.VIEWER)

    def listed(query: str) -> set[str]:
        html = admin_client.get(f"/accounts/manage/?{query}").content.decode()
        return {u for u in User.objects.values_list("username", flat=True) if f">{u}</a>" in html}

    everyone = set(User.objects.values_list("username", flat=True))
    assert listed("") == everyone
    assert listed("role=unit_editor") == {"editor.snv", "editor.stp"}
    assert listed(f"unit={province.unit_b.pk}") == {"head.stp", "editor.stp"}
    # Role and unit on the same assignment: the unit editors of STP.
    assert listed(f"role=unit_editor&unit={province.unit_b.pk}") == {"editor.stp"}
    assert listed("role=appraiser") == {"tham.dinh"}
    assert listed("status=pending") == {"editor.snv", "head.stp", "editor.stp", "tham.dinh"}
    assert listed("status=inactive") == {"nghi.huu"}
    assert listed("status=active") == {"par.admin", "dang.dung"}
    assert listed("q=STP") == {"head.stp", "editor.stp"}
    html = admin_client.get("/accounts/manage/?role=appraiser").content.decode()
    assert "Thành viên tổ thẩm định · lĩnh vực 2" in html


def test_list_htmx_returns_the_fragment(province, par_admin, admin_client) -> None:
    response = admin_client.get("/accounts/manage/?role=par_admin", **HTMX)
    html = response.content.decode()
    assert "<html" not in html
    assert ">par.admin</a>" in html
    full = admin_client.get("/accounts/manage/").content.decode()
    assert 'hx-get="/accounts/manage/"' in full
    assert '<form method="get" action="/accounts/manage/"' in full


def test_list_paginates(province, par_admin, admin_client) -> None:
    User.objects.bulk_create([User(username=f"u{n:03d}", full_name=f"U {n}") for n in range(60)])
    first = admin_client.get("/accounts/manage/").content.decode()
    assert ">u000</a>" in first
    assert ">u060</a>" not in first
    assert 'href="?page=2"' in first
    second = admin_client.get("/accounts/manage/?page=2").content.decode()
    assert ">u059</a>" in second
    assert ">u000</a>" not in second


def test_list_queries_do_not_grow(province: Province, par_admin, admin_client) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert admin_client.get("/accounts/manage/").status_code == 200
        return len(queries)

    for n in range(3):
        pending_create(par_admin, f"a{n}", email="", unit=province.unit_a)
    few = count()
    for n in range(30):
        user = pending_create(par_admin, f"b{n}", email="", unit=province.unit_b)
        RoleAssignment.objects.create(user=user, role=Role.APPRAISER, area="1")
    assert count() == few


def test_edit_details(pending: User, par_admin, admin_client) -> None:
    url = f"/accounts/manage/{pending.pk}/edit/"
    response = admin_client.post(url, {"full_name": "Nguyễn Văn An", "email": "an@example.vn"})
    assert response.status_code == 302
    pending.refresh_from_db()
    assert (pending.full_name, pending.email) == ("Nguyễn Văn An", "an@example.vn")
    event = events_for(target=pending).last()
    assert event.action == "account.update"
    assert event.before == {"full_name": "Nguyen Van A", "email": "a@example.vn"}
    assert event.after == {"full_name": "Nguyễn Văn An", "email": "an@example.vn"}
    # A bad address is shown next to the field; nothing changes.
    bad = admin_client.post(url, {"full_name": "X", "email": "sai"})
    assert bad.status_code == 400
    pending.refresh_from_db()
    assert pending.full_name == "Nguyễn Văn An"


def test_add_and_remove_roles(province: Province, pending: User, par_admin, admin_client) -> None:
    url = f"/accounts/manage/{pending.pk}/roles/add/"
    assert (
        admin_client.post(url, {"role": "unit_head", "unit": province.unit_b.pk}).status_code == 302
    )
    assert admin_client.post(url, {"role": "appraiser", "area": "5"}).status_code == 302
    # Refusals: scope rules and duplicates.
    refused = admin_client.post(url, {"role": "appraiser", "unit": province.unit_b.pk})
    assert refused.status_code == 400
    assert "Thành viên tổ thẩm định cần có lĩnh vực." in refused.content.decode()
    again = admin_client.post(url, {"role": "appraiser", "area": "5"})
    assert again.status_code == 400
    assert "Người này đã có vai trò đó." in again.content.decode()
    assert sorted(pending.roles.values_list("role", "unit__code", "area")) == [
        ("appraiser", None, "5"),
        ("unit_editor", "SNV", ""),
        ("unit_head", "STP", ""),
    ]
    head = pending.roles.get(role="unit_head")
    assert (
        admin_client.post(f"/accounts/manage/{pending.pk}/roles/{head.pk}/remove/").status_code
        == 302
    )
    assert not pending.roles.filter(role="unit_head").exists()
    actions = [(e.action, e.before, e.after) for e in events_for(target=pending)][1:]
    assert actions == [
        ("account.role_add", None, {"role": "unit_head", "unit": "STP", "area": ""}),
        ("account.role_add", None, {"role": "appraiser", "unit": "", "area": "5"}),
        ("account.role_remove", {"role": "unit_head", "unit": "STP", "area": ""}, None),
    ]


def test_roles_take_effect_at_once(province: Province, par_admin, admin_client) -> None:
    user = person("nguoi.xem", Role.VIEWER)
    assert roles.has_role(user, Role.VIEWER)
    admin_client.post(
        f"/accounts/manage/{user.pk}/roles/add/",
        {"role": "unit_editor", "unit": province.unit_a.pk},
    )
    fresh = User.objects.get(pk=user.pk)
    assert roles.has_role(fresh, Role.UNIT_EDITOR, unit=province.unit_a)
    assert not roles.has_role(fresh, Role.UNIT_EDITOR, unit=province.unit_b)
    assert roles.own_unit_ids(fresh) == {province.unit_a.pk}
    assert [r.role for r in roles.roles_of(fresh)] == ["viewer", "unit_editor"]


def test_deactivate_and_reactivate(province, par_admin, admin_client) -> None:
    user = person("nghi.viec", Role.VIEWER)
    response = admin_client.post(f"/accounts/manage/{user.pk}/deactivate/", {"reason": "Nghỉ hưu"})
    assert response.status_code == 302
    user.refresh_from_db()
    assert not user.is_active
    event = events_for(target=user).last()
    assert (event.action, event.reason, event.after) == (
        "account.deactivate",
        "Nghỉ hưu",
        {"is_active": False},
    )
    # The person can no longer log in, and a session already open stops working.
    assert (
        Client()
        .post("/accounts/login/", {"username": "nghi.viec", "password": PASSWORD})
        .status_code
        == 200
    )
    assert browse(user).get("/accounts/password/change/").status_code == 302
    assert "Đã vô hiệu hóa" in admin_client.get(f"/accounts/manage/{user.pk}/").content.decode()
    admin_client.post(f"/accounts/manage/{user.pk}/reactivate/")
    user.refresh_from_db()
    assert user.is_active
    assert events_for(target=user).last().action == "account.reactivate"
    assert (
        Client()
        .post("/accounts/login/", {"username": "nghi.viec", "password": PASSWORD})
        .status_code
        == 302
    )


def test_administrator_cannot_lock_themselves_out(par_admin, admin_client) -> None:
    response = admin_client.post(f"/accounts/manage/{par_admin.pk}/deactivate/", follow=True)
    assert "Bạn không thể vô hiệu hóa tài khoản của chính mình." in response.content.decode()
    own = par_admin.roles.get()
    response = admin_client.post(
        f"/accounts/manage/{par_admin.pk}/roles/{own.pk}/remove/", follow=True
    )
    assert "Bạn không thể tự gỡ vai trò quản trị của chính mình." in response.content.decode()
    par_admin.refresh_from_db()
    assert par_admin.is_active
    assert par_admin.roles.filter(role=Role.PAR_ADMIN).exists()
    assert not AuditEvent.objects.filter(
        action__in=["account.deactivate", "account.role_remove"]
    ).exists()


def test_detail_shows_history(pending: User, admin_client) -> None:
    admin_client.post(f"/accounts/manage/{pending.pk}/deactivate/", {"reason": "Chuyển công tác"})
    html = admin_client.get(f"/accounts/manage/{pending.pk}/").content.decode()
    assert "Lịch sử thay đổi" in html
    rows = [r.cells for r in table_rows(html) if "history" in r.attrs.get("class", "")]
    assert [(r[2], r[3], r[4]) for r in rows] == [
        (
            "Tạo tài khoản",
            "Tên đăng nhập: nguyen.van.a; Họ và tên: Nguyen Van A; Thư điện tử: a@example.vn; "
            "Đang hoạt động: có; Vai trò: Cán bộ đầu mối của đơn vị · SNV",
            "",
        ),
        ("Đã vô hiệu hóa", "Đang hoạt động: có → không", "Chuyển công tác"),
    ]


def test_superusers_are_listed_without_a_link_for_role_administrators(
    admin, par_admin, admin_client
) -> None:
    html = admin_client.get("/accounts/manage/").content.decode()
    assert f'href="/accounts/manage/{admin.pk}/"' not in html
    assert "(quản trị hệ thống)" in html
    own = browse(admin).get("/accounts/manage/").content.decode()
    assert f'href="/accounts/manage/{admin.pk}/"' in own
