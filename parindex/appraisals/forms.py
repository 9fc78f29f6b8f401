"""Forms of the appraisal pages; the services check everything again."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from parindex.accounts.models import User

from .models import Decision, Outcome


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(choices=Decision.choices, widget=forms.HiddenInput)
    value = forms.CharField(label=_("New value"), max_length=200, required=False)
    points = forms.CharField(label=_("or points"), max_length=20, required=False)
    reason = forms.CharField(
        label=_("Reason or comment"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=4000,
    )
    version = forms.IntegerField(min_value=0, required=False, widget=forms.HiddenInput)


class SettleForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("Settlement"),
        choices=[(o.value, o.label) for o in Outcome if o != Outcome.AGREED],
        widget=forms.RadioSelect,
    )
    value = forms.CharField(label=_("New value"), max_length=200, required=False)
    points = forms.CharField(label=_("or points"), max_length=20, required=False)
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
        self, *args: object, library: list[tuple[int, str]] | None = None, **kwargs: object
    ) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["evidence"].choices = library or []  # type: ignore[attr-defined]


class AssignmentForm(forms.Form):
    user = forms.ModelChoiceField(label=_("Appraiser"), queryset=User.objects.none())
    area = forms.ChoiceField(label=_("Area"), choices=[])

    def __init__(
        self, *args: object, users: object, areas: list[tuple[str, str]], **kwargs: object
    ) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["user"].queryset = users  # type: ignore[attr-defined]
        self.fields["area"].choices = areas  # type: ignore[attr-defined]


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}), max_length=4000
    )


class ReopenForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for reopening"), widget=forms.Textarea(attrs={"rows": 2}), max_length=4000
    )
    unit = forms.ChoiceField(label=_("Units to reopen"), required=False, choices=[])

    def __init__(self, *args: object, units: list[tuple[str, str]], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["unit"].choices = [("", _("Every approved unit")), *units]  # type: ignore[attr-defined]


class PublishForm(forms.Form):
    decision = forms.CharField(
        label=_("Publication decision (number and date)"), max_length=200, required=False
    )
