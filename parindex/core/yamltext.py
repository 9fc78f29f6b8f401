"""Strict YAML reading for the public file formats.

PyYAML's composer gives each scalar its style and line; we resolve types ourselves so that
YAML 1.1 surprises cannot change what a file means: ``yes`` stays the text "yes", ``1.10`` stays
the decimal text "1.10" (never a float), duplicate keys are errors, and every value knows its line.

Anchors (``&name``) and aliases (``*name``) are refused outright: the formats never need them, and
a few hundred bytes of nested aliases (the "billion laughs" bomb) would expand to billions of
values. A document above ``MAX_YAML_BYTES`` is refused before it is parsed, and one holding more
than ``MAX_YAML_NODES`` values, or collections nested deeper than ``MAX_YAML_DEPTH``, as soon as
the reader meets the one too many: PyYAML reads about ten thousand values a second, so two
megabytes of ``{},`` would otherwise take minutes.
"""

from __future__ import annotations

import re
from typing import Literal

import yaml

from .cells import character_name, control_character
from .errors import ParindexError
from .messages import msg

ScalarKind = Literal["str", "num", "bool", "null"]

MAX_YAML_BYTES = 2 * 1024 * 1024  # 2 MB: the shipped frameworks are about 30 kB
MAX_YAML_NODES = 20_000  # values: the shipped frameworks hold about 2,300
MAX_YAML_DEPTH = 100  # nested collections: the formats nest a few levels

_NUMBER = re.compile(r"[-+]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][-+]?[0-9]+)?")
_BOOLEANS = {"true": True, "false": False}  # docs/formats.md §1: booleans are true/false only
_NULLS = {"", "~", "null", "Null", "NULL"}


class Scalar(str):
    """A scalar's text, with how it was written (``kind``) and where (``line``)."""

    kind: ScalarKind
    line: int

    def __new__(cls, text: str, kind: ScalarKind, line: int) -> Scalar:
        self = super().__new__(cls, text)
        self.kind = kind
        self.line = line
        return self

    @property
    def boolean(self) -> bool | None:
        return _BOOLEANS.get(str(self)) if self.kind == "bool" else None


class Mapping(dict[str, "Value"]):
    """A mapping in file order; ``line`` is where it starts, ``key_lines`` where each key is,
    ``key_kinds`` how each key was written (a bare ``1`` is "num", a quoted ``"1"`` is "str")."""

    line: int
    key_lines: dict[str, int]
    key_kinds: dict[str, ScalarKind]


class Sequence(list["Value"]):
    line: int


Value = Scalar | Mapping | Sequence


def line_of(value: Value) -> int:
    return value.line


class _AnchorFound(Exception):
    """Raised by the loader at the first anchor or alias; ``line`` counts from 1."""

    def __init__(self, line: int) -> None:
        super().__init__(line)
        self.line = line


class _TooMuch(Exception):
    """Raised by the loader at the value one past ``MAX_YAML_NODES`` or ``MAX_YAML_DEPTH``."""

    def __init__(self, code: str, line: int) -> None:
        super().__init__(code, line)
        self.code = code
        self.line = line


class _Loader(yaml.SafeLoader):
    """PyYAML's safe composer, stopped at the first anchor or alias, before it is resolved, and
    at the value or the nesting one past the limits."""

    nodes = 0

    def compose_node(self, parent: yaml.Node | None, index: int) -> yaml.Node | None:
        event = self.peek_event()  # type: ignore[no-untyped-call]  # untyped in PyYAML's stubs
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None) is not None:
            raise _AnchorFound(event.start_mark.line + 1)
        self.nodes += 1
        if self.nodes > MAX_YAML_NODES:
            raise _TooMuch("yaml.too_many_values", event.start_mark.line + 1)
        return super().compose_node(parent, index)

    def fetch_flow_collection_start(self, TokenClass: type) -> None:  # PyYAML's parameter name
        # The scanner's cost grows with the square of the flow nesting: stop it early.
        if self.flow_level >= MAX_YAML_DEPTH:
            raise _TooMuch("yaml.too_deep", self.get_mark().line + 1)
        super().fetch_flow_collection_start(TokenClass)


def read_yaml(text: str, source: str, error: type[ParindexError]) -> Value:
    """Parse ``text`` into Scalars, Mappings and Sequences, or raise ``error`` with a line."""
    if len(text) > MAX_YAML_BYTES or len(text.encode("utf-8", "surrogatepass")) > MAX_YAML_BYTES:
        limit = MAX_YAML_BYTES // (1024 * 1024)
        raise error(msg("yaml.too_large", limit=limit), source=source)
    position = control_character(text)
    if position is not None:
        char = character_name(text[position])
        where = text.count("\n", 0, position) + 1
        raise error(msg("text.control_character", char=char), source=source, line=where)
    try:
        node = yaml.compose(text, Loader=_Loader)
    except _AnchorFound as found:
        raise error(msg("yaml.anchor"), source=source, line=found.line) from None
    except _TooMuch as found:
        params = {"limit": MAX_YAML_NODES} if found.code == "yaml.too_many_values" else {}
        raise error(msg(found.code, **params), source=source, line=found.line) from None
    except RecursionError:
        raise error(msg("yaml.too_deep"), source=source) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        problem = str(exc.problem or exc.context)
        raise error(msg("yaml.invalid", problem=problem), source=source, line=line) from None
    except yaml.YAMLError as exc:
        raise error(msg("yaml.invalid", problem=str(exc)), source=source) from None
    if node is None:
        raise error(msg("yaml.empty"), source=source)
    try:
        return _convert(node, source, error)
    except RecursionError:
        raise error(msg("yaml.too_deep"), source=source) from None


def _convert(node: yaml.Node, source: str, error: type[ParindexError]) -> Value:
    """The composed tree is a tree: with anchors refused, no node is shared and none loops."""
    line = node.start_mark.line + 1
    if isinstance(node, yaml.ScalarNode):
        return _scalar(node, line)
    if isinstance(node, yaml.SequenceNode):
        seq = Sequence(_convert(item, source, error) for item in node.value)
        seq.line = line
        return seq
    if isinstance(node, yaml.MappingNode):
        mapping = Mapping()
        mapping.line = line
        mapping.key_lines = {}
        mapping.key_kinds = {}
        for key_node, value_node in node.value:
            key_line = key_node.start_mark.line + 1
            if not isinstance(key_node, yaml.ScalarNode):
                raise error(msg("yaml.key_text"), source=source, line=key_line)
            key = str(key_node.value)
            if key == "<<":
                raise error(msg("yaml.merge_key"), source=source, line=key_line)
            if key in mapping:
                raise error(
                    msg("yaml.duplicate_key", key=key, first=str(mapping.key_lines[key])),
                    source=source,
                    line=key_line,
                )
            mapping[key] = _convert(value_node, source, error)
            mapping.key_lines[key] = key_line
            mapping.key_kinds[key] = _scalar(key_node, key_line).kind
        return mapping
    raise error("unsupported YAML node", source=source, line=line)  # pragma: no cover


def _scalar(node: yaml.ScalarNode, line: int) -> Scalar:
    text = str(node.value)
    if node.style is not None:  # quoted or block scalar: always text
        return Scalar(text, "str", line)
    if text in _NULLS:
        return Scalar(text, "null", line)
    if text in _BOOLEANS:
        return Scalar(text, "bool", line)
    if _NUMBER.fullmatch(text):
        return Scalar(text, "num", line)
    return Scalar(text, "str", line)
