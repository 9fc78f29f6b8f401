"""Scoring rules: the eight rule types of FORMATS.md §1 and how each reads a value.

Each rule turns one answer (the text a unit gave for a leaf) into exact points and an
explanation a person can read: which rule, which value, which bracket or option, what was capped.
The functions here are the scalar reference; the whole-cycle path in ``compute`` calls them once
per distinct (leaf, value) pair.
"""

from __future__ import annotations

import re
import unicodedata
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


@dataclass(frozen=True)
class Outcome:
    """Exact points before rounding, and why."""

    points: Fraction
    explanation: Text


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
            Text(f"Điểm chấm trực tiếp: {pts(value)}", f"Points given directly: {pts(value)}"),
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
        for key, points in self.options:
            if key == text:
                return Outcome(
                    Fraction(points),
                    Text(
                        f"Lựa chọn «{key}» → {pts(points)} điểm",
                        f"Option «{key}» → {pts(points)} points",
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
                Text(f"Có → {pts(leaf.full_max)} điểm (tối đa)",
                     f"Yes → {pts(leaf.full_max)} points (max)"),
            )
        if word in NO_WORDS:
            return Outcome(Fraction(0), Text("Không → 0 điểm", "No → 0 points"))
        raise RuleValueError("must be yes/no, có/không, true/false or 1/0")

    def describe(self, leaf: Node) -> Text:
        top = format_decimal(leaf.full_max)
        return Text(f"Có: {top} điểm; không: 0", f"Yes: {top} points; no: 0")


def parse_ratio(text: str) -> tuple[Fraction, str]:
    """A ratio as an exact fraction, and how it was written, for the explanation."""
    pair = _RATIO_PAIR.fullmatch(text)
    if pair:
        numerator, denominator = _number(pair.group(1)), _number(pair.group(2))
        if denominator == 0:
            raise RuleValueError("the denominator must be greater than 0")
        ratio = Fraction(numerator) / Fraction(denominator)
        shown = f"{format_decimal(numerator)}/{format_decimal(denominator)}"
        return ratio, f"{shown} = {format_fraction(ratio * 100)}%"
    if text.endswith("%"):
        percent = _number(text[:-1].rstrip())
        return Fraction(percent) / 100, f"{format_decimal(percent)}%"
    value = _number(text)
    if value > 1:
        raise RuleValueError(
            f"a plain ratio must lie in [0, 1]: write {format_decimal(value)}% or a fraction a/b"
        )
    return Fraction(value), f"{format_decimal(value)} = {format_fraction(Fraction(value) * 100)}%"


@dataclass(frozen=True)
class RatioRule(Rule):
    brackets: tuple[Bracket, ...] = ()
    type: str = "ratio"

    def score(self, text: str, leaf: Node) -> Outcome:
        ratio, shown = parse_ratio(text)
        for bracket in self.brackets:
            # Exact test a*100 >= min*b, never on a rounded percentage.
            if ratio * 100 >= bracket.min:
                return Outcome(
                    Fraction(bracket.points),
                    Text(
                        f"Tỷ lệ {shown} ≥ mức {format_decimal(bracket.min)}% → "
                        f"{pts(bracket.points)} điểm",
                        f"Ratio {shown} ≥ bracket {format_decimal(bracket.min)}% → "
                        f"{pts(bracket.points)} points",
                    ),
                )
        raise AssertionError("the last bracket's min is 0")  # pragma: no cover

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
            Text(
                f"Tỷ lệ {shown} × {pts(leaf.full_max)} = {pts(points)} điểm{note_vi}",
                f"Ratio {shown} × {pts(leaf.full_max)} = {pts(points)} points{note_en}",
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
        base = f"{count} × {pts(self.per_item)} = {pts(raw)}"
        if raw > leaf.full_max:
            return Outcome(
                Fraction(points),
                Text(
                    f"{base}, giới hạn ở tối đa {pts(leaf.full_max)} điểm",
                    f"{base}, capped at the max of {pts(leaf.full_max)} points",
                ),
            )
        return Outcome(Fraction(points), Text(f"{base} điểm", f"{base} points"))

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
        base_vi = f"{pts(leaf.full_max)} − {count} vi phạm × {pts(self.per_item)} = "
        base_en = f"{pts(leaf.full_max)} − {count} violation(s) × {pts(self.per_item)} = "
        if taken > leaf.full_max:
            return Outcome(
                Fraction(0),
                Text(f"{base_vi}{pts(leaf.full_max - taken)}, không dưới 0 → 0 điểm",
                     f"{base_en}{pts(leaf.full_max - taken)}, never below 0 → 0 points"),
            )
        return Outcome(
            Fraction(points), Text(f"{base_vi}{pts(points)} điểm", f"{base_en}{pts(points)} points")
        )

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
            Text(
                f"Kết quả khảo sát {format_decimal(percent)}% × {pts(top)} = {pts(points)} điểm",
                f"Survey result {format_decimal(percent)}% × {pts(top)} = {pts(points)} points",
            ),
        )

    def describe(self, leaf: Node) -> Text:
        top = format_decimal(leaf.full_max)
        return Text(f"Kết quả điều tra xã hội học (%) × {top}", f"Survey result (%) × {top}")


RULE_TYPES = ("points", "choice", "yes_no", "ratio", "proportional", "count", "deduction", "survey")
