"""Exact numbers: decimal text in, exact fractions inside, half-up rounding once.

Rounding rule (written down in docs/methodology.md): a value is rounded half-up, away from zero,
to the framework's ``rounding`` quantum, exactly once, from its exact fraction. Points are carried
between functions as integers of quanta (``2.25`` at quantum ``0.01`` is ``225``) so that sums
over thousands of units stay exact and fast.
"""

from __future__ import annotations

import re
from decimal import Decimal
from fractions import Fraction
from functools import lru_cache

from .messages import Message, msg

# ASCII digits only: Python's \d would also take Arabic-Indic or full-width digits.
_DECIMAL = re.compile(r"[0-9]+(?:\.[0-9]+)?")
_EXPONENT = re.compile(r"[-+]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)[eE][-+]?[0-9]+")
_COMMA_DECIMAL = re.compile(r"[0-9]+,[0-9]+")
MAX_NUMBER_LENGTH = 30
"""Longest number text read anywhere: 30 characters hold any point, count or ratio term an
office writes, and refusing longer text first keeps a 300,000-digit value from costing seconds."""


class NumberSyntaxError(ValueError):
    """Text that is not a plain non-negative decimal number."""

    def __init__(self, message: Message) -> None:
        super().__init__(str(message))
        self.msg = message


def parse_decimal(text: str) -> Decimal:
    """Read a non-negative decimal written as digits with an optional ``.`` fraction."""
    if len(text) > MAX_NUMBER_LENGTH:
        raise NumberSyntaxError(msg("value.too_long", limit=MAX_NUMBER_LENGTH))
    if _DECIMAL.fullmatch(text):
        return Decimal(text)
    if _COMMA_DECIMAL.fullmatch(text):
        raise NumberSyntaxError(msg("number.comma", suggestion=text.replace(",", ".")))
    if _EXPONENT.fullmatch(text):
        raise NumberSyntaxError(msg("number.exponent"))
    if text.startswith("-") and _DECIMAL.fullmatch(text[1:]):
        raise NumberSyntaxError(msg("number.negative"))
    raise NumberSyntaxError(msg("number.not_a_number"))


def places_of(quantum: Decimal) -> int:
    """Number of decimal places of a power-of-ten quantum (0.01 -> 2, 1 -> 0)."""
    exponent = quantum.normalize().as_tuple().exponent
    assert isinstance(exponent, int)
    return max(0, -exponent)


def is_power_of_ten_at_most_one(value: Decimal) -> bool:
    sign, digits, exponent = value.normalize().as_tuple()
    return sign == 0 and digits == (1,) and isinstance(exponent, int) and exponent <= 0


def is_multiple(value: Decimal, quantum: Decimal) -> bool:
    return (value % quantum) == 0


def round_half_up(value: Fraction, places: int) -> int:
    """``value`` rounded half-up (away from zero) to ``places`` decimals, as integer quanta."""
    factor: int = 10**places
    scaled = value * factor
    magnitude = (2 * abs(scaled.numerator) + scaled.denominator) // (2 * scaled.denominator)
    return -magnitude if scaled < 0 else magnitude


def quanta(value: Decimal, places: int) -> int:
    """An exact multiple of the quantum, as integer quanta."""
    scaled = value.scaleb(places)
    if scaled != scaled.to_integral_value():
        raise ValueError(f"{value} is not a multiple of 10^-{places}")
    return int(scaled)


@lru_cache(maxsize=1 << 16)
def from_quanta(count: int, places: int) -> Decimal:
    # Cached: a cycle's figures repeat a small range of values, and Decimals are immutable.
    return Decimal(count).scaleb(-places)


def format_quanta(count: int, places: int) -> str:
    """Text with exactly ``places`` decimals, never in exponent form."""
    return f"{from_quanta(count, places):.{places}f}"


def format_decimal(value: Decimal) -> str:
    """A decimal for people: no exponent, no trailing zeros (1.50 -> 1.5, 2.00 -> 2)."""
    text = f"{value:f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


_MILLION = 10**6


def format_fraction(value: Fraction, places: int = 2) -> str:
    """A fraction shown to a person: exact when it is a decimal of at most 6 places (2.205),
    else ≈ rounded half-up to ``places`` (≈0.33); negatives carry a true minus sign.

    Integer arithmetic on the reduced numerator and denominator: a cycle's explanations format
    hundreds of thousands of figures, and each ``Fraction`` product costs a gcd."""
    numerator, denominator = value.numerator, value.denominator
    if numerator < 0:
        return "−" + format_fraction(-value, places)
    if _MILLION % denominator == 0:  # a decimal of at most 6 places
        exact_places = next(k for k in range(7) if 10**k % denominator == 0)
        return _decimal_text(numerator * (10**exact_places // denominator), exact_places)
    factor = 10**places
    rounded = (2 * numerator * factor + denominator) // (2 * denominator)
    return "≈" + _decimal_text(rounded, places)


def _decimal_text(count: int, places: int) -> str:
    """``count`` quanta of ``10**-places`` (count ≥ 0) as ``format_decimal`` writes them."""
    if places == 0:
        return str(count)
    whole, part = divmod(count, 10**places)
    digits = f"{part:0{places}d}".rstrip("0")
    return f"{whole}.{digits}" if digits else str(whole)
