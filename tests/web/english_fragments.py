"""English that must never reach a Vietnamese page: messages of the core and of the services
that were shown untranslated, raw codes (states, field names, reasons) and English notes.

``assert_no_english(html)`` reads the page as a person does (tags, scripts and styles removed,
entities decoded) and fails naming the first fragment found, with the text around it.
"""

from __future__ import annotations

import html as html_lib
import re

ENGLISH_FRAGMENTS: tuple[str, ...] = (
    # messages of the core's readers and checks
    "not valid YAML",
    "rule type must be one of",
    "is not one of the options",
    "not an option of question",
    "the unit is not in the units file",
    "needs one of the roles",
    "is not possible in state",
    "needs a written reason",
    # the web server's own error pages
    "Forbidden",
    "Not Found",
    "Server Error",
    # national notes
    "value not found",
    " vs ",
    "up 1 place",
    "down 1 place",
    " places",
    "not ranked",
    # codes the audit trail stores
    "Excel import",
    "survey aggregation",
    "in_progress",
    "in_appraisal",
    "preparing",
    "settled_points",
    "settled_value",
    "appraised_points",
    "self_points",
    "final_points",
    "submitted_at",
    "closes_at",
    "opens_at",
    "cycles.cycle",
    "assessments.assessment",
    "appraisals.leafappraisal",
    "results.answer",
)

_HIDDEN = re.compile(r"<(script|style|template)\b.*?</\1\s*>", re.IGNORECASE | re.DOTALL)
_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
_TAG = re.compile(r"<[^>]*>")


def visible_text(html: str) -> str:
    """The page's text as a reader sees it: no tags, scripts or styles; entities decoded;
    white space collapsed to single spaces."""
    text = _HIDDEN.sub(" ", html)
    text = _COMMENT.sub(" ", text)
    text = _TAG.sub(" ", text)
    return " ".join(html_lib.unescape(text).split())


def english_in(html: str, fragments: tuple[str, ...] = ENGLISH_FRAGMENTS) -> list[str]:
    """The fragments found in the page's visible text, in list order."""
    text = " " + visible_text(html) + " "
    return [fragment for fragment in fragments if fragment in text]


def assert_no_english(html: str, fragments: tuple[str, ...] = ENGLISH_FRAGMENTS) -> None:
    """Fail, naming the fragment and its surroundings, if any known English is on the page."""
    text = " " + visible_text(html) + " "
    for fragment in fragments:
        at = text.find(fragment)
        if at >= 0:
            around = text[max(0, at - 60) : at + len(fragment) + 60].strip()
            raise AssertionError(f"English on a Vietnamese page: {fragment!r} in “…{around}…”")
