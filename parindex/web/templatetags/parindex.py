"""Small display filters: bilingual text, fixed decimals, signed changes."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from django import template

from parindex.core import Band, Text
from parindex.core.numbers import format_decimal

register = template.Library()


@register.filter
def text(value: Text | None, lang: str = "vi") -> str:
    return "" if value is None else value.get(lang or "vi")


@register.filter
def band_label(band: Band, lang: str = "vi") -> str:
    return band.label(lang or "vi")


@register.filter
def fixed(value: Decimal | str | None, places: int = 2) -> str:
    if value is None or value == "":
        return "—"
    return f"{Decimal(value):.{int(places)}f}"


@register.filter
def plain(value: Decimal | None) -> str:
    return "" if value is None else format_decimal(Decimal(value))


@register.filter
def signed(value: Decimal | None) -> str:
    if value is None:
        return "—"
    if value > 0:
        return f"+{value:.2f}"
    if value < 0:
        return f"−{-value:.2f}"
    return "0.00"


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


@register.filter
def join_sorted(values: Iterable[str]) -> str:
    return ", ".join(sorted(values))
