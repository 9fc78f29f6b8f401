"""``{% load audit_tags %}``: who may see the audit log link."""

from __future__ import annotations

from django import template

from parindex.web.access import is_par_admin

register = template.Library()


@register.filter
def can_read_audit_log(user: object) -> bool:
    return is_par_admin(user)  # type: ignore[arg-type]
