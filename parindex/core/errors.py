"""One error hierarchy for everything a user can get wrong.

Every message says where (file, line, column, node code, unit) and what was found, so a person can
fix the input without reading code. Several problems found in one pass travel together in
:class:`ParindexErrors`, so a user fixes a whole file at once rather than one line per run.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence


class ParindexError(Exception):
    """Base of every error parindex reports to a user."""

    def __init__(
        self,
        message: str,
        *,
        source: str | None = None,
        line: int | None = None,
        column: str | None = None,
        node: str | None = None,
        unit: str | None = None,
        value: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.source = source
        self.line = line
        self.column = column
        self.node = node
        self.unit = unit
        self.value = value

    def where(self) -> str:
        parts: list[str] = []
        if self.source is not None:
            parts.append(self.source if self.line is None else f"{self.source}:{self.line}")
        elif self.line is not None:
            parts.append(f"line {self.line}")
        if self.column is not None:
            parts.append(f"column {self.column}")
        if self.unit is not None:
            parts.append(f"unit {self.unit}")
        if self.node is not None:
            parts.append(f"node {self.node}")
        if self.value is not None:
            parts.append(f"value {self.value!r}")
        return ", ".join(parts)

    def __str__(self) -> str:
        where = self.where()
        return f"{where}: {self.message}" if where else self.message


class FrameworkError(ParindexError):
    """A framework file breaks docs/formats.md §1."""


class ValueRuleError(ParindexError):
    """A value that a leaf's rule cannot take (a bad answer)."""


class InputError(ParindexError):
    """A scores or units file breaks docs/formats.md §2."""


class ParindexErrors(ParindexError):
    """Several problems found in one pass; ``errors`` holds each one."""

    def __init__(self, errors: Sequence[ParindexError]) -> None:
        self.errors = tuple(errors)
        super().__init__(f"{len(self.errors)} error(s)")

    def __str__(self) -> str:
        return "\n".join(str(e) for e in self.errors)


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
