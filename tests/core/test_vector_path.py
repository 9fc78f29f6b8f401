"""The vector path equals the scalar path (docs/architecture.md §7, docs/formats.md §2–§3).

``read_score_table`` + ``compute_table`` (by columns, numpy) against ``read_scores`` + ``compute``
(one value at a time through the scalar rules), on generated frameworks that use every rule and
option (caps, bonus, penalty, n/a under both policies, ``applies_to``, ``max_percent``, steps,
titled options) and generated scores files written as people write them: padded, in any case,
with Unicode spaces, CRLF, a BOM, quoted cells, blank lines, and, in some files, values and rows
the contract refuses. Both paths must give the same errors (every field of every one), the same
warnings, the same figures, output and leaf scores.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from decimal import Decimal

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pxkit import HEAD, errors_of

from parindex.core import (
    CycleResult,
    Framework,
    ParindexError,
    Scorer,
    UnitInfo,
    compute,
    load_framework,
    read_scores,
    score_leaf,
)
from parindex.core.errors import Notice, ValueRuleError
from parindex.core.report import to_csv, to_json, to_table
from parindex.core.report_stream import csv_blocks, json_blocks
from parindex.core.score_table import compute_answers, compute_table, read_score_table
from parindex.core.vector_rules import NUMERIC_RULES, read_numbers, score_numbers

FILES = settings(max_examples=90, deadline=None, suppress_health_check=list(HealthCheck))
CELLS = settings(max_examples=100, deadline=None, suppress_health_check=list(HealthCheck))
TYPES = ("department", "commune")
SOURCE = "scores.csv"
TITLES = (
    ("Đúng hạn", "On time"),
    ("Chậm  trễ", "Late"),
    ("KHÔNG ban hành", None),
    ("Một phần", "Partly"),
)
WORDS = ("yes", "Có", "CÓ", "true", "1", "no", "KHÔNG", "false", "0", "n/a", "KAD", "Không Áp Dụng")
ODD = (
    "",
    " ",
    "\u00a0",
    "\t\u00a0 ",
    "1,5",
    "1e3",
    "-1",
    "+1",
    "１２",
    ".5",
    "5.",
    "1.000/2",
    "12.500 / 20",
    "123.456/1000",
    "5 / 999.000",
    "100.0/100.000",
    "1.234.567/2",
    "0.125/1",
    "0/0",
    "3/0",
    "1/2/3",
    "/5",
    "5/",
    "5%%",
    "%",
    "5 % ",
    "50%/2",
    "abc",
    "2.5",
    "1.2.3",
    "0" * 19,
    "9" * 19 + "/1",
    "12345678901234567/3",
    "3/12345678901234567",
    "0.0000000000000001",
    "99999999999999999",
    "1" * 31,
    "1 2",
    "=1",
    "1;2",
    "Đúng hạn",
)


# -- frameworks -----------------------------------------------------------------------------


def decimal_text(value: Decimal) -> str:
    return f"{value:f}"


@st.composite
def rules(draw: st.DrawFn, quantum: Decimal, top: Decimal) -> str:
    kind = draw(
        st.sampled_from(
            ["points", "choice", "yes_no", "ratio", "proportional"] * 2
            + ["count", "deduction", "survey"]
        )
    )
    multiple = st.integers(0, int(top / quantum)).map(lambda k: decimal_text(k * quantum))
    limit = draw(st.sampled_from([None, "100", "120.5", "150", "33.3"]))
    limit_text = "" if limit is None else f", max_percent: {limit}"
    if kind == "points":
        step = draw(st.none() | st.integers(1, 7).map(lambda k: decimal_text(k * quantum)))
        return "{type: points}" if step is None else f"{{type: points, step: {step}}}"
    if kind in ("count", "deduction"):
        per = decimal_text(draw(st.integers(1, 30)) * quantum)
        return f"{{type: {kind}, per_item: {per}}}"
    if kind == "choice":
        count = draw(st.integers(1, 4))
        options = []
        for i in range(count):
            points = draw(multiple)
            titled = draw(st.booleans())
            vi, en = TITLES[i]
            if not titled:
                options.append(f"k{i}: {points}")
            elif en is None or draw(st.booleans()):
                options.append(f'k{i}: {{points: {points}, title: "{vi}"}}')
            else:
                options.append(f'k{i}: {{points: {points}, title: {{vi: "{vi}", en: "{en}"}}}}')
        return f"{{type: choice, options: {{{', '.join(options)}}}}}"
    if kind == "ratio":
        mins = draw(st.lists(st.integers(1, 20000), max_size=3, unique=True))
        ordered = [*sorted((Decimal(m).scaleb(-2) for m in mins), reverse=True), Decimal(0)]
        listed = ", ".join(f"{{min: {decimal_text(m)}, points: {draw(multiple)}}}" for m in ordered)
        return f"{{type: ratio, brackets: [{listed}]{limit_text}}}"
    if kind == "proportional":
        return f"{{type: proportional{limit_text}}}"
    return f"{{type: {kind}}}"


@st.composite
def leaf(draw: st.DrawFn, code: str, kind: str, quantum: Decimal) -> tuple[str, Decimal]:
    top = draw(st.integers(1, 400)) * quantum
    parts = [f'code: "{code}"', "title: t", f"max: {decimal_text(top)}"]
    applies = draw(st.sampled_from([None, None, ("department",), ("commune",), TYPES]))
    if applies is not None:
        parts.append(f"applies_to: [{', '.join(applies)}]")
    if kind == "normal" and draw(st.booleans()):
        parts.append("allow_na: true")
    parts.append(f"rule: {draw(rules(quantum, top))}")
    return "{" + ", ".join(parts) + "}", top


@st.composite
def subtree(
    draw: st.DrawFn, code: str, kind: str, quantum: Decimal, depth: int
) -> tuple[str, Decimal]:
    if depth >= 2 or draw(st.integers(0, 2)) == 0:
        return draw(leaf(code, kind, quantum))
    children = [
        draw(subtree(f"{code}.{i + 1}", kind, quantum, depth + 1))
        for i in range(draw(st.integers(1, 3)))
    ]
    total = sum((top for _, top in children), Decimal(0))
    parts = [f'code: "{code}"', "title: t"]
    if depth == 0 and kind != "normal":
        parts.append(f"kind: {kind}")
    if draw(st.booleans()):
        total = draw(st.integers(1, int(total / quantum))) * quantum
        parts.append(f"max: {decimal_text(total)}")
    if draw(st.integers(0, 3)) == 0:
        parts.append("applies_to: [department]")
    parts.append("children: [" + ", ".join(text for text, _ in children) + "]")
    return "{" + ", ".join(parts) + "}", total


@st.composite
def frameworks(draw: st.DrawFn) -> Framework:
    places = draw(st.sampled_from([0, 1, 2, 2, 3]))
    quantum = Decimal(1).scaleb(-places)
    nodes = [
        draw(subtree(str(i + 1), "normal", quantum, 0)) for i in range(draw(st.integers(1, 3)))
    ]
    for code, kind in (("B", "bonus"), ("P", "penalty")):
        if draw(st.booleans()):
            nodes.append(draw(subtree(code, kind, quantum, 0)))
    mins = sorted(draw(st.lists(st.integers(0, 110), max_size=3, unique=True)), reverse=True)
    bands = "".join(f"  - {{code: K{i}, min: {m}}}\n" for i, m in enumerate(mins))
    head = (
        f'rounding: "{decimal_text(quantum)}"\n'
        f"not_applicable: {draw(st.sampled_from(['rescale', 'full']))}\n"
        f"unit_types: [{', '.join(TYPES)}]\n" + (f"bands:\n{bands}" if bands else "")
    )
    text = HEAD + head + "nodes:\n" + "".join(f"  - {t}\n" for t, _ in nodes)
    return load_framework(text, "fw.yaml")


# -- values ---------------------------------------------------------------------------------


def digits(draw: st.DrawFn, low: int, high: int) -> str:
    return str(draw(st.integers(low, high)))


def padded(draw: st.DrawFn, text: str) -> str:
    pad = st.sampled_from(["", "", "", " ", "\t", "  ", "\u00a0", "\u3000"])
    return draw(pad) + text + draw(pad)


@st.composite
def number_text(draw: st.DrawFn, top: int = 3000) -> str:
    """A decimal as people write it: leading zeros, trailing zeros, up to five decimals."""
    whole = draw(st.integers(0, top))
    decimals = draw(st.sampled_from(["", "", "5", "25", "125", "000", "05", "00", "3333", "99999"]))
    zeros = draw(st.sampled_from(["", "", "0", "00"]))
    return zeros + str(whole) + (f".{decimals}" if decimals else "")


@st.composite
def values(draw: st.DrawFn, fw: Framework, code: str, noisy: bool = True) -> str:
    """A value for leaf ``code``: one its rule takes, written in any of the ways people write
    it; with ``noisy``, one in five is a word or an odd spelling, often refused."""
    node = fw.node(code)
    rule = node.rule
    assert rule is not None
    kind = draw(st.integers(0 if noisy else 2, 9))
    if kind == 0:
        return draw(st.sampled_from(WORDS))
    if kind == 1:
        return draw(st.sampled_from(ODD))
    if kind == 2 and node.allow_na:
        word = draw(st.sampled_from(["n/a", "N/A", "kad", "KAD", "không áp dụng", "KHÔNG ÁP DỤNG"]))
        return padded(draw, word)
    if rule.type == "choice":
        option = draw(st.sampled_from(rule.options))  # type: ignore[attr-defined]
        names = option.names()  # a title matches in any case, its spaces collapsed
        if not names:
            return padded(draw, option.key)
        title = draw(st.sampled_from(names))
        title = draw(st.sampled_from([title.upper(), title.lower(), title.replace(" ", "  ")]))
        return padded(draw, draw(st.sampled_from([option.key, title])))
    if rule.type == "yes_no":
        return padded(draw, draw(st.sampled_from(WORDS[:9])))
    if rule.type in ("count", "deduction"):
        return padded(draw, draw(st.sampled_from(["", "0", "00"])) + digits(draw, 0, 40))
    if rule.type in ("ratio", "proportional"):
        return padded(draw, draw(ratio_text(getattr(rule, "max_percent", None), noisy)))
    if rule.type == "survey":
        suffix = draw(st.sampled_from(["", "%", " %"]))
        if noisy:
            return padded(draw, draw(number_text(105)) + suffix)
        return padded(
            draw, draw(st.sampled_from(["100", "100.00", draw(number_text(99))])) + suffix
        )
    step = getattr(rule, "step", None) or node.framework_rounding
    top = int(node.full_max / step)
    value = Decimal(draw(st.integers(0, top + 2 if noisy else top))) * step
    return padded(draw, draw(st.sampled_from([f"{value:f}", f"{value:f}0", f"0{value:f}"])))


@st.composite
def ratio_text(draw: st.DrawFn, limit: Decimal | None, noisy: bool) -> str:
    """A ratio as a pair, a percentage or a plain fraction; unless ``noisy``, one within
    ``limit`` (max_percent) whose terms do not look grouped in thousands."""
    form = draw(st.integers(0, 2))
    top = 150 if limit is None else min(int(limit), 150)
    if form == 0:
        sep = draw(st.sampled_from(["/", " / ", "/ ", "\t/", " /\t"]))
        if noisy:
            return draw(number_text()) + sep + draw(number_text())
        below = draw(st.integers(1, 2000))
        above = draw(st.integers(0, below * top // 100))
        tail = draw(st.sampled_from(["", "", ".0", ".00"]))
        return f"{above}{tail}{sep}{draw(st.sampled_from(['', '0']))}{below}{tail}"
    if form == 1:
        sign = draw(st.sampled_from(["%", " %", "\t%"]))
        if noisy:
            return draw(number_text(160)) + sign
        return draw(number_text(max(top - 1, 0))) + sign
    if noisy:
        return draw(st.sampled_from(["0.", "1.", "0.0"])) + digits(draw, 0, 999)
    return draw(st.sampled_from(["1", "1.0", "0." + digits(draw, 0, 999), "00.5"]))


# -- files ----------------------------------------------------------------------------------


@dataclass
class Case:
    framework: Framework
    text: str
    units: list[UnitInfo] | None  # the units file, when one is given
    compute_units: list[UnitInfo] | None  # given to compute; None: the units of the answers


@st.composite
def cases(draw: st.DrawFn) -> Case:
    fw = draw(frameworks())
    leaves = [leaf.code for leaf in fw.leaves]
    branches = [node.code for node in fw.all_nodes if not node.is_leaf]
    noisy = draw(st.sampled_from([False, False, True]))
    codes = [f"U{i}" for i in range(draw(st.integers(1, 9)))]
    units = [
        UnitInfo(
            code, None, draw(st.sampled_from([None, *TYPES])), draw(st.sampled_from([None, "g"]))
        )
        for code in codes
    ]
    rows: list[list[str]] = []
    for code in codes:
        least = draw(st.sampled_from([0, 1, 1, 1]))  # a unit of the units file may have no row
        items = st.lists(st.sampled_from(leaves), min_size=least, max_size=2 * len(leaves))
        for item in draw(items if noisy else items.map(lambda i: list(dict.fromkeys(i)))):
            rows.append(
                [padded(draw, code) if noisy else code, item, draw(values(fw, item, noisy))]
            )
    if noisy:
        odd_rows = [
            ["U9", leaves[0], "1"],
            ["", leaves[0], "1"],
            [codes[0], "", "1"],
            [codes[0], "9.9", "1"],
            [codes[0], *(branches[:1] or ["x"]), "1"],
            [codes[0], leaves[0], "1", "extra"],
            [codes[0], leaves[0]],
            ["\u00a0", "\u00a0", "\u00a0"],
            ["", "", ""],
        ]
        rows += draw(st.lists(st.sampled_from(odd_rows), max_size=3))
        rows = draw(st.permutations(rows))
    header = draw(st.sampled_from([["unit", "item", "value"], ["value", "unit", "item"]]))
    order = [["unit", "item", "value"].index(name) for name in header]
    out = io.StringIO()
    quoting = draw(st.sampled_from([csv.QUOTE_MINIMAL, csv.QUOTE_MINIMAL, csv.QUOTE_ALL]))
    writer = csv.writer(out, lineterminator=draw(st.sampled_from(["\n", "\r\n"])), quoting=quoting)
    writer.writerow(header)
    for row in rows:
        writer.writerow([row[i] if i < len(row) else "" for i in order] + row[3:])
        if draw(st.integers(0, 20)) == 0:
            out.write(draw(st.sampled_from(["\n", " , ,\n", ",,\n", "\t\n"])))
    text = draw(st.sampled_from(["", "", "\ufeff"])) + out.getvalue()
    given = draw(st.sampled_from(["none", "file", "file", "compute"]))
    if given == "none":
        return Case(fw, text, None, None)
    if given == "file":
        return Case(fw, text, units, units)
    return Case(fw, text, None, units)  # types known to compute only: its own warnings


# -- the two paths --------------------------------------------------------------------------


Outcome = tuple[str, object]


def described(errors: list[ParindexError]) -> list[tuple[object, ...]]:
    return [
        (
            type(e).__name__,
            e.source,
            e.line,
            e.column,
            e.unit,
            e.node,
            e.value,
            e.code,
            e.render("en"),
            e.render("vi"),
        )
        for e in errors
    ]


def notices(found: tuple[Notice, ...]) -> list[tuple[object, ...]]:
    return described(list(found))


def scalar(case: Case) -> tuple[CycleResult, list[tuple[object, ...]]]:
    scorer = Scorer(case.framework)
    by_code = None if case.units is None else {u.code: u for u in case.units}
    scores = read_scores(case.text, case.framework, SOURCE, by_code, scorer)
    units = case.compute_units or [UnitInfo(code) for code in scores.answers]
    result = compute(case.framework, scores.answers, units, scorer=scorer)
    return result, notices(scores.warnings) + notices(result.warnings)


def vector(case: Case, as_bytes: bool) -> tuple[CycleResult, list[tuple[object, ...]]]:
    scorer = Scorer(case.framework)
    by_code = None if case.units is None else {u.code: u for u in case.units}
    text: str | bytes = case.text.encode("utf-8") if as_bytes else case.text
    table = read_score_table(text, case.framework, SOURCE, by_code, scorer)
    result = compute_table(case.framework, table, case.compute_units, scorer=scorer)
    return result, notices(table.warnings) + notices(result.warnings)


def leaf_scores(result: CycleResult) -> list[dict[str, tuple[object, ...]]]:
    return [
        {
            code: (s.value, s.status, s.exact, s.points_q, s.max_q, s.explanation)
            for code, s in result.leaf_scores[position].items()
        }
        for position in range(len(result.unit_infos))
    ]


@FILES
@given(cases(), st.booleans())
def test_the_vector_path_reads_and_computes_as_the_scalar_path(case: Case, as_bytes: bool) -> None:
    try:
        expected, expected_warnings = scalar(case)
    except ParindexError:
        wanted = described(errors_of(lambda: scalar(case)))
        assert described(errors_of(lambda: vector(case, as_bytes))) == wanted
        return
    result, warnings = vector(case, as_bytes)
    assert warnings == expected_warnings
    document = json.dumps(to_json(expected), ensure_ascii=False, indent=1) + "\n"
    assert b"".join(json_blocks(result)).decode("utf-8") == document
    assert b"".join(csv_blocks(result)).decode("utf-8") == to_csv(expected)
    assert to_table(result, "vi") == to_table(expected, "vi")
    assert leaf_scores(result) == leaf_scores(expected)


# -- answers held in memory, with points set directly -------------------------------------------


@dataclass
class AnswersCase:
    framework: Framework
    answers: dict[str, dict[str, str | None]]
    units: list[UnitInfo]
    overrides: dict[str, dict[str, Decimal]]


@st.composite
def answers_cases(draw: st.DrawFn) -> AnswersCase:
    """What the web computes a cycle from: each unit's answers (as stored, sometimes None or
    empty; with ``noisy``, words a rule refuses and codes that are not leaves) and the points
    the appraisers set (sometimes out of range, off the step, on a unit not listed or a code
    that is not a leaf)."""
    fw = draw(frameworks())
    leaves = [leaf.code for leaf in fw.leaves]
    noisy = draw(st.sampled_from([False, False, False, True]))
    units = [
        UnitInfo(
            f"U{i}",
            None,
            draw(st.sampled_from([None, *TYPES])),
            draw(st.sampled_from([None, "g"])),
        )
        for i in range(draw(st.integers(1, 9)))
    ]
    answers: dict[str, dict[str, str | None]] = {}
    for unit in units:
        items = draw(st.lists(st.sampled_from(leaves), max_size=2 * len(leaves), unique=True))
        if items:
            answers[unit.code] = {
                item: draw(st.one_of(st.none(), st.just(""), values(fw, item, noisy)))
                if draw(st.integers(0, 9)) == 0
                else draw(values(fw, item, noisy))
                for item in items
            }
    if noisy and draw(st.booleans()):
        answers.setdefault(units[0].code, {})[draw(st.sampled_from(["9.9", "x"]))] = "1"
    overrides: dict[str, dict[str, Decimal]] = {}
    least = draw(st.sampled_from([0, 1, 1]))
    for unit in draw(st.lists(st.sampled_from(units), min_size=least, max_size=4)):
        leaf = fw.node(draw(st.sampled_from(leaves)))
        assert leaf.max is not None
        step = fw.rounding
        top = int(leaf.max / step)
        points = Decimal(draw(st.integers(0, top + (1 if noisy else 0)))) * step
        if noisy and draw(st.integers(0, 4)) == 0:
            points += step / 2
        overrides.setdefault(unit.code, {})[leaf.code] = points
    if noisy and draw(st.integers(0, 3)) == 0:
        overrides[draw(st.sampled_from(["U9", units[0].code]))] = {
            draw(st.sampled_from([leaves[0], "9.9"])): Decimal(0)
        }
    return AnswersCase(fw, answers, units, overrides)


def in_memory(case: AnswersCase, by_columns: bool) -> CycleResult:
    run = compute_answers if by_columns else compute
    return run(
        case.framework,
        case.answers,
        case.units,
        scorer=Scorer(case.framework),
        overrides=case.overrides,
    )


@FILES
@given(answers_cases())
def test_answers_by_columns_compute_as_the_scalar_path(case: AnswersCase) -> None:
    try:
        expected = in_memory(case, by_columns=False)
    except ParindexError:
        wanted = described(errors_of(lambda: in_memory(case, by_columns=False)))
        assert described(errors_of(lambda: in_memory(case, by_columns=True))) == wanted
        return
    result = in_memory(case, by_columns=True)
    assert notices(result.warnings) == notices(expected.warnings)
    document = json.dumps(to_json(expected), ensure_ascii=False, indent=1) + "\n"
    assert b"".join(json_blocks(result)).decode("utf-8") == document
    assert leaf_scores(result) == leaf_scores(expected)
    cells = getattr(result.leaf_scores, "cells", None)
    if cells is None:  # the columns showed a problem: computed by the scalar path
        return
    for position in range(len(case.units)):
        assert {
            code: (c.value, c.status, c.points_q, c.override is not None)
            for code, c in cells(position).items()
        } == {
            code: (s.value, s.status, s.points_q, code in case.overrides.get(unit_code, {}))
            for unit_code in [case.units[position].code]
            for code, s in expected.leaf_scores[position].items()
        }


# -- one column of values -------------------------------------------------------------------


@st.composite
def columns_of_values(draw: st.DrawFn) -> tuple[Framework, str, list[str]]:
    fw = draw(frameworks())
    numeric = [leaf.code for leaf in fw.leaves if isinstance(leaf.rule, NUMERIC_RULES)]
    code = draw(st.sampled_from(numeric or [fw.leaves[0].code]))
    texts = draw(st.lists(values(fw, code), min_size=1, max_size=40))
    return fw, code, [t.strip(" \t") for t in texts if t.strip(" \t")]


@CELLS
@given(columns_of_values())
def test_a_value_the_vector_rules_accept_scores_as_the_scalar_rule(
    case: tuple[Framework, str, list[str]],
) -> None:
    """Each value the vector rules accept is accepted by the scalar rule with the same points;
    the others are left to the scalar rule (which may accept them: Unicode spaces, n/a)."""
    fw, code, texts = case
    node = fw.node(code)
    encoded = [t.encode("utf-8") for t in texts]
    lengths = np.array([len(e) for e in encoded], dtype=np.int64)
    data = np.frombuffer(b"".join(encoded), dtype=np.uint8)
    ends = np.cumsum(lengths)
    scored = score_numbers(fw, node, read_numbers(data, ends - lengths, ends))
    for text, accepted, points in zip(texts, scored.accepted, scored.points, strict=True):
        if not accepted:
            continue
        try:
            expected = score_leaf(fw, node, text)
        except ValueRuleError as exc:
            raise AssertionError(f"{text!r} accepted, but the rule refuses it: {exc}") from None
        assert (expected.status, expected.points_q) == ("scored", int(points)), text


# -- files at the edges ---------------------------------------------------------------------

EDGE_FRAMEWORK = HEAD + (
    "unit_types: [department]\nnodes:\n"
    "  - {code: '1', title: t, max: 2, rule: {type: proportional, max_percent: 100}}\n"
    "  - {code: '2', title: t, max: 1, rule: {type: yes_no}, applies_to: [department]}\n"
)
EDGES = {
    "empty": "",
    "a BOM only": "\ufeff",
    "a header only": "unit,item,value",
    "a header and its line feed": "unit,item,value\n",
    "blank rows": "unit,item,value\n\n\n,,\n \t, ,\n",
    "no final line feed": "unit,item,value\nU,1,1/2",
    "CRLF": "unit,item,value\r\nU,1,1/2\r\nV,2,có\r\n",
    "carriage returns alone": "unit,item,value\rU,1,1/2\r",
    "a carriage return at the end": "unit,item,value\nU,1,1/2\r",
    "a cell past the csv module's limit": "unit,item,value\nU,1," + "1" * 200_000 + "\n",
    "31 digits": "unit,item,value\nU,1," + "1" * 31 + "/1\n",
    "a row of Unicode spaces": "unit,item,value\n\u00a0,\u00a0,\u00a0\nU,1,1/2\n",
    "a blank first line": "\nunit,item,value\nU,1,1/2\n",
    "a NUL": "unit,item,value\nU,1,1/2\x00\n",
    "quoted cells": 'unit,item,value\n"U","1","1 / 2"\n',
    "a short row": "unit,item,value\nU,1\n",
    "a wide row": "unit,item,value\nU,1,1/2,x\n",
    "tabs around cells": "unit,item,value\n\tU\t,\t1 ,\t 25 %\t\n",
    "values on a leaf that does not apply": "unit,item,value\nU,2,có\nW,2, \n",
}


@pytest.mark.parametrize("text", EDGES.values(), ids=EDGES.keys())
@pytest.mark.parametrize("with_units", [False, True])
def test_files_at_the_edges(text: str, with_units: bool) -> None:
    units = [UnitInfo("U", type="commune"), UnitInfo("V", type="department"), UnitInfo("W")]
    case = Case(
        load_framework(EDGE_FRAMEWORK, "fw.yaml"), text, *(2 * [units if with_units else None])
    )
    try:
        expected, expected_warnings = scalar(case)
    except ParindexError:
        wanted = described(errors_of(lambda: scalar(case)))
        assert described(errors_of(lambda: vector(case, True))) == wanted
        return
    result, warnings = vector(case, True)
    assert warnings == expected_warnings
    document = json.dumps(to_json(expected), ensure_ascii=False, indent=1) + "\n"
    assert b"".join(json_blocks(result)).decode("utf-8") == document
