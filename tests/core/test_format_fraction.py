"""``format_fraction``: the text of an exact figure in explanations, checked against its
definition (the first number of decimals, 0 to 6, at which the fraction is whole; else rounded
half-up) written with ``Fraction`` and ``Decimal`` arithmetic."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

from hypothesis import given
from hypothesis import strategies as st

from parindex.core.numbers import format_decimal, format_fraction


def by_definition(value: Fraction, places: int) -> str:
    if value < 0:
        return "−" + by_definition(-value, places)
    for exact_places in range(7):
        scaled = value * 10**exact_places
        if scaled.denominator == 1:
            return format_decimal(Decimal(scaled.numerator).scaleb(-exact_places))
    scaled = value * 10**places
    rounded = (2 * scaled.numerator + scaled.denominator) // (2 * scaled.denominator)
    return "≈" + format_decimal(Decimal(rounded).scaleb(-places))


denominators = st.one_of(
    st.integers(min_value=1, max_value=10**4),
    st.builds(lambda a, b: 2**a * 5**b, st.integers(0, 8), st.integers(0, 8)),
)


@given(
    numerator=st.integers(min_value=-(10**12), max_value=10**12),
    denominator=denominators,
    places=st.integers(min_value=0, max_value=4),
)
def test_agrees_with_the_definition(numerator: int, denominator: int, places: int) -> None:
    value = Fraction(numerator, denominator)
    assert format_fraction(value, places) == by_definition(value, places)


def test_examples() -> None:
    assert format_fraction(Fraction(441, 200)) == "2.205"
    assert format_fraction(Fraction(3, 2)) == "1.5"
    assert format_fraction(Fraction(2)) == "2"
    assert format_fraction(Fraction(0)) == "0"
    assert format_fraction(Fraction(1, 3)) == "≈0.33"
    assert format_fraction(Fraction(2, 3)) == "≈0.67"
    assert format_fraction(Fraction(-1, 8)) == "−0.125"
    assert format_fraction(Fraction(1, 2**7)) == "≈0.01"  # 7 places: no longer shown exact
    assert format_fraction(Fraction(5, 1000) + Fraction(1, 3 * 10**6), 2) == "≈0.01"
    assert format_fraction(Fraction(123456789, 1000)) == "123456.789"
