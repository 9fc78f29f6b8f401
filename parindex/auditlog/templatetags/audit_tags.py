"""``{% load audit_tags %}``: who may see the audit log link; the head of a published cycle."""

from __future__ import annotations

from django import template
from django.contrib.auth.models import AnonymousUser

from parindex.accounts.models import User
from parindex.accounts.roles import is_par_admin
from parindex.audit.selectors import published_head as head_of
from parindex.cycles.models import Cycle

register = template.Library()


@register.filter
def can_read_audit_log(user: User | AnonymousUser) -> bool:
    return is_par_admin(user)


@register.inclusion_tag("audit/_published_head.html")
def published_head(cycle: Cycle) -> dict[str, object]:
    """The audit head recorded at the cycle's publication, for its published page."""
    return {"head": head_of(cycle)}
