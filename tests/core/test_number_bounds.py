"""Numbers are bounded before they are parsed (the hardening probe: a 300,000-digit ratio term
cost 10.7 s on the leaf preview; a count of more than 4,300 digits was a 500, since Python
refuses int() of such text). Each is refused with a message, by length, before any arithmetic;
the bound is checked by the size of the text, never by the clock."""

from __future__ import annotations

import pytest
from pxkit import one_leaf, score

from parindex.core import ValueRuleError
from parindex.core.numbers import MAX_NUMBER_LENGTH, NumberSyntaxError, parse_decimal


@pytest.mark.parametrize(
    ("rule", "value"),
    [
        ("{type: proportional}", "1" * 300_000 + "/2"),
        ("{type: proportional}", "1/" + "9" * 300_000),
        ("{type: ratio, brackets: [{min: 0, points: 1}]}", "5" * 5000 + "%"),
        ("{type: points}", "0." + "5" * 100_000),
        ("{type: count, per_item: 0.5}", "7" * 5000),
        ("{type: deduction, per_item: 0.5}", "7" * 4301),
        ("{type: survey}", "9" * 5000),
    ],
)
def test_huge_numbers_are_refused_as_too_long(rule: str, value: str) -> None:
    with pytest.raises(ValueRuleError) as refused:
        score(one_leaf(rule, max="1"), value)
    assert refused.value.msg is not None
    reason = refused.value.msg.params["reason"]
    assert reason.code == "value.too_long", refused.value.render("en")[-200:]
    assert "quá dài" in refused.value.render("vi")


def test_the_bound_is_a_length_not_a_magnitude() -> None:
    """Thirty characters hold any figure an office writes; the 31st is refused."""
    assert parse_decimal("1" * MAX_NUMBER_LENGTH) == int("1" * MAX_NUMBER_LENGTH)
    with pytest.raises(NumberSyntaxError):
        parse_decimal("1" * (MAX_NUMBER_LENGTH + 1))


def test_an_exponent_is_refused_before_it_is_evaluated() -> None:
    with pytest.raises(NumberSyntaxError) as refused:
        parse_decimal("1e10000000")
    assert refused.value.msg.code == "number.exponent"
