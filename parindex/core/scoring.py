"""Scoring one leaf from one value: the scalar reference for every result parindex shows."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from typing import Literal

from .errors import ValueRuleError
from .framework import Framework, Node
from .messages import localize_number, msg
from .numbers import format_decimal, from_quanta, quanta, round_half_up
from .rules import RULES, Explain, RuleValueError, dv, is_na_word, normalize_value
from .text import Text

Status = Literal["scored", "na", "missing"]


@dataclass(frozen=True)
class LeafScore:
    """A leaf's points for one value, exact and rounded, with the explanation.

    ``points_q`` and ``max_q`` are integer quanta of the framework's rounding; ``max_q`` is what
    the leaf adds to the unit's maximum (0 for an n/a leaf under ``rescale``).
    """

    code: str
    value: str | None
    status: Status
    exact: Fraction
    points_q: int
    max_q: int
    places: int
    explained: Text | Explain = field(compare=False, repr=False)

    @property
    def explanation(self) -> Text:
        """Why the leaf got its points; built on first use, then kept."""
        if isinstance(self.explained, Text):
            return self.explained
        text = self.explained()
        object.__setattr__(self, "explained", text)
        return text

    @property
    def points(self) -> Decimal:
        return from_quanta(self.points_q, self.places)

    @property
    def max(self) -> Decimal:
        return from_quanta(self.max_q, self.places)


def score_leaf(framework: Framework, leaf: Node, raw: str | None) -> LeafScore:
    """Score ``raw`` (a cell as written) on ``leaf``; raise ValueRuleError if the rule refuses
    it."""
    assert leaf.rule is not None and leaf.max is not None
    places = framework.places
    max_q = quanta(leaf.max, places)
    text = normalize_value(raw) if raw is not None else ""
    if not text:
        if leaf.kind == "normal":
            explanation = Text("Chưa có giá trị: 0 điểm", "No value: 0 points")
        else:
            explanation = Text("Không kê khai: 0 điểm", "Not claimed: 0 points")
        return LeafScore(leaf.code, None, "missing", Fraction(0), 0, max_q, places, explanation)
    if leaf.allow_na and is_na_word(text):
        if framework.not_applicable == "full":
            return LeafScore(
                leaf.code,
                text,
                "na",
                Fraction(leaf.max),
                max_q,
                max_q,
                places,
                Text(
                    f"Không áp dụng: được tối đa {dv(leaf.max)} điểm",
                    f"Not applicable: earns the max of {format_decimal(leaf.max)} points",
                ),
            )
        return LeafScore(
            leaf.code,
            text,
            "na",
            Fraction(0),
            0,
            0,
            places,
            Text(
                "Không áp dụng: không tính vào điểm và điểm tối đa",
                "Not applicable: left out of points and maximum",
            ),
        )
    try:
        outcome = leaf.rule.score(text, leaf)
    except RuleValueError as exc:
        reason = msg("value.na_not_allowed") if is_na_word(text) else exc.msg
        raise ValueRuleError(
            msg("value.rejected", rule=RULES[leaf.rule.type].name, reason=reason),
            node=leaf.code,
            value=raw,
        ) from None
    points_q = round_half_up(outcome.points, places)
    explain = outcome.explain
    if Fraction(points_q, 10**places) != outcome.points:

        def explain() -> Text:
            shown = format_decimal(from_quanta(points_q, places))
            base = outcome.explain()
            return Text(
                f"{base.vi}; làm tròn còn {localize_number(shown, 'vi')}",
                f"{base.en}; rounded to {shown}",
            )

    return LeafScore(leaf.code, text, "scored", outcome.points, points_q, max_q, places, explain)


class Scorer:
    """Scores values for one framework, once per distinct (leaf, value) pair.

    A cycle of thousands of units repeats the same few answers per leaf (options, yes/no, the
    same ratios), so the cache turns most of the work into dictionary lookups.
    """

    def __init__(self, framework: Framework) -> None:
        self.framework = framework
        self._cache: dict[tuple[str, str | None], LeafScore] = {}

    def __call__(self, leaf: Node, raw: str | None) -> LeafScore:
        key = (leaf.code, raw)
        found = self._cache.get(key)
        if found is None:
            found = score_leaf(self.framework, leaf, raw)
            self._cache[key] = found
        return found
