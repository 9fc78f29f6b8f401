"""Reading the framework file (docs/formats.md §1).

docs/methodology.md M1–M10, decisions D1–D4, D9.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from pxkit import HEAD, errors_of, fw_text, load, one_error, one_leaf

from parindex.core import FrameworkError, load_framework

MINIMAL = """\
format: parindex.framework/1
code: demo
version: "2024"
title: Demo
nodes:
  - code: "1"
    title: "Kế hoạch CCHC năm"
    max: 1
    rule: {type: yes_no}
"""


def framework_error(text: str) -> FrameworkError:
    error = one_error(lambda: load_framework(text, "fw.yaml"))
    assert isinstance(error, FrameworkError), type(error)
    assert error.source == "fw.yaml"
    assert str(error).startswith("fw.yaml")
    return error


# -- M1 required keys ---------------------------------------------------------------------------


def test_m1_minimal_framework_is_valid() -> None:
    """M1: one node, one leaf, max 1."""
    fw = load_framework(MINIMAL, "fw.yaml")
    assert (fw.code, fw.version, str(fw.title)) == ("demo", "2024", "Demo")
    assert len(fw.all_nodes) == 1 and len(fw.leaves) == 1
    assert fw.max_total == Decimal(1)
    assert fw.rounding == Decimal("0.01") and fw.not_applicable == "rescale"


def test_m1_node_without_title_names_file_line_and_node() -> None:
    """M1: fw.yaml:6, node 1: missing key 'title'."""
    error = framework_error(MINIMAL.replace('    title: "Kế hoạch CCHC năm"\n', ""))
    assert str(error) == "fw.yaml:6, node 1: missing key 'title'"
    assert (error.line, error.node) == (6, "1")


def test_m1_leaf_without_max() -> None:
    """M1: a leaf needs 'max'."""
    error = framework_error(MINIMAL.replace("    max: 1\n", ""))
    assert "a leaf needs 'max'" in str(error)
    assert (error.line, error.node) == (6, "1")


def test_m1_leaf_without_rule_or_children() -> None:
    """M1: a node has children or a rule."""
    error = framework_error(MINIMAL.replace("    rule: {type: yes_no}\n", ""))
    assert "either children or a rule" in str(error) and error.node == "1"


def test_m1_empty_children() -> None:
    """M1: children: [] gives 'children must be a non-empty list'."""
    text = HEAD + 'nodes:\n  - code: "1"\n    title: A\n    children: []\n'
    error = framework_error(text)
    assert "children must be a non-empty list" in str(error)
    assert (error.line, error.node) == (8, "1")


def test_m1_children_and_rule_together() -> None:
    """M1: a node has children or a rule, never both."""
    text = fw_text("""
        - code: "1"
          title: A
          max: 1
          rule: {type: yes_no}
          children: [{code: "1.1", title: a, max: 1, rule: {type: yes_no}}]
    """)
    error = framework_error(text)
    assert "exactly one" in str(error) and error.node == "1"


@pytest.mark.parametrize("nodes", ["nodes: []\n", "nodes: {}\n", ""])
def test_m1_nodes_must_be_a_non_empty_list(nodes: str) -> None:
    """M1: a non-empty nodes list is required."""
    error = framework_error(HEAD + nodes)
    assert "nodes" in str(error)


@pytest.mark.parametrize("key", ["format", "code", "version", "title"])
def test_m1_missing_top_level_key(key: str) -> None:
    """M1: format, code, version and title are required."""
    lines = [line for line in MINIMAL.splitlines(keepends=True) if not line.startswith(f"{key}:")]
    error = framework_error("".join(lines))
    assert f"missing key '{key}'" in str(error)


def test_m1_wrong_format() -> None:
    """M1: format must be parindex.framework/1."""
    error = framework_error(MINIMAL.replace("parindex.framework/1", "parindex.framework/2"))
    assert "format must be 'parindex.framework/1'" in str(error) and error.line == 1


def test_m1_code_characters() -> None:
    """M1: the framework code is [a-z0-9-]+."""
    error = framework_error(MINIMAL.replace("code: demo", "code: Demo_Province"))
    assert "a-z, 0-9" in str(error) and error.line == 2


def test_m1_node_code_unique() -> None:
    """M1: a node code is unique in the file."""
    text = fw_text("""
        - code: "1"
          title: A
          children:
            - {code: "1.1", title: a, max: 1, rule: {type: yes_no}}
            - {code: "1.1", title: b, max: 1, rule: {type: yes_no}}
    """)
    error = framework_error(text)
    assert "code '1.1' is used twice (first at line 9)" in str(error)
    assert (error.line, error.node) == (10, "1.1")


def test_m1_every_problem_is_reported() -> None:
    """M1: the reader reports every problem of the file in one pass."""
    text = fw_text("""
        - {code: "1", title: A, rule: {type: yes_no}}
        - {code: "2", max: 1, rule: {type: yes_no}}
    """)
    found = errors_of(lambda: load_framework(text, "fw.yaml"))
    assert [(e.node, e.line) for e in found] == [("1", 6), ("2", 7)]


def test_m1_file_must_be_a_mapping() -> None:
    error = framework_error("- just\n- a list\n")
    assert "mapping" in str(error)


def test_m1_empty_file() -> None:
    error = framework_error("")
    assert "empty" in str(error)


def test_m1_invalid_yaml_names_the_line() -> None:
    error = framework_error(MINIMAL + "  - code: [unclosed\n")
    assert "not valid YAML" in str(error) and error.line is not None


def test_m1_title_forms() -> None:
    """M1: a title is text or {vi, en}."""
    fw = load(
        '- {code: "1", title: {vi: "Chỉ đạo", en: "Direction"}, max: 1, rule: {type: yes_no}}'
    )
    assert (fw.node("1").title.vi, fw.node("1").title.en) == ("Chỉ đạo", "Direction")
    text = fw_text('- {code: "1", title: {fr: X}, max: 1, rule: {type: yes_no}}')
    found = errors_of(lambda: load_framework(text, "fw.yaml"))
    assert [str(e) for e in found] == [
        "fw.yaml:6, node 1: unknown key 'fr' (extensions start with 'x-')",
        "fw.yaml:6, node 1: title needs 'vi' or 'en'",
    ]


# -- M2 codes and versions are strings ----------------------------------------------------------


def test_m2_bare_number_code_is_refused() -> None:
    """M2: code: 1.10 is refused with a hint to quote it."""
    text = HEAD + "nodes:\n  - code: 1.10\n    title: A\n    max: 1\n    rule: {type: yes_no}\n"
    error = framework_error(text)
    assert 'code must be a string (quote it: "1.10")' in str(error)
    assert error.line == 6


def test_m2_bare_number_version_is_refused() -> None:
    """M2: version: 2024 is refused with (quote it: "2024")."""
    error = framework_error(MINIMAL.replace('version: "2024"', "version: 2024"))
    assert '(quote it: "2024")' in str(error) and error.line == 3


def test_m2_quoted_codes_are_distinct() -> None:
    """M2: "1.1" and "1.10" are two distinct nodes."""
    fw = load("""
        - code: "1"
          title: A
          children:
            - {code: "1.1", title: a, max: 1, rule: {type: yes_no}}
            - {code: "1.10", title: b, max: 1, rule: {type: yes_no}}
    """)
    assert [n.code for n in fw.leaves] == ["1.1", "1.10"]


@pytest.mark.parametrize("written", ["1", "true", "null"])
def test_m2_code_must_be_text(written: str) -> None:
    """M2: a code written as a number, boolean or null is not text."""
    error = framework_error(MINIMAL.replace('code: "1"', f"code: {written}"))
    assert "code" in str(error) and error.line == 6


# -- M3 numbers are decimal text ----------------------------------------------------------------


def test_m3_decimal_sum_is_exact() -> None:
    """M3: maxima 0.1 and 0.2 give exactly 0.3."""
    fw = load("""
        - code: "1"
          title: A
          children:
            - {code: "1.1", title: a, max: 0.1, rule: {type: yes_no}}
            - {code: "1.2", title: b, max: 0.2, rule: {type: yes_no}}
    """)
    assert fw.max_total == Decimal("0.3")
    assert str(fw.max_total) == "0.3"


def test_m3_exponent_is_refused() -> None:
    """M3: max: 1e2 is refused."""
    error = framework_error(MINIMAL.replace("max: 1", "max: 1e2"))
    assert "exponents are not allowed" in str(error) and (error.line, error.node) == (8, "1")


def test_m3_comma_is_refused_with_hint() -> None:
    """M3: max: 1,5 is refused with the hint write 1.5."""
    error = framework_error(MINIMAL.replace("max: 1", "max: 1,5"))
    assert "write 1.5" in str(error) and (error.line, error.node) == (8, "1")


def test_m3_quoted_number_reads_like_a_number() -> None:
    """M3, D3: rounding: "0.01" and max: "1.5" read as decimal text."""
    fw = one_leaf("{type: yes_no}", max='"1.5"', head='rounding: "0.01"\n')
    assert fw.leaves[0].max == Decimal("1.5") and fw.rounding == Decimal("0.01")


@pytest.mark.parametrize("written", ["-1", ".5", "1.", "true", "[1]", "0x10", "1_000", "١"])
def test_m3_other_non_numbers_are_refused(written: str) -> None:
    """M3: only plain non-negative decimal text is a number (ASCII digits, D2)."""
    error = framework_error(MINIMAL.replace("max: 1", f"max: {written}"))
    assert error.node == "1" and error.line == 8
    assert "max" in str(error)


def test_m3_max_must_be_positive() -> None:
    """M1/M3: max is a decimal > 0."""
    error = framework_error(MINIMAL.replace("max: 1", "max: 0"))
    assert "max must be greater than 0" in str(error) and error.node == "1"


# -- M4 booleans --------------------------------------------------------------------------------


def test_m4_true_is_a_boolean() -> None:
    """M4: allow_na: true is accepted."""
    assert one_leaf("{type: yes_no}", extra=", allow_na: true").leaves[0].allow_na
    assert not one_leaf("{type: yes_no}", extra=", allow_na: false").leaves[0].allow_na


@pytest.mark.parametrize("written", ["yes", "True", '"true"', "on", "1", "TRUE"])
def test_m4_other_booleans_are_refused(written: str) -> None:
    """M4, D1: allow_na: yes / True / "true" are refused."""
    leaf = '- {code: "1", title: L, max: 1, rule: {type: yes_no}, allow_na: WRITTEN}'
    text = fw_text(leaf.replace("WRITTEN", written))
    error = framework_error(text)
    assert "allow_na must be true or false" in str(error)
    assert (error.line, error.node) == (6, "1")


# -- M5 duplicate, unknown and x- keys ----------------------------------------------------------


def test_m5_duplicate_key() -> None:
    """M5: fw.yaml:9: duplicate key 'max' (first at line 8)."""
    error = framework_error(MINIMAL.replace("    max: 1\n", "    max: 1\n    max: 2\n"))
    assert str(error) == "fw.yaml:9: duplicate key 'max' (first at line 8)"


def test_m5_unknown_key_names_key_and_node() -> None:
    """M5: unknown key 'maxx' in node 1.1."""
    text = fw_text("""
        - code: "1"
          title: A
          children:
            - {code: "1.1", title: a, maxx: 1, max: 1, rule: {type: yes_no}}
    """)
    error = framework_error(text)
    assert "unknown key 'maxx' (extensions start with 'x-')" in str(error)
    assert (error.line, error.node) == (9, "1.1")


@pytest.mark.parametrize(
    "nodes",
    [
        '- {code: "1", title: L, max: 1, rule: {type: yes_no, per_item: 1}}',
        '- {code: "1", title: L, max: 1, rule: {type: ratio, brackets: [{min: 0, points: 1, '
        "z: 1}]}}",
        '- {code: "1", title: {vi: A, de: B}, max: 1, rule: {type: yes_no}}',
    ],
)
def test_m5_unknown_keys_inside_rules_and_titles(nodes: str) -> None:
    """M5: unknown keys in a rule, bracket or title are errors naming the node."""
    error = framework_error(fw_text(nodes))
    assert "unknown key" in str(error) and error.node == "1"


def test_m5_unknown_top_level_key() -> None:
    error = framework_error("colour: blue\n" + MINIMAL)
    assert "unknown key 'colour'" in str(error) and error.line == 1


def test_m5_x_keys_are_free() -> None:
    """M5: x-note, x-source and x-hint are accepted."""
    fw = load(
        '- code: "1"\n  title: A\n  x-source: "Điều 5"\n  max: 1\n'
        "  rule: {type: yes_no, x-hint: tick}",
        head="x-note: draft\n",
    )
    assert fw.leaves[0].code == "1"


def test_m5_merge_keys_are_refused() -> None:
    text = fw_text("""
        - {<<: {code: "1", title: A, max: 1, rule: {type: yes_no}}, code: "2"}
    """)
    error = framework_error(text)
    assert "merge keys" in str(error)


def test_d9_recursive_alias_is_an_error_not_a_crash() -> None:
    """D9: an alias that refers to a node containing it (every anchor and alias is refused)."""
    error = framework_error(HEAD + "nodes: &x [*x]\n")
    assert "alias" in str(error) and error.line == 5


def test_d9_deep_nesting_is_an_error_not_a_crash() -> None:
    """D9: nesting too deep for the reader."""
    error = framework_error(HEAD + "nodes: " + "[" * 500 + "]" * 500 + "\n")
    assert "YAML" in str(error)


# -- M6 rounding --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "places"), [('"1"', 0), ('"0.1"', 1), ("0.01", 2), ('"0.001"', 3)]
)
def test_m6_rounding_powers_of_ten(written: str, places: int) -> None:
    """M6: 1, 0.1, 0.01, 0.001."""
    fw = one_leaf("{type: yes_no}", head=f"rounding: {written}\n")
    assert fw.places == places


@pytest.mark.parametrize("written", ['"0.05"', "10", "0.2", "0"])
def test_m6_rounding_must_be_a_power_of_ten_at_most_one(written: str) -> None:
    """M6: rounding 0.05 and 10 are refused."""
    leaf = '- {code: "1", title: L, max: 10, rule: {type: yes_no}}'
    text = fw_text(leaf, f"rounding: {written}\n")
    error = framework_error(text)
    assert "rounding must be" in str(error) and error.line == 5


@pytest.mark.parametrize(
    "leaf",
    [
        '{code: "1", title: L, max: 0.25, rule: {type: yes_no}}',
        '{code: "1", title: L, max: 1, rule: {type: count, per_item: 0.05}}',
        '{code: "1", title: L, max: 1, rule: {type: points, step: 0.25}}',
        '{code: "1", title: L, max: 1, rule: {type: choice, options: {a: 0.25, b: 0}}}',
        '{code: "1", title: L, max: 1, rule: {type: ratio, brackets: [{min: 50, points: 0.25}, '
        "{min: 0, points: 0}]}}",
    ],
    ids=["max", "per_item", "step", "option", "bracket"],
)
def test_m6_values_must_be_multiples_of_rounding(leaf: str) -> None:
    """M6: at rounding 0.1, max 0.25, per_item 0.05, step 0.25, option and bracket 0.25 fail."""
    error = framework_error(fw_text(f"- {leaf}", 'rounding: "0.1"\n'))
    assert "must be a multiple of rounding 0.1" in str(error)
    assert (error.line, error.node) == (7, "1")


def test_m6_multiple_of_rounding_is_fine() -> None:
    """M6: max 0.5 at rounding 0.1 is fine."""
    assert one_leaf("{type: yes_no}", max="0.5", head='rounding: "0.1"\n').leaves[0].max == Decimal(
        "0.5"
    )


def test_m6_branch_cap_must_be_a_multiple_of_rounding() -> None:
    text = fw_text(
        """
        - code: "1"
          title: A
          max: 1.5
          children: [{code: "1.1", title: a, max: 2, rule: {type: yes_no}}]
        """,
        "rounding: 1\n",
    )
    error = framework_error(text)
    assert "multiple of rounding 1" in str(error) and error.node == "1"


# -- M7 bands -----------------------------------------------------------------------------------

BANDS = (
    "bands:\n  - {code: A, min: 90}\n  - {code: B, min: 80}\n"
    "  - {code: C, min: 70}\n  - {code: D, min: 0}\n"
)


def test_m7_decreasing_bands_are_valid() -> None:
    """M7: A 90, B 80, C 70, D 0."""
    fw = one_leaf("{type: yes_no}", head=BANDS)
    assert [(b.code, b.min) for b in fw.bands] == [
        ("A", Decimal(90)),
        ("B", Decimal(80)),
        ("C", Decimal(70)),
        ("D", Decimal(0)),
    ]


def test_m7_band_mins_must_strictly_decrease() -> None:
    """M7: A 90, B 90 is refused."""
    head = "bands:\n  - {code: A, min: 90}\n  - {code: B, min: 90}\n"
    error = framework_error(fw_text('- {code: "1", title: L, max: 1, rule: {type: yes_no}}', head))
    assert "band mins must strictly decrease" in str(error) and error.line == 7


def test_m7_band_needs_code_and_min() -> None:
    head = "bands:\n  - {code: A}\n  - {min: 10}\n"
    found = errors_of(
        lambda: load_framework(
            fw_text('- {code: "1", title: L, max: 1, rule: {type: yes_no}}', head), "fw.yaml"
        )
    )
    assert any("min" in str(e) for e in found) and any("code" in str(e) for e in found)


def test_m7_band_codes_unique() -> None:
    head = "bands:\n  - {code: A, min: 90}\n  - {code: A, min: 50}\n"
    error = framework_error(fw_text('- {code: "1", title: L, max: 1, rule: {type: yes_no}}', head))
    assert "used twice" in str(error)


# -- M8 kind, bonus/penalty caps, branch caps ---------------------------------------------------

BRANCH_25 = """
- code: "1"
  title: A
  max: {cap}
  children:
    - {{code: "1.1", title: a, max: 1, rule: {{type: yes_no}}}}
    - {{code: "1.2", title: b, max: 1.5, rule: {{type: yes_no}}}}
"""


@pytest.mark.parametrize("cap", ["2", "2.5"])
def test_m8_branch_cap_up_to_children_sum(cap: str) -> None:
    """M8: max 2 and max 2.5 over children of 1 and 1.5 are valid."""
    fw = load(BRANCH_25.format(cap=cap))
    assert fw.node("1").full_max == Decimal(cap)


def test_m8_branch_cap_above_children_sum_is_refused() -> None:
    """M8: max 3 exceeds the children's sum 2.5."""
    error = framework_error(fw_text(BRANCH_25.format(cap="3")))
    assert "max 3 exceeds the children's sum 2.5" in str(error)
    assert (error.line, error.node) == (8, "1")


def test_m8_bonus_without_max_is_capped_at_children_sum() -> None:
    """M8: bonus block B with children 0.5 and 1 is capped at 1.5."""
    fw = load("""
        - {code: "1", title: A, max: 10, rule: {type: points}}
        - code: "B"
          title: Bonus
          kind: bonus
          children:
            - {code: "B.1", title: a, max: 0.5, rule: {type: yes_no}}
            - {code: "B.2", title: b, max: 1, rule: {type: yes_no}}
    """)
    bonus = fw.node("B")
    assert bonus.kind == "bonus" and bonus.full_max == Decimal("1.5")
    assert fw.node("B.2").kind == "bonus"  # kind holds for the whole subtree
    assert fw.max_total == Decimal(10)  # bonus never enters the maximum (M28)


def test_m8_kind_only_on_top_level_nodes() -> None:
    """M8: kind: bonus on leaf 1.1 is refused."""
    text = fw_text("""
        - code: "1"
          title: A
          children:
            - {code: "1.1", title: a, kind: bonus, max: 1, rule: {type: yes_no}}
    """)
    error = framework_error(text)
    assert "kind may be set on top-level nodes only" in str(error)
    assert (error.line, error.node) == (9, "1.1")


def test_m8_kind_values() -> None:
    text = fw_text('- {code: "1", title: A, kind: extra, max: 1, rule: {type: yes_no}}')
    error = framework_error(text)
    assert "kind 'extra' is not one of normal, bonus, penalty" in str(error) and error.node == "1"


# -- M9 allow_na and applies_to -----------------------------------------------------------------

TYPES = "unit_types: [department, commune]\n"


def test_m9_applies_to_inherited_from_branch() -> None:
    """M9: branch 2 applies_to [department]; leaf 2.1 applies to a department, not a commune."""
    fw = load(
        """
        - {code: "1", title: A, max: 1, rule: {type: yes_no}}
        - code: "2"
          title: B
          applies_to: [department]
          children:
            - {code: "2.1", title: b, max: 1, rule: {type: yes_no}}
        """,
        TYPES,
    )
    leaf = fw.node("2.1")
    assert leaf.applies("department") and not leaf.applies("commune")
    assert leaf.applies(None)  # a unit with no type gets every node (M24)


def test_m9_applies_to_narrows_by_intersection() -> None:
    """M9, D4: a descendant's own list narrows the inherited one."""
    fw = load(
        """
        - code: "1"
          title: A
          applies_to: [department, commune]
          children:
            - {code: "1.1", title: a, max: 1, rule: {type: yes_no}, applies_to: [commune]}
        """,
        TYPES,
    )
    assert fw.node("1.1").applies("commune") and not fw.node("1.1").applies("department")


def test_m9_applies_to_types_must_be_listed() -> None:
    """M9: applies_to type 'district' is not in unit_types."""
    text = fw_text(
        """
        - code: "1"
          title: A
          applies_to: [district]
          children:
            - {code: "1.1", title: a, max: 1, rule: {type: yes_no}}
        """,
        TYPES,
    )
    error = framework_error(text)
    assert "applies_to type 'district' is not in unit_types" in str(error)
    assert (error.line, error.node) == (9, "1")


def test_m9_applies_to_free_without_unit_types() -> None:
    """M9: without unit_types, any type may be named."""
    fw = one_leaf("{type: yes_no}", extra=", applies_to: [district]")
    assert fw.leaves[0].applies("district")


def test_m9_allow_na_not_on_branches() -> None:
    """M9: allow_na: true on branch 1 is refused."""
    text = fw_text("""
        - code: "1"
          title: A
          allow_na: true
          children:
            - {code: "1.1", title: a, max: 1, rule: {type: yes_no}}
    """)
    error = framework_error(text)
    assert "allow_na is only for leaves" in str(error) and (error.line, error.node) == (8, "1")


def test_m9_allow_na_not_under_bonus() -> None:
    """M9: allow_na on leaf B.1 of a bonus block is refused."""
    text = fw_text("""
        - {code: "1", title: A, max: 1, rule: {type: yes_no}}
        - code: "B"
          title: Bonus
          kind: bonus
          children:
            - {code: "B.1", title: a, max: 1, rule: {type: yes_no}, allow_na: true}
    """)
    error = framework_error(text)
    assert "allow_na is only for leaves of normal nodes" in str(error)
    assert (error.line, error.node) == (11, "B.1")


@pytest.mark.parametrize(
    ("key", "value"),
    [("evidence", "maybe"), ("source", "poll"), ("applies_to", "[]"), ("lead", "[1, 2]")],
)
def test_m9_optional_node_keys_are_checked(key: str, value: str) -> None:
    """docs/formats.md §1 node keys: evidence, source, applies_to and lead have fixed forms."""
    text = fw_text(f'- {{code: "1", title: L, max: 1, rule: {{type: yes_no}}, {key}: {value}}}')
    error = framework_error(text)
    assert key in str(error) and error.node == "1"


def test_m1_optional_keys_and_defaults() -> None:
    """docs/formats.md §1: legal_basis and unit_types are read; evidence defaults to optional,
    source to self, kind to normal; source: survey is accepted."""
    fw = load(
        """
        - {code: "1", title: A, max: 1, rule: {type: yes_no}}
        - {code: "2", title: B, max: 3, rule: {type: survey}, source: survey}
        """,
        'legal_basis: "Quyết định số 876/QĐ-BNV ngày 10/11/2022"\n' + TYPES,
    )
    assert fw.legal_basis == "Quyết định số 876/QĐ-BNV ngày 10/11/2022"
    assert fw.unit_types == ("department", "commune")
    one, two = fw.node("1"), fw.node("2")
    assert (one.evidence, one.source, one.kind, one.lead) == ("optional", "self", "normal", None)
    assert two.source == "survey"


def test_m9_lead_and_evidence_are_inherited() -> None:
    """docs/formats.md §1: lead is inherited by descendants."""
    fw = load("""
        - code: "1"
          title: A
          lead: SNV
          evidence: required
          children:
            - {code: "1.1", title: a, max: 1, rule: {type: yes_no}}
            - {code: "1.2", title: b, max: 1, rule: {type: yes_no}, lead: STP, evidence: none}
    """)
    assert (fw.node("1.1").lead, fw.node("1.1").evidence) == ("SNV", "required")
    assert (fw.node("1.2").lead, fw.node("1.2").evidence) == ("STP", "none")


# -- M10 rule parameters ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("rule", "message"),
    [
        (
            "{type: choice, options: {full: 1.5, none: 0}}",
            "option 'full' 1.5 exceeds the leaf's max 1",
        ),
        ("{type: choice, options: {full: 1, bad: -0.5}}", "must not be negative"),
        (
            "{type: ratio, brackets: [{min: 80, points: 0.5}, {min: 90, points: 1}, "
            "{min: 0, points: 0}]}",
            "bracket mins must strictly decrease",
        ),
        (
            "{type: ratio, brackets: [{min: 80, points: 1}, {min: 10, points: 0}]}",
            "the last bracket's min must be 0",
        ),
        ("{type: ratio, brackets: [{min: 0, points: 2}]}", "exceeds the leaf's max 1"),
        ("{type: count, per_item: 0}", "per_item must be greater than 0"),
        ("{type: deduction, per_item: 0}", "per_item must be greater than 0"),
        ("{type: points, step: 0}", "step must be greater than 0"),
        ("{type: count}", "rule count needs 'per_item'"),
        ("{type: choice, options: {}}", "choice needs a non-empty 'options'"),
        ("{type: ratio}", "ratio needs a non-empty 'brackets'"),
        ("{type: ratio, brackets: [{min: 0}]}", "a bracket is {min: …, points: …}"),
        ("{type: weighted}", "rule type 'weighted' is not one of points, choice, yes_no"),
        ("yes_no", "rule must be a mapping"),
    ],
)
def test_m10_rule_parameters(rule: str, message: str) -> None:
    """M10: options and bracket points in [0, max]; bracket mins decrease to 0; step and
    per_item > 0."""
    error = framework_error(fw_text(f'- {{code: "1", title: L, max: 1, rule: {rule}}}'))
    assert message in str(error), str(error)
    assert (error.line, error.node) == (6, "1")


def test_m10_brackets_above_100_are_allowed() -> None:
    """M10/M16: bracket mins may exceed 100."""
    fw = one_leaf(
        "{type: ratio, brackets: [{min: 120, points: 2}, {min: 100, points: 1}, "
        "{min: 0, points: 0}]}",
        max="2",
    )
    assert fw.leaves[0].rule is not None and fw.leaves[0].rule.type == "ratio"
