"""The framework files shipped in frameworks/: each loads, says it is illustrative, and has the
shape its header promises (docs/formats.md §1)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from parindex.core import Framework, Node, UnitInfo, compute, load_framework
from parindex.core.rules import RULES, ChoiceRule

FRAMEWORKS = Path(__file__).resolve().parents[2] / "frameworks"
ILLUSTRATIVE = "illustrative structure — load the decision's own annex for official use"

# par-index-facts.md §2.2, the 876 (2022-2030) provincial areas, in order.
AREAS_876 = (
    "Công tác chỉ đạo, điều hành CCHC",
    "Cải cách thể chế",
    "Cải cách TTHC",
    "Cải cách tổ chức bộ máy hành chính nhà nước",
    "Cải cách chế độ công vụ",
    "Cải cách tài chính công",
    "Xây dựng và phát triển chính quyền điện tử, chính quyền số",
    "Tác động của CCHC đến phát triển KT-XH",
)

SHIPPED = sorted(FRAMEWORKS.glob("*.yaml"))


def _text(name: str) -> str:
    return (FRAMEWORKS / name).read_text(encoding="utf-8")


def _load(name: str) -> Framework:
    return load_framework(_text(name), f"frameworks/{name}")


def _header(text: str) -> str:
    """The leading comment block of a file."""
    lines = []
    for line in text.splitlines():
        if not line.startswith("#"):
            break
        lines.append(line)
    return "\n".join(lines)


def _full(leaf: Node) -> str:
    """A value that earns the leaf's maximum under its rule."""
    rule = leaf.rule
    assert rule is not None and leaf.max is not None
    if isinstance(rule, ChoiceRule):
        return next(o.key for o in rule.options if o.points == leaf.max)
    return {
        "points": str(leaf.max),
        "yes_no": "có",
        "ratio": "100%",
        "proportional": "100%",
        "count": "1000",
        "deduction": "0",
        "survey": "100",
    }[rule.type]


def _all_full(fw: Framework, kind: str = "normal") -> dict[str, str]:
    return {leaf.code: _full(leaf) for leaf in fw.leaves if leaf.kind == kind}


def test_both_frameworks_are_shipped() -> None:
    names = {p.name for p in SHIPPED}
    assert {"provincial-par-index.yaml", "province-internal.yaml"} <= names


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.name)
def test_shipped_file_is_valid_and_says_it_is_illustrative(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    fw = load_framework(text, f"frameworks/{path.name}")
    assert fw.code == path.stem
    assert fw.leaves
    header = _header(text)
    assert header, "the file starts with a comment header naming its sources"
    assert ILLUSTRATIVE in header
    assert "876/QĐ-BNV" in header


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.name)
def test_shipped_file_uses_every_rule_type_and_has_survey_leaves(path: Path) -> None:
    fw = load_framework(path.read_text(encoding="utf-8"), path.name)
    assert {leaf.rule.type for leaf in fw.leaves if leaf.rule} == set(RULES)
    survey = [leaf for leaf in fw.leaves if leaf.source == "survey"]
    assert survey
    # A survey leaf takes its points from the survey, and only survey leaves do.
    for leaf in fw.leaves:
        assert leaf.rule is not None
        assert (leaf.rule.type == "survey") == (leaf.source == "survey"), leaf.code
    # Every area names the agency that appraises it.
    assert all(area.lead for area in fw.nodes if area.kind == "normal")
    assert any(leaf.evidence == "required" for leaf in fw.leaves)


# -- provincial PAR Index ---------------------------------------------------------------------


def test_provincial_identity_and_bands() -> None:
    fw = _load("provincial-par-index.yaml")
    assert (fw.code, fw.version) == ("provincial-par-index", "2024")
    assert fw.title.vi and fw.title.en
    assert [(b.code, b.min) for b in fw.bands] == [
        ("A", Decimal(90)),
        ("B", Decimal(80)),
        ("C", Decimal(70)),
        ("D", Decimal(0)),
    ]
    assert [b.label("vi") for b in fw.bands] == ["Tốt", "Khá", "Trung bình", "Yếu"]


def test_provincial_has_the_eight_areas_of_876_in_order() -> None:
    fw = _load("provincial-par-index.yaml")
    areas = [n for n in fw.nodes if n.kind == "normal"]
    assert [a.code for a in areas] == [str(i) for i in range(1, 9)]
    assert tuple(a.title.get("vi") for a in areas) == AREAS_876
    assert all(a.title.en for a in areas)


def test_provincial_size_max_and_survey_share() -> None:
    fw = _load("provincial-par-index.yaml")
    assert 55 <= len(fw.leaves) <= 65
    assert fw.max_total == 100
    result = compute(fw, {"P": _all_full(fw)}, [UnitInfo("P")])
    unit = result.by_unit("P")
    assert (unit.points, unit.max, unit.index) == (Decimal("100.00"),) * 3
    assert unit.band is not None and unit.band.code == "A"
    survey = [leaf for leaf in fw.leaves if leaf.source == "survey"]
    # About a third of the leaves come from the survey, spread over several areas.
    assert len(fw.leaves) / 4 <= len(survey) <= len(fw.leaves) / 2
    areas_with_survey = {leaf.code.split(".")[0] for leaf in survey}
    assert len(areas_with_survey) >= 6


def test_provincial_has_a_capped_branch() -> None:
    fw = _load("provincial-par-index.yaml")
    capped = [
        n
        for n in fw.all_nodes
        if not n.is_leaf
        and n.max is not None
        and n.max < sum((c.full_max for c in n.children), Decimal(0))
    ]
    assert capped
    node = capped[0]
    # The cap holds: every child at its max still earns only the cap.
    answers = {leaf.code: _full(leaf) for leaf in node.walk() if leaf.is_leaf}
    result = compute(fw, {"P": answers}, [UnitInfo("P")])
    assert result.by_unit("P").nodes[node.code].points == node.max


# -- a province's internal index ----------------------------------------------------------------


def test_internal_identity_and_unit_types() -> None:
    fw = _load("province-internal.yaml")
    assert (fw.code, fw.version) == ("province-internal", "2024")
    assert fw.unit_types == ("department", "commune")
    normal_leaves = [leaf for leaf in fw.leaves if leaf.kind == "normal"]
    assert 50 <= len(normal_leaves) <= 70
    header = _header(_text("province-internal.yaml"))
    assert "1346/QĐ-UBND" in header and "09/05/2022" in header


def test_internal_department_and_commune_each_have_a_max_of_100() -> None:
    fw = _load("province-internal.yaml")
    units = [UnitInfo("D", type="department"), UnitInfo("C", type="commune")]
    result = compute(fw, {}, units)
    assert result.by_unit("D").max == Decimal("100.00")
    assert result.by_unit("C").max == Decimal("100.00")
    # Each type has leaves of its own, balanced so that both totals stay at 100.
    only = {
        t: [leaf.code for leaf in fw.leaves if leaf.applies_to == frozenset({t})]
        for t in fw.unit_types
    }
    assert only["department"] and only["commune"]
    assert set(result.by_unit("D").missing).isdisjoint(only["commune"])
    assert set(result.by_unit("C").missing).isdisjoint(only["department"])
    # Every leaf at its maximum: 100 points, index 100, band TOT, for either type.
    full = compute(fw, {"D": _all_full(fw), "C": _all_full(fw)}, units)
    for code in ("D", "C"):
        unit = full.by_unit(code)
        assert (unit.points, unit.index) == (Decimal("100.00"), Decimal("100.00"))
        assert unit.band is not None and unit.band.code == "TOT"


def test_internal_has_allow_na_leaves_that_rescale() -> None:
    fw = _load("province-internal.yaml")
    na = [leaf for leaf in fw.leaves if leaf.allow_na]
    assert len(na) >= 3
    assert fw.not_applicable == "rescale"
    leaf = next(leaf for leaf in na if leaf.applies_to is None)
    assert leaf.max is not None
    result = compute(fw, {"D": {leaf.code: "n/a"}}, [UnitInfo("D", type="department")])
    assert result.by_unit("D").max == Decimal(100) - leaf.max


def test_internal_has_one_bonus_and_one_penalty_block() -> None:
    fw = _load("province-internal.yaml")
    bonus = [n for n in fw.nodes if n.kind == "bonus"]
    penalty = [n for n in fw.nodes if n.kind == "penalty"]
    assert len(bonus) == 1 and len(penalty) == 1
    assert bonus[0].max is not None and penalty[0].max is not None
    for block in (bonus[0], penalty[0]):
        leaves = [n for n in block.walk() if n.is_leaf]
        assert leaves
        assert any(leaf.rule is not None and leaf.rule.type == "count" for leaf in leaves)
    # Both blocks are capped: every claim at its max lifts (or lowers) the total by the cap only.
    dept = [UnitInfo("D", type="department")]
    with_bonus = compute(fw, {"D": {**_all_full(fw), **_all_full(fw, "bonus")}}, dept).by_unit("D")
    assert with_bonus.max == Decimal("100.00")
    assert with_bonus.points == Decimal(100) + bonus[0].max
    assert with_bonus.index is not None and with_bonus.index > 100
    answers = {**_all_full(fw), **_all_full(fw, "penalty")}
    with_penalty = compute(fw, {"D": answers}, dept).by_unit("D")
    assert with_penalty.points == Decimal(100) - penalty[0].max
    assert with_penalty.nodes[penalty[0].code].points == penalty[0].max


def test_internal_bands() -> None:
    fw = _load("province-internal.yaml")
    assert [(b.code, b.min) for b in fw.bands] == [
        ("TOT", Decimal(90)),
        ("KHA", Decimal(80)),
        ("TB", Decimal(70)),
        ("YEU", Decimal(0)),
    ]
    assert [b.label("vi") for b in fw.bands] == ["Tốt", "Khá", "Trung bình", "Yếu"]
    assert [b.label("en") for b in fw.bands] == ["Good", "Fair", "Average", "Weak"]


def test_internal_areas_follow_876() -> None:
    fw = _load("province-internal.yaml")
    areas = [n for n in fw.nodes if n.kind == "normal"]
    assert tuple(a.title.get("vi") for a in areas) == AREAS_876


def test_declared_leaves_apply_to_the_type_and_leave_out_the_survey() -> None:
    """What a unit declares itself: its type's leaves, survey leaves excepted."""
    fw = load_framework((FRAMEWORKS / "province-internal.yaml").read_text(encoding="utf-8"))
    for unit_type in ("department", "commune", None):
        declared = fw.declared_leaves(unit_type)
        expected = [
            leaf for leaf in fw.leaves if leaf.applies(unit_type) and leaf.source != "survey"
        ]
        assert list(declared) == expected
        assert declared is fw.declared_leaves(unit_type)  # computed once per type
    assert {leaf.code for leaf in fw.declared_leaves("department")} != {
        leaf.code for leaf in fw.declared_leaves("commune")
    }
    assert not any(leaf.source == "survey" for leaf in fw.declared_leaves(None))
