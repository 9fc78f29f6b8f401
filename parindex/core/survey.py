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
from .messages import Message, Quoted, is_english, msg
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
        message: str | Message,
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
                    msg(
                        "survey.framework_mismatch",
                        wanted=wanted,
                        framework=framework.code,
                        version=framework.version,
                    ),
                    source=where,
                )
            )
    for question in questionnaire.questions:
        node = framework.by_code.get(question.leaf)
        if node is None:
            code = "survey.leaf_not_node"
        elif not node.is_leaf:
            code = "survey.leaf_is_branch"
        elif node.source != "survey":
            code = "survey.leaf_not_survey"
        else:
            continue
        problems.add(
            SurveyError(
                msg(
                    code,
                    question=question.code,
                    leaf=question.leaf,
                    framework=framework.code,
                    version=framework.version,
                ),
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


Where = Message | str
"""Where in the file a key is ("in group LD"), said after it; "" at the top level."""


class _Reader:
    def __init__(self, source: str) -> None:
        self.source = source
        self.problems = Collector()

    def error(self, message: Message, line: int | None) -> None:
        self.problems.add(SurveyError(message, source=self.source, line=line))

    def read(self, text: str) -> Questionnaire:
        root = y.read_yaml(text, self.source, SurveyError)
        if not isinstance(root, y.Mapping):
            raise SurveyError(msg("survey.not_mapping"), source=self.source, line=1)
        self.check_keys(root, _TOP_KEYS, "")
        fmt = root.get("format")
        if fmt is None:
            self.error(msg("survey.missing_key", key="format", where=""), root.line)
        elif fmt != FORMAT:
            self.error(msg("survey.format", expected=FORMAT, found=str(fmt)), y.line_of(fmt))
        code = self.code(root, "code", "", required=True)
        version = self.code(root, "version", "", required=True)
        framework = self.framework(root.get("framework"))
        title = self.text(root.get("title"), "title", "")
        scale = self.scale(root.get("scale"), "")
        if "scale" not in root:
            self.error(msg("survey.missing_key", key="scale", where=""), root.line)
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

    def check_keys(self, mapping: y.Mapping, allowed: set[str], where: Where) -> None:
        for key, line in mapping.key_lines.items():
            if key not in allowed and not key.startswith("x-"):
                self.error(msg("survey.unknown_key", key=Quoted(key), where=where), line)

    def code(self, m: y.Mapping, key: str, where: Where, *, required: bool) -> str | None:
        value = m.get(key)
        if value is None:
            if required:
                self.error(msg("survey.missing_key", key=key, where=where), m.line)
            return None
        if not isinstance(value, y.Scalar) or value.kind != "str":
            if isinstance(value, y.Scalar):
                self.error(msg("survey.quote_it", key=key, found=str(value)), value.line)
            else:
                self.error(msg("survey.string", key=key), y.line_of(value))
            return None
        if not value.strip():
            self.error(msg("survey.empty", key=key), value.line)
            return None
        return str(value)

    def text(self, value: y.Value | None, what: str, where: Where) -> Text | None:
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
                    self.error(msg("survey.title_lang", key=f"{what}.{lang}"), y.line_of(item))
                else:
                    texts[lang] = str(item)
            if texts:
                return Text(texts.get("vi") or texts["en"], texts.get("en"))
            if not any(k in value for k in ("vi", "en")):
                self.error(msg("survey.title_needs_lang", key=what), value.line)
            return None
        self.error(msg("survey.title_form", key=what), y.line_of(value))
        return None

    def framework(self, value: y.Value | None) -> tuple[str, str | None] | None:
        if value is None:
            return None
        if not isinstance(value, y.Mapping):
            self.error(msg("survey.framework_form"), y.line_of(value))
            return None
        where = msg("survey.in_framework")
        self.check_keys(value, {"code", "version"}, where)
        code = self.code(value, "code", where, required=True)
        version = self.code(value, "version", where, required=False)
        return None if code is None else (code, version)

    def scale(self, value: y.Value | None, where: Where) -> tuple[Option, ...] | None:
        if value is None:
            return None
        if not isinstance(value, y.Mapping) or not value:
            self.error(msg("survey.scale_form", where=where), y.line_of(value))
            return None
        options: list[Option] = []
        ok = True
        for key, percent_value in value.items():
            line = value.key_lines[key]
            if value.key_kinds[key] != "str" or not key.strip():
                if key.strip():
                    self.error(msg("survey.option_key_quote_it", found=key), line)
                else:
                    self.error(msg("survey.option_key_empty"), line)
                ok = False
                continue
            if isinstance(percent_value, y.Scalar) and percent_value.kind == "null":
                options.append(Option(key, None))
                continue
            if not isinstance(percent_value, y.Scalar):
                self.error(msg("survey.option_percent", key=Quoted(key)), y.line_of(percent_value))
                ok = False
                continue
            if percent_value.kind not in ("num", "str"):
                self.error(
                    msg("survey.option_percent_found", key=Quoted(key), found=str(percent_value)),
                    percent_value.line,
                )
                ok = False
                continue
            try:
                percent = parse_decimal(str(percent_value).lstrip("+"))
            except NumberSyntaxError as exc:
                self.error(
                    msg(
                        "survey.option_bad_number",
                        key=Quoted(key),
                        found=Quoted(str(percent_value)),
                        reason=exc.msg,
                    ),
                    percent_value.line,
                )
                ok = False
                continue
            if places_of(percent) > MAX_PERCENT_PLACES:
                self.error(
                    msg(
                        "survey.option_places",
                        key=Quoted(key),
                        places=MAX_PERCENT_PLACES,
                        found=str(percent_value),
                    ),
                    percent_value.line,
                )
                ok = False
                continue
            if percent > _HUNDRED:
                self.error(
                    msg("survey.option_range", key=Quoted(key), found=str(percent_value)),
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
            if isinstance(value, y.Scalar):
                self.error(msg("survey.whole_number_found", key=key, found=str(value)), value.line)
            else:
                self.error(msg("survey.whole_number", key=key), y.line_of(value))
            return None
        number = int(str(value))
        if number < 1:
            self.error(msg("survey.whole_number_found", key=key, found=str(value)), value.line)
            return None
        return number

    def weight(self, m: y.Mapping) -> Decimal | None:
        value = m.get("weight")
        if value is None:
            return None
        if not isinstance(value, y.Scalar):
            self.error(msg("survey.weight_form"), y.line_of(value))
            return None
        if value.kind not in ("num", "str"):
            self.error(msg("survey.weight_form_found", found=str(value)), value.line)
            return None
        try:
            weight = parse_decimal(str(value).lstrip("+"))
        except NumberSyntaxError as exc:
            self.error(
                msg("survey.bad_number", key="weight", found=Quoted(str(value)), reason=exc.msg),
                value.line,
            )
            return None
        if weight <= 0:
            self.error(msg("survey.weight_positive", found=str(value)), value.line)
            return None
        return weight

    # -- groups and questions -----------------------------------------------------------------

    def groups(self, value: y.Value | None, root_line: int) -> tuple[Group, ...]:
        if value is None:
            self.error(msg("survey.missing_key", key="groups", where=""), root_line)
            return ()
        if not isinstance(value, y.Sequence) or not value:
            self.error(msg("survey.non_empty_list", key="groups"), y.line_of(value))
            return ()
        groups: list[Group] = []
        first: dict[str, int] = {}
        for item in value:
            if not isinstance(item, y.Mapping):
                self.error(msg("survey.group_form"), y.line_of(item))
                continue
            code = self.code(item, "code", msg("survey.in_a_group"), required=True)
            where = msg("survey.in_group", group=code) if code else msg("survey.in_a_group")
            self.check_keys(item, _GROUP_KEYS, where)
            title = self.text(item.get("title"), "title", where)
            min_n = self.whole_number(item, "min_n")
            weight = self.weight(item)
            if code is None:
                continue
            if code in first:
                self.error(
                    msg("survey.group_twice", code=Quoted(code), first=str(first[code])),
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
            self.error(msg("survey.missing_key", key="questions", where=""), root_line)
            return ()
        if not isinstance(value, y.Sequence) or not value:
            self.error(msg("survey.non_empty_list", key="questions"), y.line_of(value))
            return ()
        group_codes = {g.code for g in groups}
        questions: list[Question] = []
        first: dict[str, int] = {}
        for item in value:
            if not isinstance(item, y.Mapping):
                self.error(msg("survey.question_form"), y.line_of(item))
                continue
            code = self.code(item, "code", msg("survey.in_a_question"), required=True)
            where = (
                msg("survey.in_question", question=code) if code else msg("survey.in_a_question")
            )
            self.check_keys(item, _QUESTION_KEYS, where)
            if code is not None:
                line = item.key_lines["code"]
                if code in RESERVED_CODES or code.startswith("_"):
                    self.error(msg("survey.question_reserved", code=Quoted(code)), line)
                    code = None
                elif code in first:
                    self.error(
                        msg("survey.question_twice", code=Quoted(code), first=str(first[code])),
                        line,
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
        self, item: y.Mapping, where: Where, group_codes: set[str]
    ) -> tuple[str, ...] | None:
        value = item.get("groups")
        if value is None:
            self.error(msg("survey.missing_key", key="groups", where=where), item.line)
            return None
        if not isinstance(value, y.Sequence) or not value:
            self.error(msg("survey.question_groups_form", where=where), y.line_of(value))
            return None
        codes: list[str] = []
        ok = True
        for entry in value:
            if not isinstance(entry, y.Scalar) or entry.kind != "str" or not entry.strip():
                if isinstance(entry, y.Scalar):
                    found = str(entry)
                    self.error(
                        msg("survey.question_groups_quote_it", where=where, found=found),
                        entry.line,
                    )
                else:
                    self.error(msg("survey.question_groups_string", where=where), y.line_of(entry))
                ok = False
            elif entry not in group_codes:
                self.error(
                    msg("survey.group_unknown", group=Quoted(str(entry)), where=where), entry.line
                )
                ok = False
            elif entry in codes:
                self.error(
                    msg("survey.group_listed_twice", group=Quoted(str(entry)), where=where),
                    entry.line,
                )
                ok = False
            else:
                codes.append(str(entry))
        return tuple(codes) if ok else None
