"""The numeric rules applied to whole columns of values, in exact integer arithmetic.

The scalar rules of ``rules`` are the reference; this module gives the same points for the
values it accepts, many at a time. A value is read from its bytes into an exact decimal
``n / 10^f`` (``n`` below 10^18), in one of the three forms a numeric rule takes: a plain
decimal (``0.85``), a percentage (``85 %``) or a pair (``1245 / 1250``); each rule then tests
and scores its leaf's values on int64 numerators and denominators, rounding half-up exactly as
``numbers.round_half_up`` does. A value that is not of these forms, that a rule would refuse,
or whose arithmetic could leave int64 is not accepted here: the caller scores it with the scalar
rule, which gives its points or its error. So this path never accepts what the scalar rules
refuse, and never gives other points than they do (tests/core/test_vector_path.py checks both on
generated frameworks and files).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

import numpy as np
import numpy.typing as npt

from .framework import Framework, Node
from .numbers import quanta
from .rules import (
    CountRule,
    DeductionRule,
    PointsRule,
    ProportionalRule,
    RatioRule,
    SurveyRule,
)

Bytes = npt.NDArray[np.uint8]
Ints = npt.NDArray[np.int64]
Small = npt.NDArray[np.int8]
Mask = npt.NDArray[np.bool_]

NUMERIC_RULES = (PointsRule, RatioRule, ProportionalRule, CountRule, DeductionRule, SurveyRule)
"""The rules whose values are numbers; the others (choice, yes/no) name one of a few words."""

LONGEST = 24
"""Longest value read here; longer ones (up to the 30 characters a number may have) go to the
scalar rules."""
_MAX_DIGITS = 18  # 10^18 - 1 < 2^63
_POW10 = np.array([10**k for k in range(_MAX_DIGITS + 1)], dtype=np.int64)
_INT64_SAFE = 2**62

DECIMAL, PERCENT, PAIR = 1, 2, 3
_DIGIT0, _DOT, _SLASH, _PERCENT_SIGN, _SPACE, _TAB = 48, 46, 47, 37, 32, 9


@dataclass(frozen=True)
class Numbers:
    """What each value says as a number: its ``form`` (0: none of the three), the first (or
    only) term ``n1 / 10^f1`` written with ``d1`` digits, and for a pair the second term."""

    form: Small
    n1: Ints
    f1: Small
    d1: Small
    n2: Ints
    f2: Small
    d2: Small

    def take(self, positions: Ints) -> Numbers:
        return Numbers(*(getattr(self, name)[positions] for name in Numbers.__dataclass_fields__))


def read_numbers(data: Bytes, starts: Ints, ends: Ints) -> Numbers:
    """The numbers of the values ``data[starts:ends]`` (already stripped of ASCII spaces),
    read by length so that each pass is over a matrix without padding."""
    n = len(starts)
    numbers = Numbers(
        np.zeros(n, dtype=np.int8),
        np.zeros(n, dtype=np.int64),
        np.zeros(n, dtype=np.int8),
        np.zeros(n, dtype=np.int8),
        np.zeros(n, dtype=np.int64),
        np.zeros(n, dtype=np.int8),
        np.zeros(n, dtype=np.int8),
    )
    lengths = ends - starts
    order = np.argsort(lengths, kind="stable")
    bounds = np.searchsorted(lengths[order], np.arange(LONGEST + 2))
    for length in range(1, LONGEST + 1):
        rows = order[bounds[length] : bounds[length + 1]]
        if len(rows):
            _read_length(data, starts[rows], length, rows, numbers)
    return numbers


def _read_length(data: Bytes, starts: Ints, length: int, rows: Ints, out: Numbers) -> None:
    # Character by character (a column of the matrix per position), all rows at once.
    chars = np.empty((length, len(rows)), dtype=np.uint8)
    for j in range(length):
        chars[j] = data[starts + j]
    digit = (chars - _DIGIT0) < 10  # uint8 wraps below '0'
    dot = chars == _DOT
    slash = chars == _SLASH
    percent = chars == _PERCENT_SIGN
    space = (chars == _SPACE) | (chars == _TAB)
    known = (digit | dot | slash | percent | space).all(axis=0)
    slashes = np.count_nonzero(slash, axis=0)
    percents = np.count_nonzero(percent, axis=0)
    is_pair = known & (slashes == 1) & (percents == 0)
    is_percent = known & (slashes == 0) & (percents == 1) & percent[-1]
    is_decimal = known & (slashes == 0) & (percents == 0)

    # The first term ends at the slash (pair), at the percent sign (percentage) or at the end,
    # less the spaces before the slash or the sign; the second starts after the slash's spaces.
    mark = np.where(is_pair, slash.argmax(axis=0), length - 1)
    first_end = np.where(is_decimal, length, 0)
    second_start = np.full(len(rows), length)
    for j in range(length):
        solid = ~space[j]
        np.copyto(first_end, j + 1, where=solid & (j < mark) & ~is_decimal)
    for j in range(length - 1, -1, -1):
        np.copyto(second_start, j, where=~space[j] & (j > mark))
    ok1, n1, f1, d1 = _term(chars, digit, dot, np.zeros(len(rows), dtype=np.int64), first_end)
    ok2, n2, f2, d2 = _term(chars, digit, dot, second_start, np.full(len(rows), length))
    form = np.where(
        is_pair & ok1 & ok2,
        PAIR,
        np.where(is_percent & ok1, PERCENT, np.where(is_decimal & ok1, DECIMAL, 0)),
    )
    out.form[rows] = form
    out.n1[rows], out.f1[rows], out.d1[rows] = n1, f1, d1
    out.n2[rows], out.f2[rows], out.d2[rows] = np.where(is_pair, n2, 0), f2, d2


def _term(
    chars: Bytes, digit: Mask, dot: Mask, low: Ints, high: Ints
) -> tuple[Mask, Ints, Small, Small]:
    """Whether ``chars[low:high]`` (per row) is a decimal ``[0-9]+(\\.[0-9]+)?`` of at most 18
    digits, and its digits as an integer, its number of decimals and of digits."""
    k = chars.shape[1]
    value = np.zeros(k, dtype=np.int64)
    digits = np.zeros(k, dtype=np.int8)
    decimals = np.zeros(k, dtype=np.int8)
    dots = np.zeros(k, dtype=np.int8)
    stray = np.zeros(k, dtype=np.bool_)
    first_digit = np.zeros(k, dtype=np.bool_)
    last_digit = np.zeros(k, dtype=np.bool_)
    for j in range(chars.shape[0]):
        inside = (low <= j) & (j < high)
        is_digit = digit[j] & inside
        is_dot = dot[j] & inside
        # Digits past the 18th would leave int64: such a term is refused below anyway.
        np.copyto(value, value * 10 + (chars[j] - _DIGIT0), where=is_digit & (digits < _MAX_DIGITS))
        digits += is_digit
        decimals += is_digit & (dots > 0)
        dots += is_dot
        stray |= inside & ~(digit[j] | dot[j])
        first_digit |= is_digit & (low == j)
        last_digit = np.where(inside, is_digit, last_digit)
    ok = (high > low) & ~stray & (dots <= 1) & first_digit & last_digit & (digits <= _MAX_DIGITS)
    return ok, np.where(ok, value, 0), decimals, digits


@dataclass(frozen=True)
class Scored:
    """Points in quanta of the values a rule accepted here, and which it did."""

    points: Ints
    accepted: Mask


def score_numbers(framework: Framework, leaf: Node, numbers: Numbers) -> Scored:
    """The points ``leaf``'s rule gives the values read as ``numbers``."""
    rule = leaf.rule
    places = framework.places
    top_q = quanta(leaf.full_max, places)
    if isinstance(rule, PointsRule):
        step = rule.step if rule.step is not None else leaf.framework_rounding
        return _points(numbers, leaf.full_max, step, places)
    if isinstance(rule, SurveyRule):
        return _survey(numbers, top_q)
    if isinstance(rule, (CountRule, DeductionRule)):
        return _count(numbers, top_q, quanta(rule.per_item, places), isinstance(rule, CountRule))
    if isinstance(rule, (RatioRule, ProportionalRule)):
        return _ratio(numbers, rule, top_q, places)
    return Scored(np.zeros(len(numbers.form), dtype=np.int64), np.zeros(len(numbers.form), bool))


def _fraction(value: Decimal) -> tuple[int, int]:
    """A non-negative decimal as (numerator, power of ten of its denominator)."""
    sign, digits, exponent = value.as_tuple()
    assert sign == 0 and isinstance(exponent, int)
    numerator = int("".join(map(str, digits)) or "0")
    return (numerator * 10**exponent, 0) if exponent >= 0 else (numerator, -exponent)


def _half_up(numerator: Ints, denominator: Ints) -> Ints:
    """numerator / denominator rounded half-up, both non-negative (``round_half_up``)."""
    result: Ints = (2 * numerator + denominator) // (2 * denominator)
    return result


def _points(numbers: Numbers, top: Decimal, step: Decimal, places: int) -> Scored:
    """The number itself: in [0, top], a multiple of ``step``."""
    top_n, top_f = _fraction(top)
    step_n, step_f = _fraction(step)
    p10f = _POW10[np.minimum(numbers.f1, _MAX_DIGITS)]
    accepted = numbers.form == DECIMAL
    # Products below stay in int64: n times a power of ten, a parameter times 10^f.
    accepted &= numbers.n1 <= _INT64_SAFE // 10 ** max(top_f, step_f, places + 1)
    accepted &= p10f <= _INT64_SAFE // max(top_n, step_n)
    n, p10f = np.where(accepted, numbers.n1, 0), np.where(accepted, p10f, 1)
    accepted &= n * 10**top_f <= top_n * p10f  # n / 10^f <= top_n / 10^top_f
    accepted &= (n * 10**step_f) % (step_n * p10f) == 0
    points = _half_up(n * 10**places, p10f)
    return Scored(np.where(accepted, points, 0), accepted)


def _survey(numbers: Numbers, top_q: int) -> Scored:
    n, f = numbers.n1, numbers.f1.astype(np.int64)
    p10f = _POW10[np.minimum(f, _MAX_DIGITS)]
    accepted = (numbers.form == DECIMAL) | (numbers.form == PERCENT)
    accepted &= (f <= 15) & (n <= _INT64_SAFE // (2 * max(top_q, 1)))
    accepted &= n <= 100 * p10f  # at most 100 %
    points = _half_up(top_q * n, 100 * p10f)
    return Scored(np.where(accepted, points, 0), accepted)


def _count(numbers: Numbers, top_q: int, per_q: int, adds: bool) -> Scored:
    count = numbers.n1
    accepted = (numbers.form == DECIMAL) & (numbers.f1 == 0)  # digits only
    enough = -(-top_q // per_q)  # from this count on, the max (or 0) is reached
    taken = np.minimum(count, enough) * per_q
    points = np.minimum(taken, top_q) if adds else np.maximum(top_q - taken, 0)
    return Scored(np.where(accepted, points, 0), accepted)


def _ratio(numbers: Numbers, rule: RatioRule | ProportionalRule, top_q: int, places: int) -> Scored:
    """A ratio a/b: a pair's terms over their common decimals, a percentage over 100, a plain
    fraction over 1 (at most 1)."""
    form = numbers.form
    f1, f2 = numbers.f1.astype(np.int64), numbers.f2.astype(np.int64)
    common = np.maximum(f1, f2)
    pair = form == PAIR
    shift1 = np.where(pair, common - f1, 0)
    shift2 = common - f2
    # A scaled term keeps its digits and gains the other's decimals: at most 18 digits in all.
    fits = ~pair | (
        (numbers.d1.astype(np.int64) + shift1 <= _MAX_DIGITS)
        & (numbers.d2.astype(np.int64) + shift2 <= _MAX_DIGITS)
    )
    a = numbers.n1 * _POW10[np.minimum(shift1, _MAX_DIGITS)]
    b = np.where(
        pair,
        numbers.n2 * _POW10[np.minimum(shift2, _MAX_DIGITS)],
        np.where(form == PERCENT, 100, 1) * _POW10[np.minimum(f1, _MAX_DIGITS)],
    )
    accepted = (form > 0) & fits & (f1 <= 15) & (b > 0)
    accepted &= ~pair | (
        ~_thousands(numbers.n1, f1, numbers.d1) & ~_thousands(numbers.n2, f2, numbers.d2)
    )
    accepted &= (form != DECIMAL) | (a <= b)  # a plain fraction is at most 1
    # Every product below is a term times 100 times a power of ten, or a term times a
    # parameter's numerator: both stay in int64 below this bound.
    percents = [rule.max_percent] if rule.max_percent is not None else []
    if isinstance(rule, RatioRule):
        percents += [bracket.min for bracket in rule.brackets]
    fractions = [_fraction(p) for p in percents]
    largest = max([top_q, 1, *(n for n, _ in fractions)])
    bound = _INT64_SAFE // (200 * 10 ** max([0, *(f for _, f in fractions)]) * largest)
    accepted &= (a < bound) & (b < bound)
    a, b = np.where(accepted, a, 0), np.where(accepted, b, 1)
    if rule.max_percent is not None:
        limit_n, limit_f = _fraction(rule.max_percent)
        accepted &= 100 * a * 10**limit_f <= limit_n * b
    if isinstance(rule, ProportionalRule):
        points = _half_up(top_q * np.minimum(a, b), b)
        return Scored(np.where(accepted, points, 0), accepted)
    points = np.zeros(len(a), dtype=np.int64)
    open_ = accepted.copy()
    for bracket in rule.brackets:  # the first bracket reached; the last one's min is 0
        low_n, low_f = _fraction(bracket.min)
        reached = open_ & (100 * a * 10**low_f >= low_n * b)
        points[reached] = quanta(bracket.points, places)
        open_ &= ~reached
    return Scored(points, accepted)


def _thousands(n: Ints, decimals: Ints, digits: Small) -> Mask:
    """A term that looks like a number grouped in thousands (``1.000``, ``12.500``): one to three
    digits, not starting with 0, a dot, three digits (docs/formats.md §1.6)."""
    whole = digits.astype(np.int64) - decimals
    leading = n // _POW10[np.minimum(digits.astype(np.int64) - 1, _MAX_DIGITS)]
    looks: Mask = (decimals == 3) & (whole >= 1) & (whole <= 3) & (leading > 0)
    return looks
