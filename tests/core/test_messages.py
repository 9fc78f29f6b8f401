"""Messages as a code and parameters: the catalog's two languages agree, and real errors of the
core render in Vietnamese with no English left in them, and in English as they always read."""

from __future__ import annotations

import string
from decimal import Decimal

import pytest
from pxkit import errors_of, load
from surveykit import Q_TEXT, R_TEXT, questionnaire

from parindex.core import UnitInfo, compute, read_scores
from parindex.core.catalog import CATALOG
from parindex.core.errors import ParindexError
from parindex.core.messages import Quoted, localize_number, msg
from parindex.core.survey import load_questionnaire
from parindex.core.survey_aggregate import check_responses, csv_text
from parindex.core.workflow import WorkflowError, transition

# English that a Vietnamese rendering of these errors must not hold.
ENGLISH = (
    "not valid YAML",
    "not an option of question",
    "the unit is not in the units file",
    "needs one of the roles",
    "is not possible in state",
    "needs a written reason",
    "must be",
    "must lie",
    "is not a",
    "missing",
    "unknown",
    "twice",
    "found",
    "the ",
    " of ",
    "line ",
    "column ",
    "value '",
    "unit ",
    "node ",
    "options:",
    "PAR administrator",
)

FW = """
- code: "1"
  title: A
  children:
    - {code: "1.1", title: a, max: 1, rule: {type: yes_no}}
    - {code: "1.2", title: b, max: 1.5, rule: {type: points, step: 0.5}}
"""


def fields(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name is not None}


def rendered(errors: list[ParindexError], lang: str) -> list[str]:
    return [e.render(lang) for e in errors]


def assert_vietnamese(lines: list[str]) -> None:
    for line in lines:
        found = [fragment for fragment in ENGLISH if fragment in line]
        assert not found, f"English {found} in: {line}"


# -- the catalog ------------------------------------------------------------------------------


@pytest.mark.parametrize("code", sorted(CATALOG))
def test_both_languages_name_the_same_parameters(code: str) -> None:
    vi, en = CATALOG[code]
    assert fields(vi) == fields(en), code
    assert all(name and name.isidentifier() for name in fields(vi)), code


def test_every_code_renders_in_both_languages() -> None:
    """Given each parameter it names, every template renders (no stray brace, no missing key)."""
    for code, (vi, _) in CATALOG.items():
        message = msg(code, **{name: "X" for name in fields(vi)})
        assert message.render("vi") and message.render("en"), code


# -- numbers ----------------------------------------------------------------------------------


def test_numbers_follow_the_language() -> None:
    assert localize_number("1.5", "vi") == "1,5"
    assert localize_number("1.5", "en") == "1.5"
    assert localize_number("1234.5", "vi") == "1.234,5"
    message = msg("compute.override_range", max=Decimal("1.50"))
    assert message.render("vi") == "điểm thay thế phải nằm trong [0, 1,5]"
    assert message.render("en") == "override points must lie in [0, 1.5]"


def test_an_override_out_of_range_names_the_max_in_each_language() -> None:
    fw = load(FW)
    [error] = errors_of(
        lambda: compute(fw, {"D": {}}, [UnitInfo("D")], overrides={"D": {"1.2": Decimal("2")}})
    )
    assert error.render("en") == "unit D, node 1.2, value '2': override points must lie in [0, 1.5]"
    assert error.render("vi") == (
        "đơn vị D, mục 1.2, giá trị «2»: điểm thay thế phải nằm trong [0, 1,5]"
    )


def test_values_as_written_are_quoted_not_reformatted() -> None:
    message = msg("survey.option_range", key=Quoted("B"), found="101.5")
    assert message.render("en") == "scale option 'B' must lie in [0, 100], found 101.5"
    assert message.render("vi") == ("phương án «B» của thang đo phải nằm trong [0, 100], gặp 101.5")


# -- real errors ------------------------------------------------------------------------------


def test_a_bad_questionnaire() -> None:
    text = Q_TEXT.replace("min_n: 3", "min_n: 0").replace("groups: [LD]}", "groups: [LD, XX]}")
    text = text.replace("B: 60,", "B: 1e2,", 1)
    text += '  - {code: Q1, leaf: "8.2", groups: [LD]}\n'
    errors = errors_of(lambda: load_questionnaire(text, "q.yaml"))
    assert rendered(errors, "en") == [
        "q.yaml:5: scale option 'B', value '1e2': exponents are not allowed: write the number "
        "out in full",
        "q.yaml:8: min_n must be a whole number >= 1, found 0",
        "q.yaml:12: group 'XX' in question Q3 is not a code of groups",
        "q.yaml:13: question code 'Q1' is used twice (first at line 10)",
    ]
    vi = rendered(errors, "vi")
    assert vi == [
        "q.yaml:5: phương án «B» của thang đo, giá trị «1e2»: không dùng dạng lũy thừa (e): "
        "viết số đầy đủ",
        "q.yaml:8: min_n phải là số nguyên lớn hơn hoặc bằng 1, gặp 0",
        "q.yaml:12: nhóm «XX» trong câu hỏi Q3 không phải là mã của một nhóm đối tượng khai "
        "báo trong groups",
        "q.yaml:13: mã câu hỏi «Q1» dùng hai lần (lần đầu ở dòng 10)",
    ]
    assert_vietnamese(vi)


def test_a_questionnaire_for_another_framework() -> None:
    fw = load(FW)
    from parindex.core.survey import check_against_framework

    errors = errors_of(lambda: check_against_framework(questionnaire(), fw))
    vi = rendered(errors, "vi")
    assert vi[0] == (
        "q.yaml:10, mục 8.1: câu hỏi Q1: tiêu chí 8.1 không phải là một mục của bộ chỉ số demo 2024"
    )
    assert rendered(errors, "en")[0] == (
        "q.yaml:10, node 8.1: question Q1: leaf 8.1 is not a node of framework demo 2024"
    )
    assert_vietnamese(vi)


def test_a_bad_responses_file() -> None:
    text = R_TEXT.replace("r1,LD,U1,A,,B", "r1,LD,U1,Z,,B").replace("r5,ND,U1", "r5,ND,U9")
    text = text.replace("r6,ND,U1,B,C,", "r6,XX,U1,B,C,")
    errors = errors_of(
        lambda: check_responses(questionnaire(), csv_text(text, "r.csv"), ["U1", "U2"])
    )
    assert rendered(errors, "en") == [
        "r.csv:2, column Q1, value 'Z': not an option of question Q1 (options: A, B, C, D, E)",
        "r.csv:6, column unit, value 'U9': the unit is not in the units file",
        "r.csv:7, column group, value 'XX': not a group of the questionnaire (groups: LD, ND)",
    ]
    vi = rendered(errors, "vi")
    assert vi == [
        "r.csv:2, cột Q1, giá trị «Z»: không phải là một phương án của câu hỏi Q1 "
        "(các phương án: A, B, C, D, E)",
        "r.csv:6, cột unit, giá trị «U9»: đơn vị không có trong tệp danh sách đơn vị",
        "r.csv:7, cột group, giá trị «XX»: không phải là một nhóm đối tượng của bảng hỏi "
        "(các nhóm: LD, ND)",
    ]
    assert_vietnamese(vi)


def test_a_bad_responses_header() -> None:
    errors = errors_of(
        lambda: check_responses(questionnaire(), csv_text("response,unit,Q1,Q2,Q3,note\n", "r.csv"))
    )
    vi = rendered(errors, "vi")
    assert vi == [
        "r.csv:1, cột note: cột lạ «note»: không phải response, group, unit hay mã một câu hỏi "
        "(cột thông tin của công cụ khảo sát bắt đầu bằng '_')",
        "r.csv:1: thiếu cột 'group'",
    ]


def test_a_bad_scores_file() -> None:
    fw = load(FW)
    text = "unit,item,value,note\n"
    errors = errors_of(lambda: read_scores(text, fw, "scores.csv"))
    assert rendered(errors, "en") == [
        "scores.csv:1: unknown column 'note' (allowed: unit, item, value)"
    ]
    assert rendered(errors, "vi") == [
        "scores.csv:1: cột lạ «note» (các cột được dùng: unit, item, value)"
    ]
    text = "unit,item,value\nD,1.1,maybe\nD,9,yes\nD,1.2,1.2\nE,1.1,yes\n"
    units = {"D": UnitInfo("D")}
    errors = errors_of(lambda: read_scores(text, fw, "scores.csv", units))
    assert rendered(errors, "en") == [
        "scores.csv:2, column value, unit D, node 1.1, value 'maybe': yes_no rule: must be "
        "yes/no, có/không, true/false or 1/0",
        "scores.csv:3, column item, unit D, node 9, value 'yes': the item is not a node of "
        "framework demo 2024",
        "scores.csv:4, column value, unit D, node 1.2, value '1.2': points rule: must be a "
        "multiple of 0.5",
        "scores.csv:5, column unit, unit E, node 1.1, value 'yes': the unit is not in the "
        "units file",
    ]
    vi = rendered(errors, "vi")
    assert vi[1] == (
        "scores.csv:3, cột item, đơn vị D, mục 9, giá trị «yes»: tiêu chí không phải là một "
        "mục của bộ chỉ số demo 2024"
    )
    assert vi[2].endswith("quy tắc chấm điểm trực tiếp: phải là bội số của 0,5")
    assert_vietnamese(vi)


def test_a_workflow_refusal() -> None:
    def refusal(state: str, action: str, roles: set[str]) -> WorkflowError:
        with pytest.raises(WorkflowError) as caught:
            transition(state, action, roles)
        return caught.value

    roles = refusal("in_appraisal", "release", {"viewer"})
    assert str(roles) == "action 'release' needs one of the roles: PAR administrator"
    assert roles.render("vi") == (
        "thao tác «chuyển kết quả thẩm định cho đơn vị» cần một trong các vai trò: "
        "Quản trị CCHC (Sở Nội vụ)"
    )
    state = refusal("draft", "release", {"par_admin"})
    assert str(state) == "action 'release' is not possible in state 'draft'"
    assert state.render("vi") == (
        "không thể «chuyển kết quả thẩm định cho đơn vị» khi hồ sơ đang ở trạng thái "
        "«Đang tự đánh giá»"
    )
    reason = refusal("replied", "return_again", {"par_admin"})
    assert str(reason) == "action 'return_again' needs a written reason"
    assert reason.render("vi") == "thao tác «yêu cầu giải trình thêm một vòng» cần ghi rõ lý do"
    unknown = refusal("draft", "fly", {"par_admin"})
    assert str(unknown) == "action 'fly' is not possible in state 'draft'"
    assert_vietnamese([e.render("vi") for e in (roles, state, reason)])
