"""One error hierarchy for everything a user can get wrong.

Every message says where (file, line, column, node code, unit) and what was found, so a person can
fix the input without reading code. Several problems found in one pass travel together in
:class:`ParindexErrors`, so a user fixes a whole file at once rather than one line per run.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from .messages import Message, is_english, reader_language

_WHERE = {
    "en": {
        "line": "line {}",
        "column": "column {}",
        "unit": "unit {}",
        "node": "node {}",
        "value": "value {!r}",
    },
    "vi": {
        "line": "dòng {}",
        "column": "cột {}",
        "unit": "đơn vị {}",
        "node": "mục {}",
        "value": "giá trị «{}»",
    },
}


class ParindexError(Exception):
    """Base of every error parindex reports to a user."""

    def __init__(
        self,
        message: str | Message,
        *,
        source: str | None = None,
        line: int | None = None,
        column: str | None = None,
        node: str | None = None,
        unit: str | None = None,
        value: str | None = None,
    ) -> None:
        self.msg = message if isinstance(message, Message) else None
        self._text = message if isinstance(message, str) else None
        super().__init__(str(message))
        self.source = source
        self.line = line
        self.column = column
        self.node = node
        self.unit = unit
        self.value = value

    @property
    def message(self) -> str:
        """The message alone, in the reader's language (see ``messages.reader_language``)."""
        return self.text(reader_language())

    @property
    def code(self) -> str | None:
        """The catalog code of the message, when it has one."""
        return self.msg.code if self.msg is not None else None

    def text(self, lang: str = "en") -> str:
        """The message alone, in ``lang`` (a message given as plain text stays as it is)."""
        if self.msg is not None:
            return self.msg.render(lang)
        return self._text or ""

    def where(self, lang: str = "en") -> str:
        labels = _WHERE["en" if is_english(lang) else "vi"]
        parts: list[str] = []
        if self.source is not None:
            parts.append(self.source if self.line is None else f"{self.source}:{self.line}")
        elif self.line is not None:
            parts.append(labels["line"].format(self.line))
        for key in ("column", "unit", "node", "value"):
            found = getattr(self, key)
            if found is not None:
                parts.append(labels[key].format(found))
        return ", ".join(parts)

    def render(self, lang: str = "en") -> str:
        """Where, then what, in the reader's language."""
        where = self.where(lang)
        text = self.text(lang)
        return f"{where}: {text}" if where else text

    def __str__(self) -> str:
        return self.render(reader_language())


class FrameworkError(ParindexError):
    """A framework file breaks docs/formats.md §1."""


class ValueRuleError(ParindexError):
    """A value that a leaf's rule cannot take (a bad answer)."""


class InputError(ParindexError):
    """A scores or units file breaks docs/formats.md §2."""


class Notice(ParindexError):
    """A warning: a value was checked and set aside, not an error. Its ``code`` is its kind,
    by which the CLI summarises many of them (docs/formats.md §2)."""


class ParindexErrors(ParindexError):
    """Several problems found in one pass; ``errors`` holds each one."""

    def __init__(self, errors: Sequence[ParindexError]) -> None:
        self.errors = tuple(errors)
        super().__init__(f"{len(self.errors)} error(s)")

    def render(self, lang: str = "en") -> str:
        return "\n".join(e.render(lang) for e in self.errors)

    def __str__(self) -> str:
        return self.render(reader_language())


class Collector:
    """Gathers problems during one pass, then raises them together."""

    def __init__(self) -> None:
        self.errors: list[ParindexError] = []

    def add(self, error: ParindexError) -> None:
        self.errors.append(error)

    def extend(self, errors: Iterable[ParindexError]) -> None:
        self.errors.extend(errors)

    def raise_if_any(self) -> None:
        if len(self.errors) == 1:
            raise self.errors[0]
        if self.errors:
            raise ParindexErrors(self.errors)
