"""The import form of national results."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy

from parindex.evidence.uploads import TextFileForm


class ImportForm(TextFileForm):
    KINDS = [
        ("results", gettext_lazy("Results of provinces (year, province, index, rank, band)")),
        ("years", gettext_lazy("National figures per year (average, provinces, bands)")),
    ]
    kind = forms.ChoiceField(label=gettext_lazy("File"), choices=KINDS, widget=forms.RadioSelect)
    file = forms.FileField(label=gettext_lazy("CSV file (UTF-8)"))
