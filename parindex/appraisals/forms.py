"""Forms of the appraisal pages; the services check everything again.

A new figure (an adjustment, a settlement on a new figure) is typed in the inputs the
self-assessment shows for the leaf's rule, and read by the same functions
(``parindex.assessments.forms.compose_value``): one reading of what people type, in their
language, whoever types it.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from parindex.accounts.models import User
from parindex.assessments.forms import LeafInput, ValueInputError, compose_value, leaf_input
from parindex.assessments.templatetags.assessments import typed
from parindex.core import Node
from parindex.core.rules import NO_WORDS, YES_WORDS, RuleValueError
from parindex.core.typed import typed_number
from parindex.shared.fields import form_field
from parindex.units.models import Unit

from .models import CouncilRole, CouncilRule, Decision, Outcome, Vote

NUMBER_LENGTH = 30
"""What a number input takes, checked before the number is read."""


class FigureFields(forms.Form):
    """The inputs of a new figure: the leaf's value in its parts (see ``compose_value``), or
    points set directly. Bounded here; read by ``typed_figure``."""

    value = forms.CharField(label=_("New value"), max_length=200, required=False)
    numerator = forms.CharField(
        label=_("Achieved (numerator)"), max_length=NUMBER_LENGTH, required=False
    )
    denominator = forms.CharField(
        label=_("Total (denominator)"), max_length=NUMBER_LENGTH, required=False
    )
    na = forms.BooleanField(label=_("Not applicable"), required=False)
    points = forms.CharField(label=_("or points"), max_length=NUMBER_LENGTH, required=False)


def typed_figure(leaf: Node, data: QueryDict, lang: str) -> tuple[str, str]:
    """The new figure a person typed for ``leaf``, as (value as written, points as written):
    the value composed from the leaf's inputs, the points read in the person's language
    (``0,5`` in Vietnamese). A number that could mean two raises ValueInputError with the
    core's message in ``lang``."""
    value = compose_value(leaf, data, lang)
    points = data.get("points", "").strip()
    if points:
        try:
            points = typed_number(points, lang)
        except RuleValueError as exc:
            raise ValueInputError(exc.msg.render(lang)) from None
    return value, points


def figure_input(leaf: Node, value: str, lang: str) -> LeafInput:
    """The inputs of a new figure showing the stored ``value``, numbers as a person of
    ``lang`` types them back (``0,5``)."""
    field = leaf_input(leaf, value, lang)
    field.numerator = typed(field.numerator, lang)
    field.denominator = typed(field.denominator, lang)
    if field.kind in ("points", "count"):
        field.value = typed(field.value, lang)
    return field


def posted_input(leaf: Node, data: QueryDict, lang: str) -> LeafInput:
    """The inputs of a new figure showing what the person typed, as typed (after a refusal,
    so they correct it rather than type it again)."""
    field = leaf_input(leaf, "", lang)
    field.value = data.get("value", "")[:200]
    field.numerator = data.get("numerator", "")[:NUMBER_LENGTH]
    field.denominator = data.get("denominator", "")[:NUMBER_LENGTH]
    field.na = bool(data.get("na")) and leaf.allow_na
    if field.kind == "yes_no":
        word = field.value.casefold()
        field.yes = True if word in YES_WORDS else False if word in NO_WORDS else None
    return field


class DecisionForm(FigureFields):
    decision = forms.ChoiceField(choices=Decision.choices, widget=forms.HiddenInput)
    reason = forms.CharField(
        label=_("Reason or comment"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=4000,
    )
    version = forms.IntegerField(min_value=0, required=False, widget=forms.HiddenInput)


class SettleForm(FigureFields):
    outcome = forms.ChoiceField(
        label=_("Settlement"),
        choices=[(o.value, o.label) for o in Outcome if o != Outcome.AGREED],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}), max_length=4000
    )
    version = forms.IntegerField(min_value=0, required=False, widget=forms.HiddenInput)


class ReplyForm(forms.Form):
    agrees = forms.TypedChoiceField(
        label=_("Your answer"),
        choices=[("yes", _("Agree")), ("no", _("Disagree"))],
        coerce=lambda v: v == "yes",
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=_("Reason (required when you disagree)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=4000,
    )
    evidence = forms.TypedMultipleChoiceField(
        label=_("Supplementary evidence from the unit's library"),
        required=False,
        coerce=int,
        choices=[],
    )
    file = forms.FileField(label=_("or upload a new document"), required=False)
    title = forms.CharField(label=_("Title of the new document"), max_length=300, required=False)

    def __init__(
        self, *args: Any, library: list[tuple[int, str]] | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        form_field(self, "evidence", forms.TypedMultipleChoiceField).choices = library or []


class AssignmentForm(forms.Form):
    user = forms.ModelChoiceField(label=_("Appraiser"), queryset=User.objects.none())
    area = forms.ChoiceField(label=_("Area"), choices=[])
    agency = forms.ModelChoiceField(
        label=_("Appraisal team of the agency"),
        queryset=Unit.objects.none(),
        required=False,
        empty_label=_("— none (appraises on their own) —"),
        help_text=_("Nobody appraises their own agency: its unit is left out of their queue."),
    )

    def __init__(
        self,
        *args: Any,
        users: QuerySet[User],
        areas: list[tuple[str, str]],
        agencies: QuerySet[Unit] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        form_field(self, "user", forms.ModelChoiceField).queryset = users
        form_field(self, "area", forms.ChoiceField).choices = areas
        if agencies is not None:
            form_field(self, "agency", forms.ModelChoiceField).queryset = agencies


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}), max_length=4000
    )


class ReopenForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for reopening"), widget=forms.Textarea(attrs={"rows": 2}), max_length=4000
    )
    unit = forms.ChoiceField(label=_("Units to reopen"), required=False, choices=[])

    def __init__(self, *args: Any, units: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        form_field(self, "unit", forms.ChoiceField).choices = [
            ("", _("Every approved unit")),
            *units,
        ]


class PublishForm(forms.Form):
    """The decision that publishes the results (*Quyết định công bố*): its number and date are
    required; the signed copy is kept as a council document when given."""

    decision = forms.CharField(
        label=_("Number of the publication decision"),
        max_length=200,
        help_text=_("For example 12/QĐ-UBND"),
    )
    decision_date = forms.DateField(
        label=_("Date of the decision"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    file = forms.FileField(label=_("Signed decision (optional)"), required=False)


class VoteForm(forms.Form):
    vote = forms.ChoiceField(
        label=_("Your decision"), choices=Vote.choices, widget=forms.RadioSelect
    )
    note = forms.CharField(
        label=_("Note (optional)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=4000,
    )


class CouncilMemberForm(forms.Form):
    user = forms.ModelChoiceField(label=_("Person"), queryset=User.objects.none())
    role = forms.ChoiceField(label=_("Role in the council"), choices=CouncilRole.choices)

    def __init__(self, *args: Any, users: QuerySet[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        form_field(self, "user", forms.ModelChoiceField).queryset = users


class CouncilSettingsForm(forms.Form):
    rule = forms.ChoiceField(label=_("The results are approved when"), choices=CouncilRule.choices)
    secretariat = forms.ModelChoiceField(
        label=_("Agency keeping the council's documents"),
        queryset=Unit.objects.none(),
        required=False,
    )

    def __init__(self, *args: Any, units: QuerySet[Unit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        form_field(self, "secretariat", forms.ModelChoiceField).queryset = units


class CouncilDocumentForm(forms.Form):
    file = forms.FileField(label=_("Minutes of the council meeting"))
    title = forms.CharField(label=_("Title"), max_length=300, required=False)
