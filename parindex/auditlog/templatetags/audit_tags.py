"""``{% load audit_tags %}``: who may see the audit log link; the head of a published cycle."""

from __future__ import annotations

from django import template

from parindex.accounts.roles import is_par_admin
from parindex.audit.selectors import published_head as head_of

register = template.Library()


@register.filter
def can_read_audit_log(user: object) -> bool:
    return is_par_admin(user)  # type: ignore[arg-type]


@register.inclusion_tag("audit/_published_head.html")
def published_head(cycle: object) -> dict[str, object]:
    """The audit head recorded at the cycle's publication, for its published page."""
    return {"head": head_of(cycle)}  # type: ignore[arg-type]
