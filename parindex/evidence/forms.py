from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from . import sniff


class EvidenceFileForm(forms.Form):
    file = forms.FileField(
        label=_("File"),
        allow_empty_file=True,  # the service refuses empty files with its own message
        widget=forms.ClearableFileInput(
            attrs={"accept": ",".join(f".{e}" for e in sorted(sniff.ALL_EXTENSIONS))}
        ),
    )
    title = forms.CharField(label=_("Title"), max_length=300, required=False)


class EvidenceReferenceForm(forms.Form):
    number = forms.CharField(
        label=_("Document number"),
        max_length=100,
        widget=forms.TextInput(attrs={"placeholder": "123/QĐ-UBND"}),
    )
    issued_on = forms.DateField(
        label=_("Issued on"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    issuer = forms.CharField(label=_("Issuer"), max_length=200)
    title = forms.CharField(label=_("Title"), max_length=300)
