"""Who may use account management: every page and action × persona (superuser administrator,
PAR administrator by role, viewer, unit editors, anonymous). Only administrators get in;
anonymous visitors are sent to the login page; everybody else gets 403 and changes nothing.
Activation and password pages are open to all; the nav link shows for administrators only."""

from __future__ import annotations

import pytest

from parindex.accounts import services
from parindex.accounts.models import AccountImport, Role, RoleAssignment, User
from parindex.audit.models import AuditEvent

from .accounts_fixtures import pending_create, xlsx
from .factories import World, browse

ADMINS = {"admin", "par_admin"}
PERSONAS = ["anonymous", "viewer", "admin", "par_admin", "editor_a", "editor_b"]


@pytest.fixture
def targets(world: World, par_admin: User, pending: User) -> dict[str, object]:
    account_import = services.account_import_check(
        actor=par_admin,
        file_name="x.xlsx",
        data=xlsx([["moi.nguoi", "Người Mới", "", "viewer", "", ""]]),
    )
    return {
        "user": pending.pk,
        "role": pending.roles.get().pk,
        "import": account_import.pk,
        "unit": world.unit_b.pk,
    }


PAGES = [
    "/accounts/manage/",
    "/accounts/manage/?role=unit_editor&status=pending",
    "/accounts/manage/new/",
    "/accounts/manage/{user}/",
    "/accounts/manage/activations/",
    "/accounts/manage/import/",
    "/accounts/manage/import/template.xlsx",
    "/accounts/manage/import/{import}/",
]

ACTIONS = [
    (
        "/accounts/manage/new/",
        {
            "username": "x.y",
            "full_name": "X Y",
            "roles-TOTAL_FORMS": "1",
            "roles-INITIAL_FORMS": "0",
            "roles-0-role": "viewer",
        },
    ),
    ("/accounts/manage/{user}/edit/", {"full_name": "Đổi Tên", "email": "new@example.vn"}),
    ("/accounts/manage/{user}/roles/add/", {"role": "unit_head", "unit": "{unit}"}),
    ("/accounts/manage/{user}/roles/{role}/remove/", {}),
    ("/accounts/manage/{user}/deactivate/", {"reason": "nghỉ hưu"}),
    ("/accounts/manage/{user}/reactivate/", {}),
    ("/accounts/manage/{user}/activation/", {}),
    ("/accounts/manage/activations/send/", {}),
    ("/accounts/manage/import/{import}/apply/", {}),
]


def _fill(template: str, targets: dict[str, object]) -> str:
    return template.format(**targets)


def _client(persona: str, request: pytest.FixtureRequest, visit):  # type: ignore[no-untyped-def]
    if persona == "par_admin":
        return browse(request.getfixturevalue("par_admin"))
    return visit(persona)


@pytest.mark.parametrize("persona", PERSONAS)
def test_every_page_and_action(persona: str, targets, visit, request) -> None:
    client = _client(persona, request, visit)
    for page in PAGES:
        response = client.get(_fill(page, targets))
        if persona == "anonymous":
            assert response.status_code == 302, page
            assert response["Location"].startswith("/accounts/login/?next="), page
        else:
            assert response.status_code == (200 if persona in ADMINS else 403), page
    for action, data in ACTIONS:
        url = _fill(action, targets)
        payload = {k: _fill(v, targets) for k, v in data.items()}
        events = AuditEvent.objects.count()
        users = list(
            User.objects.order_by("pk").values_list("pk", "full_name", "email", "is_active")
        )
        roles = RoleAssignment.objects.count()
        response = client.post(url, payload)
        if persona in ADMINS:
            # Each action does its work (the actions run in an order where each one applies).
            assert response.status_code == 302, (url, response.content.decode()[:800])
            assert AuditEvent.objects.count() > events, url
            continue
        assert response.status_code == (302 if persona == "anonymous" else 403), url
        if persona == "anonymous":
            assert response["Location"].startswith("/accounts/login/?next="), url
        assert AuditEvent.objects.count() == events, url
        assert (
            list(User.objects.order_by("pk").values_list("pk", "full_name", "email", "is_active"))
            == users
        ), url
        assert RoleAssignment.objects.count() == roles, url
        assert AccountImport.objects.get(pk=targets["import"]).state == AccountImport.State.CHECKED


def test_methods(targets, admin_client) -> None:
    for page in [*PAGES[:2], *PAGES[3:5], *PAGES[6:]]:
        assert admin_client.post(_fill(page, targets)).status_code == 405, page
    for action, _ in ACTIONS[1:]:
        assert admin_client.get(_fill(action, targets)).status_code == 405, action


def test_unknown_ids_are_404(targets, admin_client, admin) -> None:
    other = pending_create(admin, "nguoi.khac", email="", role=Role.VIEWER)
    other_role = other.roles.get().pk
    assert admin_client.get("/accounts/manage/999999/").status_code == 404
    assert admin_client.get("/accounts/manage/import/999999/").status_code == 404
    # A role of another person cannot be removed through this person's URL.
    url = f"/accounts/manage/{targets['user']}/roles/{other_role}/remove/"
    assert admin_client.post(url).status_code == 404
    assert RoleAssignment.objects.filter(pk=other_role).exists()


def test_superusers_are_managed_by_superusers_only(admin, par_admin, admin_client) -> None:
    assert admin_client.get(f"/accounts/manage/{admin.pk}/").status_code == 403
    response = admin_client.post(f"/accounts/manage/{admin.pk}/deactivate/")
    assert response.status_code == 403
    admin.refresh_from_db()
    assert admin.is_active
    # A superuser may manage the role-only administrator.
    assert browse(admin).get(f"/accounts/manage/{par_admin.pk}/").status_code == 200


PUBLIC = [
    "/accounts/password/reset/",
    "/accounts/password/reset/sent/",
    "/accounts/password/reset/done/",
    "/accounts/activate/MQ/bad-token/",
    "/accounts/login/",
]


def test_nav_public_pages_and_password_change(world, visit, request) -> None:
    for persona in PERSONAS:
        client = _client(persona, request, visit)
        html = client.get("/").content.decode()
        assert ('href="/accounts/manage/"' in html) == (persona in ADMINS), persona
        assert ("Tài khoản" in html) == (persona in ADMINS), persona
        # Everybody signed in can change their own password; nobody else.
        assert ('href="/accounts/password/change/"' in html) == (persona != "anonymous")
        for page in PUBLIC:
            assert client.get(page).status_code == 200, (persona, page)
        response = client.get("/accounts/password/change/")
        if persona == "anonymous":
            assert response.status_code == 302
            assert response["Location"].startswith("/accounts/login/?next=")
        else:
            assert response.status_code == 200
