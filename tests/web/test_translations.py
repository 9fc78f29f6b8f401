"""The Vietnamese catalogues: complete, compiled, and one translation per message.

Each app keeps its own catalogue and Django merges them into one, so a message translated two
ways in two apps would silently take whichever catalogue loads first.
"""

from __future__ import annotations

import gettext
from itertools import combinations
from pathlib import Path

import polib
import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "parindex"
CATALOGUES = sorted(PACKAGE.glob("**/locale/vi/LC_MESSAGES/django.po"))


def label(path: Path) -> str:
    return str(path.relative_to(PACKAGE).parent.parent.parent.parent) or "parindex"


def entries(path: Path) -> list[polib.POEntry]:
    return [e for e in polib.pofile(str(path)) if not e.obsolete and e.msgid]


def key(entry: polib.POEntry) -> str:
    # gettext's catalogue key: context and message joined by EOT, plural entries by their msgid
    return f"{entry.msgctxt}\x04{entry.msgid}" if entry.msgctxt else entry.msgid


def translation(entry: polib.POEntry) -> str | tuple[str, ...]:
    if entry.msgid_plural:
        return tuple(entry.msgstr_plural[i] for i in sorted(entry.msgstr_plural))
    return entry.msgstr


def test_every_app_with_templates_or_models_has_a_catalogue() -> None:
    assert len(CATALOGUES) >= 10


@pytest.mark.parametrize("path", CATALOGUES, ids=label)
def test_every_message_is_translated(path: Path) -> None:
    missing = [
        e.msgid
        for e in entries(path)
        if "fuzzy" in e.flags or not all(translation(e) if e.msgid_plural else [e.msgstr])
    ]
    assert missing == [], f"{label(path)}: untranslated or fuzzy: {missing}"


@pytest.mark.parametrize("path", CATALOGUES, ids=label)
def test_the_compiled_catalogue_matches_its_source(path: Path) -> None:
    with path.with_suffix(".mo").open("rb") as compiled:
        catalogue = gettext.GNUTranslations(compiled)._catalog  # type: ignore[attr-defined]
    stale = []
    for e in entries(path):
        if e.msgid_plural:
            got = tuple(catalogue.get((e.msgid, i)) for i in range(len(e.msgstr_plural)))
        else:
            got = catalogue.get(key(e))
        if got != translation(e):
            stale.append(e.msgid)
    assert stale == [], f"{label(path)}: run `make messages`; stale: {stale}"


def test_no_message_is_translated_two_ways() -> None:
    translated = {
        label(path): {key(e): translation(e) for e in entries(path)} for path in CATALOGUES
    }
    clashes = {
        f"{message!r}: {a} {first[message]!r} / {b} {second[message]!r}"
        for (a, first), (b, second) in combinations(translated.items(), 2)
        for message in first.keys() & second.keys()
        if first[message] != second[message]
    }
    assert clashes == set(), "use one translation, or a context (pgettext): " + "; ".join(
        sorted(clashes)
    )
