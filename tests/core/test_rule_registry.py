"""One registry of rule types (``parindex.core.rules.RULES``): the framework reader, the scorer
and docs/formats.md §1.5 all follow it."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from pxkit import one_error, one_leaf

from parindex.core import FrameworkError, rules
from parindex.core.rules import RULES, Rule

FORMATS = Path(__file__).resolve().parents[2] / "docs" / "formats.md"


def _documented_rules() -> dict[str, set[str]]:
    """The §1.5 table of docs/formats.md: each rule type with the parameters it lists."""
    text = FORMATS.read_text(encoding="utf-8")
    section = text[text.index("### 1.5 ") :]
    section = section[: section.index("\n### ", 1)]
    found: dict[str, set[str]] = {}
    for line in section.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) < 2 or not re.fullmatch(r"`[a-z_]+`", cells[0]) or cells[0] == "`type`":
            continue
        found[cells[0].strip("`")] = set(re.findall(r"`([a-z_]+)`", cells[1]))
    return found


def test_docs_list_exactly_the_registered_rule_types_in_order_with_their_parameters() -> None:
    documented = _documented_rules()
    assert list(documented) == list(RULES)
    assert documented == {kind: set(spec.params) for kind, spec in RULES.items()}


def test_every_rule_class_is_registered_under_its_own_type() -> None:
    classes = {
        value
        for value in vars(rules).values()
        if isinstance(value, type) and issubclass(value, Rule) and value is not Rule
    }
    assert classes == {spec.cls for spec in RULES.values()}
    for kind, spec in RULES.items():
        assert spec.cls.type == kind
        assert spec.name.en == kind


# Each type's parameters as a framework file gives them (max 2, rounding 0.01).
PARAMETERS = {
    "points": "step: 0.5",
    "choice": "options: {a: 1, b: 2}",
    "yes_no": "",
    "ratio": "brackets: [{min: 50, points: 2}, {min: 0, points: 0}], max_percent: 100",
    "proportional": "max_percent: 100",
    "count": "per_item: 0.5",
    "deduction": "per_item: 0.5",
    "survey": "",
}


def _rule(kind: str, *extra: str) -> str:
    return "{" + ", ".join([f"type: {kind}", *filter(None, [PARAMETERS[kind], *extra])]) + "}"


def test_the_examples_here_cover_every_registered_type() -> None:
    assert list(PARAMETERS) == list(RULES)


@pytest.mark.parametrize("kind", list(RULES))
def test_the_reader_builds_each_registered_type_with_its_parameters(kind: str) -> None:
    leaf = one_leaf(_rule(kind), max="2").leaves[0]
    assert type(leaf.rule) is RULES[kind].cls


@pytest.mark.parametrize("kind", list(RULES))
def test_the_reader_refuses_a_parameter_of_another_type(kind: str) -> None:
    foreign = min({p for spec in RULES.values() for p in spec.params} - RULES[kind].params)
    error = one_error(lambda: one_leaf(_rule(kind, f"{foreign}: 1"), max="2"))
    assert isinstance(error, FrameworkError) and error.code == "fw.unknown_key"
    assert foreign in str(error)
