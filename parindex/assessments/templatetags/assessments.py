"""Small display helpers of the self-assessment pages."""

from __future__ import annotations

import re

from django import template
from django.utils.html import format_html_join
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from parindex.core import Node, Text
from parindex.core.display import value_label
from parindex.core.workflow import State

register = template.Library()
_PLAIN_DECIMAL = re.compile(r"[0-9]+\.[0-9]+")

STATE_LABELS = {
    State.DRAFT: gettext_lazy("Draft"),
    State.SUBMITTED: gettext_lazy("Submitted"),
    State.IN_APPRAISAL: gettext_lazy("In appraisal"),
    State.RETURNED: gettext_lazy("Returned for explanation"),
    State.REPLIED: gettext_lazy("Explanation sent"),
    State.APPRAISED: gettext_lazy("Appraised"),
    State.APPROVED: gettext_lazy("Approved by the council"),
    State.PUBLISHED: gettext_lazy("Published"),
}


@register.filter
def in_lang(text: Text | None, lang: str) -> str:
    """A bilingual text of the core in the page's language."""
    return text.get(lang) if text is not None else ""


@register.filter
def state_label(state: str) -> str:
    try:
        return str(STATE_LABELS[State(state)])
    except ValueError:
        return state


# The same patterns serve the server's first rendering and the page's script that keeps the
# countdown running ({d}, {h}, {m} are replaced on both sides).
def countdown_patterns() -> dict[str, str]:
    return {
        "days": _("{d} days {h} hours left"),
        "hours": _("{h} hours {m} minutes left"),
        "minutes": _("{m} minutes left"),
        "closed": _("closed"),
    }


@register.simple_tag
def countdown_attrs() -> str:
    return format_html_join(
        " ", 'data-{}="{}"', ((key, value) for key, value in countdown_patterns().items())
    )


@register.filter
def countdown(seconds: int | None) -> str:
    """Remaining time in words: "3 days 4 hours left", "2 hours 5 minutes left", "closed"."""
    if seconds is None:
        return ""
    patterns = countdown_patterns()
    if seconds <= 0:
        return patterns["closed"]
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes = rest // 60
    if days:
        return patterns["days"].format(d=days, h=hours)
    if hours:
        return patterns["hours"].format(h=hours, m=minutes)
    return patterns["minutes"].format(m=max(minutes, 1))


@register.filter
def typed(value: str | None, lang: str) -> str:
    """A stored number as a person types it back: ``0.5`` is ``0,5`` in Vietnamese (never with
    thousands separators, which the form would refuse as ambiguous)."""
    if not value:
        return ""
    if lang.startswith("en") or not _PLAIN_DECIMAL.fullmatch(value):
        return value
    return value.replace(".", ",")


@register.simple_tag
def answer_label(leaf: Node, value: str | None, lang: str) -> str:
    """A declared value as its reader sees it: the option's title, Có/Không, 0,5."""
    return value_label(leaf, value, lang)
