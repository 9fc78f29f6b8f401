"""Numbers read from a request's query string or form, bounded before they are parsed.

``Decimal("1e10000000")`` is cheap, but turning it into a ``Fraction`` (or an ``int`` of 5,000
digits into text) costs seconds of CPU; a request must never buy that. Each parser first checks
the text's length and shape (ASCII digits, an exponent of at most two digits) and only then
parses it; anything else is ``None``, for the view to refuse with a message or to ignore.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from fractions import Fraction

MAX_NUMBER_CHARS = 32

_ID = re.compile(r"[0-9]{1,18}", re.ASCII)
_DECIMAL = re.compile(r"\+?(?:[0-9]{1,12}(?:\.[0-9]{0,12})?|\.[0-9]{1,12})(?:[eE][-+]?[0-9]{1,2})?")


def parse_id(text: object) -> int | None:
    """A positive database id written in ASCII digits (at most 18 of them), or None."""
    if not isinstance(text, str) or len(text) > MAX_NUMBER_CHARS:
        return None
    text = text.strip()
    if not _ID.fullmatch(text):
        return None
    value = int(text)
    return value if value > 0 else None


def parse_decimal(text: object) -> Decimal | None:
    """A non-negative decimal number (a comma may be the decimal mark), bounded in digits and
    exponent, or None."""
    if not isinstance(text, str) or len(text) > MAX_NUMBER_CHARS:
        return None
    text = text.strip().replace(",", ".")
    if not _DECIMAL.fullmatch(text):
        return None
    try:
        return Decimal(text)
    except InvalidOperation:  # pragma: no cover - the pattern admits only numbers
        return None


def parse_percent(text: object) -> Fraction | None:
    """A share written as a percentage above 0 and at most 100, as a fraction of 1, or None."""
    value = parse_decimal(text)
    if value is None or not 0 < value <= 100:
        return None
    return Fraction(value) / 100
