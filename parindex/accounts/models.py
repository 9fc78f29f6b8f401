"""People and the roles they hold, scoped to units and areas."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class User(AbstractUser):
    """A person who signs in. Roles come from :class:`RoleAssignment`, never from flags alone."""

    full_name = models.CharField(_("full name"), max_length=200, blank=True)

    def __str__(self) -> str:
        return self.full_name or self.username


class Role(models.TextChoices):
    PAR_ADMIN = "par_admin", _("PAR administrator")
    UNIT_EDITOR = "unit_editor", _("Unit editor")
    UNIT_HEAD = "unit_head", _("Unit head")
    APPRAISER = "appraiser", _("Appraiser")
    COUNCIL = "council", _("Council member")
    VIEWER = "viewer", _("Viewer")


class RoleAssignment(models.Model):
    """A role held by a person, optionally limited to one unit or one area (node code)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="roles")
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
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
