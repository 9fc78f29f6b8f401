"""Benchmark of ``parindex compute`` end to end (``make bench``).

For cycles of 150, 5,000 and 20,000 units on the generated ~100-leaf framework of
``cycle_files.py`` (every rule, caps, ``applies_to``, n/a, a bonus and a penalty area; the files
are written once into the system's temporary folder and kept for later runs), it runs the real
command in a child process, from process start to the JSON written to a file, and prints:

* its wall time (best of N), its CPU time and its peak resident memory (``ru_maxrss`` of that
  process alone, measured by ``child_usage.py``); the same with PYTHONUNBUFFERED=1, and with
  ``--format csv``;
* the floor: ``compute_floor.py``, a plain numpy program doing the same arithmetic on the same
  answers parsed beforehand into arrays (no reading, checking or writing), its wall time as a
  process and the time of the arithmetic alone, and the ratios of parindex's wall time to both;
* a check that the floor's totals, indices, ranks, bands and missing counts are parindex's.

Other processes on the machine stretch wall times; the load average is printed before and
after, and the CPU time, which they hardly change, beside the wall time.
"""

from __future__ import annotations

import os
import platform
import subprocess
import sys
import tempfile
import time
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import numpy as np

from parindex.core import Framework, load_framework, read_units
from parindex.core.numbers import quanta
from parindex.core.rules import NA_WORDS, YES_WORDS, ChoiceRule, CountRule, DeductionRule, match_key
from parindex.core.score_table import compute_table, read_score_table

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from compute_floor import NOT_APPLICABLE, NUMBER, OPTION, RULES  # noqa: E402
from cycle_files import cached_cycle  # noqa: E402

SIZES = (150, 5_000, 20_000)
RUNS = {150: 5, 5_000: 3, 20_000: 2}
TARGETS = {5_000: 2.5, 20_000: 8.0}  # seconds, end to end with JSON output
PEAK_TARGET_MIB = 600
PARINDEX = str(Path(sys.executable).with_name("parindex"))


# -- the floor's arrays ---------------------------------------------------------------------


def meaning(fw: Framework, code: str, text: str) -> tuple[int, int, int] | None:
    """What a valid answer means, read independently of parindex's readers: (kind, num, den),
    num/den the exact number (an option's position for a choice); None for an empty cell."""
    node = fw.by_code[code]
    rule = node.rule
    value = unicodedata.normalize("NFC", text.strip())
    if not value:
        return None
    if node.allow_na and value.casefold() in NA_WORDS:
        return NOT_APPLICABLE, 0, 1
    if isinstance(rule, ChoiceRule):
        for i, option in enumerate(rule.options):
            if value == option.key or match_key(value) in map(match_key, option.names()):
                return OPTION, i, 1
        raise ValueError(value)
    assert rule is not None
    if rule.type == "yes_no":
        return NUMBER, int(value.casefold() in YES_WORDS), 1
    if rule.type in ("ratio", "proportional") and "/" in value:
        above, below = value.split("/")
        number = Fraction(Decimal(above.strip())) / Fraction(Decimal(below.strip()))
    elif value.endswith("%"):
        number = Fraction(Decimal(value[:-1].strip()))
        number /= 100 if rule.type != "survey" else 1
    else:
        number = Fraction(Decimal(value))
    return NUMBER, number.numerator, number.denominator


def floor_arrays(folder: Path) -> Path:
    """The cycle's answers and framework as the floor's arrays, parsed once and kept."""
    path = folder / "floor-arrays.npz"
    if path.exists():
        return path
    fw = load_framework((folder / "framework.yaml").read_text(encoding="utf-8"))
    units, _ = read_units((folder / "units.csv").read_text(encoding="utf-8"), "units", fw)
    position = {u.code: i for i, u in enumerate(units)}
    leaf_at = {leaf.code: i for i, leaf in enumerate(fw.leaves)}
    places = fw.places
    cells: list[tuple[int, int, int, int, int]] = []
    lines = (folder / "scores.csv").read_text(encoding="utf-8").splitlines()[1:]
    for line in lines:  # the generated file has no quoted cell
        unit, item, value = line.split(",")
        if not fw.by_code[item].applies(units[position[unit]].type):
            continue
        found = meaning(fw, item, value)
        if found is not None:
            cells.append((position[unit], leaf_at[item], *found))
    cell = np.array(cells, dtype=np.int64).reshape(-1, 5)
    leaves = fw.leaves
    options = max(
        (len(x.rule.options) for x in leaves if isinstance(x.rule, ChoiceRule)), default=1
    )
    brackets = max((len(getattr(x.rule, "brackets", ())) for x in leaves), default=1)
    option_points = np.zeros((len(leaves), options), dtype=np.int64)
    bracket_min = np.zeros((len(leaves), brackets), dtype=np.int64)
    bracket_power = np.zeros((len(leaves), brackets), dtype=np.int64)
    bracket_points = np.zeros((len(leaves), brackets), dtype=np.int64)
    for i, leaf in enumerate(leaves):
        for k, option in enumerate(getattr(leaf.rule, "options", ())):
            option_points[i, k] = quanta(option.points, places)
        for k, bracket in enumerate(getattr(leaf.rule, "brackets", ())):
            exponent = -min(0, int(bracket.min.as_tuple().exponent))
            bracket_min[i, k] = int(bracket.min.scaleb(exponent))
            bracket_power[i, k] = exponent
            bracket_points[i, k] = quanta(bracket.points, places)
    types = sorted({u.type or "" for u in units})
    groups = sorted({u.group or "" for u in units})
    nodes = fw.all_nodes
    node_at = {n.code: i for i, n in enumerate(nodes)}
    np.savez(
        path,
        places=places,
        na_full=fw.not_applicable == "full",
        cell_unit=cell[:, 0],
        cell_leaf=cell[:, 1],
        cell_kind=cell[:, 2],
        cell_num=cell[:, 3],
        cell_den=cell[:, 4],
        leaf_rule=np.array([RULES.index(x.rule.type) for x in leaves if x.rule]),
        leaf_top=np.array([quanta(x.full_max, places) for x in leaves], dtype=np.int64),
        leaf_per=np.array(
            [
                quanta(x.rule.per_item, places)
                if isinstance(x.rule, (CountRule, DeductionRule))
                else 0
                for x in leaves
            ],
            dtype=np.int64,
        ),
        leaf_normal=np.array([x.kind == "normal" for x in leaves]),
        option_points=option_points,
        bracket_min=bracket_min,
        bracket_power=bracket_power,
        bracket_points=bracket_points,
        type_applies=np.array([[x.applies(t or None) for x in leaves] for t in types]),
        unit_type=np.array([types.index(u.type or "") for u in units]),
        unit_group=np.array([groups.index(u.group or "") for u in units]),
        node_parent=np.array([node_at[n.parent] if n.parent else -1 for n in nodes]),
        node_leaf=np.array([leaf_at.get(n.code, -1) for n in nodes]),
        node_cap=np.array(
            [quanta(n.max, places) if n.max is not None and not n.is_leaf else -1 for n in nodes]
        ),
        node_kind=np.array([("normal", "bonus", "penalty").index(n.kind) for n in nodes]),
        band_min=np.array([-(-b.min.scaleb(places) // 1) for b in fw.bands], dtype=np.int64),
    )
    return path


def floor_agrees(folder: Path, result_path: Path) -> bool:
    """Whether the floor's totals, indices, ranks, bands, missing counts and node indices are
    parindex's (read and computed by columns, in this process)."""
    fw = load_framework((folder / "framework.yaml").read_text(encoding="utf-8"))
    units, _ = read_units((folder / "units.csv").read_text(encoding="utf-8"), "units", fw)
    by_code = {u.code: u for u in units}
    table = read_score_table((folder / "scores.csv").read_bytes(), fw, "scores", by_code)
    result = compute_table(fw, table, units)
    bands = []
    for index in result.total_index.tolist():
        band = fw.band_for(None if index < 0 else Decimal(index).scaleb(-fw.places))
        bands.append(len(fw.bands) if band is None else fw.bands.index(band))
    with np.load(result_path) as floor:
        return (
            np.array_equal(floor["total"], result.total)
            and np.array_equal(floor["index"], result.total_index)
            and floor["rank"].tolist() == [-1 if r is None else r for r in result.ranks]
            and floor["band"].tolist() == bands
            and np.array_equal(floor["missing"], result.missing_mask.sum(axis=1))
            and np.array_equal(floor["node_index"], result.node_index)
        )


# -- measuring a child process --------------------------------------------------------------


def run(argv: list[str], out: Path, unbuffered: bool = False) -> tuple[float, float, float]:
    """Wall seconds, CPU seconds and peak memory (MiB) of one run of ``argv``, its standard
    output written to ``out`` (measured by ``child_usage.py``)."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}
    if unbuffered:
        env["PYTHONUNBUFFERED"] = "1"
    usage = out.with_name("usage.txt")
    with out.open("wb") as sink:
        done = subprocess.run(
            [sys.executable, str(HERE / "child_usage.py"), str(usage), *argv],
            stdout=sink,
            stderr=subprocess.DEVNULL,
            env=env,
            check=False,
        )
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(argv)} failed with status {done.returncode}")
    wall, cpu, peak = map(float, usage.read_text().split())
    return wall, cpu, peak


def best(runs: int, argv: list[str], out: Path, unbuffered: bool = False) -> list[float]:
    """Of ``runs`` runs, the one with the least wall time: its wall, CPU and peak memory."""
    return list(min(run(argv, out, unbuffered) for _ in range(runs)))


@dataclass
class Row:
    """One cycle's figures: (wall s, CPU s, peak MiB) per run kind, the floor's too with the
    seconds of its arithmetic."""

    units: int
    runs: int
    answers: int
    json: list[float]
    json_mib: float
    unbuffered: list[float]
    csv: list[float]
    floor: list[float]
    agrees: bool


def bench(n_units: int, scratch: Path) -> Row:
    folder = cached_cycle(n_units)
    arrays = floor_arrays(folder)
    runs = RUNS[n_units]
    files = [folder / "framework.yaml", folder / "scores.csv", "--units", folder / "units.csv"]
    command = [PARINDEX, "compute", *map(str, files), "--format"]
    out = scratch / f"{n_units}.json"
    json_run = best(runs, [*command, "json"], out)
    json_mib = out.stat().st_size / 2**20
    unbuffered = best(runs, [*command, "json"], out, unbuffered=True)
    csv_run = best(1, [*command, "csv"], scratch / f"{n_units}.csv")
    result, printed = scratch / f"{n_units}-floor.npz", scratch / "floor.txt"
    floor = [sys.executable, str(HERE / "compute_floor.py"), str(arrays), str(result)]
    # The floor's process figures, and the seconds of its arithmetic that it printed.
    floor_run = min([*run(floor, printed), float(printed.read_text())] for _ in range(runs))
    with np.load(arrays) as a:
        answers = len(a["cell_leaf"])
    return Row(
        n_units,
        runs,
        answers,
        json_run,
        json_mib,
        unbuffered,
        csv_run,
        floor_run,
        floor_agrees(folder, result),
    )


# -- output ---------------------------------------------------------------------------------


def seconds(value: float) -> str:
    return f"{value * 1000:,.0f} ms" if value < 1 else f"{value:,.2f} s"


def cpu_model() -> str:
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def report(rows: list[Row], loads: tuple[str, str]) -> str:
    fw = load_framework((cached_cycle(SIZES[0]) / "framework.yaml").read_text(encoding="utf-8"))
    kinds = sorted({leaf.rule.type for leaf in fw.leaves if leaf.rule})
    head = [
        "parindex compute benchmark: process start to JSON written to a file",
        f"machine:   {os.cpu_count()} CPUs ({cpu_model()}), {platform.system()}, Python "
        f"{platform.python_version()}, numpy {np.__version__}; load average {loads[0]} before, "
        f"{loads[1]} after",
        f"framework: {fw.code}, {len(fw.all_nodes)} nodes, {len(fw.leaves)} leaves "
        f"({', '.join(kinds)}), a capped criterion, applies_to, n/a, bonus and penalty areas",
        "times:     the best wall time of N runs, with that run's CPU time and peak memory",
        "",
    ]
    labels: list[tuple[str, Callable[[Row], str]]] = [
        ("answers", lambda r: f"{r.answers:,}"),
        ("compute --format json", lambda r: f"{seconds(r.json[0])}  N={r.runs}"),
        ("    CPU time", lambda r: seconds(r.json[1])),
        ("    peak memory", lambda r: f"{r.json[2]:,.0f} MiB"),
        ("    JSON written", lambda r: f"{r.json_mib:,.1f} MiB"),
        ("    with PYTHONUNBUFFERED=1", lambda r: f"{seconds(r.unbuffered[0])}  N={r.runs}"),
        ("compute --format csv", lambda r: seconds(r.csv[0])),
        ("floor: numpy on parsed arrays", lambda r: seconds(r.floor[3])),
        (
            "    as a process: wall, memory",
            lambda r: f"{seconds(r.floor[0])}, {r.floor[2]:,.0f} MiB",
        ),
        ("ratio compute / floor process", lambda r: f"{r.json[0] / r.floor[0]:.1f}×"),
        ("ratio compute / floor arithmetic", lambda r: f"{r.json[0] / r.floor[3]:,.0f}×"),
        ("check: floor figures = parindex's", lambda r: "yes" if r.agrees else "NO"),
    ]
    width = max(len(label) for label, _ in labels)
    cells = [[shown(r) for r in rows] for _, shown in labels]
    col = max(len(c) for row in cells for c in row)
    titles = [f"{r.units:,} units" for r in rows]
    out = [*head, " " * width + "".join(f"   {t:>{col}}" for t in titles)]
    for (label, _), row in zip(labels, cells, strict=True):
        out.append(f"{label:<{width}}" + "".join(f"   {c:>{col}}" for c in row))
    verdicts = [
        f"{r.units:,} units {seconds(r.json[0])} (≤ {TARGETS[r.units]:g} s: "
        f"{'met' if r.json[0] <= TARGETS[r.units] else 'NOT met'})"
        for r in rows
        if r.units in TARGETS
    ]
    peak = rows[-1].json[2]
    verdicts.append(
        f"peak {peak:,.0f} MiB at {rows[-1].units:,} units (≤ {PEAK_TARGET_MIB} MiB: "
        f"{'met' if peak <= PEAK_TARGET_MIB else 'NOT met'})"
    )
    return "\n".join([*out, "", "targets: " + "; ".join(verdicts)])


def main() -> int:
    started = time.perf_counter()
    before = " ".join(f"{x:.1f}" for x in os.getloadavg())
    with tempfile.TemporaryDirectory(prefix="parindex-bench-compute-") as scratch:
        rows = [bench(n, Path(scratch)) for n in SIZES]
    after = " ".join(f"{x:.1f}" for x in os.getloadavg())
    print(report(rows, (before, after)))
    print(f"\n(whole benchmark: {time.perf_counter() - started:.1f} s)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
