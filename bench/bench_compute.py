"""Benchmark of the whole-cycle computation (``make bench``).

For a province-sized cycle (150 units) and a large one (5,000 units), both on a generated
100-leaf framework that uses all eight rule types, it prints:

* ``compute()`` from answers to ranked arrays, with a fresh scorer cache (best of N runs), and
  once more with a warm cache, which leaves the aggregation;
* the time to materialise every unit's result (``result.units``) and, separately, to build the
  JSON output (``report.to_json``) and serialise it;
* the peak memory of one ``compute()`` under tracemalloc;
* a bare numpy kernel summing the same leaf points per unit (units × leaves int64,
  ``.sum(axis=1)``), measured in the same run, and the ratio compute / kernel.

The framework and the answers are generated deterministically, so everything printed except the
timings is the same on every run and every machine.
"""

from __future__ import annotations

import dataclasses
import gc
import json
import os
import platform
import random
import sys
import time
import tracemalloc
from collections.abc import Callable
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import numpy as np

from parindex.core import CycleResult, Framework, Scorer, UnitInfo, compute, load_framework
from parindex.core.report import to_json

SEED = 20240601
SIZES = (150, 5_000)
RULE_ORDER = (
    "points",
    "choice",
    "yes_no",
    "ratio",
    "proportional",
    "count",
    "deduction",
    "survey",
)
LEAF_MAXIMA = (Decimal("1"), Decimal("1.5"), Decimal("2"), Decimal("2.5"), Decimal("3"))
CHOICES = ("Tốt", "Đạt", "Đạt một phần", "Không đạt")
YES = ("có", "Có", "yes", "1", "true")
NO = ("không", "Không", "no", "0", "false")
Cell = Callable[[dict[str, Any]], str]
# Runs per measurement: (compute, units/json, numpy kernel), by number of units.
RUNS = {150: (10, 10, 1_000), 5_000: (3, 3, 200)}


# -- the framework ---------------------------------------------------------------------------


def _q(value: Decimal) -> str:
    """A multiple of 0.01 as YAML text."""
    return str(value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP).normalize())


def framework_text() -> str:
    """10 areas × 2 criteria × 5 leaves; rule types cycle through all eight."""
    lines = [
        "format: parindex.framework/1",
        "code: bench-100",
        'version: "2024"',
        "title:",
        '  vi: "Bộ chỉ số thử tải (100 tiêu chí thành phần)"',
        '  en: "Benchmark framework (100 leaves)"',
        "unit_types: [so, huyen]",
        "rounding: 0.01",
        "not_applicable: rescale",
        "bands:",
        '  - {code: A, min: 90, title: "Tốt"}',
        '  - {code: B, min: 80, title: "Khá"}',
        '  - {code: C, min: 65, title: "Trung bình"}',
        '  - {code: D, min: 0, title: "Yếu"}',
        "nodes:",
    ]
    k = 0
    for a in range(1, 11):
        lines += [f'  - code: "{a}"', f'    title: "Lĩnh vực {a}"', "    children:"]
        for c in range(1, 3):
            leaves: list[str] = []
            children_max = Decimal(0)
            for s in range(1, 6):
                rule = RULE_ORDER[k % len(RULE_ORDER)]
                top = LEAF_MAXIMA[(k * 7 + a) % len(LEAF_MAXIMA)]
                children_max += top
                leaves += _leaf(f"{a}.{c}.{s}", rule, top, allow_na=rule == "proportional")
                k += 1
            lines += [f'      - code: "{a}.{c}"', f'        title: "Tiêu chí {a}.{c}"']
            if (a, c) == (3, 2):  # the capped branch: less than its children's sum
                lines.append(f"        max: {_q(children_max - 1)}")
            if (a, c) == (7, 1):  # district-level units are not assessed on this criterion
                lines.append("        applies_to: [so]")
            lines += ["        children:", *leaves]
    return "\n".join(lines) + "\n"


def _leaf(code: str, rule: str, top: Decimal, *, allow_na: bool) -> list[str]:
    out = [
        f'          - code: "{code}"',
        f'            title: "Tiêu chí thành phần {code}"',
        f"            max: {_q(top)}",
    ]
    if allow_na:
        out.append("            allow_na: true")
    if rule == "survey":
        out.append("            source: survey")
    out.append("            rule:")
    out.append(f"              type: {rule}")
    if rule == "points":
        out.append("              step: 0.25")
    elif rule == "choice":
        out.append("              options:")
        for key, share in zip(CHOICES, ("1", "0.75", "0.5", "0"), strict=True):
            out.append(f'                "{key}": {_q(top * Decimal(share))}')
    elif rule == "ratio":
        out.append("              brackets:")
        for low, share in (("100", "1"), ("90", "0.8"), ("75", "0.6"), ("50", "0.3"), ("0", "0")):
            out.append(f"                - {{min: {low}, points: {_q(top * Decimal(share))}}}")
    elif rule == "count":
        out.append("              per_item: 0.25")
    elif rule == "deduction":
        out.append("              per_item: 0.5")
    return out


# -- the answers -----------------------------------------------------------------------------


def make_units(n: int) -> list[UnitInfo]:
    """One unit in five is a department (sở), the rest districts (huyện); ranked by type."""
    units = []
    for i in range(1, n + 1):
        kind = "so" if i % 5 == 0 else "huyen"
        units.append(UnitInfo(f"U{i:05d}", f"Đơn vị {i}", kind, kind))
    return units


def make_answers(
    fw: Framework, units: list[UnitInfo], rng: random.Random
) -> dict[str, dict[str, str]]:
    """Answers as people write them: options, yes/no words, a/b ratios, percentages, counts;
    about 2% of leaves left blank and some n/a where a leaf allows it."""
    answers: dict[str, dict[str, str]] = {}
    for unit in units:
        quality = rng.uniform(0.35, 1.0)  # how well this unit does overall
        row: dict[str, str] = {}
        for leaf in fw.leaves:
            if not leaf.applies(unit.type) or rng.random() < 0.02:
                continue
            assert leaf.rule is not None and leaf.max is not None
            row[leaf.code] = _value(leaf.rule.type, leaf.max, leaf.allow_na, quality, rng)
        answers[unit.code] = row
    return answers


def _value(rule: str, top: Decimal, allow_na: bool, quality: float, rng: random.Random) -> str:
    good = min(1.0, max(0.0, rng.gauss(quality, 0.15)))  # this unit on this leaf
    if allow_na and rng.random() < 0.05:
        return rng.choice(("n/a", "KAD", "không áp dụng"))
    if rule == "points":
        steps = int(top / Decimal("0.25"))
        return _q(Decimal(round(good * steps)) * Decimal("0.25"))
    if rule == "choice":
        return CHOICES[min(3, int((1 - good) * 4))]
    if rule == "yes_no":
        return rng.choice(YES if rng.random() < good else NO)
    if rule in ("ratio", "proportional"):
        form = rng.random()
        if form < 0.6:  # dossiers handled on time / dossiers received
            received = rng.randint(1, 2_000)
            return f"{round(received * good)}/{received}"
        if form < 0.9:
            return f"{good * 100:.1f}%"
        return f"{good:.2f}"
    if rule == "count":
        return str(round(good * rng.randint(0, 16)))
    if rule == "deduction":
        return str(round((1 - good) * rng.randint(0, 8)))
    percent = f"{good * 100:.2f}"  # survey
    return percent + "%" if rng.random() < 0.5 else percent


# -- timing ----------------------------------------------------------------------------------


def best_of(runs: int, fn: Callable[[], Any]) -> tuple[float, Any]:
    """Best wall time in seconds of ``runs`` calls, and the last call's value.

    Garbage is collected once before the runs; the collector stays on during them, as it is
    for anyone calling the code.
    """
    best, value = float("inf"), None
    gc.collect()
    for _ in range(runs):
        start = time.perf_counter()
        value = fn()
        best = min(best, time.perf_counter() - start)
    return best, value


def fresh(result: CycleResult) -> CycleResult:
    """The same arrays without the cached per-unit view, to time its materialisation again."""
    return dataclasses.replace(result)


def leaf_points_matrix(result: CycleResult) -> np.ndarray:
    """units × leaves int64 of each leaf's scored points in quanta (0 where not scored)."""
    leaves = result.framework.leaves
    matrix = np.zeros((len(result.unit_infos), len(leaves)), dtype=np.int64)
    for u, scores in enumerate(result.leaf_scores):
        row = matrix[u]
        for i, leaf in enumerate(leaves):
            score = scores.get(leaf.code)
            if score is not None:
                row[i] = score.points_q
    # The same points the computation aggregated: its leaf columns.
    columns = [n for n, node in enumerate(result.framework.all_nodes) if node.is_leaf]
    assert np.array_equal(matrix, result.node_points[:, columns])
    return matrix


def bench(fw: Framework, n_units: int) -> dict[str, Any]:
    rng = random.Random(f"{SEED}-{n_units}")
    units = make_units(n_units)
    answers = make_answers(fw, units, rng)
    n_compute, n_view, n_kernel = RUNS[n_units]

    def cold() -> tuple[CycleResult, Scorer]:
        scorer = Scorer(fw)  # what compute() makes itself when given none
        return compute(fw, answers, units, scorer=scorer), scorer

    t_compute, (result, warm) = best_of(n_compute, cold)
    t_warm, _ = best_of(n_compute, lambda: compute(fw, answers, units, scorer=warm))

    t_units, _ = best_of(n_view, lambda: fresh(result).units)
    result.units  # materialised once; to_json then only builds the dicts  # noqa: B018
    t_json, document = best_of(n_view, lambda: to_json(result))
    t_dumps, text = best_of(n_view, lambda: json.dumps(document, ensure_ascii=False))

    gc.collect()
    tracemalloc.start()
    compute(fw, answers, units)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()

    matrix = leaf_points_matrix(result)
    t_kernel, sums = best_of(n_kernel, lambda: matrix.sum(axis=1))

    given = sum(len(row) for row in answers.values())
    distinct = len({(leaf, value) for row in answers.values() for leaf, value in row.items()})
    totals = [u.points for u in result.units]
    return {
        "units": n_units,
        "answers": given,
        "distinct": distinct,
        "runs": (n_compute, n_view, n_kernel),
        "compute": t_compute,
        "warm": t_warm,
        "materialise": t_units,
        "to_json": t_json,
        "dumps": t_dumps,
        "json_mib": len(text.encode()) / 2**20,
        "peak_mib": peak / 2**20,
        "kernel": t_kernel,
        "checksum": sum(totals),
        "leaf_sum": int(sums.sum()),
        "first": result.units[0],
        "ranked": sum(1 for u in result.units if u.rank is not None),
    }


# -- output ----------------------------------------------------------------------------------


def ms(seconds: float) -> str:
    return f"{seconds * 1000:,.2f} ms" if seconds < 1 else f"{seconds:,.3f} s"


def us(seconds: float) -> str:
    return f"{seconds * 1e6:,.1f} µs"


def cpu_model() -> str:
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def table(fw: Framework, rows: list[dict[str, Any]]) -> str:
    rule_counts: dict[str, int] = {}
    for leaf in fw.leaves:
        assert leaf.rule is not None
        rule_counts[leaf.rule.type] = rule_counts.get(leaf.rule.type, 0) + 1
    head = [
        "parindex compute benchmark",
        f"machine:   {os.cpu_count()} CPUs ({cpu_model()}), {platform.system()} "
        f"{platform.machine()}",
        f"software:  Python {platform.python_version()} ({platform.python_implementation()}), "
        f"numpy {np.__version__}",
        f"framework: {fw.code} — {len(fw.all_nodes)} nodes, {len(fw.leaves)} leaves, one capped "
        f"criterion, rounding {fw.rounding}, {len(fw.bands)} bands; rules:",
        "           " + ", ".join(f"{k} {v}" for k, v in rule_counts.items()),
        f"answers:   generated with seed {SEED}; one unit in five of type 'so'; times are the "
        "best of N runs",
        "",
    ]

    def timed(key: str, runs: int, fmt: Callable[[float], str] = ms) -> Cell:
        return lambda r: f"{fmt(r[key])}  N={r['runs'][runs]}"

    labels: list[tuple[str, Cell]] = [
        ("units × leaves", lambda r: f"{r['units']:,} × {len(fw.leaves)}"),
        ("answers given", lambda r: f"{r['answers']:,}"),
        ("distinct (leaf, value) pairs scored", lambda r: f"{r['distinct']:,}"),
        ("(1) compute(), fresh scorer", timed("compute", 0)),
        ("    per unit", lambda r: us(r["compute"] / r["units"])),
        ("    compute(), warm scorer cache", timed("warm", 0)),
        ("(2) result.units (materialise all)", timed("materialise", 1)),
        ("    report.to_json (units cached)", timed("to_json", 1)),
        ("    json.dumps of that document", timed("dumps", 1)),
        ("    JSON size", lambda r: f"{r['json_mib']:.1f} MiB"),
        ("(3) compute() peak (tracemalloc)", lambda r: f"{r['peak_mib']:.1f} MiB"),
        ("(4) numpy leaf-points .sum(axis=1)", timed("kernel", 2, us)),
        ("    ratio compute / numpy", lambda r: f"{r['compute'] / r['kernel']:,.0f}×"),
        ("check: Σ unit points", lambda r: f"{r['checksum']}"),
        ("check: Σ leaf points (quanta)", lambda r: f"{r['leaf_sum']:,}"),
        ("check: first listed unit", _first),
        ("check: units ranked", lambda r: f"{r['ranked']:,}"),
    ]
    width = max(len(label) for label, _ in labels)
    cells = [[fmt(r) for r in rows] for _, fmt in labels]
    col = max(len(c) for row in cells for c in row)
    out = [*head]
    titles = [f"{r['units']:,} units" for r in rows]
    out.append(" " * width + "".join(f"   {t:>{col}}" for t in titles))
    for (label, _), row in zip(labels, cells, strict=True):
        out.append(f"{label:<{width}}" + "".join(f"   {c:>{col}}" for c in row))
    return "\n".join(out)


def _first(r: dict[str, Any]) -> str:
    u = r["first"]
    band = u.band.code if u.band else "-"
    return f"{u.unit.code} {u.unit.group} #{u.rank} {u.index} {band}"


def main() -> int:
    started = time.perf_counter()
    fw = load_framework(framework_text(), "<bench framework>")
    rows = [bench(fw, n) for n in SIZES]
    print(table(fw, rows))
    print(f"\n(whole benchmark: {time.perf_counter() - started:.1f} s)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
