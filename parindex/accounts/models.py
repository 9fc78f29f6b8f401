"""People and the roles they hold, scoped to units and areas."""

from __future__ import annotations

import datetime

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from parindex.core.workflow import Role as Role  # re-exported: the apps read the roles here


class User(AbstractUser):
    """A person who signs in. Roles come from :class:`RoleAssignment`, never from flags alone."""

    full_name = models.CharField(_("full name"), max_length=200, blank=True)
    # When the current activation link was issued; issuing a new one invalidates the old.
    activation_sent_at = models.DateTimeField(_("activation link issued at"), null=True, blank=True)
    # The person's role assignments, read once per request by accounts.roles (not a column).
    _parindex_roles: list[RoleAssignment]

    def __str__(self) -> str:
        return self.full_name or self.username

    @property
    def is_pending_activation(self) -> bool:
        """Active, but has never set a password (or had it removed): waits for an activation."""
        return self.is_active and not self.has_usable_password()


# The role codes are the workflow's (``parindex.core.workflow.Role``); this app names them.
ROLE_LABELS: dict[Role, Promise] = {
    Role.PAR_ADMIN: _("PAR administrator"),
    Role.UNIT_EDITOR: _("Unit editor"),
    Role.UNIT_HEAD: _("Unit head"),
    Role.APPRAISER: _("Appraiser"),
    Role.COUNCIL: _("Council member"),
    Role.VIEWER: _("Viewer"),
}
ROLE_CHOICES = [(role.value, ROLE_LABELS[role]) for role in Role]


# What each role is scoped to: a unit, an area (framework node code), or nothing (province-wide).
UNIT_SCOPED_ROLES = frozenset({Role.UNIT_EDITOR, Role.UNIT_HEAD})
AREA_SCOPED_ROLES = frozenset({Role.APPRAISER})


def role_scope_problem(role: str, *, has_unit: bool, has_area: bool) -> str | None:
    """Why a role cannot be held with this scope, or None when it can. Unit roles need a unit,
    appraisers an area, and the other roles are province-wide (neither)."""
    if role in UNIT_SCOPED_ROLES:
        if not has_unit:
            return str(_("A unit role needs a unit."))
        if has_area:
            return str(_("A unit role takes no area."))
    elif role in AREA_SCOPED_ROLES:
        if not has_area:
            return str(_("An appraiser needs an area."))
        if has_unit:
            return str(_("An appraiser is scoped to an area, not to a unit."))
    elif has_unit or has_area:
        return str(_("This role is province-wide: give neither unit nor area."))
    return None


class RoleAssignment(models.Model):
    """A role held by a person, optionally limited to one unit or one area (node code)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="roles")
    role = models.CharField(_("role"), max_length=20, choices=ROLE_CHOICES)
    unit = models.ForeignKey(
        "units.Unit", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    area = models.CharField(_("area code"), max_length=40, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("role assignment")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "role", "unit", "area"], name="unique_role_assignment"
            )
        ]

    def __str__(self) -> str:
        scope = self.unit or self.area or "*"
        return f"{self.user} — {self.get_role_display()} ({scope})"


class AccountImport(models.Model):
    """An Excel file of accounts, checked whole and kept until the administrator confirms it.

    Only a file without errors is stored: ``rows`` holds its rows as read (sheet row number and
    the six columns), checked again against the database when the administrator confirms, and
    then applied in one transaction.
    """

    class State(models.TextChoices):
        CHECKED = "checked", _("Checked, waiting for confirmation")
        APPLIED = "applied", _("Accounts created")

    file_name = models.CharField(_("file name"), max_length=255)
    sha256 = models.CharField(max_length=64)
    sheet = models.CharField(_("sheet"), max_length=100)
    rows = models.JSONField(default=list)
    uploaded_by = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="+", verbose_name=_("uploaded by")
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    state = models.CharField(max_length=10, choices=State.choices, default=State.CHECKED)
    applied_at = models.DateTimeField(_("applied at"), null=True, blank=True)

    class Meta:
        ordering = ["-uploaded_at"]
        verbose_name = _("account import")

    def __str__(self) -> str:
        return self.file_name


class ApiToken(models.Model):
    """A personal API token (*mã truy cập API*): lets a system act for its owner through the
    HTTP API, within a scope (read only, or read and write; one unit or every unit the owner
    may act for) until it expires or is revoked.

    Only a keyed hash of the secret is stored (``accounts.apitokens``); the token is shown once,
    when it is created. ``prefix`` is the public part of the token, used to find the row."""

    class Access(models.TextChoices):
        READ = "read", _("Read only")
        WRITE = "write", _("Read and write")

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(_("token id"), max_length=20, unique=True)
    digest = models.CharField(max_length=64)
    access = models.CharField(_("access"), max_length=5, choices=Access.choices)
    unit = models.ForeignKey(
        "units.Unit",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("unit"),
        help_text=_("Empty: every unit the owner may act for."),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires"))
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("API token")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix})"

    def is_usable(self, now: datetime.datetime) -> bool:
        return self.revoked_at is None and now < self.expires_at
