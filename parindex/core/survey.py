"""The questionnaire of a sociological survey (*điều tra xã hội học*), read from YAML.

``load_questionnaire(text, source)`` reads a ``parindex.survey/1`` file exactly as
docs/formats.md §4.1 says, with the same strict YAML reader as framework files (codes are
strings, numbers are decimal text, unknown keys and duplicate keys are errors, ``x-`` keys are
free), and returns an immutable :class:`Questionnaire`, or raises every problem it found, each
naming the file and the line.
``check_against_framework`` checks that every question feeds a ``source: survey`` leaf.

The responses and the arithmetic are in :mod:`parindex.core.survey_aggregate`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property

from . import yamltext as y
from .errors import Collector, ParindexError
from .framework import Framework
from .messages import is_english
from .numbers import NumberSyntaxError, parse_decimal, places_of
from .text import Text

FORMAT = "parindex.survey/1"
RESERVED_CODES = ("response", "group", "unit")
_TOP_KEYS = {"format", "code", "version", "framework", "title", "scale", "groups", "questions"}
_GROUP_KEYS = {"code", "title", "min_n", "weight"}
_QUESTION_KEYS = {"code", "text", "leaf", "groups", "scale"}
_HUNDRED = Decimal(100)
MAX_PERCENT_PLACES = 6  # percentages are summed as integers of 10^-6 at the finest


class SurveyError(ParindexError):
    """A questionnaire or responses file breaks docs/formats.md §4.

    In a spreadsheet the place is ``file, sheet "name", row N`` rather than ``file:N``: a
    workbook has several sheets, and its rows are numbered, not its lines."""

    def __init__(
        self,
        message: str,
        *,
        source: str | None = None,
        sheet: str | None = None,
        line: int | None = None,
        column: str | None = None,
        node: str | None = None,
        value: str | None = None,
    ) -> None:
        super().__init__(message, source=source, line=line, column=column, node=node, value=value)
        self.sheet = sheet

    def where(self, lang: str = "en") -> str:
        if self.sheet is None or self.source is None:
            return super().where(lang)
        english = is_english(lang)
        place = f'{self.source}, {"sheet" if english else "trang tính"} "{self.sheet}"'
        if self.line is not None:
            place += f", {'row' if english else 'dòng'} {self.line}"
        rest = ParindexError(
            self.message, column=self.column, unit=self.unit, node=self.node, value=self.value
        ).where(lang)
        return f"{place}, {rest}" if rest else place


@dataclass(frozen=True)
class Option:
    """An answer option and its percentage; ``percent`` None marks "don't know"."""

    key: str
    percent: Decimal | None


@dataclass(frozen=True)
class Group:
    """A respondent group (*đối tượng khảo sát*): leaders, officials, citizens, businesses."""

    code: str
    title: Text | None
    min_n: int
    weight: Decimal

    def label(self, lang: str = "vi") -> str:
        return self.title.get(lang) if self.title else self.code


@dataclass(frozen=True)
class Question:
    code: str
    text: Text | None
    leaf: str
    groups: tuple[str, ...]
    options: tuple[Option, ...]
    own_scale: bool
    line: int

    def option(self, key: str) -> Option | None:
        return next((o for o in self.options if o.key == key), None)


@dataclass(frozen=True, eq=False)
class Questionnaire:
    """One immutable questionnaire version."""

    code: str
    version: str
    framework: tuple[str, str | None] | None
    title: Text | None
    scale: tuple[Option, ...]
    groups: tuple[Group, ...]
    questions: tuple[Question, ...]
    source: str = field(default="<questionnaire>")

    @cached_property
    def leaves(self) -> tuple[str, ...]:
        """Leaf codes in questionnaire order of first appearance."""
        return tuple(dict.fromkeys(q.leaf for q in self.questions))

    @cached_property
    def questions_by_leaf(self) -> dict[str, tuple[Question, ...]]:
        return {leaf: tuple(q for q in self.questions if q.leaf == leaf) for leaf in self.leaves}

    @cached_property
    def groups_by_leaf(self) -> dict[str, tuple[Group, ...]]:
        """The groups asked a leaf's questions, in the questionnaire's group order."""
        result = {}
        for leaf, questions in self.questions_by_leaf.items():
            asked = {g for q in questions for g in q.groups}
            result[leaf] = tuple(g for g in self.groups if g.code in asked)
        return result

    @cached_property
    def group_by_code(self) -> dict[str, Group]:
        return {g.code: g for g in self.groups}

    @cached_property
    def question_by_code(self) -> dict[str, Question]:
        return {q.code: q for q in self.questions}

    def questions_for(self, group: str) -> tuple[Question, ...]:
        """The questions a group is asked, in questionnaire order."""
        return tuple(q for q in self.questions if group in q.groups)

    @cached_property
    def percent_places(self) -> int:
        """The most decimal places any percentage is written with (0 for 100, 60, 20 …)."""
        places = [
            places_of(o.percent)
            for q in self.questions
            for o in q.options
            if o.percent is not None and o.percent != 0
        ]
        return max(places, default=0)


def load_questionnaire(text: str, source: str = "<questionnaire>") -> Questionnaire:
    """Read and validate a questionnaire file; raise SurveyError(s) naming every problem."""
    return _Reader(source).read(text)


def check_against_framework(
    questionnaire: Questionnaire, framework: Framework, source: str | None = None
) -> None:
    """Every question's leaf is a ``source: survey`` leaf of ``framework``, and the framework is
    the one the questionnaire names (when it names one). Raises every problem found."""
    where = source or questionnaire.source
    problems = Collector()
    named = questionnaire.framework
    if named is not None:
        code, version = named
        if code != framework.code or (version is not None and version != framework.version):
            wanted = code if version is None else f"{code} {version}"
            problems.add(
                SurveyError(
                    f"the questionnaire is for framework {wanted}, not {framework.code} "
                    f"{framework.version}",
                    source=where,
                )
            )
    for question in questionnaire.questions:
        node = framework.by_code.get(question.leaf)
        if node is None:
            reason = f"is not a node of framework {framework.code} {framework.version}"
        elif not node.is_leaf:
            reason = "is a branch, not a leaf"
        elif node.source != "survey":
            reason = "is not a survey leaf (its source is not 'survey')"
        else:
            continue
        problems.add(
            SurveyError(
                f"question {question.code}: leaf {question.leaf} {reason}",
                source=where,
                line=question.line,
                node=question.leaf,
            )
        )
    problems.raise_if_any()


def unfed_survey_leaves(questionnaire: Questionnaire, framework: Framework) -> list[str]:
    """Survey leaves of the framework that no question feeds, in framework order."""
    fed = set(questionnaire.leaves)
    return [n.code for n in framework.leaves if n.source == "survey" and n.code not in fed]


class _Reader:
    def __init__(self, source: str) -> None:
        self.source = source
        self.problems = Collector()

    def error(self, message: str, line: int | None) -> None:
        self.problems.add(SurveyError(message, source=self.source, line=line))

    def read(self, text: str) -> Questionnaire:
        root = y.read_yaml(text, self.source, SurveyError)
        if not isinstance(root, y.Mapping):
            raise SurveyError("the file must be a mapping of keys", source=self.source, line=1)
        self.check_keys(root, _TOP_KEYS, "")
        fmt = root.get("format")
        if fmt is None:
            self.error("missing key 'format'", root.line)
        elif fmt != FORMAT:
            self.error(f"format must be '{FORMAT}', found {fmt!s}", y.line_of(fmt))
        code = self.code(root, "code", "", required=True)
        version = self.code(root, "version", "", required=True)
        framework = self.framework(root.get("framework"))
        title = self.text(root.get("title"), "title", "")
        scale = self.scale(root.get("scale"), "")
        if "scale" not in root:
            self.error("missing key 'scale'", root.line)
        groups = self.groups(root.get("groups"), root.line)
        questions = self.questions(root.get("questions"), root.line, groups, scale)
        self.problems.raise_if_any()
        assert code is not None and version is not None and scale is not None
        return Questionnaire(
            code=code,
            version=version,
            framework=framework,
            title=title,
            scale=scale,
            groups=groups,
            questions=questions,
            source=self.source,
        )

    # -- small readers ------------------------------------------------------------------------

    def check_keys(self, mapping: y.Mapping, allowed: set[str], where: str) -> None:
        for key, line in mapping.key_lines.items():
            if key not in allowed and not key.startswith("x-"):
                self.error(f"unknown key '{key}'{where} (extensions start with 'x-')", line)

    def code(self, m: y.Mapping, key: str, where: str, *, required: bool) -> str | None:
        value = m.get(key)
        if value is None:
            if required:
                self.error(f"missing key '{key}'{where}", m.line)
            return None
        if not isinstance(value, y.Scalar) or value.kind != "str":
            hint = f' (quote it: "{value}")' if isinstance(value, y.Scalar) else ""
            self.error(f"{key} must be a string{hint}", y.line_of(value))
            return None
        if not value.strip():
            self.error(f"{key} must not be empty", value.line)
            return None
        return str(value)

    def text(self, value: y.Value | None, what: str, where: str) -> Text | None:
        if value is None:
            return None
        if isinstance(value, y.Scalar) and value.kind == "str" and value.strip():
            return Text(str(value))
        if isinstance(value, y.Mapping):
            self.check_keys(value, {"vi", "en"}, where)
            texts = {}
            for lang in ("vi", "en"):
                item = value.get(lang)
                if item is None:
                    continue
                if not isinstance(item, y.Scalar) or item.kind != "str" or not item.strip():
                    self.error(f"{what}.{lang} must be non-empty text", y.line_of(item))
                else:
                    texts[lang] = str(item)
            if texts:
                return Text(texts.get("vi") or texts["en"], texts.get("en"))
            if not any(k in value for k in ("vi", "en")):
                self.error(f"{what} needs 'vi' or 'en'", value.line)
            return None
        self.error(f"{what} must be text or {{vi: …, en: …}}", y.line_of(value))
        return None

    def framework(self, value: y.Value | None) -> tuple[str, str | None] | None:
        if value is None:
            return None
        if not isinstance(value, y.Mapping):
            self.error("framework must be a mapping {code: …, version: …}", y.line_of(value))
            return None
        self.check_keys(value, {"code", "version"}, " in framework")
        code = self.code(value, "code", " in framework", required=True)
        version = self.code(value, "version", " in framework", required=False)
        return None if code is None else (code, version)

    def scale(self, value: y.Value | None, where: str) -> tuple[Option, ...] | None:
        if value is None:
            return None
        if not isinstance(value, y.Mapping) or not value:
            self.error(
                f"scale{where} must be a non-empty mapping of option: percent", y.line_of(value)
            )
            return None
        options: list[Option] = []
        ok = True
        for key, percent_value in value.items():
            line = value.key_lines[key]
            if value.key_kinds[key] != "str" or not key.strip():
                hint = f' (quote it: "{key}")' if key.strip() else ""
                self.error(f"scale option keys must be strings{hint}", line)
                ok = False
                continue
            if isinstance(percent_value, y.Scalar) and percent_value.kind == "null":
                options.append(Option(key, None))
                continue
            if not isinstance(percent_value, y.Scalar) or percent_value.kind not in ("num", "str"):
                self.error(
                    f"scale option '{key}' must be a percentage in [0, 100] or null",
                    y.line_of(percent_value),
                )
                ok = False
                continue
            try:
                percent = parse_decimal(str(percent_value).lstrip("+"))
            except NumberSyntaxError as exc:
                self.error(f"scale option '{key}' {exc}", percent_value.line)
                ok = False
                continue
            if places_of(percent) > MAX_PERCENT_PLACES:
                self.error(
                    f"scale option '{key}' has more than {MAX_PERCENT_PLACES} decimal places",
                    percent_value.line,
                )
                ok = False
                continue
            if percent > _HUNDRED:
                self.error(
                    f"scale option '{key}' must lie in [0, 100], found {percent_value}",
                    percent_value.line,
                )
                ok = False
                continue
            options.append(Option(key, percent))
        return tuple(options) if ok else None

    def whole_number(self, m: y.Mapping, key: str) -> int | None:
        value = m.get(key)
        if value is None:
            return None
        if (
            not isinstance(value, y.Scalar)
            or value.kind not in ("num", "str")
            or not str(value).isascii()
            or not str(value).isdigit()
        ):
            self.error(f"{key} must be a whole number >= 1", y.line_of(value))
            return None
        number = int(str(value))
        if number < 1:
            self.error(f"{key} must be a whole number >= 1", value.line)
            return None
        return number

    def weight(self, m: y.Mapping) -> Decimal | None:
        value = m.get("weight")
        if value is None:
            return None
        if not isinstance(value, y.Scalar) or value.kind not in ("num", "str"):
            self.error("weight must be a number greater than 0", y.line_of(value))
            return None
        try:
            weight = parse_decimal(str(value).lstrip("+"))
        except NumberSyntaxError as exc:
            self.error(f"weight {exc}", value.line)
            return None
        if weight <= 0:
            self.error("weight must be greater than 0", value.line)
            return None
        return weight

    # -- groups and questions -----------------------------------------------------------------

    def groups(self, value: y.Value | None, root_line: int) -> tuple[Group, ...]:
        if value is None:
            self.error("missing key 'groups'", root_line)
            return ()
        if not isinstance(value, y.Sequence) or not value:
            self.error("groups must be a non-empty list", y.line_of(value))
            return ()
        groups: list[Group] = []
        first: dict[str, int] = {}
        for item in value:
            if not isinstance(item, y.Mapping):
                self.error(
                    "a group must be a mapping {code, title, min_n, weight}", y.line_of(item)
                )
                continue
            code = self.code(item, "code", " in a group", required=True)
            where = f" in group {code}" if code else " in a group"
            self.check_keys(item, _GROUP_KEYS, where)
            title = self.text(item.get("title"), "title", where)
            min_n = self.whole_number(item, "min_n")
            weight = self.weight(item)
            if code is None:
                continue
            if code in first:
                self.error(
                    f"group code '{code}' is used twice (first at line {first[code]})",
                    item.key_lines["code"],
                )
                continue
            first[code] = item.key_lines["code"]
            groups.append(Group(code, title, min_n or 1, weight or Decimal(1)))
        return tuple(groups)

    def questions(
        self,
        value: y.Value | None,
        root_line: int,
        groups: tuple[Group, ...],
        scale: tuple[Option, ...] | None,
    ) -> tuple[Question, ...]:
        if value is None:
            self.error("missing key 'questions'", root_line)
            return ()
        if not isinstance(value, y.Sequence) or not value:
            self.error("questions must be a non-empty list", y.line_of(value))
            return ()
        group_codes = {g.code for g in groups}
        questions: list[Question] = []
        first: dict[str, int] = {}
        for item in value:
            if not isinstance(item, y.Mapping):
                self.error(
                    "a question must be a mapping {code, text, leaf, groups}", y.line_of(item)
                )
                continue
            code = self.code(item, "code", " in a question", required=True)
            where = f" in question {code}" if code else " in a question"
            self.check_keys(item, _QUESTION_KEYS, where)
            if code is not None:
                line = item.key_lines["code"]
                if code in RESERVED_CODES or code.startswith("_"):
                    self.error(
                        f"question code '{code}' is reserved (not response, group, unit, "
                        "nor starting with '_')",
                        line,
                    )
                    code = None
                elif code in first:
                    self.error(
                        f"question code '{code}' is used twice (first at line {first[code]})", line
                    )
                    code = None
                else:
                    first[code] = line
            text = self.text(item.get("text"), "text", where)
            leaf = self.code(item, "leaf", where, required=True)
            asked = self.question_groups(item, where, group_codes)
            own = self.scale(item.get("scale"), where) if "scale" in item else None
            options = own if own is not None else scale
            if code is None or leaf is None or asked is None or options is None:
                continue
            if "scale" in item and own is None:
                continue
            questions.append(Question(code, text, leaf, asked, options, own is not None, item.line))
        return tuple(questions)

    def question_groups(
        self, item: y.Mapping, where: str, group_codes: set[str]
    ) -> tuple[str, ...] | None:
        value = item.get("groups")
        if value is None:
            self.error(f"missing key 'groups'{where}", item.line)
            return None
        if not isinstance(value, y.Sequence) or not value:
            self.error(f"groups{where} must be a non-empty list of group codes", y.line_of(value))
            return None
        codes: list[str] = []
        ok = True
        for entry in value:
            if not isinstance(entry, y.Scalar) or entry.kind != "str" or not entry.strip():
                hint = f' (quote it: "{entry}")' if isinstance(entry, y.Scalar) else ""
                self.error(
                    f"groups{where} must hold group codes as strings{hint}", y.line_of(entry)
                )
                ok = False
            elif entry not in group_codes:
                self.error(f"group '{entry}'{where} is not a code of groups", entry.line)
                ok = False
            elif entry in codes:
                self.error(f"group '{entry}'{where} is listed twice", entry.line)
                ok = False
            else:
                codes.append(str(entry))
        return tuple(codes) if ok else None
