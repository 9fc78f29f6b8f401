"""The import form of national results."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .services import MAX_BYTES


class ImportForm(forms.Form):
    KINDS = [
        ("results", gettext_lazy("Results of provinces (year, province, index, rank, band)")),
        ("years", gettext_lazy("National figures per year (average, provinces, bands)")),
    ]
    kind = forms.ChoiceField(label=gettext_lazy("File"), choices=KINDS, widget=forms.RadioSelect)
    file = forms.FileField(label=gettext_lazy("CSV file (UTF-8)"))

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_BYTES:
            raise forms.ValidationError(_("The file is larger than 2 MB."))
        try:
            self.text = upload.read().decode("utf-8")
        except UnicodeDecodeError:
            raise forms.ValidationError(_("The file is not UTF-8 text.")) from None
        return upload
