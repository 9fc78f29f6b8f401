"""Reads of people, roles, pending activations and what the forms offer to pick from."""

from __future__ import annotations

import datetime

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone

from parindex.frameworks.models import FrameworkNode
from parindex.units.models import Unit

from .models import AccountImport, Role, RoleAssignment, User
from .spreadsheet import Lookup, UnitRef

STATUSES = ("active", "pending", "inactive")


def _with_roles(users: QuerySet[User]) -> QuerySet[User]:
    return users.prefetch_related(
        Prefetch(
            "roles",
            queryset=RoleAssignment.objects.select_related("unit").order_by(
                "role", "unit__code", "area"
            ),
        )
    )


def people(
    *, role: str = "", unit_id: int | None = None, status: str = "", query: str = ""
) -> QuerySet[User]:
    """Accounts with their roles, by username; filters combine (role and unit on the same
    assignment: "unit editors of SNV")."""
    users = User.objects.all()
    if role or unit_id:
        holds = RoleAssignment.objects.filter(user=OuterRef("pk"))
        if role:
            holds = holds.filter(role=role)
        if unit_id:
            holds = holds.filter(unit_id=unit_id)
        users = users.filter(Exists(holds))
    if status == "active":
        users = users.filter(is_active=True).exclude(password__startswith="!")
    elif status == "pending":
        users = users.filter(is_active=True, password__startswith="!")
    elif status == "inactive":
        users = users.filter(is_active=False)
    if query:
        users = users.filter(
            Q(username__icontains=query) | Q(full_name__icontains=query) | Q(email__icontains=query)
        )
    return _with_roles(users.order_by("username"))


def roles_described(users: list[User]) -> dict[int, str]:
    """Each person's roles as "Unit editor — Sở Nội vụ; Appraiser — 2", by id, in one query
    (what a report of reminders not received says about each person)."""
    texts: dict[int, list[str]] = {user.pk: [] for user in users}
    for role in (
        RoleAssignment.objects.filter(user__in=list(texts))
        .select_related("unit")
        .order_by("role", "unit__code", "area")
    ):
        scope = role.unit.name if role.unit is not None else role.area
        label = role.get_role_display()
        texts[role.user_id].append(f"{label} — {scope}" if scope else str(label))
    return {pk: "; ".join(parts) for pk, parts in texts.items()}


def account_roles(user: User) -> list[RoleAssignment]:
    return list(
        RoleAssignment.objects.filter(user=user)
        .select_related("unit")
        .order_by("role", "unit__code", "area")
    )


def par_admins() -> list[User]:
    """The active PAR administrators (a role, or a superuser account), by id: whom to tell when
    something waits for the administrator."""
    return list(
        User.objects.filter(Q(roles__role=Role.PAR_ADMIN) | Q(is_superuser=True), is_active=True)
        .distinct()
        .order_by("pk")
    )


def pending_activations() -> QuerySet[User]:
    """Active accounts that have no password yet, by username, with their roles."""
    return _with_roles(
        User.objects.filter(is_active=True, password__startswith="!").order_by("username")
    )


def open_units(today: datetime.date | None = None) -> QuerySet[Unit]:
    """Units that exist today (roles are given for these)."""
    today = today or timezone.localdate()
    return Unit.objects.filter(
        Q(valid_to__isnull=True) | Q(valid_to__gte=today),
        Q(valid_from__isnull=True) | Q(valid_from__lte=today),
    ).order_by("code")


def units_with_roles() -> QuerySet[Unit]:
    """Units someone holds a role in (the list's unit filter)."""
    held = RoleAssignment.objects.filter(unit=OuterRef("pk"))
    return Unit.objects.filter(Exists(held)).order_by("code")


def areas(lang: str = "vi") -> dict[str, str]:
    """Area codes (top-level nodes of any imported framework) and a title in ``lang`` (the
    Vietnamese one where the framework gives no English), from the most recently imported
    framework that has the code."""
    english = lang.startswith("en")
    titles: dict[str, str] = {}
    nodes = (
        FrameworkNode.objects.filter(depth=0)
        .order_by("-version__imported_at", "-version_id", "position")
        .values_list("code", "title_vi", "title_en")
    )
    for code, title_vi, title_en in nodes:
        titles.setdefault(code, title_en if english and title_en else title_vi)
    return dict(sorted(titles.items(), key=lambda item: (len(item[0]), item[0])))


def import_lookup(today: datetime.date | None = None) -> Lookup:
    """What checking an import file needs: units, areas, existing usernames and e-mails."""
    units = {
        code: UnitRef(pk, name, valid_to)
        for pk, code, name, valid_to in Unit.objects.values_list("pk", "code", "name", "valid_to")
    }
    usernames = {name.lower() for name in User.objects.values_list("username", flat=True)}
    emails: dict[str, str] = {}
    for email, username in User.objects.exclude(email="").values_list("email", "username"):
        emails.setdefault(email.lower(), username)
    return Lookup(
        units=units,
        areas=areas(),
        usernames=usernames,
        emails=emails,
        today=today or timezone.localdate(),
    )


def recent_imports(limit: int = 10) -> QuerySet[AccountImport]:
    return AccountImport.objects.select_related("uploaded_by").order_by("-uploaded_at")[:limit]
