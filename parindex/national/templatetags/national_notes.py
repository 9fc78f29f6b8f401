"""``{% load national_notes %}``: a national figure's note in the page's language."""

from __future__ import annotations

from django import template

from parindex.national.notes import note_text

register = template.Library()


@register.filter
def national_note(note: str | None) -> str:
    return note_text(note or "")
