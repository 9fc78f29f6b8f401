"""Numbers for people, one format per language: Vietnamese ``1.234,56``, English ``1,234.56``.

Pages, chart labels and documents made for people go through ``format_number``; stored and
exported data (CSV, JSON, the command line, form inputs posted back) keep the plain dot and no
thousands separator. Formatting is exact: a Decimal is never turned into a float on the way.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Context, Decimal, InvalidOperation
from typing import Any

from django.utils.translation import get_language

# d3-format locales for the charts (vl_convert's ``format_locale``), the same separators.
D3_LOCALES: dict[str, dict[str, Any]] = {
    "vi": {"decimal": ",", "thousands": ".", "grouping": [3], "currency": ["", " ₫"]},
    "en": {"decimal": ".", "thousands": ",", "grouping": [3], "currency": ["$", ""]},
}
SEPARATORS = {"vi": (".", ","), "en": (",", ".")}  # (thousands, decimal)
MINUS = "−"  # U+2212, the true minus sign
DASH = "—"

# Wide enough for any figure the app holds, so quantize never fails for lack of digits.
_CONTEXT = Context(prec=100, rounding=ROUND_HALF_UP)


def number_lang(lang: str | None = None) -> str:
    """``"en"`` for any English language code, ``"vi"`` otherwise (and when none is active)."""
    code = (lang if lang is not None else get_language()) or "vi"
    return "en" if code.lower().startswith("en") else "vi"


def to_decimal(value: Decimal | int | float | str) -> Decimal:
    """A number as an exact Decimal; a float through its shortest text, never its binary value.
    Raises ``ValueError`` for text that is not a number."""
    if isinstance(value, Decimal):
        return value
    if isinstance(value, bool):
        raise ValueError("not a number")
    if isinstance(value, int):
        return Decimal(value)
    try:
        return Decimal(repr(value) if isinstance(value, float) else str(value).strip())
    except InvalidOperation:
        raise ValueError(f"not a number: {value!r}") from None


def _group(digits: str, separator: str) -> str:
    head = len(digits) % 3 or 3
    parts = [digits[:head]] + [digits[i : i + 3] for i in range(head, len(digits), 3)]
    return separator.join(parts)


def format_number(
    value: Decimal | int | float | str | None,
    places: int | None = None,
    lang: str | None = None,
    *,
    minus: str = "-",
    plus: str = "",
) -> str:
    """``value`` in the language's format: ``places`` decimals (rounded half-up, as the core
    rounds) or, with ``places`` None, exactly the decimals it carries. ``lang`` defaults to
    the active language. None is shown as a dash; text that is not a number is returned as is.

    >>> format_number(Decimal("1234.5"), 2, "vi"), format_number(Decimal("1234.5"), 2, "en")
    ('1.234,50', '1,234.50')
    """
    if value is None or value == "":
        return DASH
    try:
        number = to_decimal(value)
    except ValueError:
        return str(value)
    if not number.is_finite():
        return str(value)
    if places is not None:
        number = number.quantize(Decimal(1).scaleb(-int(places)), context=_CONTEXT)
    thousands, decimal = SEPARATORS[number_lang(lang)]
    text = f"{number.copy_abs():f}"  # abs() would round to the default 28 digits
    whole, _, fraction = text.partition(".")
    shown = _group(whole, thousands) + (decimal + fraction if fraction else "")
    if number.is_zero():
        return shown
    return (minus if number < 0 else plus) + shown


def format_signed(
    value: Decimal | int | str | None, places: int = 2, lang: str | None = None
) -> str:
    """A change: ``+1,25`` / ``−0,50`` / ``0,00`` (a true minus sign)."""
    return format_number(value, places, lang, minus=MINUS, plus="+")


def format_plain(value: Decimal | int | str | None, lang: str | None = None) -> str:
    """A figure without trailing zeros (``1.50`` → ``1,5``, ``2.00`` → ``2``)."""
    if value is None or value == "":
        return ""
    try:
        number = to_decimal(value)
    except ValueError:
        return str(value)
    if number.is_finite() and number == number.to_integral_value():
        number = number.quantize(Decimal(1))
    elif number.is_finite():
        number = number.normalize(_CONTEXT)
    return format_number(number, None, lang)


def d3_locale(lang: str | None = None) -> dict[str, Any]:
    """The d3-format locale of the language, for chart axes and labels."""
    return D3_LOCALES[number_lang(lang)]
