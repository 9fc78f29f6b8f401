"""The notes of national figures in the reader's language.

The import keeps each row's ``note`` as written in the file (English: the shipped tables in
``data/national/`` note how a figure was found, e.g. "+4.30 vs 2023, up 1 place", "value not
found", "DERIVED: 83.32 − 2.55"). Pages show a note through :func:`note_text`, which reads it
clause by clause (clauses are separated by "; ") against the phrases below and writes each one
it recognises with gettext, numbers in the language's format (``4,30`` in Vietnamese). A clause
it does not recognise is shown as written: the note is a source's own words, never dropped.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from decimal import Decimal

from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

NUMBER = r"\d+(?:\.\d+)?"
SIGNED = r"[+−-]\d+(?:\.\d+)?"
_DECIMAL = re.compile(r"(?<![\d.])\d+\.\d+(?![\d.])")


def number(text: str) -> str:
    """``4.30`` → ``4,30`` in Vietnamese: the decimals as written, the sign kept."""
    sign, digits = (text[0], text[1:]) if text[:1] in "+−-" else ("", text)
    places = len(digits.partition(".")[2])
    return sign + number_format(Decimal(digits), decimal_pos=places)


def numbers_in(text: str) -> str:
    """Every decimal number of a free text (a formula, a range) in the language's format;
    whole numbers (years, counts, ranks) are left as they are."""
    return _DECIMAL.sub(lambda m: number(m.group()), text)


def names(text: str) -> str:
    """ "A, B and C" with the language's "and"."""
    parts = [p.strip() for p in re.split(r",\s*|\s+and\s+", text) if p.strip()]
    if len(parts) < 2:
        return text
    return _("%(names)s and %(last)s") % {"names": ", ".join(parts[:-1]), "last": parts[-1]}


def _places(direction: str, n: str, year: str | None = None) -> str:
    count = int(n)
    if year is None:
        if direction == "up":
            return ngettext("up %(n)d place", "up %(n)d places", count) % {"n": count}
        return ngettext("down %(n)d place", "down %(n)d places", count) % {"n": count}
    if direction == "up":
        text = ngettext("up %(n)d place vs %(year)s", "up %(n)d places vs %(year)s", count)
    else:
        text = ngettext("down %(n)d place vs %(year)s", "down %(n)d places vs %(year)s", count)
    return text % {"n": count, "year": year}


def _groups(text: str) -> str:
    """ "≥80 (19 provinces), 70–80 (33)" with the language's numbers and words."""

    def one(m: re.Match[str]) -> str:
        count = int(m.group("n"))
        return ngettext("(%(n)d province)", "(%(n)d provinces)", count) % {"n": count}

    return numbers_in(re.sub(r"\((?P<n>\d+) provinces?\)", one, text))


Rule = tuple[re.Pattern[str], Callable[[re.Match[str]], str]]


def _rule(pattern: str, render: Callable[[re.Match[str]], str]) -> Rule:
    return re.compile(pattern), render


# Whole clauses, tried in order; each renders its match in the active language.
RULES: tuple[Rule, ...] = (
    _rule(r"value not found", lambda m: _("value not found")),
    _rule(r"value and rank not found", lambda m: _("value and rank not found")),
    _rule(r"national average not found", lambda m: _("national average not found")),
    _rule(r"rank not stated", lambda m: _("rank not stated")),
    _rule(r"rank stated", lambda m: _("rank stated")),
    _rule(r"last place", lambda m: _("last place")),
    _rule(r"secondary source, unverified", lambda m: _("secondary source, unverified")),
    _rule(
        rf"(?P<change>{SIGNED}) vs (?P<year>\d{{4}})",
        lambda m: _("%(change)s vs %(year)s") % {"change": number(m["change"]), "year": m["year"]},
    ),
    _rule(
        rf"(?P<change>{SIGNED}) and (?P<dir>up|down) (?P<n>\d+) places? vs (?P<year>\d{{4}})",
        lambda m: (
            _("%(change)s and %(places)s")
            % {"change": number(m["change"]), "places": _places(m["dir"], m["n"], m["year"])}
        ),
    ),
    _rule(
        r"(?P<dir>up|down) (?P<n>\d+) places? (?:vs|from) (?P<year>\d{4})",
        lambda m: _places(m["dir"], m["n"], m["year"]),
    ),
    _rule(r"(?P<dir>up|down) (?P<n>\d+) places?", lambda m: _places(m["dir"], m["n"])),
    _rule(
        r"(?P<rank>\d+) in (?P<year>\d{4}) after rising (?P<n>\d+) places?",
        lambda m: (
            ngettext(
                "rank %(rank)s in %(year)s after rising %(n)d place",
                "rank %(rank)s in %(year)s after rising %(n)d places",
                int(m["n"]),
            )
            % {"rank": m["rank"], "year": m["year"], "n": int(m["n"])}
        ),
    ),
    _rule(
        r"(?P<rank>\d+)(?:st|nd|rd|th) in (?P<year>\d{4}) '(?P<quote>.*)'",
        lambda m: (
            _("rank %(rank)s in %(year)s (“%(quote)s”)")
            % {"rank": m["rank"], "year": m["year"], "quote": clause_text(m["quote"]) or m["quote"]}
        ),
    ),
    _rule(r"rank (?P<expr>\d+ [+−-] \d+)", lambda m: _("rank %(expr)s") % {"expr": m["expr"]}),
    _rule(rf"(?P<expr>{NUMBER} [+−-] {NUMBER})", lambda m: numbers_in(m["expr"])),
    _rule(
        r"DERIVED average: (?P<rest>.*)",
        lambda m: _("DERIVED average: %(formula)s") % {"formula": numbers_in(m["rest"])},
    ),
    _rule(
        r"DERIVED: (?P<rest>.*)", lambda m: _("DERIVED: %(rest)s") % {"rest": note_text(m["rest"])}
    ),
    _rule(
        r"CONFLICT: (?P<rest>.*)",
        lambda m: _("CONFLICT: %(rest)s") % {"rest": note_text(m["rest"])},
    ),
    _rule(
        rf"another dataset gives (?P<v>{NUMBER})",
        lambda m: _("another dataset gives %(value)s") % {"value": number(m["v"])},
    ),
    _rule(
        rf"another source reports (?P<v>{NUMBER})",
        lambda m: _("another source reports %(value)s") % {"value": number(m["v"])},
    ),
    _rule(
        rf"another source implies (?P<v>{NUMBER}) \((?P<detail>.*)\)",
        lambda m: (
            _("another source implies %(value)s (%(detail)s)")
            % {"value": number(m["v"]), "detail": numbers_in(m["detail"])}
        ),
    ),
    _rule(
        r"another source names (?P<names>.+) at the bottom",
        lambda m: _("another source names %(names)s at the bottom") % {"names": names(m["names"])},
    ),
    _rule(
        r"in the (?P<range>.+)% group",
        lambda m: _("in the %(range)s%% group") % {"range": numbers_in(m["range"])},
    ),
    _rule(
        rf"none below (?P<v>{NUMBER})",
        lambda m: _("none below %(value)s") % {"value": numbers_in(m["v"])},
    ),
    _rule(
        r"the only province in group (?P<band>\w+)",
        lambda m: _("the only province in group %(band)s") % {"band": m["band"]},
    ),
    _rule(
        rf"the only province below (?P<v>{NUMBER})",
        lambda m: _("the only province below %(value)s") % {"value": numbers_in(m["v"])},
    ),
    _rule(
        r"first in (?P<years>\d{4}–\d{4})",
        lambda m: _("first in %(years)s") % {"years": m["years"]},
    ),
    _rule(
        r"best ever for (?P<name>.+)", lambda m: _("best ever for %(name)s") % {"name": m["name"]}
    ),
    _rule(
        r"uncertain \(see the (?P<year>\d{4}) conflict\)",
        lambda m: _("uncertain (see the %(year)s conflict)") % {"year": m["year"]},
    ),
    _rule(
        r"above only (?P<names>.+) among the Mekong provinces",
        lambda m: (
            _("above only %(names)s among the Mekong provinces") % {"names": names(m["names"])}
        ),
    ),
    _rule(
        r"(?P<name>.+) was one of (?P<n>\d+) provinces whose index fell from (?P<year>\d{4})"
        r" \(value not found\)",
        lambda m: (
            _(
                "%(name)s was one of %(n)s provinces whose index fell from %(year)s "
                "(value not found)"
            )
            % {"name": m["name"], "n": m["n"], "year": m["year"]}
        ),
    ),
    _rule(
        r"(?P<n>\d+) provinces in group (?P<band>\w+) in (?P<year>\d{4})",
        lambda m: (
            _("%(n)s provinces in group %(band)s in %(year)s")
            % {"n": m["n"], "band": m["band"], "year": m["year"]}
        ),
    ),
    _rule(
        r"(?P<n>\d+) in group (?P<band>\w+)(?: \((?P<range>.*)\))?",
        lambda m: (
            _("%(n)s in group %(band)s (%(range)s)")
            % {"n": m["n"], "band": m["band"], "range": numbers_in(m["range"])}
            if m["range"]
            else _("%(n)s in group %(band)s") % {"n": m["n"], "band": m["band"]}
        ),
    ),
    _rule(
        rf"(?P<n>\d+) provinces above (?P<v>{NUMBER})",
        lambda m: _("%(n)s provinces above %(value)s") % {"n": m["n"], "value": numbers_in(m["v"])},
    ),
    _rule(
        rf"only (?P<n>\d+) below (?P<v>{NUMBER})",
        lambda m: _("only %(n)s below %(value)s") % {"n": m["n"], "value": numbers_in(m["v"])},
    ),
    _rule(
        rf"all provinces at (?P<v>{NUMBER}) or above for the first time",
        lambda m: (
            _("all provinces at %(value)s or above for the first time")
            % {"value": numbers_in(m["v"])}
        ),
    ),
    _rule(
        r"groups by index, not letters: (?P<groups>.*)",
        lambda m: _("groups by index, not letters: %(groups)s") % {"groups": _groups(m["groups"])},
    ),
    _rule(
        r"(?P<year>\d{4}) groups: (?P<groups>.*)",
        lambda m: (
            _("%(year)s groups: %(groups)s") % {"year": m["year"], "groups": _groups(m["groups"])}
        ),
    ),
    _rule(
        r"(?:groups )?(?P<band>[A-Z]) (?P<range>[≥<>≤]\s*\d.*|\d.*)",
        lambda m: (
            _("group %(band)s %(range)s") % {"band": m["band"], "range": numbers_in(m["range"])}
        ),
    ),
)


def clause_text(clause: str) -> str | None:
    """One clause in the active language, or None if no phrase matches it."""
    clause = clause.strip()
    for pattern, render in RULES:
        match = pattern.fullmatch(clause)
        if match is not None:
            return render(match)
    if ", " in clause:  # "+4.30 vs 2023, up 1 place": every part must be known
        parts = [clause_text(part) for part in clause.split(", ")]
        if all(part is not None for part in parts):
            return ", ".join(p for p in parts if p is not None)
    return None


def note_text(note: str) -> str:
    """A national figure's note in the active language; clauses no phrase matches stay as
    written."""
    if not note:
        return ""
    return "; ".join(
        text if (text := clause_text(c)) is not None else c.strip() for c in note.split("; ")
    )
