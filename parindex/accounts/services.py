"""Writes to accounts: creation, roles, deactivation, activation links, passwords, imports.

Every function runs in one transaction and records an audit event in it. Passwords never
appear anywhere: new accounts get an unusable one and their owner sets it through a one-time
activation link (see ``tokens``); the audit trail records that a password was set, not what.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from parindex.audit.services import audit_record
from parindex.notifications.services import notify
from parindex.units.models import Unit

from . import selectors, spreadsheet, tokens
from .models import ROLE_LABELS, AccountImport, Role, RoleAssignment, User, role_scope_problem


class AccountError(Exception):
    """A change to an account that cannot be made; the message says why."""


class ImportInvalid(AccountError):
    """An import file with problems: nothing was created."""

    def __init__(self, errors: list[spreadsheet.CellError]) -> None:
        super().__init__(_("The file has %(count)s problems.") % {"count": len(errors)})
        self.errors = errors


@dataclass(frozen=True)
class RoleSpec:
    role: str
    unit: Unit | None = None
    area: str = ""


def _role_value(assignment: RoleAssignment | RoleSpec) -> dict[str, str]:
    return {
        "role": assignment.role,
        "unit": assignment.unit.code if assignment.unit else "",
        "area": assignment.area,
    }


def _account_value(user: User) -> dict[str, object]:
    return {
        "username": user.username,
        "full_name": user.full_name,
        "email": user.email,
        "is_active": user.is_active,
    }


def _check_role(user: User | None, spec: RoleSpec) -> None:
    if spec.role not in ROLE_LABELS:
        raise AccountError(_("Unknown role “%(role)s”.") % {"role": spec.role})
    problem = role_scope_problem(
        spec.role, has_unit=spec.unit is not None, has_area=bool(spec.area)
    )
    if problem:
        raise AccountError(problem)
    if spec.area and spec.area not in selectors.areas():
        raise AccountError(_("Unknown area code “%(area)s”.") % {"area": spec.area})
    if (
        user is not None
        and RoleAssignment.objects.filter(
            user=user, role=spec.role, unit=spec.unit, area=spec.area
        ).exists()
    ):
        raise AccountError(_("This person already holds that role."))


def account_create(
    *,
    actor: User,
    username: str,
    full_name: str,
    email: str = "",
    roles: Iterable[RoleSpec],
) -> User:
    """A new account with its roles and no usable password: it is activated by a link."""
    roles = list(roles)
    if not roles:
        raise AccountError(_("Give the person at least one role."))
    with transaction.atomic():
        if User.objects.filter(username__iexact=username).exists():
            raise AccountError(
                _("An account “%(username)s” already exists.") % {"username": username}
            )
        for spec in roles:
            _check_role(None, spec)
        if len({(s.role, s.unit, s.area) for s in roles}) != len(roles):
            raise AccountError(_("The same role is given twice."))
        user = User(username=username, full_name=full_name, email=email, is_active=True)
        user.set_unusable_password()
        user.save()
        RoleAssignment.objects.bulk_create(
            [RoleAssignment(user=user, role=s.role, unit=s.unit, area=s.area) for s in roles]
        )
        audit_record(
            actor=actor,
            action="account.create",
            target=user,
            after={**_account_value(user), "roles": [_role_value(s) for s in roles]},
        )
    return user


def account_update(*, actor: User, user: User, full_name: str, email: str) -> User:
    """Change a person's name or e-mail (an e-mail change voids an unused activation link)."""
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user.pk)
        before = {"full_name": user.full_name, "email": user.email}
        after = {"full_name": full_name, "email": email}
        if before == after:
            return user
        user.full_name, user.email = full_name, email
        user.save(update_fields=["full_name", "email"])
        changed = [k for k in after if before[k] != after[k]]
        audit_record(
            actor=actor,
            action="account.update",
            target=user,
            before={k: before[k] for k in changed},
            after={k: after[k] for k in changed},
        )
    return user


def account_role_add(
    *, actor: User, user: User, spec: RoleSpec, reason: str = ""
) -> RoleAssignment:
    with transaction.atomic():
        _check_role(user, spec)
        assignment = RoleAssignment.objects.create(
            user=user, role=spec.role, unit=spec.unit, area=spec.area
        )
        audit_record(
            actor=actor,
            action="account.role_add",
            target=user,
            after=_role_value(spec),
            reason=reason,
        )
    return assignment


def account_role_remove(*, actor: User, assignment: RoleAssignment, reason: str = "") -> None:
    with transaction.atomic():
        user = assignment.user
        if (
            user.pk == actor.pk
            and assignment.role == Role.PAR_ADMIN
            and not actor.is_superuser
            and not RoleAssignment.objects.filter(user=user, role=Role.PAR_ADMIN)
            .exclude(pk=assignment.pk)
            .exists()
        ):
            raise AccountError(_("You cannot remove your own administrator role."))
        before = _role_value(assignment)
        RoleAssignment.objects.filter(pk=assignment.pk).delete()
        audit_record(
            actor=actor, action="account.role_remove", target=user, before=before, reason=reason
        )


def account_deactivate(*, actor: User, user: User, reason: str = "") -> User:
    """The person can no longer log in; their roles and history stay (reactivate to undo)."""
    if user.pk == actor.pk:
        raise AccountError(_("You cannot deactivate your own account."))
    return _active_set(actor=actor, user=user, active=False, reason=reason)


def account_reactivate(*, actor: User, user: User, reason: str = "") -> User:
    return _active_set(actor=actor, user=user, active=True, reason=reason)


def _active_set(*, actor: User, user: User, active: bool, reason: str) -> User:
    """Set the account's active flag under a row lock, with its audit event; setting the flag it
    already has changes nothing and records nothing."""
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user.pk)
        if user.is_active == active:
            return user
        user.is_active = active
        user.save(update_fields=["is_active"])
        audit_record(
            actor=actor,
            action="account.reactivate" if active else "account.deactivate",
            target=user,
            before={"is_active": not active},
            after={"is_active": active},
            reason=reason,
        )
    return user


def activation_path(user: User) -> str:
    """The path of the account's current activation link."""
    return reverse(
        "accounts:activate",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": tokens.make_token(user),
        },
    )


def account_activation_send(*, actor: User, user: User, site_url: str) -> bool:
    """Issue a new activation link (voiding any earlier one) and e-mail it when the person has
    an address. Returns whether it was e-mailed; otherwise the administrator prints it from the
    pending list. ``site_url`` is the address of the site, e.g. ``https://cchc.example.vn``."""
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user.pk)
        if not user.is_pending_activation:
            raise AccountError(
                _("%(name)s has already set a password or is deactivated.") % {"name": user}
            )
        user.activation_sent_at = timezone.now()
        user.save(update_fields=["activation_sent_at"])
        emailed = bool(user.email)
        audit_record(
            actor=actor,
            action="account.activation_send",
            target=user,
            after={"issued_at": user.activation_sent_at, "emailed_to": user.email},
        )
        if emailed:
            expires = timezone.localtime(tokens.expires_at(user))
            notify(
                recipients=[user],
                verb="account.activation",
                message=_(
                    "An account has been created for you in the PAR Index system: username "
                    "%(username)s. Open the link below to choose your password. The link works "
                    "once, until %(expires)s."
                )
                % {"username": user.username, "expires": expires.strftime("%d/%m/%Y %H:%M")},
                url=site_url.rstrip("/") + activation_path(user),
                email=True,
            )
    return emailed


def account_activation_send_pending(*, actor: User, site_url: str) -> tuple[int, int]:
    """Issue links to every pending account whose link was never issued or has expired.
    Returns (e-mailed, to print)."""
    emailed = printed = 0
    with transaction.atomic():
        cutoff = timezone.now() - tokens.lifetime()
        waiting = selectors.pending_activations().filter(
            Q(activation_sent_at__isnull=True) | Q(activation_sent_at__lt=cutoff)
        )
        for user in waiting:
            if account_activation_send(actor=actor, user=user, site_url=site_url):
                emailed += 1
            else:
                printed += 1
    return emailed, printed


def account_activate(*, user: User, password: str) -> User:
    """The person sets their first password through a valid activation link (checked by the
    caller); the link is used up by it."""
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user.pk)
        if not user.is_pending_activation:
            raise AccountError(_("This account is already activated."))
        user.set_password(password)
        user.activation_sent_at = None
        user.save(update_fields=["password", "activation_sent_at"])
        audit_record(actor=user, action="account.activate", target=user)
    return user


def account_password_set(*, user: User, password: str, action: str) -> User:
    """The person changes their password, or sets a new one through a reset link."""
    with transaction.atomic():
        user.set_password(password)
        user.save(update_fields=["password"])
        audit_record(actor=user, action=action, target=user)
    return user


def account_import_check(*, actor: User, file_name: str, data: bytes) -> AccountImport:
    """Read and check a whole file; store it for confirmation only when it has no problem.
    Raises ``ImportInvalid`` with every problem otherwise (nothing stored)."""
    sheet, rows, errors = spreadsheet.read_rows(data)
    if not errors:
        _, errors = spreadsheet.check_rows(sheet, rows, selectors.import_lookup())
    if errors:
        raise ImportInvalid(errors)
    with transaction.atomic():
        account_import = AccountImport.objects.create(
            file_name=file_name[:255],
            sha256=hashlib.sha256(data).hexdigest(),
            sheet=sheet,
            rows=rows,
            uploaded_by=actor,
        )
        audit_record(
            actor=actor,
            action="account.import_check",
            target=account_import,
            after={
                "file_name": account_import.file_name,
                "sha256": account_import.sha256,
                "rows": len(rows),
            },
        )
    return account_import


def account_import_apply(*, actor: User, account_import: AccountImport) -> list[User]:
    """Create every account of a checked import, or none: the rows are checked again against
    the database inside the transaction, so a username taken meanwhile stops the whole file."""
    with transaction.atomic():
        account_import = AccountImport.objects.select_for_update().get(pk=account_import.pk)
        if account_import.state != AccountImport.State.CHECKED:
            raise AccountError(_("This file has already been imported."))
        lookup = selectors.import_lookup()
        people, errors = spreadsheet.check_rows(account_import.sheet, account_import.rows, lookup)
        if errors:
            raise ImportInvalid(errors)
        users = User.objects.bulk_create(
            [
                User(
                    username=p.username,
                    full_name=p.full_name,
                    email=p.email,
                    is_active=True,
                    password=make_password(None),  # unusable, as set_unusable_password makes
                )
                for p in people
            ]
        )
        if any(u.pk is None for u in users):
            users = list(
                User.objects.filter(username__in=[p.username for p in people]).order_by("pk")
            )
            by_name = {u.username: u for u in users}
            users = [by_name[p.username] for p in people]
        units = {code: ref.id for code, ref in lookup.units.items()}
        RoleAssignment.objects.bulk_create(
            [
                RoleAssignment(
                    user=user,
                    role=r.role,
                    unit_id=units[r.unit_code] if r.unit_code else None,
                    area=r.area_code,
                )
                for user, person in zip(users, people, strict=True)
                for r in person.roles
            ]
        )
        reason = _("Imported from %(file)s") % {"file": account_import.file_name}
        for user, person in zip(users, people, strict=True):
            audit_record(
                actor=actor,
                action="account.create",
                target=user,
                after={
                    **_account_value(user),
                    "roles": [
                        {"role": r.role, "unit": r.unit_code, "area": r.area_code, "row": r.row}
                        for r in person.roles
                    ],
                },
                reason=reason,
            )
        account_import.state = AccountImport.State.APPLIED
        account_import.applied_at = timezone.now()
        account_import.save(update_fields=["state", "applied_at"])
        audit_record(
            actor=actor,
            action="account.import_apply",
            target=account_import,
            after={"accounts": len(users), "roles": sum(len(p.roles) for p in people)},
        )
    return users
