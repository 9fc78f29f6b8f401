"""Text cells going out to spreadsheets, and text coming in from files.

Out: a spreadsheet evaluates a cell that starts with ``=``, ``+``, ``-`` or ``@`` (and some
also after a tab or carriage return), so a unit named ``=HYPERLINK(…)`` would become a live
formula in the reader's Excel (OWASP "CSV injection"). :func:`inert` prefixes such text with an
apostrophe, which spreadsheets read as "this is text". It is for text columns only (names,
titles, notes): a figure such as ``-1.5`` in a numeric column must stay a number.

In: C0 control characters (NUL and the others, except tab, line feed and carriage return) have
no place in any file parindex reads; PostgreSQL refuses NUL in text and Excel refuses the rest.
:func:`control_character` finds the first one, for a message naming where it is.
"""

from __future__ import annotations

import re

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def inert(text: str) -> str:
    """``text`` as a spreadsheet shows it and never evaluates it."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def control_character(text: str) -> int | None:
    """The position of the first control character that no file may hold, or None."""
    found = _CONTROL.search(text)
    return None if found is None else found.start()


def character_name(char: str) -> str:
    """A character as a message names it: ``U+0000``."""
    return f"U+{ord(char):04X}"
