"""A stored value as a person reads it: an option's title, Có/Không, numbers in their format."""

from __future__ import annotations

import re

from .framework import Node
from .messages import localize_number
from .rules import NO_WORDS, YES_WORDS, ChoiceRule, YesNoRule, is_na_word, normalize_value

_NUMBER = re.compile(r"[0-9]+(?:\.[0-9]+)?")
_WORDS = {
    "vi": {"yes": "Có", "no": "Không", "na": "Không áp dụng"},
    "en": {"yes": "Yes", "no": "No", "na": "Not applicable"},
}


def value_label(leaf: Node, value: str | None, lang: str = "vi") -> str:
    """``value`` (as stored) for a reader of ``lang``; the value itself when nothing better is
    known, so a value that no longer matches (a changed framework) still shows."""
    if value is None:
        return ""
    text = normalize_value(value)
    words = _WORDS["en" if lang.startswith("en") else "vi"]
    if text and is_na_word(text):
        return words["na"]
    rule = leaf.rule
    if isinstance(rule, ChoiceRule):
        option = rule.match(text)
        return option.label(lang) if option is not None else text
    if isinstance(rule, YesNoRule):
        word = text.casefold()
        return words["yes"] if word in YES_WORDS else words["no"] if word in NO_WORDS else text
    return _NUMBER.sub(lambda m: localize_number(m.group(0), lang), text)


def canonical_value(leaf: Node, text: str) -> str:
    """The value as stored: a choice named by one of its titles is stored as its key, so the
    page, the spreadsheet and the API keep one spelling per option."""
    rule = leaf.rule
    if isinstance(rule, ChoiceRule):
        option = rule.match(text)
        if option is not None:
            return option.key
    return text
