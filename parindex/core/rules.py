"""Scoring rules: the eight rule types of docs/formats.md §1 and how each reads a value.

Each rule turns one answer (the text a unit gave for a leaf) into exact points and an
explanation a person can read: which rule, which value, which bracket or option, what was capped.
The functions here are the scalar reference; the whole-cycle path in ``compute`` calls them once
per distinct (leaf, value) pair.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import TYPE_CHECKING

from .numbers import NumberSyntaxError, format_decimal, format_fraction, parse_decimal
from .text import Text

if TYPE_CHECKING:
    from .framework import Node

NA_WORDS = frozenset({"n/a", "kad", "không áp dụng"})
YES_WORDS = frozenset({"yes", "có", "true", "1"})
NO_WORDS = frozenset({"no", "không", "false", "0"})
_RATIO_PAIR = re.compile(r"(\S+)\s*/\s*(\S+)")
_DIGITS = re.compile(r"[0-9]+")  # ASCII digits only


class RuleValueError(ValueError):
    """A value the rule cannot take; the message says why and what to write instead."""


def normalize_value(raw: str) -> str:
    """Trim and NFC-normalise a cell, as every reader of values must."""
    return unicodedata.normalize("NFC", raw.strip())


def is_na_word(text: str) -> bool:
    return text.casefold() in NA_WORDS


def _number(text: str) -> Decimal:
    try:
        return parse_decimal(text)
    except NumberSyntaxError as exc:
        raise RuleValueError(str(exc)) from None


def pts(value: Fraction | Decimal) -> str:
    return format_fraction(Fraction(value))


def points_en(value: Fraction | Decimal) -> str:
    """'1 point', '1.5 points', '≈0.67 points'."""
    return f"{pts(value)} point" if value == 1 else f"{pts(value)} points"


Explain = Callable[[], Text]


@dataclass(frozen=True)
class Outcome:
    """Exact points before rounding, and why.

    The explanation is a thunk: a cycle of thousands of units needs every leaf's points but
    shows few explanations, and building the text is most of a rule's cost.
    """

    points: Fraction
    explain: Explain


@dataclass(frozen=True)
class Bracket:
    min: Decimal
    points: Decimal


class Rule:
    """A scoring rule of a leaf (*quy tắc chấm điểm*)."""

    type: str = ""

    def score(self, text: str, leaf: Node) -> Outcome:
        raise NotImplementedError

    def describe(self, leaf: Node) -> Text:
        """The rule in plain words, for forms and the framework browser."""
        raise NotImplementedError


@dataclass(frozen=True)
class PointsRule(Rule):
    step: Decimal | None = None
    type: str = "points"

    def score(self, text: str, leaf: Node) -> Outcome:
        value = _number(text)
        if value > leaf.full_max:
            raise RuleValueError(f"must lie in [0, {format_decimal(leaf.full_max)}]")
        step = self.step if self.step is not None else leaf.framework_rounding
        if value % step != 0:
            raise RuleValueError(f"must be a multiple of {format_decimal(step)}")
        return Outcome(
            Fraction(value),
            lambda: Text(
                f"Điểm chấm trực tiếp: {pts(value)}", f"Points given directly: {pts(value)}"
            ),
        )

    def describe(self, leaf: Node) -> Text:
        step = format_decimal(self.step if self.step is not None else leaf.framework_rounding)
        top = format_decimal(leaf.full_max)
        return Text(
            f"Chấm điểm trực tiếp từ 0 đến {top}, bước {step}",
            f"Points from 0 to {top} in steps of {step}",
        )


@dataclass(frozen=True)
class ChoiceRule(Rule):
    options: tuple[tuple[str, Decimal], ...] = ()
    type: str = "choice"

    def score(self, text: str, leaf: Node) -> Outcome:
        found = next((option for option in self.options if option[0] == text), None)
        if found is not None:
            key, points = found
            return Outcome(
                Fraction(points),
                lambda: Text(
                    f"Lựa chọn «{key}» → {pts(points)} điểm",
                    f"Option «{key}» → {points_en(points)}",
                ),
            )
        keys = ", ".join(key for key, _ in self.options)
        raise RuleValueError(f"is not one of the options: {keys}")

    def describe(self, leaf: Node) -> Text:
        listed = "; ".join(f"{k}: {format_decimal(p)}" for k, p in self.options)
        return Text(f"Chọn một phương án ({listed})", f"One option ({listed})")


@dataclass(frozen=True)
class YesNoRule(Rule):
    type: str = "yes_no"

    def score(self, text: str, leaf: Node) -> Outcome:
        word = text.casefold()
        if word in YES_WORDS:
            return Outcome(
                Fraction(leaf.full_max),
                lambda: Text(
                    f"Có → {pts(leaf.full_max)} điểm (tối đa)",
                    f"Yes → {points_en(leaf.full_max)} (max)",
                ),
            )
        if word in NO_WORDS:
            return Outcome(Fraction(0), lambda: Text("Không → 0 điểm", "No → 0 points"))
        raise RuleValueError("must be yes/no, có/không, true/false or 1/0")

    def describe(self, leaf: Node) -> Text:
        top = format_decimal(leaf.full_max)
        return Text(f"Có: {top} điểm; không: 0", f"Yes: {top} points; no: 0")


def _is(value: Fraction) -> str:
    """'= 85' when exact, '≈ 91.67' when rounded for display."""
    shown = format_fraction(value)
    return f"≈ {shown[1:]}" if shown.startswith("≈") else f"= {shown}"


def parse_ratio(text: str) -> tuple[Fraction, Callable[[], str]]:
    """A ratio as an exact fraction, and (lazily) how it was written, for the explanation."""
    pair = _RATIO_PAIR.fullmatch(text)
    if pair:
        numerator, denominator = _number(pair.group(1)), _number(pair.group(2))
        if denominator == 0:
            raise RuleValueError("the denominator must be greater than 0")
        ratio = Fraction(numerator) / Fraction(denominator)
        return (
            ratio,
            lambda: (
                f"{format_decimal(numerator)}/{format_decimal(denominator)} {_is(ratio * 100)}%"
            ),
        )
    if text.endswith("%"):
        percent = _number(text[:-1].rstrip())
        return Fraction(percent) / 100, lambda: f"{format_decimal(percent)}%"
    value = _number(text)
    if value > 1:
        raise RuleValueError(
            f"a plain ratio must lie in [0, 1]: write {format_decimal(value * 100)}% or a "
            "fraction a/b"
        )
    return Fraction(value), lambda: f"{format_decimal(value)} {_is(Fraction(value) * 100)}%"


@dataclass(frozen=True)
class RatioRule(Rule):
    brackets: tuple[Bracket, ...] = ()
    type: str = "ratio"

    def score(self, text: str, leaf: Node) -> Outcome:
        ratio, shown = parse_ratio(text)
        # Exact test a*100 >= min*b, never on a rounded percentage; the last min is 0.
        bracket = next(b for b in self.brackets if ratio * 100 >= b.min)
        return Outcome(
            Fraction(bracket.points),
            lambda: Text(
                f"Tỷ lệ {shown()} ≥ mức {format_decimal(bracket.min)}% → "
                f"{pts(bracket.points)} điểm",
                f"Ratio {shown()} ≥ bracket {format_decimal(bracket.min)}% → "
                f"{points_en(bracket.points)}",
            ),
        )

    def describe(self, leaf: Node) -> Text:
        listed = "; ".join(
            f"≥{format_decimal(b.min)}%: {format_decimal(b.points)}" for b in self.brackets
        )
        return Text(f"Theo tỷ lệ đạt ({listed})", f"By ratio achieved ({listed})")


@dataclass(frozen=True)
class ProportionalRule(Rule):
    type: str = "proportional"

    def score(self, text: str, leaf: Node) -> Outcome:
        ratio, shown = parse_ratio(text)
        capped = min(ratio, Fraction(1))
        points = Fraction(leaf.full_max) * capped
        note_vi = " (tỷ lệ vượt 100% tính là 100%)" if ratio > 1 else ""
        note_en = " (a ratio above 100% counts as 100%)" if ratio > 1 else ""
        return Outcome(
            points,
            lambda: Text(
                f"Tỷ lệ {shown()} × {pts(leaf.full_max)} = {pts(points)} điểm{note_vi}",
                f"Ratio {shown()} × {pts(leaf.full_max)} = {points_en(points)}{note_en}",
            ),
        )

    def describe(self, leaf: Node) -> Text:
        top = format_decimal(leaf.full_max)
        return Text(f"Tỷ lệ đạt × {top} điểm", f"Ratio achieved × {top} points")


def _count(text: str) -> int:
    if not _DIGITS.fullmatch(text):
        raise RuleValueError("must be a whole number written with digits (0, 1, 2, …)")
    return int(text)


@dataclass(frozen=True)
class CountRule(Rule):
    per_item: Decimal = Decimal(1)
    type: str = "count"

    def score(self, text: str, leaf: Node) -> Outcome:
        count = _count(text)
        raw = count * self.per_item
        points = min(raw, leaf.full_max)
        per_item = self.per_item

        def explain() -> Text:
            base = f"{count} × {pts(per_item)} = "
            if raw > leaf.full_max:
                return Text(
                    f"{base}{pts(raw)}, giới hạn ở tối đa {pts(leaf.full_max)} điểm",
                    f"{base}{pts(raw)}, capped at the max of {points_en(leaf.full_max)}",
                )
            return Text(f"{base}{pts(raw)} điểm", f"{base}{points_en(raw)}")

        return Outcome(Fraction(points), explain)

    def describe(self, leaf: Node) -> Text:
        per, top = format_decimal(self.per_item), format_decimal(leaf.full_max)
        return Text(f"Mỗi trường hợp {per} điểm, tối đa {top}", f"{per} points each, at most {top}")


@dataclass(frozen=True)
class DeductionRule(Rule):
    per_item: Decimal = Decimal(1)
    type: str = "deduction"

    def score(self, text: str, leaf: Node) -> Outcome:
        count = _count(text)
        taken = count * self.per_item
        points = max(Decimal(0), leaf.full_max - taken)
        per_item = self.per_item

        def explain() -> Text:
            top = pts(leaf.full_max)
            base_vi = f"{top} − {count} vi phạm × {pts(per_item)} = "
            base_en = f"{top} − {count} violation(s) × {pts(per_item)} = "
            if taken > leaf.full_max:
                below = pts(leaf.full_max - taken)
                return Text(
                    f"{base_vi}{below}, không dưới 0 → 0 điểm",
                    f"{base_en}{below}, never below 0 → 0 points",
                )
            return Text(f"{base_vi}{pts(points)} điểm", f"{base_en}{points_en(points)}")

        return Outcome(Fraction(points), explain)

    def describe(self, leaf: Node) -> Text:
        per, top = format_decimal(self.per_item), format_decimal(leaf.full_max)
        return Text(
            f"{top} điểm, trừ {per} điểm mỗi vi phạm, không dưới 0",
            f"{top} points less {per} per violation, never below 0",
        )


@dataclass(frozen=True)
class SurveyRule(Rule):
    type: str = "survey"

    def score(self, text: str, leaf: Node) -> Outcome:
        body = text[:-1].rstrip() if text.endswith("%") else text
        percent = _number(body)
        if percent > 100:
            raise RuleValueError("a survey result must lie in [0, 100] %")
        top = leaf.full_max
        points = Fraction(top) * Fraction(percent) / 100
        return Outcome(
            points,
            lambda: Text(
                f"Kết quả khảo sát {format_decimal(percent)}% × {pts(top)} = {pts(points)} điểm",
                f"Survey result {format_decimal(percent)}% × {pts(top)} = {points_en(points)}",
            ),
        )

    def describe(self, leaf: Node) -> Text:
        top = format_decimal(leaf.full_max)
        return Text(f"Kết quả điều tra xã hội học (%) × {top}", f"Survey result (%) × {top}")


RULE_TYPES = ("points", "choice", "yes_no", "ratio", "proportional", "count", "deduction", "survey")
