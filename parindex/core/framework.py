"""The framework (*bộ chỉ số*): a tree of areas, criteria and sub-criteria, read from YAML.

``load_framework(text, source)`` reads a ``parindex.framework/1`` file exactly as docs/formats.md §1
says and returns an immutable :class:`Framework`, or raises every problem it found, each naming
the file, line, node code and key.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property

from . import yamltext as y
from .errors import Collector, FrameworkError
from .messages import Message, Quoted, msg
from .numbers import (
    NumberSyntaxError,
    format_decimal,
    is_multiple,
    is_power_of_ten_at_most_one,
    parse_decimal,
    places_of,
)
from .rules import (
    RULES,
    Bracket,
    Option,
    Rule,
    is_na_word,
    match_key,
)
from .text import Text

FORMAT = "parindex.framework/1"
KINDS = ("normal", "bonus", "penalty")
EVIDENCE = ("required", "optional", "none")
SOURCES = ("self", "survey")
NA_POLICIES = ("rescale", "full")
_FRAMEWORK_CODE = re.compile(r"[a-z0-9-]+")
_TOP_KEYS = {
    "format",
    "code",
    "version",
    "title",
    "legal_basis",
    "unit_types",
    "rounding",
    "not_applicable",
    "bands",
    "nodes",
}
_NODE_KEYS = {
    "code",
    "title",
    "max",
    "children",
    "rule",
    "kind",
    "lead",
    "evidence",
    "allow_na",
    "applies_to",
    "source",
}


@dataclass(frozen=True)
class Band:
    """A result group (*nhóm xếp loại*), e.g. A ≥ 90."""

    code: str
    min: Decimal
    title: Text | None = None

    def label(self, lang: str = "vi") -> str:
        return self.title.get(lang) if self.title else self.code


@dataclass(frozen=True, eq=False)
class Node:
    """A node of the tree: an area (*lĩnh vực*), criterion (*tiêu chí*) or sub-criterion
    (*tiêu chí thành phần*). A leaf carries a rule; a branch sums its children.

    ``lead``, ``evidence``, ``applies_to`` and ``kind`` hold the values in force for this node,
    inherited from its ancestors where the file set them higher up.
    """

    code: str
    title: Text
    max: Decimal | None
    rule: Rule | None
    children: tuple[Node, ...]
    kind: str
    lead: str | None
    evidence: str
    allow_na: bool
    applies_to: frozenset[str] | None
    source: str
    depth: int
    parent: str | None
    line: int
    framework_rounding: Decimal
    full_max: Decimal

    @property
    def is_leaf(self) -> bool:
        return self.rule is not None

    def applies(self, unit_type: str | None) -> bool:
        return unit_type is None or self.applies_to is None or unit_type in self.applies_to

    @property
    def declared(self) -> bool:
        """A leaf the unit declares itself, in its self-assessment (not one from the survey)."""
        return self.is_leaf and self.source != "survey"

    def walk(self) -> Iterator[Node]:
        yield self
        for child in self.children:
            yield from child.walk()


@dataclass(frozen=True, eq=False)
class Framework:
    """One immutable version of a framework."""

    code: str
    version: str
    title: Text
    legal_basis: str | None
    unit_types: tuple[str, ...]
    rounding: Decimal
    not_applicable: str
    bands: tuple[Band, ...]
    nodes: tuple[Node, ...]
    source: str = field(default="<framework>")
    unit_type_titles: dict[str, Text] = field(default_factory=dict)

    def unit_type_text(self, code: str | None) -> Text:
        """A unit type as people name it in both languages (its code where it has no title)."""
        return self.unit_type_titles.get(code or "") or Text(code or "—")

    def unit_type_label(self, code: str | None, lang: str = "vi") -> str:
        """A unit type's title in ``lang``; its code where the framework gives no title."""
        if code is None:
            return ""
        title = self.unit_type_titles.get(code)
        return title.get(lang) if title is not None else code

    @cached_property
    def places(self) -> int:
        return places_of(self.rounding)

    @cached_property
    def all_nodes(self) -> tuple[Node, ...]:
        """Every node in framework order (depth first, as written)."""
        return tuple(n for top in self.nodes for n in top.walk())

    @cached_property
    def leaves(self) -> tuple[Node, ...]:
        return tuple(n for n in self.all_nodes if n.is_leaf)

    @cached_property
    def by_code(self) -> dict[str, Node]:
        return {n.code: n for n in self.all_nodes}

    @cached_property
    def _declared_by_type(self) -> dict[str | None, tuple[Node, ...]]:
        return {}

    def declared_leaves(self, unit_type: str | None) -> tuple[Node, ...]:
        """The leaves a unit of ``unit_type`` declares in its self-assessment: those that apply
        to it, survey leaves excepted (their values come from the survey)."""
        found = self._declared_by_type.get(unit_type)
        if found is None:
            found = tuple(leaf for leaf in self.leaves if leaf.applies(unit_type) and leaf.declared)
            self._declared_by_type[unit_type] = found
        return found

    def node(self, code: str) -> Node:
        return self.by_code[code]

    def unit_leaf(self, code: str, unit_type: str | None) -> Node | None:
        """The leaf ``code`` as a unit of ``unit_type`` has it: None unless the code names a
        leaf that applies to that type. Whether the unit declares it is ``Node.declared``."""
        node = self.by_code.get(code)
        return node if node is not None and node.is_leaf and node.applies(unit_type) else None

    @property
    def max_total(self) -> Decimal:
        """Maximum of a unit that every node applies to: normal top-level nodes only."""
        return sum((n.full_max for n in self.nodes if n.kind == "normal"), Decimal(0))

    def band_for(self, index: Decimal | None) -> Band | None:
        if index is None:
            return None
        return next((b for b in self.bands if b.min <= index), None)


def load_framework(text: str, source: str = "<framework>") -> Framework:
    """Read and validate a framework file; raise FrameworkError(s) naming every problem."""
    return _Reader(source).read(text)


class _Reader:
    def __init__(self, source: str) -> None:
        self.source = source
        self.problems = Collector()
        self.seen_codes: dict[str, int] = {}

    def error(self, message: Message, line: int | None, node: str | None = None) -> None:
        self.problems.add(FrameworkError(message, source=self.source, line=line, node=node))

    def read(self, text: str) -> Framework:
        root = y.read_yaml(text, self.source, FrameworkError)
        if not isinstance(root, y.Mapping):
            raise FrameworkError(msg("fw.not_mapping"), source=self.source, line=1)
        self.check_keys(root, _TOP_KEYS, None)
        fmt = root.get("format")
        if fmt is None:
            self.error(msg("fw.missing_key", key="format"), root.line)
        elif fmt != FORMAT:
            self.error(msg("fw.format", expected=FORMAT, found=Quoted(str(fmt))), y.line_of(fmt))
        code = self.code_text(root, "code", None, required=True)
        if code and not _FRAMEWORK_CODE.fullmatch(code):
            self.error(msg("fw.code_chars", code=Quoted(code)), root.key_lines["code"])
        version = self.code_text(root, "version", None, required=True)
        title = self.title(root, None)
        legal_basis = self.plain_text(root, "legal_basis", None)
        unit_types, unit_type_titles = self.unit_types(root)
        rounding = self.rounding(root)
        na_policy = self.choice(root, "not_applicable", NA_POLICIES, None) or "rescale"
        bands = self.bands(root.get("bands"))
        nodes = self.top_nodes(root, rounding, unit_types)
        self.problems.raise_if_any()
        assert code is not None and version is not None and title is not None
        return Framework(
            code=code,
            version=version,
            title=title,
            legal_basis=legal_basis,
            unit_types=unit_types,
            rounding=rounding,
            not_applicable=na_policy,
            bands=bands,
            nodes=nodes,
            source=self.source,
            unit_type_titles=unit_type_titles,
        )

    def rounding(self, root: y.Mapping) -> Decimal:
        """``rounding``: a power of ten at most 1; 0.01 where the file gives none."""
        if "rounding" in root:
            value = self.decimal(root, "rounding", None)
            if value is not None:
                if is_power_of_ten_at_most_one(value):
                    return value
                self.error(
                    msg("fw.rounding", found=Quoted(format_decimal(value))),
                    root.key_lines["rounding"],
                )
        return Decimal("0.01")

    def top_nodes(
        self, root: y.Mapping, rounding: Decimal, unit_types: tuple[str, ...]
    ) -> tuple[Node, ...]:
        """``nodes``: the top-level nodes (areas), each read with its subtree."""
        nodes_value = root.get("nodes")
        if nodes_value is None:
            self.error(msg("fw.missing_key", key="nodes"), root.line)
            return ()
        if not isinstance(nodes_value, y.Sequence) or not nodes_value:
            self.error(msg("fw.non_empty_list", key="nodes"), y.line_of(nodes_value))
            return ()
        built = [
            self.node(
                item,
                depth=0,
                parent=None,
                inherited=_Inherited(),
                rounding=rounding,
                unit_types=unit_types,
            )
            for item in nodes_value
        ]
        return tuple(n for n in built if n is not None)

    # -- small readers ------------------------------------------------------------------------

    def check_keys(self, mapping: y.Mapping, allowed: set[str], node: str | None) -> None:
        for key, line in mapping.key_lines.items():
            if key not in allowed and not key.startswith("x-"):
                self.error(msg("fw.unknown_key", key=key), line, node)

    def code_text(self, m: y.Mapping, key: str, node: str | None, *, required: bool) -> str | None:
        value = m.get(key)
        if value is None:
            if required:
                self.error(msg("fw.missing_key", key=key), m.line, node)
            return None
        if not isinstance(value, y.Scalar) or value.kind != "str":
            if isinstance(value, y.Scalar):
                self.error(msg("fw.quote_it", key=key, found=str(value)), value.line, node)
            else:
                self.error(msg("fw.string", key=key), y.line_of(value), node)
            return None
        if not value.strip():
            self.error(msg("fw.empty", key=key), value.line, node)
            return None
        return str(value)

    def plain_text(self, m: y.Mapping, key: str, node: str | None) -> str | None:
        value = m.get(key)
        if value is None:
            return None
        if not isinstance(value, y.Scalar) or value.kind != "str":
            self.error(msg("fw.text", key=key), y.line_of(value), node)
            return None
        return str(value)

    def title(self, m: y.Mapping, node: str | None, key: str = "title") -> Text | None:
        value = m.get(key)
        if value is None:
            self.error(msg("fw.missing_key", key=key), m.line, node)
            return None
        return self.text_value(value, node, key)

    def text_value(self, value: y.Value, node: str | None, key: str) -> Text | None:
        """A title: plain text, or ``{vi: …, en: …}``."""
        if isinstance(value, y.Scalar) and value.kind == "str" and value.strip():
            return Text(str(value))
        if isinstance(value, y.Mapping):
            self.check_keys(value, {"vi", "en"}, node)
            texts = {}
            for lang in ("vi", "en"):
                text = value.get(lang)
                if text is None:
                    continue
                if not isinstance(text, y.Scalar) or text.kind != "str" or not text.strip():
                    self.error(msg("fw.title_lang", key=f"{key}.{lang}"), y.line_of(text), node)
                else:
                    texts[lang] = str(text)
            if texts:
                first = texts.get("vi") or texts["en"]
                return Text(first, texts.get("en"))
            self.error(msg("fw.title_needs_lang", key=key), value.line, node)
            return None
        self.error(msg("fw.title_form", key=key), y.line_of(value), node)
        return None

    def decimal(self, m: y.Mapping, key: str, node: str | None) -> Decimal | None:
        value = m.get(key)
        if value is None:
            return None
        return self.decimal_value(value, key, node)

    def decimal_value(self, value: y.Value, what: str, node: str | None) -> Decimal | None:
        if not isinstance(value, y.Scalar) or value.kind not in ("num", "str"):
            self.error(msg("fw.number", key=what, found=_shown(value)), y.line_of(value), node)
            return None
        try:
            return parse_decimal(str(value).lstrip("+"))
        except NumberSyntaxError as exc:
            self.error(
                msg("fw.bad_number", key=what, found=Quoted(str(value)), reason=exc.msg),
                value.line,
                node,
            )
            return None

    def boolean(self, m: y.Mapping, key: str, node: str | None) -> bool | None:
        value = m.get(key)
        if value is None:
            return None
        if isinstance(value, y.Scalar) and value.kind == "bool":
            return value.boolean
        self.error(msg("fw.boolean", key=key, found=_shown(value)), y.line_of(value), node)
        return None

    def choice(
        self, m: y.Mapping, key: str, allowed: tuple[str, ...], node: str | None
    ) -> str | None:
        value = m.get(key)
        if value is None:
            return None
        if isinstance(value, y.Scalar) and value.kind == "str" and value in allowed:
            return str(value)
        found = Quoted(str(value)) if isinstance(value, y.Scalar) else "…"
        self.error(msg("fw.one_of", key=key, found=found, allowed=allowed), y.line_of(value), node)
        return None

    def string_list(self, m: y.Mapping, key: str, node: str | None) -> tuple[str, ...] | None:
        value = m.get(key)
        if value is None:
            return None
        if not isinstance(value, y.Sequence) or not value:
            self.error(msg("fw.non_empty_list", key=key), y.line_of(value), node)
            return None
        items: list[str] = []
        for item in value:
            if not isinstance(item, y.Scalar) or item.kind != "str" or not item.strip():
                self.error(msg("fw.codes_only", key=key), y.line_of(item), node)
            elif item in items:
                self.error(msg("fw.listed_twice", key=key, code=str(item)), item.line, node)
            else:
                items.append(str(item))
        return tuple(items)

    def unit_types(self, root: y.Mapping) -> tuple[tuple[str, ...], dict[str, Text]]:
        """``unit_types``: bare codes, or ``{code, title}`` items (both forms may mix)."""
        value = root.get("unit_types")
        if value is None:
            return (), {}
        if not isinstance(value, y.Sequence) or not value:
            self.error(msg("fw.non_empty_list", key="unit_types"), y.line_of(value))
            return (), {}
        codes: list[str] = []
        titles: dict[str, Text] = {}
        for item in value:
            title: Text | None = None
            if isinstance(item, y.Mapping):
                self.check_keys(item, {"code", "title"}, None)
                code = self.code_text(item, "code", None, required=True)
                title = self.title(item, None) if "title" in item else None
                line = item.line
            elif isinstance(item, y.Scalar) and item.kind == "str" and item.strip():
                code, line = str(item), item.line
            else:
                self.error(msg("fw.unit_type_form"), y.line_of(item))
                continue
            if code is None:
                continue
            if code in codes:
                self.error(msg("fw.listed_twice", key="unit_types", code=code), line)
                continue
            codes.append(code)
            if title is not None:
                titles[code] = title
        return tuple(codes), titles

    def bands(self, value: y.Value | None) -> tuple[Band, ...]:
        if value is None:
            return ()
        if not isinstance(value, y.Sequence):
            self.error(msg("fw.list", key="bands"), y.line_of(value))
            return ()
        bands: list[Band] = []
        for item in value:
            if not isinstance(item, y.Mapping):
                self.error(msg("fw.band_form"), y.line_of(item))
                continue
            self.check_keys(item, {"code", "min", "title"}, None)
            code = self.code_text(item, "code", None, required=True)
            low = self.decimal(item, "min", None)
            if "min" not in item:
                self.error(msg("fw.missing_key", key="min"), item.line)
            title = self.title(item, None) if "title" in item else None
            if code is None or low is None:
                continue
            if any(b.code == code for b in bands):
                self.error(msg("fw.band_twice", code=code), item.line)
            if bands and low >= bands[-1].min:
                self.error(
                    msg("fw.band_order", found=low, previous=bands[-1].min), item.key_lines["min"]
                )
            bands.append(Band(code, low, title))
        return tuple(bands)

    # -- nodes --------------------------------------------------------------------------------

    def node(
        self,
        value: y.Value,
        *,
        depth: int,
        parent: str | None,
        inherited: _Inherited,
        rounding: Decimal,
        unit_types: tuple[str, ...],
    ) -> Node | None:
        """A node of the tree: what every node has, then a leaf's rule or a branch's
        children (exactly one of them)."""
        if not isinstance(value, y.Mapping):
            self.error(msg("fw.node_form"), y.line_of(value), parent)
            return None
        code = self.node_code(value, parent)
        label = code or parent
        self.check_keys(value, _NODE_KEYS, label)
        head = _Head(
            code=code,
            label=label,
            title=self.title(value, label),
            attributes=self.attributes(value, depth, label, inherited, unit_types),
            cap=self.node_max(value, label, rounding),
            depth=depth,
            parent=parent,
            line=value.line,
            rounding=rounding,
        )
        has_children, has_rule = "children" in value, "rule" in value
        if has_children == has_rule:
            self.error(msg("fw.children_or_rule"), value.line, label)
            return None
        allow_na = self.boolean(value, "allow_na", label) or False
        if has_rule:
            return self.leaf(value, head, allow_na)
        return self.branch(value, head, unit_types)

    def node_code(self, value: y.Mapping, parent: str | None) -> str | None:
        """A node's code, which no other node of the file may have."""
        code = self.code_text(value, "code", parent, required=True)
        if code is not None:
            if code in self.seen_codes:
                self.error(
                    msg("fw.code_twice", code=code, first=str(self.seen_codes[code])),
                    value.key_lines["code"],
                    code,
                )
            else:
                self.seen_codes[code] = value.key_lines["code"]
        return code

    def attributes(
        self,
        value: y.Mapping,
        depth: int,
        label: str | None,
        inherited: _Inherited,
        unit_types: tuple[str, ...],
    ) -> _Inherited:
        """The attributes in force for a node: its own where it gives them, else its parent's;
        ``kind`` only on a top-level node; ``applies_to`` narrows the parent's."""
        kind = inherited.kind
        if "kind" in value:
            if depth > 0:
                self.error(msg("fw.kind_top_only"), value.key_lines["kind"], label)
            kind = self.choice(value, "kind", KINDS, label) or "normal"
        lead = self.plain_text(value, "lead", label) or inherited.lead
        evidence = self.choice(value, "evidence", EVIDENCE, label) or inherited.evidence
        source = self.choice(value, "source", SOURCES, label) or inherited.source
        applies_to = inherited.applies_to
        own_types = self.string_list(value, "applies_to", label)
        if own_types is not None:
            for t in own_types:
                if unit_types and t not in unit_types:
                    self.error(
                        msg("fw.applies_to_unknown", type=t, types=unit_types),
                        value.key_lines["applies_to"],
                        label,
                    )
            own = frozenset(own_types)
            applies_to = own if applies_to is None else applies_to & own
        return _Inherited(kind, lead, evidence, applies_to, source)

    def node_max(self, value: y.Mapping, label: str | None, rounding: Decimal) -> Decimal | None:
        """A node's ``max``: positive and a multiple of the framework's rounding."""
        cap = self.decimal(value, "max", label)
        if cap is not None:
            if cap <= 0:
                self.error(msg("fw.positive", key="max", found=cap), value.key_lines["max"], label)
            elif not is_multiple(cap, rounding):
                self.error(
                    msg("fw.multiple_of_rounding", key="max", found=cap, rounding=rounding),
                    value.key_lines["max"],
                    label,
                )
        return cap

    def leaf(self, value: y.Mapping, head: _Head, allow_na: bool) -> Node | None:
        """A leaf: a max and a rule; ``allow_na`` only on a normal leaf."""
        label, cap = head.label, head.cap
        if cap is None and "max" not in value:
            self.error(msg("fw.leaf_needs_max"), head.line, label)
        if allow_na and head.attributes.kind != "normal":
            self.error(msg("fw.allow_na_normal"), value.key_lines["allow_na"], label)
        rule = self.rule(value["rule"], cap, head.rounding, label)
        if head.code is None or head.title is None or cap is None or rule is None or cap <= 0:
            return None
        return head.build(rule=rule, children=(), allow_na=allow_na, full_max=cap)

    def branch(self, value: y.Mapping, head: _Head, unit_types: tuple[str, ...]) -> Node | None:
        """A branch: its children, which inherit its attributes; its max, if given, caps their
        sum and may not exceed it."""
        label, cap = head.label, head.cap
        if "allow_na" in value:
            self.error(msg("fw.allow_na_leaf"), value.key_lines["allow_na"], label)
        children_value = value["children"]
        if not isinstance(children_value, y.Sequence) or not children_value:
            self.error(msg("fw.non_empty_list", key="children"), y.line_of(children_value), label)
            return None
        built = [
            self.node(
                c,
                depth=head.depth + 1,
                parent=head.code,
                inherited=head.attributes,
                rounding=head.rounding,
                unit_types=unit_types,
            )
            for c in children_value
        ]
        children = tuple(c for c in built if c is not None)
        if head.code is None or head.title is None or len(children) != len(built):
            return None
        children_sum = sum((c.full_max for c in children), Decimal(0))
        if cap is not None and cap > children_sum:
            self.error(
                msg("fw.cap_above_children", max=cap, total=children_sum),
                value.key_lines["max"],
                label,
            )
        full_max = children_sum if cap is None else min(cap, children_sum)
        return head.build(rule=None, children=children, allow_na=False, full_max=full_max)

    def rule(
        self, value: y.Value, cap: Decimal | None, rounding: Decimal, node: str | None
    ) -> Rule | None:
        """A leaf's rule: its type, then its parameters, read by the registered type's own
        reader (``RULES``)."""
        if not isinstance(value, y.Mapping):
            self.error(msg("fw.rule_form"), y.line_of(value), node)
            return None
        kind = value.get("type")
        if kind is None:
            self.error(msg("fw.missing_key", key="type"), value.line, node)
            return None
        if not isinstance(kind, y.Scalar) or kind not in RULES:
            found = Quoted(str(kind)) if isinstance(kind, y.Scalar) else "…"
            self.error(
                msg("fw.rule_type", found=found, allowed=tuple(RULES)),
                value.key_lines.get("type", value.line),
                node,
            )
            return None
        self.check_keys(value, {"type"} | RULES[kind].params, node)
        return RULES[kind].cls.read(_RuleParams(self, value, kind, cap, rounding, node))


class _RuleParams:
    """The parameters of one rule of a framework file (``rules.RuleParams``): each read, checked
    and reported by the reader, with the leaf's max and the framework's rounding at hand."""

    def __init__(
        self,
        reader: _Reader,
        value: y.Mapping,
        kind: str,
        cap: Decimal | None,
        rounding: Decimal,
        node: str | None,
    ) -> None:
        self.reader = reader
        self.value = value
        self.kind = kind
        self.top = cap if cap is not None and cap > 0 else None
        self.rounding = rounding
        self.node = node

    def error(self, message: Message, line: int) -> None:
        self.reader.error(message, line, self.node)

    def points_ok(self, points: Decimal | None, line: int, what: str) -> bool:
        """Points a rule gives: at most the leaf's max, a multiple of the rounding."""
        if points is None:
            return False
        if self.top is not None and points > self.top:
            self.error(msg("fw.points_above_max", key=what, found=points, max=self.top), line)
            return False
        if not is_multiple(points, self.rounding):
            self.error(
                msg("fw.multiple_of_rounding", key=what, found=points, rounding=self.rounding),
                line,
            )
            return False
        return True

    def amount(self, key: str, *, required: bool) -> Decimal | None:
        value = self.value
        if key not in value:
            if required:
                self.error(msg("fw.rule_needs", rule=self.kind, key=key), value.line)
            return None
        amount = self.reader.decimal(value, key, self.node)
        if amount is None:
            return None
        if amount <= 0:
            self.error(msg("fw.positive", key=key, found=amount), value.key_lines[key])
            return None
        if not is_multiple(amount, self.rounding):
            self.error(
                msg("fw.multiple_of_rounding", key=key, found=amount, rounding=self.rounding),
                value.key_lines[key],
            )
            return None
        return amount

    def limit(self, key: str) -> Decimal | None:
        # A percentage limit, not points: no multiple of rounding is asked of it.
        if key not in self.value:
            return None
        amount = self.reader.decimal(self.value, key, self.node)
        if amount is not None and amount <= 0:
            self.error(msg("fw.positive", key=key, found=amount), self.value.key_lines[key])
            return None
        return amount

    def options(self) -> tuple[Option, ...] | None:
        options = self.value.get("options")
        if not isinstance(options, y.Mapping) or not options:
            self.error(msg("fw.choice_options"), self.value.line)
            return None
        parsed = [self.option(key, item, options.key_lines[key]) for key, item in options.items()]
        chosen = tuple(o for o in parsed if o is not None)
        if len(chosen) != len(parsed) or not self.options_distinct(chosen, self.value.line):
            return None
        return chosen

    def option(self, key: str, value: y.Value, line: int) -> Option | None:
        """A choice option: ``key: points`` or ``key: {points: P, title: T}``."""
        reader, node = self.reader, self.node
        what = f"option '{key}'"
        title: Text | None = None
        if isinstance(value, y.Mapping):
            reader.check_keys(value, {"points", "title"}, node)
            if "points" not in value:
                self.error(msg("fw.missing_key", key=f"{what}.points"), value.line)
                return None
            title = reader.title(value, node) if "title" in value else None
            points_value: y.Value = value["points"]
        else:
            points_value = value
        points = reader.decimal_value(points_value, what, node)
        if not self.points_ok(points, line, what):
            return None
        assert points is not None
        return Option(key, points, title)

    def options_distinct(self, options: tuple[Option, ...], line: int) -> bool:
        """No value may name two options: a title (either language) must not match another
        option's title or key (docs/formats.md §1)."""
        owner: dict[str, str] = {match_key(o.key): o.key for o in options}
        ok = True
        for option in options:
            for name in (option.key, *option.names()):
                if is_na_word(match_key(name)):
                    self.error(msg("fw.option_na_word", option=option.key, name=Quoted(name)), line)
                    ok = False
            for name in option.names():
                wanted = match_key(name)
                other = owner.setdefault(wanted, option.key)
                if other != option.key:
                    self.error(
                        msg(
                            "fw.option_title_clash", title=Quoted(name), one=option.key, other=other
                        ),
                        line,
                    )
                    ok = False
        return ok

    def brackets_given(self) -> bool:
        brackets_value = self.value.get("brackets")
        if not isinstance(brackets_value, y.Sequence) or not brackets_value:
            self.error(msg("fw.ratio_brackets"), self.value.line)
            return False
        return True

    def brackets(self) -> tuple[Bracket, ...] | None:
        brackets_value = self.value["brackets"]
        assert isinstance(brackets_value, y.Sequence) and brackets_value
        brackets: list[Bracket] = []
        ok = True
        for item in brackets_value:
            if not isinstance(item, y.Mapping) or "min" not in item or "points" not in item:
                self.error(msg("fw.bracket_form"), y.line_of(item))
                ok = False
                continue
            self.reader.check_keys(item, {"min", "points"}, self.node)
            low = self.reader.decimal(item, "min", self.node)
            points = self.reader.decimal(item, "points", self.node)
            if low is None or not self.points_ok(
                points, item.key_lines["points"], "bracket points"
            ):
                ok = False
                continue
            assert points is not None
            if brackets and low >= brackets[-1].min:
                self.error(
                    msg("fw.bracket_order", found=low, previous=brackets[-1].min),
                    item.key_lines["min"],
                )
                ok = False
            brackets.append(Bracket(low, points))
        if ok and brackets[-1].min != 0:
            self.error(msg("fw.bracket_last", found=brackets[-1].min), brackets_value[-1].line)
            ok = False
        return tuple(brackets) if ok else None


@dataclass(frozen=True)
class _Inherited:
    kind: str = "normal"
    lead: str | None = None
    evidence: str = "optional"
    applies_to: frozenset[str] | None = None
    source: str = "self"


@dataclass(frozen=True)
class _Head:
    """What every node has, read before its rule or children: its code (``label`` names it in
    messages, its parent's code where it has none), title, max, the attributes in force and
    where it is."""

    code: str | None
    label: str | None
    title: Text | None
    attributes: _Inherited
    cap: Decimal | None
    depth: int
    parent: str | None
    line: int
    rounding: Decimal

    def build(
        self, *, rule: Rule | None, children: tuple[Node, ...], allow_na: bool, full_max: Decimal
    ) -> Node:
        assert self.code is not None and self.title is not None
        attributes = self.attributes
        return Node(
            code=self.code,
            title=self.title,
            max=self.cap,
            rule=rule,
            children=children,
            kind=attributes.kind,
            lead=attributes.lead,
            evidence=attributes.evidence,
            allow_na=allow_na,
            applies_to=attributes.applies_to,
            source=attributes.source,
            depth=self.depth,
            parent=self.parent,
            line=self.line,
            framework_rounding=self.rounding,
            full_max=full_max,
        )


def _shown(value: y.Value | None) -> object:
    """A value of the file as its writer wrote it, for a message ("…" for a list or mapping)."""
    return Quoted(str(value)) if isinstance(value, y.Scalar) else "…"
