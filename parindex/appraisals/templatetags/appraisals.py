"""Display helpers of the appraisal pages."""

from __future__ import annotations

from django import template
from django.utils.translation import gettext_lazy

register = template.Library()

STATUS_LABELS = {
    "untouched": gettext_lazy("Untouched"),
    "accepted": gettext_lazy("Accepted"),
    "adjusted": gettext_lazy("Adjusted"),
    "flagged": gettext_lazy("Flagged"),
    "disputed": gettext_lazy("Disputed"),
    "settled": gettext_lazy("Settled"),
}


@register.filter
def status_label(status: str) -> str:
    return str(STATUS_LABELS.get(status, status))


@register.filter
def get_item(mapping: dict[object, object] | None, key: object) -> object:
    return (mapping or {}).get(key)
