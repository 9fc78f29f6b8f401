"""Small display filters: bilingual text, fixed decimals, signed changes.

Numbers are shown in the active language's format (``parindex.shared.numbers``): Vietnamese
``1.234,56``, English ``1,234.56``. ``as_input`` keeps the plain dot for form inputs.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django import template

from parindex.core import Band, Text
from parindex.core.numbers import format_decimal
from parindex.shared.numbers import DASH, format_number, format_plain, format_signed

register = template.Library()


@register.filter
def text(value: Text | None, lang: str = "vi") -> str:
    return "" if value is None else value.get(lang or "vi")


@register.filter
def band_label(band: Band, lang: str = "vi") -> str:
    return band.label(lang or "vi")


@register.filter
def fixed(value: Decimal | str | None, places: int = 2) -> str:
    """A figure with a fixed number of decimals: ``84,30`` (vi) / ``84.30`` (en)."""
    return format_number(value, int(places))


@register.filter
def num(value: Decimal | int | str | None, places: int | str | None = None) -> str | None:
    """A number in the page's language; ``places`` fixes the decimals, else the value's own
    are kept (``"84.30"`` → ``84,30``). None and empty text stay as they are, so the filter
    goes before ``default_if_none``/``default``; text that is not a number is left alone."""
    if value is None:
        return None
    if value == "":
        return ""
    return format_number(value, None if places in (None, "") else int(places))


@register.filter
def plain(value: Decimal | None) -> str:
    """A figure without trailing zeros, for people: ``1,5`` (vi) / ``1.5`` (en)."""
    return format_plain(value)


@register.filter
def as_input(value: Decimal | None) -> str:
    """A figure for a form input the server reads back: dot decimal, no grouping."""
    return "" if value is None else format_decimal(Decimal(value))


@register.filter
def signed(value: Decimal | None, places: int = 2) -> str:
    """A change with its sign: ``+1,25`` / ``−0,50`` / ``0,00`` (vi)."""
    return DASH if value is None else format_signed(value, int(places))


@register.filter
def arrow(value: int | None) -> str:
    if value is None:
        return "—"
    if value > 0:
        return f"▲{value}"
    if value < 0:
        return f"▼{-value}"
    return "="


@register.filter
def get(mapping: Mapping[str, Any], key: str) -> Any:
    return mapping.get(key, "")
