"""Forms of account management; the rules they share with the import live in models and
spreadsheet, so a form and a file row are judged alike."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import forms
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.utils.translation import gettext_lazy as _

from parindex.shared.fields import form_field
from parindex.shared.language import lang
from parindex.units.models import Unit

from . import selectors, spreadsheet
from .models import ROLE_CHOICES, ApiToken, User, role_scope_problem

if TYPE_CHECKING:
    from django.core.files.uploadedfile import UploadedFile


class UnitChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]  # not generic at run time
    """A unit picker that shows each unit's code and name."""

    def label_from_instance(self, obj: Unit) -> str:
        return f"{obj.code} — {obj.name}"


class AccountForm(forms.Form):
    username = forms.CharField(
        label=_("Username"),
        max_length=150,
        validators=[UnicodeUsernameValidator()],
        help_text=_("Letters, digits and @ . + - _ only; it cannot be changed later."),
    )
    full_name = forms.CharField(label=_("Full name"), max_length=200)
    email = forms.EmailField(
        label=_("E-mail"),
        required=False,
        help_text=_("The activation link is sent here. Leave empty to print the link instead."),
    )

    def __init__(self, *args: Any, instance: User | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.instance = instance
        if instance is not None:
            del self.fields["username"]

    def clean_username(self) -> str:
        username: str = self.cleaned_data["username"]
        if User.objects.filter(username__iexact=username).exists():
            raise forms.ValidationError(_("An account with this username already exists."))
        return username

    def clean_email(self) -> str:
        email: str = self.cleaned_data["email"].strip()
        if email:
            others = User.objects.filter(email__iexact=email)
            if self.instance is not None:
                others = others.exclude(pk=self.instance.pk)
            owner = others.first()
            if owner is not None:
                raise forms.ValidationError(
                    _("This e-mail address already belongs to account “%(username)s”."),
                    params={"username": owner.username},
                )
        return email


class RoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=[("", "—"), *ROLE_CHOICES], required=False)
    unit = UnitChoiceField(
        label=_("Unit"),
        queryset=Unit.objects.none(),
        required=False,
        empty_label="—",
        help_text=_("For unit editors and unit heads."),
    )
    area = forms.ChoiceField(label=_("Area"), required=False, help_text=_("For appraisers."))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        unit = form_field(self, "unit", UnitChoiceField)
        unit.queryset = selectors.open_units()
        form_field(self, "area", forms.ChoiceField).choices = [
            ("", "—"),
            *((code, f"{code} — {title}") for code, title in selectors.areas(lang()).items()),
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        role = data.get("role")
        if role:
            problem = role_scope_problem(
                role, has_unit=data.get("unit") is not None, has_area=bool(data.get("area"))
            )
            if problem:
                raise forms.ValidationError(problem)
        elif data.get("unit") or data.get("area"):
            self.add_error("role", _("Choose the role for this unit or area."))
        return data


class RequiredRoleForm(RoleForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["role"].required = True


class BaseRoleFormSet(forms.BaseFormSet):  # type: ignore[type-arg]  # not generic at run time
    def clean(self) -> None:
        if any(self.errors):
            return
        chosen = [
            (f.cleaned_data["role"], f.cleaned_data.get("unit"), f.cleaned_data.get("area") or "")
            for f in self.forms
            if f.cleaned_data.get("role")
        ]
        if not chosen:
            raise forms.ValidationError(_("Give the person at least one role."))
        if len(set(chosen)) != len(chosen):
            raise forms.ValidationError(_("The same role is given twice."))


RoleFormSet = forms.formset_factory(RoleForm, formset=BaseRoleFormSet, extra=3, max_num=20)


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=500, required=False)


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("Excel file (.xlsx)"),
        widget=forms.ClearableFileInput(attrs={"accept": f".xlsx,{spreadsheet.XLSX_MIME}"}),
    )

    def clean_file(self) -> UploadedFile[bytes]:
        upload: UploadedFile[bytes] = self.cleaned_data["file"]
        if (upload.size or 0) > spreadsheet.MAX_BYTES:
            raise forms.ValidationError(
                _("The file is larger than %(mb)s MB."),
                params={"mb": spreadsheet.MAX_BYTES // (1024 * 1024)},
            )
        self.data_bytes = upload.read()
        return upload


class PeopleFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False)
    role = forms.ChoiceField(
        label=_("Role"), choices=[("", _("All roles")), *ROLE_CHOICES], required=False
    )
    unit = UnitChoiceField(
        label=_("Unit"), queryset=Unit.objects.none(), required=False, empty_label=_("All units")
    )
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[
            ("", _("All")),
            ("active", _("Active")),
            ("pending", _("Waiting for activation")),
            ("inactive", _("Deactivated")),
        ],
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        unit = form_field(self, "unit", UnitChoiceField)
        unit.queryset = selectors.units_with_roles()


class ApiTokenForm(forms.Form):
    """A new personal API token: what the service (``apitokens.token_create``) checks is only
    typed here."""

    name = forms.CharField(
        label=_("Token name"),
        max_length=100,
        help_text=_("The system that will use it, e.g. “Public service portal”."),
    )
    access = forms.ChoiceField(
        label=_("Access"), choices=ApiToken.Access.choices, widget=forms.RadioSelect
    )
    unit = forms.ChoiceField(label=_("Units"), required=False)
    expires_on = forms.DateField(
        label=_("Valid through"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        input_formats=["%Y-%m-%d", "%d/%m/%Y"],
        help_text=_("At most one year from today."),
    )

    def __init__(self, *args: Any, units: list[Unit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.units = {str(u.pk): u for u in units}
        field = self.fields["unit"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", _("Every unit I may act for"))] + [
            (str(u.pk), f"{u.code} — {u.name}") for u in units
        ]

    def chosen_unit(self) -> Unit | None:
        return self.units.get(self.cleaned_data.get("unit") or "")
