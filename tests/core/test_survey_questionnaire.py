"""The questionnaire file: docs/methodology.md S1, S2 and S11 (docs/formats.md §4.1)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from pxkit import errors_of, load, one_error
from surveykit import Q_TEXT, questionnaire

from parindex.core.survey import (
    SurveyError,
    check_against_framework,
    load_questionnaire,
    unfed_survey_leaves,
)
from parindex.core.text import Text


def q_errors(text: str) -> list[str]:
    found = errors_of(lambda: load_questionnaire(text, "q.yaml"))
    assert all(isinstance(e, SurveyError) for e in found), found
    return [str(e) for e in found]


def replaced(old: str, new: str) -> str:
    assert old in Q_TEXT
    return Q_TEXT.replace(old, new, 1)


def test_s1_running_example_reads() -> None:
    """S1: the running example is valid; groups, questions and leaves come in file order."""
    q = questionnaire()
    assert (q.code, q.version, q.framework) == ("demo-survey", "2024", ("demo", "2024"))
    assert [(g.code, g.min_n, g.weight) for g in q.groups] == [
        ("LD", 2, Decimal(1)),
        ("ND", 3, Decimal(2)),
    ]
    assert q.groups[0].title == Text("Lãnh đạo")
    assert [qn.code for qn in q.questions] == ["Q1", "Q2", "Q3"]
    assert q.leaves == ("8.1", "8.2")
    assert [g.code for g in q.groups_by_leaf["8.1"]] == ["LD", "ND"]
    assert [g.code for g in q.groups_by_leaf["8.2"]] == ["LD"]
    assert [qn.code for qn in q.questions_for("LD")] == ["Q1", "Q3"]
    assert q.question_by_code["Q1"].option("E").percent is None  # type: ignore[union-attr]


def test_s1_three_errors_with_their_lines() -> None:
    """S1: min_n 0 (line 8), an unknown group (line 12), a duplicate question code (line 13)."""
    text = replaced("min_n: 3", "min_n: 0").replace("groups: [LD]}", "groups: [LD, XX]}")
    text += '  - {code: Q1, leaf: "8.2", groups: [LD]}\n'
    errors = q_errors(text)
    assert errors == [
        "q.yaml:8: min_n must be a whole number >= 1, found 0",
        "q.yaml:12: group 'XX' in question Q3 is not a code of groups",
        "q.yaml:13: question code 'Q1' is used twice (first at line 10)",
    ]


def test_s1_defaults() -> None:
    """S1: min_n defaults to 1, weight to 1; title and text are optional."""
    text = (
        'format: parindex.survey/1\ncode: s\nversion: "1"\nscale: {A: 100}\n'
        "groups: [{code: G}]\nquestions: [{code: Q, leaf: L, groups: [G]}]\n"
    )
    q = load_questionnaire(text)
    assert (q.groups[0].min_n, q.groups[0].weight, q.title, q.framework) == (1, 1, None, None)
    assert q.questions[0].text is None


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("format: parindex.survey/1\n", "", "q.yaml:1: missing key 'format'"),
        (
            "parindex.survey/1",
            "parindex.survey/2",
            "q.yaml:1: format must be 'parindex.survey/1', found parindex.survey/2",
        ),
        ("code: demo-survey\n", "", "q.yaml:1: missing key 'code'"),
        (
            'version: "2024"\n',
            "version: 2024\n",
            'q.yaml:3: version must be a string (quote it: "2024")',
        ),
        ("scale: {A: 100, B: 60, C: 20, D: 0, E: null}\n", "", "q.yaml:1: missing key 'scale'"),
        ('leaf: "8.2"', "leaf: 8.2", 'q.yaml:12: leaf must be a string (quote it: "8.2")'),
        (
            "{A: 100, B: 60,",
            "{1: 100, B: 60,",
            'q.yaml:5: scale option keys must be strings (quote it: "1")',
        ),
        (
            "E: null}\ngroups",
            "E: 101}\ngroups",
            "q.yaml:5: scale option 'E' must lie in [0, 100], found 101",
        ),
        (
            "B: 60,",
            "B: 6e1,",
            "q.yaml:5: scale option 'B', value '6e1': exponents are not allowed: write the "
            "number out in full",
        ),
        (
            "B: 60,",
            "B: 1.0000001,",
            "q.yaml:5: scale option 'B' has more than 6 decimal places, found 1.0000001",
        ),
        ("B: 60,", "B: -5,", "q.yaml:5: scale option 'B', value '-5': must not be negative"),
        (
            "B: 60,",
            "B: true,",
            "q.yaml:5: scale option 'B' must be a percentage in [0, 100] or null, found true",
        ),
        ("B: 60,", "B: yes,", "q.yaml:5: scale option 'B', value 'yes': is not a number"),
        ("min_n: 3", "min_n: 2.5", "q.yaml:8: min_n must be a whole number >= 1, found 2.5"),
        ("weight: 2", "weight: 0", "q.yaml:8: weight must be greater than 0, found 0"),
        (
            "weight: 2",
            'weight: "1,5"',
            "q.yaml:8: weight '1,5': use '.' as the decimal separator: write 1.5",
        ),
        (
            "min_n: 2, weight: 1}",
            "min_n: 2, weight: 1, size: 3}",
            "q.yaml:7: unknown key 'size' in group LD (extensions start with 'x-')",
        ),
        (
            "code: Q3,",
            "code: unit,",
            "q.yaml:12: question code 'unit' is reserved (not response, group, unit, nor "
            "starting with '_')",
        ),
        ("{code: LD, ", "{", "q.yaml:7: missing key 'code' in a group"),
        ("{code: Q3, ", "{", "q.yaml:12: missing key 'code' in a question"),
        (
            Q_TEXT[Q_TEXT.index("questions:") :],
            "questions: []\n",
            "q.yaml:9: questions must be a non-empty list",
        ),
        *(
            (
                "code: Q3,",
                f"code: {reserved},",
                f"q.yaml:12: question code '{reserved}' is reserved (not response, group, "
                "unit, nor starting with '_')",
            )
            for reserved in ("response", "group", "_x")
        ),
        (
            "code: Q3,",
            "code: _Q3,",
            "q.yaml:12: question code '_Q3' is reserved (not response, group, unit, nor "
            "starting with '_')",
        ),
        (
            "groups: [LD]}",
            "groups: [LD, LD]}",
            "q.yaml:12: group 'LD' in question Q3 is listed twice",
        ),
        (
            "groups: [LD]}",
            "groups: []}",
            "q.yaml:12: groups in question Q3 must be a non-empty list of group codes",
        ),
        (", groups: [LD]}", "}", "q.yaml:12: missing key 'groups' in question Q3"),
        ('leaf: "8.2", ', "", "q.yaml:12: missing key 'leaf' in question Q3"),
        ("code: ND,", "code: LD,", "q.yaml:8: group code 'LD' is used twice (first at line 7)"),
        (
            'title: "Người dân", ',
            "title: {fr: x}, ",
            "q.yaml:8: unknown key 'fr' in group ND (extensions start with 'x-')",
        ),
        (
            "code: demo-survey\n",
            "code: demo-survey\ncode: other\n",
            "q.yaml:3: duplicate key 'code' (first at line 2)",
        ),
        (
            "code: demo-survey\n",
            "code: demo-survey\nnotes: x\n",
            "q.yaml:3: unknown key 'notes' (extensions start with 'x-')",
        ),
        (
            "framework: {code: demo,",
            "framework: {name: demo, code: demo,",
            "q.yaml:4: unknown key 'name' in framework (extensions start with 'x-')",
        ),
    ],
)
def test_s1_reading_rules(old: str, new: str, message: str) -> None:
    """S1: each reading rule of docs/formats.md §4.1 is an error naming the file and line."""
    assert message in q_errors(replaced(old, new))


def test_s1_x_keys_are_free_and_empty_groups_refused() -> None:
    """S1: x- keys anywhere are ignored; groups and questions must be non-empty lists."""
    text = replaced("code: demo-survey\n", "code: demo-survey\nx-note: anything\n")
    text = text.replace("min_n: 2, weight: 1}", "min_n: 2, weight: 1, x-size: 3}")
    assert questionnaire(text).code == "demo-survey"
    assert "q.yaml:2: groups must be a non-empty list" in q_errors(
        'format: parindex.survey/1\ngroups: []\ncode: s\nversion: "1"\nscale: {A: 1}\n'
        "questions: [{code: Q, leaf: L, groups: [G]}]\n".replace("groups: []", "groups: []", 1)
    )


def test_s1_not_a_mapping_and_bad_yaml() -> None:
    """S1: the file must be a YAML mapping; YAML syntax errors carry their line."""
    assert str(one_error(lambda: load_questionnaire("- a\n", "q.yaml"))) == (
        "q.yaml:1: the file must be a mapping of keys"
    )
    error = one_error(lambda: load_questionnaire("a: [1\nb: 2\n", "q.yaml"))
    assert isinstance(error, SurveyError) and error.line is not None


def test_s2_own_scale_replaces_file_scale() -> None:
    """S2: Q2's B is 50 %, Q1's B 60 %; Q2 has no D."""
    q = questionnaire()
    q1, q2 = q.question_by_code["Q1"], q.question_by_code["Q2"]
    assert q1.option("B").percent == 60  # type: ignore[union-attr]
    assert q2.option("B").percent == 50  # type: ignore[union-attr]
    assert q2.option("D") is None and q2.own_scale and not q1.own_scale


def test_s2_quoted_numeric_scale_keys_and_decimal_percentages() -> None:
    """S2 with S1: scale keys "1".."3" quoted are strings; percentages are decimal text."""
    q = questionnaire(
        replaced("{A: 100, B: 50, C: 0, E: null}", '{"1": 100, "2": 33.33, "3": 0, "9": null}')
    )
    assert [o.key for o in q.question_by_code["Q2"].options] == ["1", "2", "3", "9"]
    assert q.question_by_code["Q2"].option("2").percent == Decimal("33.33")  # type: ignore[union-attr]
    assert q.percent_places == 2


FW = """
- code: "8"
  title: Tác động
  children:
    - {code: "8.1", title: a, max: 2, source: survey, rule: {type: survey}}
    - {code: "8.2", title: b, max: 1, rule: {type: yes_no}}
    - {code: "8.3", title: c, max: 1, source: survey, rule: {type: survey}}
"""


def test_s11_leaf_must_be_a_survey_leaf() -> None:
    """S11: Q3's leaf 8.2 is self-assessed: refused with the question's line."""
    error = one_error(lambda: check_against_framework(questionnaire(), load(FW)))
    assert str(error) == (
        "q.yaml:12, node 8.2: question Q3: leaf 8.2 is not a survey leaf "
        "(its source is not 'survey')"
    )


def test_s11_missing_leaf_branch_and_wrong_framework() -> None:
    """S11: a leaf not in the framework, a branch, and a framework other than the one named."""
    text = replaced('leaf: "8.2"', 'leaf: "9.9"').replace(
        'leaf: "8.1", groups: [ND]', 'leaf: "8", groups: [ND]'
    )
    text = text.replace(
        'framework: {code: demo, version: "2024"}', 'framework: {code: demo, version: "2023"}'
    )
    messages = [
        str(e) for e in errors_of(lambda: check_against_framework(questionnaire(text), load(FW)))
    ]
    assert messages == [
        "q.yaml: the questionnaire is for framework demo 2023, not demo 2024",
        "q.yaml:11, node 8: question Q2: leaf 8 is a branch, not a leaf",
        "q.yaml:12, node 9.9: question Q3: leaf 9.9 is not a node of framework demo 2024",
    ]


def test_s11_matching_framework_and_unfed_leaves() -> None:
    """S11: with every leaf a survey leaf the check passes; 8.3 is a survey leaf nobody feeds."""
    text = replaced('leaf: "8.2"', 'leaf: "8.1"')
    check_against_framework(questionnaire(text), load(FW))
    assert unfed_survey_leaves(questionnaire(text), load(FW)) == ["8.3"]
    # A questionnaire that names no framework, or only its code, matches on what it names.
    check_against_framework(questionnaire(text.replace(', version: "2024"', "")), load(FW))
