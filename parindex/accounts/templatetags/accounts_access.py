"""``{% load accounts_access %}``: role checks for templates (the nav link to accounts)."""

from __future__ import annotations

from django import template
from django.contrib.auth.models import AnonymousUser

from parindex.accounts.models import User
from parindex.accounts.roles import is_par_admin

register = template.Library()


@register.filter
def manages_accounts(user: User | AnonymousUser) -> bool:
    """Whether the account management pages are open to this person (PAR administrators)."""
    return is_par_admin(user)
