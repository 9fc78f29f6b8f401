"""Access choke points of account management: only the PAR administrator manages people.

Each view reaches an account, a role assignment or an import through one of these, never by
``objects.get(pk=...)`` on an id from the request. Superuser accounts are managed by superusers
only (in Django's admin): a PAR administrator who is not one gets 403 on them, so nobody can
lock out or demote the people above them.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest

from parindex.accounts.roles import require_par_admin
from parindex.shared.login import LoginRequired

from .models import AccountImport, ApiToken, RoleAssignment, User


def get_user_for_admin(request: HttpRequest, user_id: int) -> User:
    """An account the signed-in PAR administrator may manage, or login / 403 / 404."""
    require_par_admin(request)
    user = User.objects.filter(pk=user_id).first()
    if user is None:
        raise Http404
    if user.is_superuser and not request.user.is_superuser:
        raise PermissionDenied
    return user


def get_role_for_admin(request: HttpRequest, user_id: int, assignment_id: int) -> RoleAssignment:
    """One role assignment of an account the administrator may manage."""
    user = get_user_for_admin(request, user_id)
    assignment = (
        RoleAssignment.objects.select_related("unit", "user").filter(pk=assignment_id, user=user)
    ).first()
    if assignment is None:
        raise Http404
    return assignment


def get_import_for_admin(request: HttpRequest, import_id: int) -> AccountImport:
    """An account import: PAR administrators see every import (they share the work)."""
    require_par_admin(request)
    account_import = (
        AccountImport.objects.select_related("uploaded_by").filter(pk=import_id).first()
    )
    if account_import is None:
        raise Http404
    return account_import


def get_token_for_owner(request: HttpRequest, token_id: int) -> ApiToken:
    """One of the signed-in person's own API tokens; somebody else's is a 404."""
    if not request.user.is_authenticated:
        raise LoginRequired
    token = ApiToken.objects.filter(pk=token_id, user_id=request.user.pk).first()
    if token is None:
        raise Http404
    return token


def get_token_for_admin(request: HttpRequest, user_id: int, token_id: int) -> ApiToken:
    """An API token of an account the administrator may manage (to revoke it)."""
    user = get_user_for_admin(request, user_id)
    token = ApiToken.objects.select_related("user").filter(pk=token_id, user=user).first()
    if token is None:
        raise Http404
    return token
