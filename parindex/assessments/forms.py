"""Inputs made for each rule type, and the value they compose.

A leaf's form sends the parts a person fills (an option, yes/no, a numerator and a denominator,
a count, points, an n/a tick); ``compose_value`` turns them into the value as written that the
core scores and ``results.Answer`` stores, e.g. ``"45/50"`` or ``"n/a"``.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django import forms
from django.http import QueryDict
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from parindex.core import Node
from parindex.core.numbers import format_decimal
from parindex.core.rules import (
    NO_WORDS,
    YES_WORDS,
    ChoiceRule,
    CountRule,
    DeductionRule,
    PointsRule,
    ProportionalRule,
    RatioRule,
    RuleValueError,
    SurveyRule,
    YesNoRule,
    is_na_word,
)
from parindex.core.typed import typed_number, typed_whole

from .models import Stage

YES, NO, NA = "có", "không", "n/a"
_PAIR = re.compile(r"\s*(\S+)\s*/\s*(\S+)\s*")


class ValueInputError(ValueError):
    """The parts of a leaf's form do not make a value (e.g. a numerator without denominator)."""


@dataclass
class LeafInput:
    """What the leaf's form shows: its kind and the current parts of the value."""

    kind: str  # choice | yes_no | ratio | count | points | survey
    value: str = ""
    yes: bool | None = None
    numerator: str = ""
    denominator: str = ""
    na: bool = False
    options: tuple[tuple[str, str, str], ...] = ()  # (key, title in the reader's language, points)
    step: str = "1"
    max: str = ""


def input_kind(leaf: Node) -> str:
    rule = leaf.rule
    if isinstance(rule, SurveyRule) or leaf.source == "survey":
        return "survey"
    if isinstance(rule, ChoiceRule):
        return "choice"
    if isinstance(rule, YesNoRule):
        return "yes_no"
    if isinstance(rule, RatioRule | ProportionalRule):
        return "ratio"
    if isinstance(rule, CountRule | DeductionRule):
        return "count"
    if isinstance(rule, PointsRule):
        return "points"
    raise AssertionError(f"no input for rule {rule}")


def _ratio_parts(value: str) -> tuple[str, str]:
    pair = _PAIR.fullmatch(value)
    if pair:
        return pair.group(1), pair.group(2)
    try:
        if value.endswith("%"):
            return format_decimal(Decimal(value[:-1].strip())), "100"
        number = Decimal(value)
    except InvalidOperation:
        return value, ""
    return format_decimal(number * 100), "100"


def leaf_input(leaf: Node, value: str, lang: str = "vi") -> LeafInput:
    """The form parts for the stored ``value`` of ``leaf``, as a reader of ``lang`` sees them."""
    kind = input_kind(leaf)
    field = LeafInput(kind=kind, value=value, max=format_decimal(leaf.full_max))
    if leaf.allow_na and value and is_na_word(value):
        field.na = True
        value = ""
    rule = leaf.rule
    if isinstance(rule, ChoiceRule):
        field.options = tuple(
            (o.key, o.label(lang), format_decimal(o.points)) for o in rule.options
        )
        option = rule.match(value) if value else None
        value = option.key if option is not None else value
    elif isinstance(rule, YesNoRule) and value:
        word = value.casefold()
        field.yes = True if word in YES_WORDS else False if word in NO_WORDS else None
    elif kind == "ratio" and value:
        field.numerator, field.denominator = _ratio_parts(value)
    elif isinstance(rule, PointsRule):
        field.step = format_decimal(rule.step or leaf.framework_rounding)
    field.value = value
    return field


def compose_value(leaf: Node, data: QueryDict, lang: str = "vi") -> str:
    """The value as written from the submitted parts (empty when nothing is filled), numbers
    read in the reader's language (``0,5`` in Vietnamese); a number that could mean two raises
    the core's RuleValueError saying so (wrapped as ValueRuleError by the caller)."""
    try:
        return _compose(leaf, data, lang)
    except RuleValueError as exc:
        raise ValueInputError(exc.msg.render(lang)) from None


def _compose(leaf: Node, data: QueryDict, lang: str) -> str:
    if leaf.allow_na and data.get("na"):
        return NA
    kind = input_kind(leaf)
    if kind == "ratio":
        numerator = data.get("numerator", "").strip()
        denominator = data.get("denominator", "").strip()
        if not numerator and not denominator:
            return ""
        if not numerator or not denominator:
            raise ValueInputError(_("Enter both the numerator and the denominator."))
        return f"{typed_number(numerator, lang)}/{typed_number(denominator, lang)}"
    value = data.get("value", "").strip()
    if kind == "count" and value:
        return typed_whole(value, lang)
    if kind == "points" and value:
        return typed_number(value, lang)
    return value


def parse_version(data: QueryDict) -> int:
    try:
        return max(0, int(data.get("version", "0")))
    except ValueError:
        return 0


class LocalDateTimeField(forms.DateTimeField):
    """A ``datetime-local`` input, read in the site's time zone."""

    widget = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
    input_formats = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"]


class CalendarForm(forms.Form):
    """Opening and closing time of each stage of the cycle."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for stage in Stage:
            required = stage == Stage.SELF_ASSESSMENT
            self.fields[f"{stage.value}_opens"] = LocalDateTimeField(
                label=_("%(stage)s opens") % {"stage": stage.label}, required=required
            )
            self.fields[f"{stage.value}_closes"] = LocalDateTimeField(
                label=_("%(stage)s closes") % {"stage": stage.label}, required=required
            )

    def clean(self) -> dict[str, object]:
        cleaned = super().clean() or {}
        for stage in Stage:
            opens = cleaned.get(f"{stage.value}_opens")
            closes = cleaned.get(f"{stage.value}_closes")
            if (opens is None) != (closes is None):
                raise forms.ValidationError(
                    _("%(stage)s: give both the opening and the closing time, or neither.")
                    % {"stage": stage.label}
                )
        return cleaned

    def windows(self) -> dict[str, tuple[datetime.datetime, datetime.datetime]]:
        data = self.cleaned_data
        return {
            stage.value: (data[f"{stage.value}_opens"], data[f"{stage.value}_closes"])
            for stage in Stage
            if data.get(f"{stage.value}_opens") and data.get(f"{stage.value}_closes")
        }

    def stage_fields(self) -> list[tuple[str, forms.BoundField, forms.BoundField]]:
        return [
            (str(stage.label), self[f"{stage.value}_opens"], self[f"{stage.value}_closes"])
            for stage in Stage
        ]


class ExtensionForm(forms.Form):
    unit = forms.CharField(widget=forms.HiddenInput)
    stage = forms.ChoiceField(label=gettext_lazy("Stage"), choices=Stage.choices)
    closes_at = LocalDateTimeField(label=gettext_lazy("New closing time"))
    reason = forms.CharField(
        label=gettext_lazy("Reason"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000
    )


class ReopenForm(forms.Form):
    unit = forms.CharField(widget=forms.HiddenInput)
    reason = forms.CharField(
        label=gettext_lazy("Reason"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000
    )
    closes_at = LocalDateTimeField(
        label=gettext_lazy("Self-assessment open until (optional)"), required=False
    )


class UploadEvidenceForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("File"))
    title = forms.CharField(label=gettext_lazy("Title"), max_length=300, required=False)


class ReferenceEvidenceForm(forms.Form):
    number = forms.CharField(label=gettext_lazy("Document number"), max_length=100)
    issued_on = forms.DateField(
        label=gettext_lazy("Issued on"), widget=forms.DateInput(attrs={"type": "date"})
    )
    issuer = forms.CharField(label=gettext_lazy("Issuer"), max_length=200)
    title = forms.CharField(label=gettext_lazy("Title"), max_length=300)


class ExcelUploadForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("Filled workbook (.xlsx)"))
