"""Scoring rules: the eight rule types of docs/formats.md §1 and how each reads a value.

Each rule turns one answer (the text a unit gave for a leaf) into exact points and an
explanation a person can read: which rule, which value, which bracket or option, what was capped.
The functions here are the scalar reference; the whole-cycle path in ``compute`` calls them once
per distinct (leaf, value) pair. Each rule class also makes itself from a framework file's
parameters (``read``), through the checks the framework reader gives it (``RuleParams``).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import TYPE_CHECKING, ClassVar, Protocol

from .messages import Message, Quoted, localize_number, msg
from .numbers import NumberSyntaxError, format_decimal, format_fraction, parse_decimal
from .text import Text

if TYPE_CHECKING:
    from .framework import Node

NA_WORDS = frozenset({"n/a", "kad", "không áp dụng"})
YES_WORDS = frozenset({"yes", "có", "true", "1"})
NO_WORDS = frozenset({"no", "không", "false", "0"})
_RATIO_PAIR = re.compile(r"(\S+)\s*/\s*(\S+)")
_DIGITS = re.compile(r"[0-9]+")  # ASCII digits only
# A ratio term written like a number with thousands separators: 1.000, 12.500, 1.234.567.
_THOUSANDS_LOOK = re.compile(r"[1-9][0-9]{0,2}(?:\.[0-9]{3})+")
_SPACES = re.compile(r"\s+")
_NUMERATOR_NOTE = Text(
    " (tử số không thể lớn hơn mẫu số ở đây)", " (the numerator cannot exceed the denominator here)"
)


class RuleValueError(ValueError):
    """A value the rule cannot take; the message says why and what to write instead."""

    def __init__(self, message: Message) -> None:
        super().__init__(str(message))
        self.msg = message


def normalize_value(raw: str) -> str:
    """Trim and NFC-normalise a cell, as every reader of values must."""
    return unicodedata.normalize("NFC", raw.strip())


def is_na_word(text: str) -> bool:
    return text.casefold() in NA_WORDS


def _number(text: str) -> Decimal:
    try:
        return parse_decimal(text)
    except NumberSyntaxError as exc:
        raise RuleValueError(exc.msg) from None


def pts(value: Fraction | Decimal) -> str:
    return format_fraction(Fraction(value))


def pv(value: Fraction | Decimal) -> str:
    """A number in a Vietnamese explanation: decimal comma, dot thousands (1.234,5; ≈0,67)."""
    shown = pts(value)
    approx = shown.startswith("≈")
    body = shown.removeprefix("≈")
    minus = body.startswith("−")
    body = localize_number(body.removeprefix("−"), "vi")
    return ("≈" if approx else "") + ("−" if minus else "") + body


def dv(value: Decimal) -> str:
    """A decimal parameter (a max, a bracket) in Vietnamese format."""
    return localize_number(format_decimal(value), "vi")


def points_en(value: Fraction | Decimal) -> str:
    """'1 point', '1.5 points', '≈0.67 points'."""
    return f"{pts(value)} point" if value == 1 else f"{pts(value)} points"


def match_key(text: str) -> str:
    """How a choice value is compared with an option's titles: NFC, trimmed, inner spaces
    collapsed, case ignored; diacritics count (``đúng`` is not ``dung``)."""
    return _SPACES.sub(" ", unicodedata.normalize("NFC", text).strip()).casefold()


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


class RuleParams(Protocol):
    """The parameters of one rule as a framework file gives them, each read and checked by the
    framework reader, which reports every problem (line, node, key) and gives None for it."""

    def amount(self, key: str, *, required: bool) -> Decimal | None:
        """Points: positive and a multiple of the framework's rounding."""

    def limit(self, key: str) -> Decimal | None:
        """A percentage limit: positive (not points, so any multiple)."""

    def options(self) -> tuple[Option, ...] | None:
        """A choice's options, each with its points (at most the leaf's max); None if any is
        wrong or two could be named by the same value."""

    def brackets_given(self) -> bool:
        """Whether a ratio has a non-empty list of brackets (reported if not)."""

    def brackets(self) -> tuple[Bracket, ...] | None:
        """A ratio's brackets, minimums decreasing down to 0; None if any is wrong."""


class Rule:
    """A scoring rule of a leaf (*quy tắc chấm điểm*). Each rule class names its ``type``, the
    word a framework file gives; ``RULES`` registers every class under it."""

    type: ClassVar[str] = ""

    @classmethod
    def read(cls, params: RuleParams) -> Rule | None:
        """The rule a framework file's parameters make, or None where one of them is wrong."""
        raise NotImplementedError

    def score(self, text: str, leaf: Node) -> Outcome:
        raise NotImplementedError

    def describe(self, leaf: Node) -> Text:
        """The rule in plain words, for forms and the framework browser."""
        raise NotImplementedError


@dataclass(frozen=True)
class PointsRule(Rule):
    step: Decimal | None = None
    type: ClassVar[str] = "points"

    @classmethod
    def read(cls, params: RuleParams) -> Rule | None:
        return PointsRule(step=params.amount("step", required=False))

    def score(self, text: str, leaf: Node) -> Outcome:
        value = _number(text)
        if value > leaf.full_max:
            raise RuleValueError(msg("value.points_range", max=leaf.full_max))
        step = self.step if self.step is not None else leaf.framework_rounding
        if value % step != 0:
            raise RuleValueError(msg("value.points_step", step=step))
        return Outcome(
            Fraction(value),
            lambda: Text(
                f"Điểm chấm trực tiếp: {pv(value)}", f"Points given directly: {pts(value)}"
            ),
        )

    def describe(self, leaf: Node) -> Text:
        step = self.step if self.step is not None else leaf.framework_rounding
        top = leaf.full_max
        return Text(
            f"Chấm điểm trực tiếp từ 0 đến {dv(top)}, bước {dv(step)}",
            f"Points from 0 to {format_decimal(top)} in steps of {format_decimal(step)}",
        )


@dataclass(frozen=True)
class Option:
    """An option of a choice rule (*phương án*): its key, points and the title people read."""

    key: str
    points: Decimal
    title: Text | None = None

    def label(self, lang: str = "vi") -> str:
        return self.title.get(lang) if self.title is not None else self.key

    def names(self) -> tuple[str, ...]:
        """The titles a value may match (both languages), besides the key."""
        if self.title is None:
            return ()
        return tuple(t for t in (self.title.vi, self.title.en) if t)


@dataclass(frozen=True)
class ChoiceRule(Rule):
    options: tuple[Option, ...] = ()
    type: ClassVar[str] = "choice"

    @classmethod
    def read(cls, params: RuleParams) -> Rule | None:
        options = params.options()
        return None if options is None else ChoiceRule(options)

    def match(self, text: str) -> Option | None:
        """The option a value names: its key exactly, else one of its titles (docs/formats.md
        §1: NFC, trimmed, inner spaces collapsed, case ignored)."""
        found = next((option for option in self.options if option.key == text), None)
        if found is not None:
            return found
        wanted = match_key(text)
        return next(
            (o for o in self.options if any(match_key(n) == wanted for n in o.names())), None
        )

    def score(self, text: str, leaf: Node) -> Outcome:
        option = self.match(text)
        if option is not None:
            points = option.points
            return Outcome(
                Fraction(points),
                lambda: Text(
                    f"Lựa chọn «{option.label('vi')}» → {pv(points)} điểm",
                    f"Option «{option.label('en')}» → {points_en(points)}",
                ),
            )
        raise RuleValueError(
            msg("value.choice_unknown", options=Text(self._listed("vi"), self._listed("en")))
        )

    def _listed(self, lang: str) -> str:
        return ", ".join(o.label(lang) for o in self.options)

    def describe(self, leaf: Node) -> Text:
        vi = "; ".join(f"{o.label('vi')}: {dv(o.points)}" for o in self.options)
        en = "; ".join(f"{o.label('en')}: {format_decimal(o.points)}" for o in self.options)
        return Text(f"Chọn một phương án ({vi})", f"One option ({en})")


@dataclass(frozen=True)
class YesNoRule(Rule):
    type: ClassVar[str] = "yes_no"

    @classmethod
    def read(cls, params: RuleParams) -> Rule | None:
        return YesNoRule()

    def score(self, text: str, leaf: Node) -> Outcome:
        word = text.casefold()
        if word in YES_WORDS:
            return Outcome(
                Fraction(leaf.full_max),
                lambda: Text(
                    f"Có → {pv(leaf.full_max)} điểm (tối đa)",
                    f"Yes → {points_en(leaf.full_max)} (max)",
                ),
            )
        if word in NO_WORDS:
            return Outcome(Fraction(0), lambda: Text("Không → 0 điểm", "No → 0 points"))
        raise RuleValueError(msg("value.yes_no"))

    def describe(self, leaf: Node) -> Text:
        top = leaf.full_max
        return Text(f"Có: {dv(top)} điểm; không: 0", f"Yes: {format_decimal(top)} points; no: 0")


def _is(value: Fraction, lang: str) -> str:
    """'= 85' when exact, '≈ 91.67' when rounded for display."""
    shown = pts(value) if lang == "en" else pv(value)
    return f"≈ {shown[1:]}" if shown.startswith("≈") else f"= {shown}"


@dataclass(frozen=True)
class Ratio:
    """A ratio as an exact fraction, with how it was written (for explanations)."""

    value: Fraction
    numerator: Decimal | None = None
    denominator: Decimal | None = None
    percent: Decimal | None = None
    plain: Decimal | None = None

    def shown(self, lang: str) -> str:
        num = format_decimal if lang == "en" else dv
        if self.numerator is not None and self.denominator is not None:
            return f"{num(self.numerator)}/{num(self.denominator)} {_is(self.value * 100, lang)}%"
        if self.percent is not None:
            return f"{num(self.percent)}%"
        assert self.plain is not None
        return f"{num(self.plain)} {_is(self.value * 100, lang)}%"


def _ratio_term(text: str) -> Decimal:
    if _THOUSANDS_LOOK.fullmatch(text):
        digits = text.replace(".", "")
        if text.count(".") > 1:  # 1.234.567 has no decimal reading at all
            raise RuleValueError(
                msg("value.ratio_thousands_groups", term=Quoted(text), whole=digits)
            )
        trimmed = format_decimal(Decimal(text))
        raise RuleValueError(
            msg("value.ratio_thousands", term=Quoted(text), whole=digits, trimmed=trimmed)
        )
    return _number(text)


def parse_ratio(text: str) -> Ratio:
    """A ratio value (``a/b``, ``85%`` or a plain fraction in [0, 1]) read exactly."""
    pair = _RATIO_PAIR.fullmatch(text)
    if pair:
        numerator, denominator = _ratio_term(pair.group(1)), _ratio_term(pair.group(2))
        if denominator == 0:
            raise RuleValueError(msg("value.ratio_zero_denominator"))
        ratio = Fraction(numerator) / Fraction(denominator)
        return Ratio(ratio, numerator=numerator, denominator=denominator)
    if text.endswith("%"):
        percent = _number(text[:-1].rstrip())
        return Ratio(Fraction(percent) / 100, percent=percent)
    value = _number(text)
    if value > 1:
        raise RuleValueError(msg("value.ratio_plain_above_one", percent=value * 100))
    return Ratio(Fraction(value), plain=value)


def _check_plausible(ratio: Ratio, max_percent: Decimal | None) -> None:
    if max_percent is not None and ratio.value * 100 > max_percent:
        whole = max_percent == 100 and ratio.numerator is not None
        note = _NUMERATOR_NOTE if whole else Text("", "")
        raise RuleValueError(
            msg(
                "value.ratio_above_max_percent",
                note=note,
                ratio=Text(ratio.shown("vi"), ratio.shown("en")),
                limit=max_percent,
            )
        )


@dataclass(frozen=True)
class RatioRule(Rule):
    brackets: tuple[Bracket, ...] = ()
    max_percent: Decimal | None = None
    type: ClassVar[str] = "ratio"

    @classmethod
    def read(cls, params: RuleParams) -> Rule | None:
        if not params.brackets_given():
            return None
        brackets = params.brackets()
        max_percent = params.limit("max_percent")
        return None if brackets is None else RatioRule(brackets, max_percent)

    def score(self, text: str, leaf: Node) -> Outcome:
        ratio = parse_ratio(text)
        _check_plausible(ratio, self.max_percent)
        # Exact test a*100 >= min*b, never on a rounded percentage; the last min is 0.
        bracket = next(b for b in self.brackets if ratio.value * 100 >= b.min)
        return Outcome(
            Fraction(bracket.points),
            lambda: Text(
                f"Tỷ lệ {ratio.shown('vi')} ≥ mức {dv(bracket.min)}% → {pv(bracket.points)} điểm",
                f"Ratio {ratio.shown('en')} ≥ bracket {format_decimal(bracket.min)}% → "
                f"{points_en(bracket.points)}",
            ),
        )

    def describe(self, leaf: Node) -> Text:
        vi = "; ".join(f"≥{dv(b.min)}%: {dv(b.points)}" for b in self.brackets)
        en = "; ".join(
            f"≥{format_decimal(b.min)}%: {format_decimal(b.points)}" for b in self.brackets
        )
        return Text(f"Theo tỷ lệ đạt ({vi})", f"By ratio achieved ({en})")


@dataclass(frozen=True)
class ProportionalRule(Rule):
    max_percent: Decimal | None = None
    type: ClassVar[str] = "proportional"

    @classmethod
    def read(cls, params: RuleParams) -> Rule | None:
        return ProportionalRule(max_percent=params.limit("max_percent"))

    def score(self, text: str, leaf: Node) -> Outcome:
        ratio = parse_ratio(text)
        _check_plausible(ratio, self.max_percent)
        capped = min(ratio.value, Fraction(1))
        points = Fraction(leaf.full_max) * capped
        note_vi = " (tỷ lệ vượt 100% tính là 100%)" if ratio.value > 1 else ""
        note_en = " (a ratio above 100% counts as 100%)" if ratio.value > 1 else ""
        return Outcome(
            points,
            lambda: Text(
                f"Tỷ lệ {ratio.shown('vi')} × {pv(leaf.full_max)} = {pv(points)} điểm{note_vi}",
                f"Ratio {ratio.shown('en')} × {pts(leaf.full_max)} = {points_en(points)}{note_en}",
            ),
        )

    def describe(self, leaf: Node) -> Text:
        top = leaf.full_max
        return Text(f"Tỷ lệ đạt × {dv(top)} điểm", f"Ratio achieved × {format_decimal(top)} points")


_MAX_COUNT_DIGITS = 18  # a count above 10^18 is a typing slip, and int() of 5,000 digits fails


def _count(text: str) -> int:
    if not _DIGITS.fullmatch(text):
        raise RuleValueError(msg("value.count_digits"))
    if len(text) > _MAX_COUNT_DIGITS:
        raise RuleValueError(msg("value.too_long", limit=_MAX_COUNT_DIGITS))
    return int(text)


@dataclass(frozen=True)
class CountRule(Rule):
    per_item: Decimal = Decimal(1)
    type: ClassVar[str] = "count"

    @classmethod
    def read(cls, params: RuleParams) -> Rule | None:
        per_item = params.amount("per_item", required=True)
        return None if per_item is None else CountRule(per_item)

    def score(self, text: str, leaf: Node) -> Outcome:
        count = _count(text)
        raw = count * self.per_item
        points = min(raw, leaf.full_max)
        per_item = self.per_item

        def explain() -> Text:
            base_vi = f"{localize_number(str(count), 'vi')} × {pv(per_item)} = "
            base_en = f"{localize_number(str(count), 'en')} × {pts(per_item)} = "
            if raw > leaf.full_max:
                return Text(
                    f"{base_vi}{pv(raw)}, giới hạn ở tối đa {pv(leaf.full_max)} điểm",
                    f"{base_en}{pts(raw)}, capped at the max of {points_en(leaf.full_max)}",
                )
            return Text(f"{base_vi}{pv(raw)} điểm", f"{base_en}{points_en(raw)}")

        return Outcome(Fraction(points), explain)

    def describe(self, leaf: Node) -> Text:
        per, top = self.per_item, leaf.full_max
        return Text(
            f"Mỗi trường hợp {dv(per)} điểm, tối đa {dv(top)}",
            f"{format_decimal(per)} points each, at most {format_decimal(top)}",
        )


@dataclass(frozen=True)
class DeductionRule(Rule):
    per_item: Decimal = Decimal(1)
    type: ClassVar[str] = "deduction"

    @classmethod
    def read(cls, params: RuleParams) -> Rule | None:
        per_item = params.amount("per_item", required=True)
        return None if per_item is None else DeductionRule(per_item)

    def score(self, text: str, leaf: Node) -> Outcome:
        count = _count(text)
        taken = count * self.per_item
        points = max(Decimal(0), leaf.full_max - taken)
        per_item = self.per_item

        def explain() -> Text:
            base_vi = f"{pv(leaf.full_max)} − {count} vi phạm × {pv(per_item)} = "
            base_en = f"{pts(leaf.full_max)} − {count} violation(s) × {pts(per_item)} = "
            if taken > leaf.full_max:
                return Text(
                    f"{base_vi}{pv(leaf.full_max - taken)}, không dưới 0 → 0 điểm",
                    f"{base_en}{pts(leaf.full_max - taken)}, never below 0 → 0 points",
                )
            return Text(f"{base_vi}{pv(points)} điểm", f"{base_en}{points_en(points)}")

        return Outcome(Fraction(points), explain)

    def describe(self, leaf: Node) -> Text:
        per, top = self.per_item, leaf.full_max
        return Text(
            f"{dv(top)} điểm, trừ {dv(per)} điểm mỗi vi phạm, không dưới 0",
            f"{format_decimal(top)} points less {format_decimal(per)} per violation, never below 0",
        )


@dataclass(frozen=True)
class SurveyRule(Rule):
    type: ClassVar[str] = "survey"

    @classmethod
    def read(cls, params: RuleParams) -> Rule | None:
        return SurveyRule()

    def score(self, text: str, leaf: Node) -> Outcome:
        body = text[:-1].rstrip() if text.endswith("%") else text
        percent = _number(body)
        if percent > 100:
            raise RuleValueError(msg("value.survey_range"))
        top = leaf.full_max
        points = Fraction(top) * Fraction(percent) / 100
        return Outcome(
            points,
            lambda: Text(
                f"Kết quả khảo sát {dv(percent)}% × {pv(top)} = {pv(points)} điểm",
                f"Survey result {format_decimal(percent)}% × {pts(top)} = {points_en(points)}",
            ),
        )

    def describe(self, leaf: Node) -> Text:
        top = leaf.full_max
        return Text(
            f"Kết quả điều tra xã hội học (%) × {dv(top)}",
            f"Survey result (%) × {format_decimal(top)}",
        )


@dataclass(frozen=True)
class RuleKind:
    """A rule type as the framework reader, the scorer and the docs know it."""

    cls: type[Rule]
    params: frozenset[str]
    """The keys a framework file may give beside ``type`` (docs/formats.md §1.5)."""
    name: Text
    """The rule's name for people, in refusals."""


RULES: dict[str, RuleKind] = {
    kind.cls.type: kind
    for kind in (
        RuleKind(PointsRule, frozenset({"step"}), Text("chấm điểm trực tiếp", "points")),
        RuleKind(ChoiceRule, frozenset({"options"}), Text("chọn phương án", "choice")),
        RuleKind(YesNoRule, frozenset(), Text("có/không", "yes_no")),
        RuleKind(
            RatioRule, frozenset({"brackets", "max_percent"}), Text("tỷ lệ theo mức", "ratio")
        ),
        RuleKind(
            ProportionalRule, frozenset({"max_percent"}), Text("tỷ lệ tương ứng", "proportional")
        ),
        RuleKind(CountRule, frozenset({"per_item"}), Text("đếm số lượng", "count")),
        RuleKind(DeductionRule, frozenset({"per_item"}), Text("trừ điểm", "deduction")),
        RuleKind(SurveyRule, frozenset(), Text("điều tra xã hội học", "survey")),
    )
}
"""Every rule type, keyed by its class's ``type``; the order is the one docs and messages list."""
