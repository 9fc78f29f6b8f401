"""Forms of the plan pages. Writes go through ``services``; the forms only read the input."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from parindex.shared.fields import form_field
from parindex.units.models import Unit, UnitType

from .models import ContentArea, Plan, PlanTarget, Task

if TYPE_CHECKING:
    from parindex.evidence.models import Evidence


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


def node_codes_text(codes: list[str]) -> str:
    return ", ".join(codes)


def split_codes(text: str) -> list[str]:
    return [c.strip() for c in text.replace(";", ",").split(",") if c.strip()]


class PlanForm(forms.ModelForm):  # type: ignore[type-arg]  # not subscriptable at run time
    class Meta:
        model = Plan
        fields = [
            "number",
            "title",
            "issued_on",
            "issuer",
            "start_year",
            "end_year",
            "goals",
            "province",
            "framework_version",
            "published",
        ]
        widgets = {"issued_on": DateInput(), "goals": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        form_field(self, "province", forms.ModelChoiceField).queryset = Unit.objects.filter(
            type=UnitType.PROVINCE
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("start_year"), data.get("end_year")
        if start and end and end < start:
            self.add_error("end_year", _("The period must end in or after the year it starts."))
        return data


class TargetForm(forms.ModelForm):  # type: ignore[type-arg]  # not subscriptable at run time
    class Meta:
        model = PlanTarget
        fields = ["year", "scope", "band", "rank", "index", "note"]


class AreaForm(forms.ModelForm):  # type: ignore[type-arg]  # not subscriptable at run time
    nodes = forms.CharField(
        label=_("Framework nodes"),
        required=False,
        help_text=_("Codes separated by commas, e.g. 3, 3.4"),
    )

    class Meta:
        model = ContentArea
        fields = ["position", "title", "lead_agency"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["nodes"].initial = node_codes_text(self.instance.node_codes)


def agency_queryset() -> QuerySet[Unit]:
    """Agencies that lead or help: every unit but provinces, active ones first by name."""
    return Unit.objects.exclude(type=UnitType.PROVINCE).order_by("name")


class TaskForm(forms.ModelForm):  # type: ignore[type-arg]  # not subscriptable at run time
    nodes = forms.CharField(
        label=_("Framework nodes"),
        required=False,
        help_text=_("Codes separated by commas, e.g. 1.1.2, 3.3"),
    )

    class Meta:
        model = Task
        fields = [
            "area",
            "title",
            "lead_agency",
            "coordinating_agencies",
            "start_date",
            "deadline",
            "status",
            "expected_points",
            "expected_result",
        ]
        widgets = {
            "start_date": DateInput(),
            "deadline": DateInput(),
            "title": forms.Textarea(attrs={"rows": 2}),
            "coordinating_agencies": forms.SelectMultiple(attrs={"size": 8}),
        }

    def __init__(self, *args: Any, plan: Plan, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        form_field(self, "area", forms.ModelChoiceField).queryset = plan.areas.order_by("position")
        form_field(self, "lead_agency", forms.ModelChoiceField).queryset = agency_queryset()
        coordinating = form_field(self, "coordinating_agencies", forms.ModelMultipleChoiceField)
        coordinating.queryset = agency_queryset()
        self.fields["coordinating_agencies"].required = False
        if self.instance.pk:
            self.fields["nodes"].initial = node_codes_text(self.instance.node_codes)
        else:
            self.fields["start_date"].initial = timezone.localdate()


class StatusForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"),
        choices=[
            (s.value, s.label)
            for s in (Task.Status.NOT_STARTED, Task.Status.IN_PROGRESS, Task.Status.DONE)
        ],
    )


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(d, initial) for d in data if d]
        return [single(data, initial)] if data else []


class ReportForm(forms.Form):
    reported_on = forms.DateField(label=_("Date"), widget=DateInput())
    percent = forms.IntegerField(label=_("Percent done"), min_value=0, max_value=100)
    text = forms.CharField(label=_("Progress"), widget=forms.Textarea(attrs={"rows": 3}))
    # Django's form metaclass moves declared fields into base_fields, so this one does not
    # replace BaseForm.files (the uploaded files) as the stubs read the class body.
    files = MultipleFileField(label=_("Evidence files"), required=False)  # type: ignore[assignment]
    evidence: forms.ModelMultipleChoiceField[Evidence] = forms.ModelMultipleChoiceField(
        label=_("Documents already in the lead agency's evidence library"),
        queryset=None,
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 4}),
    )

    def __init__(self, *args: Any, task: Task, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from parindex.evidence.models import Evidence

        form_field(
            self, "evidence", forms.ModelMultipleChoiceField
        ).queryset = Evidence.objects.filter(unit=task.lead_agency).order_by("-pk")
        self.fields["reported_on"].initial = timezone.localdate()


class LossesForm(forms.Form):
    """What the points-lost and what-if pages read from the query string."""

    LEVELS = [
        ("leaf", _("Sub-criteria")),
        ("criterion", _("Criteria")),
        ("area", _("Areas")),
    ]

    cycle = forms.TypedChoiceField(label=_("Results of"), coerce=int)
    scope = forms.ChoiceField(label=_("Scope"), required=False)
    level = forms.ChoiceField(label=_("Level"), choices=LEVELS, required=False)

    def __init__(
        self, *args: Any, cycles: list[Any], scopes: list[tuple[str, str]], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        form_field(self, "cycle", forms.TypedChoiceField).choices = [(c.pk, str(c)) for c in cycles]
        form_field(self, "scope", forms.ChoiceField).choices = scopes
