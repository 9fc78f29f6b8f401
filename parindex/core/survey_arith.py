"""The exact arithmetic of docs/formats.md §4.3 on integer sums.

A group's respondents enter as three integers: ``n``, ``total`` = Σ score and ``squares`` =
Σ score², both in units of ``1 / scale`` percent (a respondent's score is an exact fraction; the
aggregation chooses ``scale`` so that every score is a whole number of units). From them:

- a group's mean = total / (n × scale), its sample variance s² = (n × squares − total²) /
  (n (n − 1) scale²), and 0 when n = 1;
- the leaf's value = Σ(w × mean) / Σ w over the included groups, rounded half-up to 0.01 once;
- the 95 % margin = √(3.8416 × Σ((w / Σw)² × s² / n)), the radicand exact. The root is rounded
  half-up to 0.01 exactly: with X = 10⁴ × radicand = p / q, the margin in hundredths is the
  integer m with (m − ½)² ≤ X < (m + ½)², that is m = (⌊√(4X)⌋ + 1) // 2, and
  ⌊√(4p/q)⌋ = isqrt(4 p q) // q. No float and no Decimal context is involved.

Every function here works on Python integers, so it never overflows and never rounds twice.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from math import isqrt

Z95_SQUARED = Fraction(38416, 10000)  # 1.96², as docs/formats.md §4.3 writes it: 3.8416
_Z_HUNDREDTHS = 38416  # 10⁴ × 3.8416: the margin's radicand taken in hundredths squared


@dataclass(frozen=True)
class GroupSums:
    """A group's respondents for one unit and leaf, as exact integer sums."""

    n: int
    total: int
    squares: int
    scale: int

    @property
    def mean(self) -> Fraction | None:
        return None if self.n == 0 else Fraction(self.total, self.n * self.scale)

    @property
    def variance(self) -> Fraction | None:
        """Sample variance s² of the scores (divisor n − 1; 0 when n = 1)."""
        if self.n == 0:
            return None
        if self.n == 1:
            return Fraction(0)
        spread = self.n * self.squares - self.total * self.total
        return Fraction(spread, self.n * (self.n - 1) * self.scale * self.scale)


def round_hundredths(numerator: int, denominator: int) -> int:
    """numerator / denominator (both >= 0, denominator > 0) in hundredths, rounded half-up."""
    return (200 * numerator + denominator) // (2 * denominator)


def hundredths(count: int) -> Decimal:
    return Decimal(count).scaleb(-2)


def mean_hundredths(group: GroupSums) -> int | None:
    """A group's mean rounded half-up to 0.01, in hundredths (for display only)."""
    if group.n == 0:
        return None
    return round_hundredths(group.total, group.n * group.scale)


def sqrt_hundredths(p: int, q: int) -> int:
    """√(p / q) rounded half-up to a whole number, exactly (p >= 0, q > 0).

    Called with X = p / q = 10⁴ × radicand, it gives the root in hundredths."""
    return (isqrt(4 * p * q) // q + 1) // 2


def leaf_value_and_margin(
    included: Sequence[tuple[int, GroupSums]],
) -> tuple[int | None, int | None]:
    """The leaf's value and 95 % margin in hundredths of a percent, from the included groups
    given as (integer weight, sums). Weights may be scaled by any common factor."""
    if not included:
        return None, None
    weight_sum = sum(w for w, _ in included)
    # Σ w·total/(n·scale): a running fraction num/den, then one rounding.
    num, den = 0, 1
    for weight, g in included:
        step = g.n * g.scale
        num = num * step + weight * g.total * den
        den *= step
    value = round_hundredths(num, den * weight_sum)
    # Σ w² (n·squares − total²) / (n² (n − 1) scale²), over Σw²: a running fraction p/q.
    p, q = 0, 1
    for weight, g in included:
        if g.n < 2:
            continue
        term_num = weight * weight * (g.n * g.squares - g.total * g.total)
        term_den = g.n * g.n * (g.n - 1) * g.scale * g.scale
        p = p * term_den + term_num * q
        q *= term_den
    margin = sqrt_hundredths(_Z_HUNDREDTHS * p, q * weight_sum * weight_sum)
    return value, margin
