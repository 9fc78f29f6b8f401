"""Messages a person reads, kept as a code and parameters until the boundary renders them.

The core never decides the reader's language: an error or warning carries a :class:`Message`
(``code`` plus ``params``), and the CLI (English by default, ``--lang vi``) or the web shell (the
request's language) renders it. Numbers in parameters follow the language's format (``1,5`` in
Vietnamese, ``1.5`` in English); values quoted as the person wrote them are shown unchanged.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from typing import Any

from .catalog import CATALOG
from .text import Text

__all__ = [
    "CATALOG",
    "Message",
    "Quoted",
    "is_english",
    "localize_number",
    "msg",
    "reader_language",
    "reading_in",
]


def is_english(lang: str) -> bool:
    return lang.lower().startswith("en")


_reader: ContextVar[str] = ContextVar("reader_language", default="en")


def reader_language() -> str:
    """The language errors render in when nobody names one: English, unless the shell that
    shows them set the reader's (the web: for the time of a request)."""
    return _reader.get()


@contextmanager
def reading_in(lang: str) -> Iterator[None]:
    """``str(error)`` and ``error.message`` read in ``lang`` inside the block."""
    token = _reader.set(lang)
    try:
        yield
    finally:
        _reader.reset(token)


def localize_number(text: str, lang: str) -> str:
    """A plain ``1234.5`` as the reader writes it: ``1.234,5`` in Vietnamese, ``1,234.5`` in
    English. Text that is not a plain number comes back unchanged."""
    body = text.lstrip("−-")
    sign = text[: len(text) - len(body)]
    whole, _, fraction = body.partition(".")
    if not whole.isdigit() or (fraction and not fraction.isdigit()):
        return text
    thousands, decimal = (",", ".") if is_english(lang) else (".", ",")
    groups: list[str] = []
    while len(whole) > 3:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    groups.insert(0, whole)
    grouped = thousands.join(groups)
    return f"{sign}{grouped}{decimal}{fraction}" if fraction else f"{sign}{grouped}"


@dataclass(frozen=True)
class Quoted:
    """A value as the person wrote it: shown verbatim, in quotes, never reformatted."""

    text: str

    def __str__(self) -> str:
        return repr(self.text)


def _param(value: Any, lang: str) -> str:
    if isinstance(value, Message):
        return value.render(lang)
    if isinstance(value, Text):
        return value.get(lang)
    if isinstance(value, Quoted):
        return repr(value.text) if is_english(lang) else f"«{value.text}»"
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int | Decimal | Fraction):
        from .numbers import format_fraction

        return localize_number(format_fraction(Fraction(value)).replace("≈", ""), lang)
    if isinstance(value, tuple | list | frozenset | set):
        items = sorted(value) if isinstance(value, frozenset | set) else value
        return ", ".join(_param(item, lang) for item in items)
    return str(value)


@dataclass(frozen=True)
class Message:
    """What to tell a person: a catalog code and its parameters."""

    code: str
    params: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.code not in CATALOG:
            raise KeyError(f"no message {self.code!r} in the catalog")

    def render(self, lang: str = "en") -> str:
        vi, en = CATALOG[self.code]
        template = en if is_english(lang) else vi
        return template.format(**{k: _param(v, lang) for k, v in self.params.items()})

    def __str__(self) -> str:
        return self.render("en")


def msg(code: str, /, **params: Any) -> Message:
    return Message(code, params)
