"""English that must never reach a Vietnamese page: messages of the core and of the services
that were shown untranslated, raw codes (states, field names, reasons) and English notes.

``assert_no_english(html)`` reads the page as a person does (tags, scripts and styles removed,
entities decoded) and fails naming the first fragment found, with the text around it.

``ENGLISH_FRAGMENTS`` are found anywhere in the text; ``ENGLISH_WORDS`` only as whole words (not
inside a longer word, a code or a file name), so that "points" is found but not "checkpoints",
and "department" but not a unit code such as ``department-2``. Names of people and units, which
may hold anything, are kept out of both lists: the test accounts are called "Viewer", "Admin"...
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
    # messages of the services and views
    "Value:",
    "Applies to",
    "Page not found",
    "Permission denied",
    "This field is required",
    "Enter a valid",
    "Ensure this value",
    "Select a valid choice",
    "No file was submitted",
    "Log out",
    "Log in",
    "Sign in",
    "Self-assessment",
    "Appraisal",
    "not applicable",
    "Not applicable",
    "Missing",
)

# English words, found only standing alone (see ``words_in``); case matters.
ENGLISH_WORDS: tuple[str, ...] = (
    "points",
    "point",
    "pts",
    "department",
    "departments",
    "commune",
    "communes",
    "Department",
    "Commune",
    "None",
    "True",
    "False",
    "Yes",
    "Save",
    "Cancel",
    "Submit",
    "Delete",
    "Download",
    "Upload",
    "Search",
    "Score",
    "Rank",
    "Total",
    "Unit",
    "Units",
    "Cycle",
    "Status",
    "Deadline",
    "Reason",
    "Evidence",
    "Task",
    "Tasks",
    "Plan",
    "Survey",
    "Results",
    "Question",
    "Answer",
    "Password",
    "Username",
    "Draft",
    "Submitted",
    "Published",
    "Accepted",
    "Adjusted",
    "Flagged",
    "Done",
    "Failed",
    "Pending",
    "Running",
    "Overdue",
    "Completed",
    "Home",
    "Next",
    "Previous",
    "edit",
    "view",
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


def word_pattern(words: tuple[str, ...]) -> re.Pattern[str]:
    """Any of ``words`` standing alone: not inside a longer word, code, path or file name
    (``band-TOT``, ``TOT_2``, ``/units/``, ``plan.pdf`` are not the words ``TOT``, ``units``,
    ``plan``)."""
    alternatives = "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))
    return re.compile(rf"(?<![\w./@-])(?:{alternatives})(?![\w/@-]|\.\w)")


def english_in(
    html: str,
    fragments: tuple[str, ...] = ENGLISH_FRAGMENTS,
    words: tuple[str, ...] = ENGLISH_WORDS,
) -> list[tuple[str, str]]:
    """(what was found, the text around it) for every fragment and word in the page's visible
    text: fragments in list order, then words in page order."""
    text = " " + visible_text(html) + " "
    found = []
    for fragment in fragments:
        at = text.find(fragment)
        if at >= 0:
            found.append((fragment, _around(text, at, len(fragment))))
    if words:
        for match in word_pattern(words).finditer(text):
            found.append((match.group(0), _around(text, match.start(), len(match.group(0)))))
    return found


def _around(text: str, at: int, length: int) -> str:
    return text[max(0, at - 60) : at + length + 60].strip()


def assert_no_english(
    html: str,
    fragments: tuple[str, ...] = ENGLISH_FRAGMENTS,
    words: tuple[str, ...] = ENGLISH_WORDS,
) -> None:
    """Fail, naming the fragment and its surroundings, if any known English is on the page."""
    for fragment, around in english_in(html, fragments, words)[:1]:
        raise AssertionError(f"English on a Vietnamese page: {fragment!r} in “…{around}…”")
