"""The one lookup of a unit's leaf: ``Framework.unit_leaf`` (is it a leaf, does it apply to the
unit's type) and ``Node.declared`` (does the unit declare it itself), which the
self-assessment's writes and pages and the appraisal share."""

from __future__ import annotations

from pxkit import load

FW = load(
    """
    - code: "1"
      title: Area
      children:
        - {code: "1.1", title: Everyone, max: 1, rule: {type: yes_no}}
        - {code: "1.2", title: Communes, max: 1, rule: {type: yes_no}, applies_to: [commune]}
        - {code: "1.3", title: Survey, max: 1, rule: {type: survey}, source: survey}
    """,
    head="unit_types: [department, commune]\n",
)


def test_a_leaf_that_applies_is_found_and_a_branch_or_unknown_code_is_not() -> None:
    assert FW.unit_leaf("1.1", "department") is FW.node("1.1")
    assert FW.unit_leaf("1", "department") is None
    assert FW.unit_leaf("9.9", "department") is None


def test_a_leaf_of_another_unit_type_is_not_found() -> None:
    assert FW.unit_leaf("1.2", "department") is None
    assert FW.unit_leaf("1.2", "commune") is FW.node("1.2")


def test_a_survey_leaf_is_found_but_not_declared() -> None:
    leaf = FW.unit_leaf("1.3", "commune")
    assert leaf is not None and not leaf.declared
    assert FW.node("1.1").declared and not FW.node("1").declared


def test_the_declared_leaves_are_exactly_those_the_lookup_finds_and_the_unit_declares() -> None:
    for unit_type in ("department", "commune", None):
        found = [FW.unit_leaf(leaf.code, unit_type) for leaf in FW.leaves]
        assert FW.declared_leaves(unit_type) == tuple(
            leaf for leaf in found if leaf is not None and leaf.declared
        )
