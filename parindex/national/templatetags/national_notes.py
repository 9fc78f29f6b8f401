"""``{% load national_notes %}``: a national figure's note in the page's language, and the mark
of a figure not stated directly by its source."""

from __future__ import annotations

from django import template
from django.utils.safestring import SafeString

from parindex.national import provenance
from parindex.national.notes import note_text

register = template.Library()


@register.filter
def national_note(note: str | None) -> str:
    return note_text(note or "")


@register.filter
def provenance_mark(value: str | None) -> SafeString:
    """``{{ result.index_provenance|provenance_mark }}``: " (suy ra)" after a derived figure."""
    return provenance.mark(value or "")
