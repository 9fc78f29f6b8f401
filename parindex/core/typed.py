"""Numbers a person types in a form or a spreadsheet cell, read in their language.

Files (docs/formats.md §2) take one spelling, the dot. People typing in the Vietnamese UI write
``0,5`` and ``1.234,5``; in English ``1,234.5``. ``typed_number`` turns what they typed into the
file spelling when it can only mean one number, and refuses, saying what it understood and how
to write it, when it could mean two (``1.000`` is a thousand in Vietnamese and one in English).
The web form and the Excel round trip both read through here, so they accept and refuse alike.
"""

from __future__ import annotations

import re

from .messages import is_english, msg
from .rules import RuleValueError

_PLAIN = re.compile(r"[0-9]+(?:\.[0-9]+)?")
_COMMA_DECIMAL = re.compile(r"[0-9]+,[0-9]+")
_DOT_GROUPS = re.compile(r"[1-9][0-9]{0,2}(?:\.[0-9]{3})+")
_DOT_GROUPS_COMMA_DECIMAL = re.compile(r"[1-9][0-9]{0,2}(?:\.[0-9]{3})+,[0-9]+")
_COMMA_GROUPS = re.compile(r"[1-9][0-9]{0,2}(?:,[0-9]{3})+")
_COMMA_GROUPS_DOT_DECIMAL = re.compile(r"[1-9][0-9]{0,2}(?:,[0-9]{3})+\.[0-9]+")
_SPACES = re.compile(r"[\s\u00a0\u202f]+")


def typed_number(text: str, lang: str) -> str:
    """``text`` as the file spelling of the number it can only mean; RuleValueError when it
    could mean two. Text that is no number at all comes back trimmed, for the rule to refuse
    with its own message."""
    typed = _SPACES.sub("", text)
    if _PLAIN.fullmatch(typed) and not _DOT_GROUPS.fullmatch(typed):
        return typed
    if is_english(lang):
        if _COMMA_GROUPS.fullmatch(typed) or _COMMA_GROUPS_DOT_DECIMAL.fullmatch(typed):
            return typed.replace(",", "")
        if _COMMA_DECIMAL.fullmatch(typed):
            raise RuleValueError(
                msg("typed.comma_in_english", typed=typed, suggestion=typed.replace(",", "."))
            )
        if _DOT_GROUPS.fullmatch(typed):
            return typed  # one point something: the rule decides (a ratio term refuses it)
        return typed
    if _DOT_GROUPS_COMMA_DECIMAL.fullmatch(typed):
        return typed.replace(".", "").replace(",", ".")
    if _COMMA_DECIMAL.fullmatch(typed) and not _COMMA_GROUPS.fullmatch(typed):
        return typed.replace(",", ".")
    if _DOT_GROUPS.fullmatch(typed):
        whole = typed.replace(".", "")
        decimal = typed.rstrip("0").rstrip(".").replace(".", ",")
        raise RuleValueError(msg("typed.ambiguous_dot", typed=typed, whole=whole, decimal=decimal))
    if _COMMA_GROUPS.fullmatch(typed):
        whole = typed.replace(",", "")
        raise RuleValueError(msg("typed.ambiguous_comma", typed=typed, whole=whole, decimal=typed))
    return typed


def typed_whole(text: str, lang: str) -> str:
    """A whole number typed by a person (a count, a numerator of dossiers): digits only.
    ``1.000`` is refused in either language rather than guessed."""
    typed = _SPACES.sub("", text)
    if _DOT_GROUPS.fullmatch(typed) or _COMMA_GROUPS.fullmatch(typed):
        raise RuleValueError(
            msg("typed.grouped_whole", typed=typed, whole=re.sub(r"[.,]", "", typed))
        )
    return typed
