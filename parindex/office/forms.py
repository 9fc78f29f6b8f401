"""The cycle wizard's forms: which register to pick from (a GET form), then the cycle itself
(title, units, calendar, assignments) carried through the preview to the creation."""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from parindex.assessments.forms import CalendarForm
from parindex.cycles.models import Cycle
from parindex.frameworks.models import FrameworkVersion
from parindex.units.models import UnitType


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


def _versions() -> Any:
    return FrameworkVersion.objects.order_by("code", "-version")


class RegisterForm(forms.Form):
    """Step 1 (GET): the year, the framework version, and the register to choose units from."""

    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    framework_version = forms.ModelChoiceField(_versions(), label=_("Framework version"))
    register_date = forms.DateField(
        label=_("Units as registered on"),
        widget=DateInput(),
        help_text=_("Only the units valid on this date are offered."),
    )
    types = forms.MultipleChoiceField(
        label=_("Unit types"),
        choices=UnitType.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None ticked: every type."),
    )
    include_national = forms.BooleanField(
        label=_("Also offer the provinces of the national table"), required=False
    )
    include_closed = forms.BooleanField(
        label=_("Also offer units dissolved or merged before that date"), required=False
    )
    copy_from = forms.ModelChoiceField(
        Cycle.objects.order_by("-year"),
        label=_("Copy from the cycle"),
        required=False,
        empty_label=_("— start empty —"),
        help_text=_(
            "Its units as they stand on the date (a merged unit's successor instead), its "
            "appraisers and its calendar moved by the years between."
        ),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        versions = self.fields["framework_version"]
        cycles = self.fields["copy_from"]
        assert isinstance(versions, forms.ModelChoiceField)
        assert isinstance(cycles, forms.ModelChoiceField)
        versions.queryset = _versions()
        cycles.queryset = Cycle.objects.select_related("framework_version").order_by(
            "-year", "title"
        )


class PlanForm(RegisterForm, CalendarForm):
    """Step 2 (POST): the register's choices carried as hidden fields, the title and the
    calendar; the units and assignments are read from the request's lists."""

    title = forms.CharField(label=_("Title"), max_length=300)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in RegisterForm.base_fields:
            field = self.fields[name]
            field.widget = (
                forms.MultipleHiddenInput()
                if isinstance(field, forms.MultipleChoiceField)
                else forms.HiddenInput()
            )
        self.order_fields(["title"])


def default_title(year: int) -> str:
    return f"Chỉ số CCHC các sở, ngành và UBND cấp xã năm {year}"


def default_year() -> int:
    last = Cycle.objects.order_by("-year").values_list("year", flat=True).first()
    return last + 1 if last is not None else timezone.localdate().year


def default_register_date() -> datetime.date:
    return timezone.localdate()


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))
