"""Translated names of the document types the sniffer detects."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from . import sniff

_TRANSLATED = {
    sniff.ODT.content_type: _("OpenDocument text (.odt)"),
    sniff.ODS.content_type: _("OpenDocument spreadsheet (.ods)"),
    sniff.ODP.content_type: _("OpenDocument presentation (.odp)"),
    sniff.TIFF.content_type: _("TIFF image"),
}


def type_label(content_type: str) -> str:
    """A short name of a document type for people, e.g. "PDF" or "Word (.docx)"."""
    label = _TRANSLATED.get(content_type)
    return str(label) if label is not None else sniff.label_for(content_type)
