"""Properties of the arithmetic, checked on random frameworks and answers (docs/formats.md §1–3).

The oracle at the bottom is a deliberately naive re-implementation of docs/formats.md §1's
arithmetic: one unit at a time, a recursive walk over a plain tree, Decimal with 80 digits of
precision and ``ROUND_HALF_UP``. It reads the *meaning* of each generated answer (the numbers it
was written from), not the text, so it also checks that the program reads every written form
correctly.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, localcontext
from fractions import Fraction

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pxkit import HEAD

from parindex.core import UnitInfo, compute, load_framework, score_leaf
from parindex.core.numbers import round_half_up
from parindex.core.ranking import competition_ranks

FAST = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
ORACLE = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
UNIT_TYPES = ("department", "commune")
YES = ("yes", "có", "true", "1")
NO = ("no", "không", "false", "0")
NA = ("n/a", "KAD", "không áp dụng")


def text(d: Decimal) -> str:
    return f"{d:f}"


def half_up(value: Decimal, quantum: Decimal) -> Decimal:
    return value.quantize(quantum, rounding=ROUND_HALF_UP)


# -- the tree the generators build --------------------------------------------------------------


@dataclass
class RuleSpec:
    type: str
    step: Decimal | None = None
    per_item: Decimal | None = None
    options: dict[str, Decimal] = field(default_factory=dict)
    brackets: list[tuple[Decimal, Decimal]] = field(default_factory=list)

    def yaml(self) -> str:
        if self.type == "points":
            if self.step is None:
                return "{type: points}"
            return f"{{type: points, step: {text(self.step)}}}"
        if self.type in ("count", "deduction"):
            return f"{{type: {self.type}, per_item: {text(self.per_item or Decimal(1))}}}"
        if self.type == "choice":
            listed = ", ".join(f"{k}: {text(p)}" for k, p in self.options.items())
            return f"{{type: choice, options: {{{listed}}}}}"
        if self.type == "ratio":
            listed = ", ".join(f"{{min: {text(m)}, points: {text(p)}}}" for m, p in self.brackets)
            return f"{{type: ratio, brackets: [{listed}]}}"
        return f"{{type: {self.type}}}"


@dataclass
class NodeSpec:
    code: str
    max: Decimal | None = None
    rule: RuleSpec | None = None
    children: list[NodeSpec] = field(default_factory=list)
    kind: str = "normal"
    applies_to: tuple[str, ...] | None = None
    allow_na: bool = False

    def yaml(self, top: bool = False) -> str:
        parts = [f'code: "{self.code}"', "title: t"]
        if top and self.kind != "normal":
            parts.append(f"kind: {self.kind}")
        if self.max is not None:
            parts.append(f"max: {text(self.max)}")
        if self.applies_to is not None:
            parts.append(f"applies_to: [{', '.join(self.applies_to)}]")
        if self.allow_na:
            parts.append("allow_na: true")
        if self.rule is not None:
            parts.append(f"rule: {self.rule.yaml()}")
        else:
            parts.append("children: [" + ", ".join(c.yaml() for c in self.children) + "]")
        return "{" + ", ".join(parts) + "}"

    @property
    def full_max(self) -> Decimal:
        if self.rule is not None:
            assert self.max is not None
            return self.max
        total = sum((c.full_max for c in self.children), Decimal(0))
        return total if self.max is None else min(self.max, total)

    def walk(self) -> list[NodeSpec]:
        return [self, *(n for c in self.children for n in c.walk())]


@dataclass
class FrameworkSpec:
    rounding: Decimal
    na_policy: str
    bands: list[tuple[str, Decimal]]
    nodes: list[NodeSpec]

    def yaml(self) -> str:
        head = f'rounding: "{text(self.rounding)}"\nnot_applicable: {self.na_policy}\n'
        head += f"unit_types: [{', '.join(UNIT_TYPES)}]\n"
        if self.bands:
            listed = "".join(f"  - {{code: {c}, min: {text(m)}}}\n" for c, m in self.bands)
            head += "bands:\n" + listed
        return HEAD + head + "nodes:\n" + "".join(f"  - {n.yaml(top=True)}\n" for n in self.nodes)

    def leaves(self) -> list[NodeSpec]:
        return [n for top in self.nodes for n in top.walk() if n.rule is not None]


@dataclass
class Answer:
    """A written value and what it means: ``meaning`` is what the oracle computes from."""

    written: str
    kind: str  # "value", "na" or "empty"
    meaning: tuple[Decimal, ...] | str = ()


# -- generators ---------------------------------------------------------------------------------


def decimals(low: int, high: int, places: int) -> st.SearchStrategy[Decimal]:
    """Decimals low..high (in units of 10^-places), written with up to ``places`` decimals."""
    return st.integers(low, high).map(lambda n: Decimal(n).scaleb(-places))


@st.composite
def rules(draw: st.DrawFn, quantum: Decimal, top: Decimal) -> RuleSpec:
    kind = draw(
        st.sampled_from(
            ["points", "choice", "yes_no", "ratio", "proportional", "count", "deduction", "survey"]
        )
    )
    steps_in_max = int(top / quantum)
    multiple = st.integers(0, steps_in_max).map(lambda k: k * quantum)
    if kind == "points":
        step = draw(st.none() | st.integers(1, 10).map(lambda k: k * quantum))
        return RuleSpec(kind, step=step)
    if kind in ("count", "deduction"):
        return RuleSpec(kind, per_item=draw(st.integers(1, 20).map(lambda k: k * quantum)))
    if kind == "choice":
        values = draw(st.lists(multiple, min_size=1, max_size=3))
        return RuleSpec(kind, options={f"o{i}": v for i, v in enumerate(values)})
    if kind == "ratio":
        mins = draw(st.lists(decimals(1, 1500, 1), max_size=3, unique=True))
        ordered = [*sorted(mins, reverse=True), Decimal(0)]
        return RuleSpec(kind, brackets=[(m, draw(multiple)) for m in ordered])
    return RuleSpec(kind)


def padded(draw: st.DrawFn, word: str) -> str:
    return draw(st.sampled_from(["", " ", "\t"])) + word + draw(st.sampled_from(["", " "]))


def cased(draw: st.DrawFn, word: str) -> str:
    return draw(st.sampled_from([word, word.upper(), word.title()]))


@st.composite
def ratio_answers(draw: st.DrawFn) -> Answer:
    """A ratio in one of its three forms; meaning is (a, b) with ratio a/b."""
    form = draw(st.sampled_from(["pair", "percent", "fraction"]))
    if form == "pair":
        a, b = draw(decimals(0, 3000, 1)), draw(decimals(1, 2000, 1))
        sep = draw(st.sampled_from(["/", " / ", "/ "]))
        return Answer(f"{text(a)}{sep}{text(b)}", "value", (a, b))
    if form == "percent":
        p = draw(decimals(0, 15000, 2))
        return Answer(f"{text(p)}%", "value", (p, Decimal(100)))
    f = draw(decimals(0, 1000, 3))
    return Answer(text(f), "value", (f, Decimal(1)))


@st.composite
def answers_for(draw: st.DrawFn, leaf: NodeSpec, quantum: Decimal) -> Answer:
    rule, top = leaf.rule, leaf.max
    assert rule is not None and top is not None
    if rule.type == "points":
        step = rule.step or quantum
        value = draw(st.integers(0, int(top / step))) * step
        return Answer(padded(draw, text(value)), "value", (value,))
    if rule.type == "choice":
        key = draw(st.sampled_from(sorted(rule.options)))
        return Answer(padded(draw, key), "value", key)
    if rule.type == "yes_no":
        yes = draw(st.booleans())
        word = cased(draw, draw(st.sampled_from(YES if yes else NO)))
        return Answer(padded(draw, word), "value", "yes" if yes else "no")
    if rule.type in ("ratio", "proportional"):
        return draw(ratio_answers())
    if rule.type in ("count", "deduction"):
        n = draw(st.integers(0, 60))
        return Answer(padded(draw, str(n)), "value", (Decimal(n),))
    percent = draw(decimals(0, 10000, 2))
    written = text(percent) + draw(st.sampled_from(["", "%", " %"]))
    return Answer(written, "value", (percent,))


@st.composite
def leaves(draw: st.DrawFn, code: str, kind: str, quantum: Decimal) -> NodeSpec:
    top = draw(st.integers(1, 40)) * quantum
    applies = draw(st.none() | st.sampled_from([("department",), ("commune",), UNIT_TYPES]))
    allow_na = kind == "normal" and draw(st.booleans())
    return NodeSpec(
        code,
        max=top,
        rule=draw(rules(quantum, top)),
        kind=kind,
        applies_to=applies,
        allow_na=allow_na,
    )


@st.composite
def subtrees(draw: st.DrawFn, code: str, kind: str, quantum: Decimal, depth: int) -> NodeSpec:
    if depth >= 2 or draw(st.integers(0, 2)) == 0:
        return draw(leaves(code, kind, quantum))
    count = draw(st.integers(1, 3))
    children = [draw(subtrees(f"{code}.{i + 1}", kind, quantum, depth + 1)) for i in range(count)]
    applies = draw(st.none() | st.sampled_from([("department",), UNIT_TYPES]))
    node = NodeSpec(code, children=children, kind=kind, applies_to=applies)
    if draw(st.booleans()):
        node.max = draw(st.integers(1, int(node.full_max / quantum))) * quantum
    return node


@st.composite
def frameworks(draw: st.DrawFn) -> FrameworkSpec:
    quantum = draw(st.sampled_from([Decimal("1"), Decimal("0.1"), Decimal("0.01")]))
    count = draw(st.integers(1, 3))
    nodes = [draw(subtrees(str(i + 1), "normal", quantum, 0)) for i in range(count)]
    for code, kind in (("B", "bonus"), ("P", "penalty")):
        if draw(st.booleans()):
            nodes.append(draw(subtrees(code, kind, quantum, 1)))
    mins = sorted(draw(st.lists(st.integers(0, 110), max_size=3, unique=True)), reverse=True)
    bands = [(f"K{i}", Decimal(m)) for i, m in enumerate(mins)]
    return FrameworkSpec(quantum, draw(st.sampled_from(["rescale", "full"])), bands, nodes)


@dataclass
class UnitSpec:
    code: str
    type: str | None
    group: str | None
    answers: dict[str, Answer]


@st.composite
def cycles(draw: st.DrawFn) -> tuple[FrameworkSpec, list[UnitSpec]]:
    fw = draw(frameworks())
    units = []
    for i in range(draw(st.integers(1, 6))):
        answers: dict[str, Answer] = {}
        for leaf in fw.leaves():
            choice = draw(st.sampled_from(["value", "value", "value", "none", "empty", "na"]))
            if choice == "value":
                answers[leaf.code] = draw(answers_for(leaf, fw.rounding))
            elif choice == "empty":
                answers[leaf.code] = Answer(draw(st.sampled_from(["", "  "])), "empty")
            elif choice == "na" and leaf.allow_na:
                answers[leaf.code] = Answer(
                    padded(draw, cased(draw, draw(st.sampled_from(NA)))), "na"
                )
        units.append(
            UnitSpec(
                f"U{i}",
                draw(st.sampled_from([None, *UNIT_TYPES])),
                draw(st.sampled_from([None, "g1", "g2"])),
                answers,
            )
        )
    return fw, units


# -- the oracle ---------------------------------------------------------------------------------


def oracle_points(leaf: NodeSpec, answer: Answer, quantum: Decimal) -> Decimal:
    """A leaf's points from the answer's meaning, exact then rounded half-up once."""
    rule, top = leaf.rule, leaf.max
    assert rule is not None and top is not None
    meaning = answer.meaning
    if rule.type == "choice":
        assert isinstance(meaning, str)
        return half_up(rule.options[meaning], quantum)
    if rule.type == "yes_no":
        return half_up(top if meaning == "yes" else Decimal(0), quantum)
    assert isinstance(meaning, tuple)
    if rule.type == "points":
        exact = meaning[0]
    elif rule.type == "ratio":
        a, b = meaning
        exact = next(p for m, p in rule.brackets if a * 100 >= m * b)
    elif rule.type == "proportional":
        a, b = meaning
        exact = top * min(a / b, Decimal(1))
    elif rule.type == "count":
        exact = min(top, meaning[0] * (rule.per_item or 0))
    elif rule.type == "deduction":
        exact = max(Decimal(0), top - meaning[0] * (rule.per_item or 0))
    else:  # survey
        exact = top * meaning[0] / 100
    return half_up(exact, quantum)


@dataclass
class OracleNode:
    points: Decimal
    max: Decimal
    applies: bool


def oracle_unit(fw: FrameworkSpec, unit: UnitSpec) -> dict[str, object]:
    q = fw.rounding
    nodes: dict[str, OracleNode] = {}
    missing: list[str] = []

    def walk(node: NodeSpec, allowed: frozenset[str] | None) -> OracleNode:
        if node.applies_to is not None:
            own = frozenset(node.applies_to)
            allowed = own if allowed is None else allowed & own
        if node.rule is not None:
            assert node.max is not None
            applies = unit.type is None or allowed is None or unit.type in allowed
            answer = unit.answers.get(node.code)
            if not applies:
                result = OracleNode(Decimal(0), Decimal(0), False)
            elif answer is None or answer.kind == "empty":
                if node.kind == "normal":
                    missing.append(node.code)
                result = OracleNode(Decimal(0), node.max, True)
            elif answer.kind == "na":
                full = fw.na_policy == "full"
                result = OracleNode(
                    node.max if full else Decimal(0), node.max if full else Decimal(0), True
                )
            else:
                result = OracleNode(oracle_points(node, answer, q), node.max, True)
        else:
            parts = [walk(child, allowed) for child in node.children]
            points = sum((p.points for p in parts), Decimal(0))
            maximum = sum((p.max for p in parts), Decimal(0))
            if node.max is not None:
                points, maximum = min(points, node.max), min(maximum, node.max)
            result = OracleNode(points, maximum, any(p.applies for p in parts))
        nodes[node.code] = result
        return result

    tops = [(top, walk(top, None)) for top in fw.nodes]
    normal = sum((r.points for t, r in tops if t.kind == "normal"), Decimal(0))
    bonus = sum((r.points for t, r in tops if t.kind == "bonus"), Decimal(0))
    penalty = sum((r.points for t, r in tops if t.kind == "penalty"), Decimal(0))
    total = max(Decimal(0), normal + bonus - penalty)
    maximum = sum((r.max for t, r in tops if t.kind == "normal"), Decimal(0))
    kinds = {n.code: n.kind for top in fw.nodes for n in top.walk()}

    def index(points: Decimal, of: Decimal) -> Decimal | None:
        return None if of == 0 else half_up(points * 100 / of, q)

    return {
        "points": total,
        "max": maximum,
        "index": index(total, maximum),
        "nodes": {
            code: (n.points, n.max, index(n.points, n.max) if kinds[code] == "normal" else None)
            for code, n in nodes.items()
            if n.applies
        },
        "missing": missing,
    }


def oracle_cycle(fw: FrameworkSpec, units: list[UnitSpec]) -> dict[str, dict[str, object]]:
    with localcontext() as ctx:
        ctx.prec = 80
        results = {u.code: oracle_unit(fw, u) for u in units}
    for unit in units:
        mine = results[unit.code]
        index = mine["index"]
        if index is None:
            mine["rank"] = None
        else:
            better = [
                u
                for u in units
                if u.group == unit.group
                and results[u.code]["index"] is not None
                and results[u.code]["index"] > index  # type: ignore[operator]
            ]
            mine["rank"] = 1 + len(better)
        band = None
        if index is not None:
            band = next((c for c, m in fw.bands if m <= index), None)  # type: ignore[operator]
        mine["band"] = band
    return results


# -- the properties -----------------------------------------------------------------------------


@st.composite
def single_leaves(draw: st.DrawFn) -> tuple[FrameworkSpec, NodeSpec, Answer]:
    quantum = draw(
        st.sampled_from([Decimal("1"), Decimal("0.1"), Decimal("0.01"), Decimal("0.001")])
    )
    leaf = draw(leaves("1", "normal", quantum))
    leaf.applies_to = None
    spec = FrameworkSpec(quantum, "rescale", [], [leaf])
    return spec, leaf, draw(answers_for(leaf, quantum))


@FAST
@given(single_leaves())
def test_leaf_points_within_zero_and_max_for_every_rule(
    case: tuple[FrameworkSpec, NodeSpec, Answer],
) -> None:
    """docs/formats.md §1: any valid value of any rule earns points in [0, max], a multiple of
    rounding, equal to the oracle's (M12–M20, M22)."""
    spec, leaf, answer = case
    fw = load_framework(spec.yaml(), "fw.yaml")
    result = score_leaf(fw, fw.leaves[0], answer.written)
    assert leaf.max is not None
    assert Decimal(0) <= result.points <= leaf.max
    assert result.points % spec.rounding == 0
    with localcontext() as ctx:
        ctx.prec = 80
        assert result.points == oracle_points(leaf, answer, spec.rounding)


@ORACLE
@given(cycles())
def test_compute_agrees_with_the_naive_oracle(case: tuple[FrameworkSpec, list[UnitSpec]]) -> None:
    """M22–M33: compute() equals an independent per-unit Decimal implementation on random trees
    with caps, applies_to, n/a (rescale and full), bonus and penalty, missing values and bands."""
    spec, units = case
    fw = load_framework(spec.yaml(), "fw.yaml")
    infos = [UnitInfo(u.code, type=u.type, group=u.group) for u in units]
    answers = {u.code: {c: a.written for c, a in u.answers.items()} for u in units}
    result = compute(fw, answers, infos)
    expected = oracle_cycle(spec, units)
    for unit in units:
        got, want = result.by_unit(unit.code), expected[unit.code]
        assert got.points == want["points"], unit.code
        assert got.max == want["max"], unit.code
        assert got.index == want["index"], unit.code
        assert got.rank == want["rank"], unit.code
        assert (got.band.code if got.band else None) == want["band"], unit.code
        assert list(got.missing) == want["missing"], unit.code
        assert {c: (n.points, n.max, n.index) for c, n in got.nodes.items()} == want["nodes"]
        assert list(got.nodes) == [n.code for n in fw.all_nodes if n.code in got.nodes]

    def key(u: UnitSpec) -> tuple[object, ...]:
        rank = expected[u.code]["rank"]
        return (u.group is None, u.group or "", rank is None, rank or 0, u.code)

    assert [u.unit.code for u in result.units] == [u.code for u in sorted(units, key=key)]


LEAF_20 = HEAD + 'rounding: "1"\nnodes:\n  - {code: "1", title: L, max: 20, rule: {type: points}}\n'


@FAST
@given(
    st.lists(
        st.tuples(st.integers(0, 20), st.sampled_from([None, "a", "b"])), min_size=1, max_size=12
    ),
    st.randoms(use_true_random=False),
)
def test_ranking_is_independent_of_input_order(
    rows: list[tuple[int, str | None]], shuffler: random.Random
) -> None:
    """M32/M41: shuffling the units and answers changes no rank and no listing order."""
    fw = load_framework(LEAF_20, "fw.yaml")
    units = [UnitInfo(f"U{i:02d}", group=g) for i, (_, g) in enumerate(rows)]
    answers = {f"U{i:02d}": {"1": str(v)} for i, (v, _) in enumerate(rows)}
    first = compute(fw, answers, units)
    shuffled_units = units[:]
    shuffler.shuffle(shuffled_units)
    order = list(answers)
    shuffler.shuffle(order)
    second = compute(fw, {code: answers[code] for code in order}, shuffled_units)
    listed = [(u.unit.code, u.rank) for u in first.units]
    assert listed == [(u.unit.code, u.rank) for u in second.units]


@FAST
@given(st.lists(st.none() | st.integers(0, 10), max_size=30))
def test_ties_share_a_rank_and_the_next_rank_skips(indices: list[int | None]) -> None:
    """M32: rank = 1 + the number of strictly higher indices (1, 2, 2, 4); no index, no rank."""
    ranks = competition_ranks(indices)
    for value, rank in zip(indices, ranks, strict=True):
        if value is None:
            assert rank is None
        else:
            assert rank == 1 + sum(1 for other in indices if other is not None and other > value)
    given_ranks = sorted(r for r in ranks if r is not None)
    for position, rank in enumerate(given_ranks, start=1):
        assert rank <= position  # ranks never exceed their position: ties skip after, not before


@FAST
@given(st.integers(-(10**9), 10**9), st.integers(1, 10**6), st.integers(0, 4))
def test_half_up_matches_decimal_round_half_up(
    numerator: int, denominator: int, places: int
) -> None:
    """M22: round_half_up equals Decimal's ROUND_HALF_UP (away from zero) on the exact value."""
    with localcontext() as ctx:
        ctx.prec = 80
        exact = Decimal(numerator) / Decimal(denominator)
        expected = exact.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    got = round_half_up(Fraction(numerator, denominator), places)
    assert Decimal(got).scaleb(-places) == expected


@FAST
@given(st.integers(0, 10**6), st.integers(1, 10**6))
def test_index_rounding_matches_decimal(total_quanta: int, max_quanta: int) -> None:
    """M28: an index is total / max × 100 rounded half-up once, like Decimal's ROUND_HALF_UP."""
    fw = load_framework(
        HEAD + f'nodes:\n  - {{code: "1", title: L, max: {text(Decimal(max_quanta).scaleb(-2))}, '
        "rule: {type: points}}\n",
        "fw.yaml",
    )
    value = Decimal(min(total_quanta, max_quanta)).scaleb(-2)
    got = compute(fw, {"U": {"1": text(value)}}).by_unit("U").index
    with localcontext() as ctx:
        ctx.prec = 80
        expected = half_up(value * 100 / Decimal(max_quanta).scaleb(-2), Decimal("0.01"))
    assert got == expected


@FAST
@given(st.integers(0, 60), st.integers(1, 60))
def test_ratio_bracket_test_is_exact(a: int, b: int) -> None:
    """M16: with a bracket at the ratio's own percentage rounded to 0.01 (66.67 for 2/3), the
    bracket is reached exactly when a × 100 >= min × b, never on the rounded percentage."""
    with localcontext() as ctx:
        ctx.prec = 80
        low = half_up(Decimal(a) * 100 / Decimal(b), Decimal("0.01"))
    if low == 0:
        return
    fw = load_framework(
        HEAD + 'nodes:\n  - {code: "1", title: L, max: 1, rule: {type: ratio, brackets: '
        f"[{{min: {text(low)}, points: 1}}, {{min: 0, points: 0}}]}}}}\n",
        "fw.yaml",
    )
    reached = Decimal(a) * 100 >= low * b
    assert score_leaf(fw, fw.leaves[0], f"{a}/{b}").points == (1 if reached else 0)
