"""``user|manages_cycles``: whether to show the links to the cycle pages (the PAR administrator
alone; the pages check it again on the server)."""

from __future__ import annotations

from django import template
from django.contrib.auth.models import AnonymousUser

from parindex.accounts.models import User
from parindex.accounts.roles import is_par_admin

register = template.Library()


@register.filter
def manages_cycles(user: User | AnonymousUser) -> bool:
    return is_par_admin(user)
