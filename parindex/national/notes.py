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
from typing import Literal, overload

from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop, ngettext

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


Rule = tuple[re.Pattern[str], Callable[[re.Match[str]], str | None]]


def _rule(pattern: str, render: Callable[[re.Match[str]], str | None]) -> Rule:
    return re.compile(pattern), render


def _said(template: str, rest: str) -> str | None:
    """``template`` around a known note, or None when a clause of the note is unknown."""
    text = note_text(rest, strict=True)
    return None if text is None else template % {"rest": text}


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
            None
            if (quote := clause_text(m["quote"])) is None
            else _("rank %(rank)s in %(year)s (“%(quote)s”)")
            % {"rank": m["rank"], "year": m["year"], "quote": quote}
        ),
    ),
    _rule(r"rank (?P<expr>\d+ [+−-] \d+)", lambda m: _("rank %(expr)s") % {"expr": m["expr"]}),
    _rule(rf"(?P<expr>{NUMBER} [+−-] {NUMBER})", lambda m: numbers_in(m["expr"])),
    _rule(
        r"DERIVED average: (?P<rest>.*)",
        lambda m: _("DERIVED average: %(formula)s") % {"formula": numbers_in(m["rest"])},
    ),
    _rule(r"DERIVED: (?P<rest>.*)", lambda m: _said(_("DERIVED: %(rest)s"), m["rest"])),
    _rule(r"CONFLICT: (?P<rest>.*)", lambda m: _said(_("CONFLICT: %(rest)s"), m["rest"])),
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
    # The survey of satisfaction (SIPAS) the sources give beside the index: "SIPAS 2023:
    # 80.25%, rank 47/63, up 7 (direct)"; SIPAS is its name in Vietnamese too.
    _rule(
        r"SIPAS (?P<year>\d{4})(?P<sep>: | )(?P<rest>.+)",
        lambda m: (
            None
            if (rest := clause_text(m["rest"])) is None
            else f"SIPAS {m['year']}{m['sep']}{rest}"
        ),
    ),
    _rule(
        rf"SIPAS-type satisfaction (?P<v>{NUMBER})% reported by the city",
        lambda m: (
            _("SIPAS-type satisfaction %(value)s%% reported by the city")
            % {"value": number(m["v"])}
        ),
    ),
    _rule(rf"(?P<v>{NUMBER})%", lambda m: number(m["v"]) + "%"),
    _rule(r"(?P<v>\d+\.\d+)", lambda m: number(m["v"])),
    _rule(rf"(?P<v>{SIGNED})", lambda m: number(m["v"])),
    _rule(
        rf"(?P<change>{SIGNED}) points",
        lambda m: _("%(change)s points") % {"change": number(m["change"])},
    ),
    _rule(r"rank (?P<expr>\d+(?:/\d+)?)", lambda m: _("rank %(expr)s") % {"expr": m["expr"]}),
    _rule(r"(?P<rank>\d+)(?:st|nd|rd|th)", lambda m: _("rank %(expr)s") % {"expr": m["rank"]}),
    _rule(r"up (?P<n>\d+)", lambda m: _("up %(n)s") % {"n": m["n"]}),
    _rule(r"down (?P<n>\d+)", lambda m: _("down %(n)s") % {"n": m["n"]}),
    _rule(r"up vs (?P<year>\d{4})", lambda m: _("up vs %(year)s") % {"year": m["year"]}),
    _rule(r"down vs (?P<year>\d{4})", lambda m: _("down vs %(year)s") % {"year": m["year"]}),
    _rule(
        r"up from (?P<rank>\d+)(?:st|nd|rd|th)",
        lambda m: _("up from rank %(rank)s") % {"rank": m["rank"]},
    ),
    _rule(
        r"dropped (?P<n>\d+) places to (?P<rank>\d+)(?:st|nd|rd|th)",
        lambda m: _("dropped %(n)s places to rank %(rank)s") % {"n": m["n"], "rank": m["rank"]},
    ),
    _rule(
        r"so (?P<rank>\d+)(?:st|nd|rd|th) in (?P<year>\d{4})",
        lambda m: _("so rank %(rank)s in %(year)s") % {"rank": m["rank"], "year": m["year"]},
    ),
    _rule(
        r"(?P<rank>\d+)(?:st|nd|rd|th) in (?P<year>\d{4})",
        lambda m: _("rank %(rank)s in %(year)s") % {"rank": m["rank"], "year": m["year"]},
    ),
    _rule(
        r"(?P<rank>\d+)(?:st|nd|rd|th) in (?P<year>\d{4}) after (?P<verb>rising|dropping|falling)"
        r" (?P<n>\d+)(?: places?)?",
        lambda m: (
            (
                _("rank %(rank)s in %(year)s after rising %(n)s")
                if m["verb"] == "rising"
                else _("rank %(rank)s in %(year)s after falling %(n)s")
            )
            % {"rank": m["rank"], "year": m["year"], "n": m["n"]}
        ),
    ),
    _rule(
        r"'(?P<quote>[^']+)' from (?P<rank>\d+)(?:st|nd|rd|th) in (?P<year>\d{4})",
        lambda m: (
            None
            if (quote := clause_text(m["quote"])) is None
            else _("“%(quote)s” from rank %(rank)s in %(year)s")
            % {"quote": quote, "rank": m["rank"], "year": m["year"]}
        ),
    ),
    _rule(r"listed (?P<n>\d+)(?:st|nd|rd|th)?", lambda m: _("listed %(n)s") % {"n": m["n"]}),
    _rule(
        r"order as listed after (?P<names>.+)",
        lambda m: _("order as listed after %(names)s") % {"names": names(m["names"])},
    ),
    _rule(
        r"bottom three (?P<names>[^()]+)",
        lambda m: _("bottom three %(names)s") % {"names": names(m["names"])},
    ),
    _rule(
        r"only above (?P<names>.+) in the Mekong Delta",
        lambda m: _("only above %(names)s in the Mekong Delta") % {"names": names(m["names"])},
    ),
    _rule(
        r"group (?P<band>[A-Z]) = (?P<names>.+) only",
        lambda m: (
            _("group %(band)s = %(names)s only") % {"band": m["band"], "names": names(m["names"])}
        ),
    ),
    _rule(r"group (?P<band>[A-Z])", lambda m: _("group %(band)s") % {"band": m["band"]}),
    _rule(
        r"group (?P<band>[A-Z]) assigned from the (?P<year>\d{4}) thresholds, not stated",
        lambda m: (
            _("group %(band)s assigned from the %(year)s thresholds, not stated")
            % {"band": m["band"], "year": m["year"]}
        ),
    ),
    _rule(
        r"only province in group (?P<band>\w+)",
        lambda m: _("only province in group %(band)s") % {"band": m["band"]},
    ),
    _rule(
        rf"only province below (?P<v>{NUMBER})",
        lambda m: _("only province below %(value)s") % {"value": numbers_in(m["v"])},
    ),
    _rule(
        rf"national average (?P<v>{NUMBER})",
        lambda m: _("national average %(value)s") % {"value": number(m["v"])},
    ),
    _rule(
        rf"index fell (?P<change>{SIGNED}) vs (?P<year>\d{{4}})",
        lambda m: (
            _("index fell %(change)s vs %(year)s")
            % {"change": number(m["change"]), "year": m["year"]}
        ),
    ),
    _rule(
        r"(?P<which>largest|smallest) rise in (?P<year>\d{4})",
        lambda m: (
            (
                _("largest rise in %(year)s")
                if m["which"] == "largest"
                else _("smallest rise in %(year)s")
            )
            % {"year": m["year"]}
        ),
    ),
    _rule(
        rf"from (?P<v>{NUMBER}) in (?P<year>\d{{4}}) => (?P<w>{NUMBER}) if percentage points",
        lambda m: (
            _("from %(value)s in %(year)s => %(result)s if percentage points")
            % {"value": number(m["v"]), "year": m["year"], "result": number(m["w"])}
        ),
    ),
    _rule(
        rf"(?P<formula>{NUMBER} [+−-] {NUMBER} = {NUMBER}) if the fall is in percentage points",
        lambda m: (
            _("%(formula)s if the fall is in percentage points")
            % {"formula": numbers_in(m["formula"])}
        ),
    ),
    _rule(
        rf"HF dataset (?P<name>\S+) gives (?P<v>{NUMBER})",
        lambda m: (
            _("HF dataset %(name)s gives %(value)s") % {"name": m["name"], "value": number(m["v"])}
        ),
    ),
    _rule(
        rf"HF dataset gives (?P<v>{NUMBER})",
        lambda m: _("HF dataset gives %(value)s") % {"value": number(m["v"])},
    ),
    _rule(
        rf"(?P<source>[\w.-]+) gives (?P<v>{NUMBER})",
        lambda m: (
            _("%(source)s gives %(value)s") % {"source": m["source"], "value": number(m["v"])}
        ),
    ),
    _rule(
        rf"uncertain because other sources give (?P<v>{NUMBER}) for (?P<year>\d{{4}})",
        lambda m: (
            _("uncertain because other sources give %(value)s for %(year)s")
            % {"value": number(m["v"]), "year": m["year"]}
        ),
    ),
    _rule(
        rf"confirms project's DERIVED (?P<v>{NUMBER})",
        lambda m: _("confirms the earlier table's DERIVED %(value)s") % {"value": number(m["v"])},
    ),
    _rule(
        rf"(?P<v>{NUMBER}) below (?P<name>.+)'s (?P<w>{NUMBER})",
        lambda m: (
            _("%(value)s below %(name)s's %(other)s")
            % {"value": number(m["v"]), "name": m["name"], "other": number(m["w"])}
        ),
    ),
    _rule(
        rf"top (?P<v>{NUMBER}) − stated gap (?P<w>{NUMBER})",
        lambda m: (
            _("top %(top)s − stated gap %(gap)s") % {"top": number(m["v"]), "gap": number(m["w"])}
        ),
    ),
    _rule(r"DERIVED there: (?P<rest>.*)", lambda m: _said(_("DERIVED there: %(rest)s"), m["rest"])),
    _rule(
        r"(?P<name>.+) (?P<year>\d{4}) article",
        lambda m: _("%(name)s article of %(year)s") % {"name": m["name"], "year": m["year"]},
    ),
)


# Whole clauses as the shipped tables write them, each translated as one message (a number in
# one is written in each language's format by its translation).
PHRASES: frozenset[str] = frozenset(
    {
        gettext_noop("direct"),
        gettext_noop("same source"),
        gettext_noop("group only"),
        gettext_noop("lowest group"),
        gettext_noop("compiled dataset"),
        gettext_noop("no primary source named in the preview"),
        gettext_noop("unverified snapshot"),
        gettext_noop("not re-verified"),
        gettext_noop("not re-verified here"),
        gettext_noop("not stated directly"),
        gettext_noop("confirms known value"),
        gettext_noop("top-10 table"),
        gettext_noop("infographic title"),
        gettext_noop("last"),
        gettext_noop("second-last"),
        gettext_noop("best ever"),
        gettext_noop("bottom three"),
        gettext_noop("top five"),
        gettext_noop("among the five lowest"),
        gettext_noop("among the bottom five"),
        gettext_noop("listed first of top five"),
        gettext_noop("order as listed"),
        gettext_noop("not entered"),
        gettext_noop("PAR not found"),
        gettext_noop("rank not found"),
        gettext_noop("value not stated"),
        gettext_noop("value and rank not stated"),
        gettext_noop("value not in stored excerpt"),
        gettext_noop("national value/rank not in the stored excerpt"),
        gettext_noop("in the searched corpora"),
        gettext_noop("value from project row"),
        gettext_noop("project had this as DERIVED"),
        gettext_noop("merged into new Đồng Tháp province from 1/7/2025"),
        gettext_noop("7th of the 7 group-A provinces"),
        gettext_noop("group A because 7 provinces are in group A and it ranks 6th"),
        gettext_noop("named in the group of 33 provinces scoring 70–80%"),
        gettext_noop("one of three provinces whose index fell vs 2020"),
        gettext_noop("first in the Mekong Delta (13 provinces) on PAR INDEX 2024"),
        gettext_noop("'jumped six places to number three'"),
        gettext_noop("'đội sổ'"),
        gettext_noop("an increase of 1 rank"),
        gettext_noop("increasing by 1 rank"),
        gettext_noop("2013 article says Đồng Nai rose to 17th 'compared to 43rd last year'"),
        gettext_noop("2016 article says HCMC fell from 3rd (previous year) to 15th"),
        gettext_noop(
            "resolves the project's CONFLICT note: Bình Thuận and Sóc Trăng are 61st–62nd"
        ),
        gettext_noop("source says Tiền Giang's index fell by 0.51 (percent) vs 2020"),
        gettext_noop("2023 value 88.38 'while that figure in 2022 was 1.82% lower'"),
        gettext_noop("from Da Nang police paper (87.54 in 2022)"),
        gettext_noop("rank 7 from the HF compiled dataset (SECONDARY), which gives 82.77"),
        gettext_noop("VietnamPlus confirms the +13.2 rise, the largest"),
        gettext_noop("+1.32 vs 2023 and +2.99 vs 2022 (these deltas conflict with 91.43 for 2023)"),
        gettext_noop(
            "Hanoi Chronicle says 2024 (92.57) was +2.99 vs 2022 (=> 89.58) but its +1.32 vs 2023 "
            "conflicts with 91.43, so no value entered"
        ),
        gettext_noop(
            "gap top–bottom 29.76 (viet-jo 2018 article) is consistent with 89.45 − 59.69"
        ),
        gettext_noop(
            "DIRECT 89.06 (viet-jo; consistent with VietNamNet 2019 = 90.09, +1.03). CONFLICT: "
            "VietnamPlus gives 89.6"
        ),
        gettext_noop(
            "value: page says 'average value of 90.02%' — wording ambiguous, most likely Sơn La's "
            "own index (rank 12 lies within the 13 group-A provinces)"
        ),
    }
)

# Sources a note names in parentheses, "(viet-jo)": shown as written, as are names written
# with capitals ("Hanoi Chronicle", "An Giang").
SOURCE_NAMES = ("viet-jo", "doanhnghiephoinhap", "vietnam.vn/nl", "stttt.quangngai")
PROPER_NAME = re.compile(r"[A-ZĐ][\w'-]*(?: [A-ZĐ][\w'-]*)*")


def _split(text: str, separators: tuple[str, ...]) -> list[tuple[str, str]]:
    """``text`` cut at the separators that stand outside parentheses: (separator before, part),
    the first part with an empty separator."""
    parts: list[tuple[str, str]] = []
    depth, start, sep = 0, 0, ""
    i = 0
    while i < len(text):
        ch = text[i]
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth = max(0, depth - 1)
        elif depth == 0:
            found = next((s for s in separators if text.startswith(s, i)), None)
            if found is not None:
                parts.append((sep, text[start:i]))
                sep, start = found, i + len(found)
                i = start
                continue
        i += 1
    parts.append((sep, text[start:]))
    return parts


def _closing(text: str, opening: int) -> int | None:
    """The index of the parenthesis that closes the one at ``opening``."""
    depth = 0
    for i in range(opening, len(text)):
        if text[i] == "(":
            depth += 1
        elif text[i] == ")":
            depth -= 1
            if depth == 0:
                return i
    return None


def _aside(inner: str) -> str | None:
    """What a note says in parentheses: a known clause, a number or range, the name of a
    source, or a list of them."""
    inner = inner.strip()
    if (text := clause_text(inner)) is not None:
        return text
    if re.fullmatch(r"[\d.–%-]+", inner) or inner in SOURCE_NAMES:
        return numbers_in(inner)
    if PROPER_NAME.fullmatch(inner):
        return inner
    for separator in ("; ", ", "):
        parts = _split(inner, (separator,))
        if len(parts) > 1:
            rendered = [(sep, _aside(part)) for sep, part in parts]
            if any(text is None for _, text in rendered):
                return None
            return "".join(sep + (text or "") for sep, text in rendered)
    return None


def _with_aside(clause: str) -> str | None:
    """ "rank 46/63 (direct, same source)": a known clause followed by an aside."""
    if not clause.endswith(")"):
        return None
    opening = next(
        (
            i
            for i in range(len(clause))
            if clause[i] == "(" and _closing(clause, i) == len(clause) - 1
        ),
        None,
    )
    if opening is None or opening == 0 or clause[opening - 1] != " ":
        return None
    head, aside = clause_text(clause[: opening - 1]), _aside(clause[opening + 1 : -1])
    if head is None or aside is None:
        return None
    return f"{head} ({aside})"


def _kind(head: str) -> str:
    what, _sep, kind = head.rpartition(" ")
    if head == "PROJECT row":
        return _("PROJECT row")
    label = {
        "DIRECT": _("DIRECT"),
        "DERIVED": _("DERIVED"),
        "SECONDARY": _("SECONDARY"),
        "FOUND": _("NOT FOUND"),
    }[kind]
    if what == "rank":
        return _("rank %(kind)s") % {"kind": label}
    if what == "value":
        return _("value %(kind)s") % {"kind": label}
    return label


_KIND = re.compile(r"(?P<head>(?:rank |value )?(?:DIRECT|DERIVED|SECONDARY)|NOT FOUND|PROJECT row)")


def _kind_clause(clause: str) -> str | None:
    """ "DIRECT", "rank DERIVED: …", "SECONDARY (…)", "PROJECT row, …": how a figure is known,
    then what the source says."""
    match = _KIND.match(clause)
    if match is None:
        return None
    text, rest = _kind(match["head"]), clause[match.end() :]
    if rest.startswith(" (") and (end := _closing(rest, 1)) is not None:
        aside = _aside(rest[2:end])
        if aside is None:
            return None
        text, rest = f"{text} ({aside})", rest[end + 1 :]
    if not rest:
        return text
    for sep in (": ", ", ", " "):
        if rest.startswith(sep):
            said = note_text(rest[len(sep) :], strict=True)
            return None if said is None else f"{text}{sep}{said}"
    return None


def clause_text(clause: str) -> str | None:
    """One clause in the active language, or None if no phrase matches it."""
    clause = clause.strip()
    for pattern, render in RULES:
        match = pattern.fullmatch(clause)
        if match is not None and (text := render(match)) is not None:
            return text
    if clause in PHRASES:
        return _(clause)
    for read in (_kind_clause, _with_aside):
        if (text := read(clause)) is not None:
            return text
    parts = _split(clause, (", ",))
    if len(parts) > 1:  # "+4.30 vs 2023, up 1 place": every part must be known
        rendered = [(sep, clause_text(part)) for sep, part in parts]
        if all(text is not None for _, text in rendered):
            return "".join(sep + (text or "") for sep, text in rendered)
    return None


@overload
def note_text(note: str) -> str: ...
@overload
def note_text(note: str, *, strict: Literal[True]) -> str | None: ...


def note_text(note: str, *, strict: bool = False) -> str | None:
    """A national figure's note in the active language. Clauses are separated by "; " or " | "
    outside parentheses; a clause no phrase matches stays as written, or, ``strict``, makes the
    whole note None."""
    if not note:
        return ""
    out = []
    for sep, clause in _split(note, ("; ", " | ")):
        text = clause_text(clause)
        if text is None:
            if strict:
                return None
            text = clause.strip()
        out.append(sep + text)
    return "".join(out)
