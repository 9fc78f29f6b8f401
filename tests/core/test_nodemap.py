"""The node mapping between two versions of a framework (docs/formats.md §5, docs/methodology.md
Y2): reading the file, the default by identical code, and carrying an index across."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pxkit import HEAD

from parindex.core import InputError, ParindexErrors, load_framework
from parindex.core.nodemap import identical_codes, mapped_index, node_map, read_node_map

OLD = load_framework(
    HEAD
    + """nodes:
  - code: "1"
    title: A
    children:
      - {code: "1.1", title: a, max: 2, rule: {type: points}}
      - {code: "1.2", title: b, max: 2, rule: {type: points}}
  - code: "2"
    title: B
    children:
      - {code: "2.1", title: c, max: 4, rule: {type: points}}
      - {code: "2.2", title: d, max: 1, rule: {type: points}}
""",
    "2024.yaml",
)
NEW = load_framework(
    HEAD.replace('version: "2024"', 'version: "2025"')
    + """nodes:
  - code: "1"
    title: A
    children:
      - {code: "1.1", title: a+b, max: 4, rule: {type: points}}
  - code: "2"
    title: B
    children:
      - {code: "2.1", title: new, max: 1, rule: {type: points}}
      - {code: "2.2", title: c, max: 4, rule: {type: points}}
      - {code: "2.3", title: d, max: 1, rule: {type: points}}
""",
    "2025.yaml",
)

Y2_FILE = "from,to\n1.1,1.1\n1.2,1.1\n2.1,2.2\n2.2,2.3\n"


def test_y2_default_is_the_identical_code() -> None:
    found = identical_codes(OLD, NEW)
    assert found.of("1.1") == ("1.1",)
    assert found.of("2.3") == ()  # no node 2.3 in 2024
    assert found.of("2") == ("2",)


def test_y2_a_mapping_file_merges_and_renumbers() -> None:
    """Y2: 1.1 and 1.2 merged into 1.1; 2.1 and 2.2 renumbered 2.2 and 2.3; the new 2.1 has
    no baseline, though 2024 had a node 2.1 (the file sends it elsewhere)."""
    found = read_node_map(Y2_FILE, OLD, NEW, "map.csv")
    assert found.of("1.1") == ("1.1", "1.2")
    assert found.of("2.2") == ("2.1",)
    assert found.of("2.3") == ("2.2",)
    assert found.of("2.1") == ()
    assert found.of("1") == ("1",) and found.of("2") == ("2",)  # not named: by code


def test_y2_a_merged_node_index_is_its_points_over_its_maxima() -> None:
    """Y2: 2024's 1.1 earned 1.5 of 2 and 1.2 earned 2 of 2 → 2025's 1.1: 3.5 / 4 = 87.5."""
    found = read_node_map(Y2_FILE, OLD, NEW)
    figures = {"1.1": (Decimal("1.5"), Decimal(2)), "1.2": (Decimal(2), Decimal(2))}
    assert mapped_index(figures, found.of("1.1")) == Fraction(175, 2)
    # A node that did not apply to the unit leaves the others to decide.
    assert mapped_index({"1.2": (Decimal(1), Decimal(2))}, found.of("1.1")) == 50
    assert mapped_index({}, found.of("1.1")) is None
    assert mapped_index({"1.1": (Decimal(0), Decimal(0))}, ("1.1",)) is None


def test_a_split_node_gives_each_part_the_whole_index() -> None:
    found = read_node_map("from,to\n2.1,2.1\n2.1,2.2\n", OLD, NEW)
    assert found.of("2.1") == ("2.1",) and found.of("2.2") == ("2.1",)


def test_a_dropped_node_continues_nothing() -> None:
    found = read_node_map("from,to\n2.2,\n", OLD, NEW)
    assert found.of("2.2") == ()
    assert found.of("2.1") == ("2.1",)


def test_every_problem_is_named_with_its_line_and_column() -> None:
    text = "from,to\n9.9,1.1\n1.1,7.7\n,1.1\n1.2,1.1\n1.2,1.1\n2.2,\n2.2,2.3\n"
    with pytest.raises(ParindexErrors) as caught:
        read_node_map(text, OLD, NEW, "map.csv")
    rendered = [e.render("en") for e in caught.value.errors]
    assert rendered == [
        "map.csv:2, column from, value '9.9': node '9.9' is not in version 2024",
        "map.csv:3, column to, value '7.7': node '7.7' is not in version 2025",
        "map.csv:4, column from, value '': the 'from' code is empty",
        "map.csv:6, column to, value '1.1': duplicate row (first at line 5)",
        "map.csv:7, column to, value '': node '2.2' is both dropped (an empty 'to') and "
        "mapped to a node",
    ]
    vi = caught.value.errors[0].render("vi")
    assert vi == "map.csv:2, cột from, giá trị «9.9»: mục «9.9» không có trong phiên bản 2024"


def test_the_header_is_from_and_to() -> None:
    with pytest.raises(ParindexErrors, match="unknown column 'old'"):
        read_node_map("old,to\n1.1,1.1\n", OLD, NEW, "map.csv")


def test_versions_of_two_frameworks_are_refused() -> None:
    other = load_framework(HEAD.replace("code: demo", "code: other") + NEW_NODES, "x.yaml")
    with pytest.raises(InputError, match="different frameworks"):
        read_node_map("from,to\n", OLD, other)


NEW_NODES = 'nodes:\n  - {code: "1", title: A, max: 1, rule: {type: points}}\n'

codes_old = [n.code for n in OLD.all_nodes]
codes_new = [n.code for n in NEW.all_nodes]


@settings(max_examples=150, deadline=None)
@given(
    st.dictionaries(
        st.sampled_from(codes_old), st.lists(st.sampled_from(codes_new), unique=True, max_size=3)
    )
)
def test_named_codes_leave_the_default_and_the_others_keep_it(
    links: dict[str, list[str]],
) -> None:
    """Every later node continues exactly the earlier nodes linked to it; a node neither side
    names continues the node of the same code; no earlier node the file names is used by
    default."""
    found = node_map(OLD, NEW, links)
    targets = {t for ts in links.values() for t in ts}
    for code in codes_new:
        linked = {old for old, ts in links.items() if code in ts}
        if linked:
            assert set(found.of(code)) == linked
        elif code in OLD.by_code and code not in links:
            assert found.of(code) == (code,)
        else:
            assert found.of(code) == ()
        assert code in targets or all(old not in links for old in found.of(code))


@settings(max_examples=150, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.decimals(min_value=0, max_value=50, places=2),
            st.decimals(min_value="0.01", max_value=50, places=2),
        ),
        min_size=1,
        max_size=4,
    )
)
def test_carried_index_is_exact(figures: list[tuple[Decimal, Decimal]]) -> None:
    """The carried index is Σ points / Σ max × 100 exactly (no float), whatever the split."""
    by_code = {str(n): f for n, f in enumerate(figures)}
    index = mapped_index(by_code, list(by_code))
    assert index == Fraction(sum(p for p, _ in figures)) * 100 / Fraction(
        sum(m for _, m in figures)
    )
