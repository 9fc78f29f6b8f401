"""How the national figures on a page are known, as the page marks them: a figure stated
directly by its source goes unmarked; a derived one, one from a secondary source and one carried
from an earlier edition of the table not checked again each carry a short mark, explained once
under the table."""

from __future__ import annotations

from collections.abc import Iterable

from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _

from .models import NationalResult, Provenance

MARKS = {
    Provenance.DERIVED: _("(derived)"),
    Provenance.SECONDARY: _("(secondary source)"),
    Provenance.UNVERIFIED: _("(not checked again)"),
}


def mark(provenance: str) -> SafeString:
    """The mark after a figure, with the provenance spelled out as its title; empty for a
    figure stated directly or of unknown provenance."""
    if provenance not in MARKS:
        return SafeString("")
    value = Provenance(provenance)
    return format_html(
        ' <abbr class="provenance provenance-{}" title="{}">{}</abbr>',
        value.value,
        value.label,
        MARKS[value],
    )


def marked(results: Iterable[NationalResult | None]) -> list[tuple[str, str]]:
    """(mark, meaning) of each provenance the figures of ``results`` carry a mark for, in a
    fixed order: the legend under a table."""
    present: set[str] = set()
    for result in results:
        if result is None:
            continue
        if result.index is not None:
            present.add(result.index_provenance)
        if result.rank is not None:
            present.add(result.rank_provenance)
    return [(str(MARKS[p]), str(p.label)) for p in MARKS if p.value in present]
