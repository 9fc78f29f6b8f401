"""Benchmark of the survey aggregation (``make bench``): 1,000,000 forms × 30 questions.

It generates, deterministically, a questionnaire (4 respondent groups, 30 questions feeding 10
survey leaves, options A–D with a "don't know" E) and a wide responses CSV of 1,000,000 forms over
5,000 units in a temporary folder, then measures, each in a fresh child process so that the peak
memory (``ru_maxrss``) belongs to that measurement alone:

* ``aggregate()`` of parindex's core (validation of every cell included, exact sums), then
  building every unit's leaf results (values, margins, flags) as ``--format scores`` does;
* a bare pyarrow pass over the same file: ``pyarrow.csv.read_csv``, each answer mapped to its
  percentage, a respondent's mean per leaf, and a group-by mean per unit × group (floats, no
  validation, multi-threaded C++);
* an interpreter that only imports numpy and pyarrow, for the memory baseline;

and prints the times, the peak memory and the ratio parindex / pyarrow. The figures other than
times and memory (forms, units, checksum of the values) are the same on every run.
"""

from __future__ import annotations

import hashlib
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

FORMS = 1_000_000
UNITS = 5_000
QUESTIONS = 30
PER_LEAF = 3
SEED = 20240601
GROUPS = (("LD", 5, 1, 0.10), ("CC", 10, 1, 0.20), ("ND", 30, 2, 0.50), ("DN", 10, 2, 0.20))
OPTIONS = ("A", "B", "C", "D", "E")
PERCENT = {"A": 100, "B": 60, "C": 20, "D": 0, "E": None}


def questionnaire_text() -> str:
    lines = [
        "format: parindex.survey/1",
        "code: bench-survey",
        'version: "2024"',
        "title: Benchmark survey",
        "scale: {A: 100, B: 60, C: 20, D: 0, E: null}",
        "groups:",
    ]
    for code, min_n, weight, _ in GROUPS:
        lines.append(f"  - {{code: {code}, min_n: {min_n}, weight: {weight}}}")
    lines.append("questions:")
    for i in range(QUESTIONS):
        groups = "[LD, CC, ND, DN]" if i < QUESTIONS // 2 else "[ND, DN]"
        lines.append(
            f'  - {{code: Q{i + 1:02d}, leaf: "L{i // PER_LEAF + 1:02d}", groups: {groups}}}'
        )
    return "\n".join(lines) + "\n"


def write_responses(path: Path) -> None:
    """1,000,000 forms, deterministic: the same file on every machine."""
    rng = np.random.Generator(np.random.PCG64(SEED))
    letters = np.array(["", *OPTIONS], dtype=object)
    shares = np.array([g[3] for g in GROUPS])
    quality = rng.uniform(0.45, 0.95, UNITS)
    header = ["response", "group", "unit", *(f"Q{i + 1:02d}" for i in range(QUESTIONS)), "_id"]
    chunk = 100_000
    with path.open("w", encoding="utf-8", newline="") as out:
        out.write(",".join(header) + "\n")
        for start in range(0, FORMS, chunk):
            rows = min(chunk, FORMS - start)
            unit = rng.integers(0, UNITS, rows)
            group = rng.choice(len(GROUPS), rows, p=shares)
            good = rng.random((rows, QUESTIONS)) < quality[unit][:, None]
            codes = np.where(
                good, rng.integers(1, 3, (rows, QUESTIONS)), rng.integers(2, 6, (rows, QUESTIONS))
            )
            codes[rng.random((rows, QUESTIONS)) < 0.04] = 0  # not answered
            codes[:, QUESTIONS // 2 :][group < 2] = 0  # leaders and officials skip Q16–Q30
            cells = letters[codes]
            group_codes = np.array([g[0] for g in GROUPS], dtype=object)[group]
            out.writelines(
                f"r{start + i + 1:07d},{group_codes[i]},U{unit[i]:04d},"
                + ",".join(cells[i])
                + f",{start + i}\n"
                for i in range(rows)
            )


# -- the measurements, each run in a child process --------------------------------------------


def child_survey(folder: Path) -> dict[str, object]:
    from parindex.core.survey import load_questionnaire
    from parindex.core.survey_aggregate import CsvTable, aggregate
    from parindex.core.survey_report import scores_lines

    q = load_questionnaire((folder / "questionnaire.yaml").read_text("utf-8"))
    path = folder / "responses.csv"

    def lines():  # type: ignore[no-untyped-def]
        with path.open(encoding="utf-8", newline="") as handle:
            yield from handle

    started = time.perf_counter()
    result = aggregate(q, CsvTable(lines, str(path)))
    aggregated = time.perf_counter()
    digest = hashlib.sha256()
    values = 0
    for line in scores_lines(result):
        digest.update(line.encode())
        values += line.count("\n")
    done = time.perf_counter()
    return {
        "aggregate_s": aggregated - started,
        "results_s": done - aggregated,
        "total_s": done - started,
        "forms": result.forms,
        "units": len(result.unit_codes),
        "values": values - 1,
        "sha256": digest.hexdigest()[:16],
    }


def child_arrow(folder: Path) -> dict[str, object]:
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.csv as pacsv

    started = time.perf_counter()
    names = [f"Q{i + 1:02d}" for i in range(QUESTIONS)]
    table = pacsv.read_csv(
        folder / "responses.csv",
        convert_options=pacsv.ConvertOptions(
            column_types={n: pa.string() for n in ["response", "group", "unit", *names]},
            include_columns=["group", "unit", *names],
        ),
    )
    keys = pa.array(list(PERCENT))
    percents = pa.array([PERCENT[k] for k in PERCENT], pa.float64())
    scores = {}
    for leaf in range(QUESTIONS // PER_LEAF):
        total = None
        count = None
        for name in names[leaf * PER_LEAF : (leaf + 1) * PER_LEAF]:
            value = pc.take(percents, pc.index_in(table[name], value_set=keys))
            answered = pc.cast(pc.is_valid(value), pa.int64())
            value = pc.fill_null(value, 0.0)
            total = value if total is None else pc.add(total, value)
            count = answered if count is None else pc.add(count, answered)
        scores[f"L{leaf + 1:02d}"] = pc.divide(total, pc.cast(count, pa.float64()))
    slim = pa.table({"unit": table["unit"], "group": table["group"], **scores})
    # 0/0 is NaN: a respondent without an answer to a leaf does not count for it.
    slim = pa.table(
        {
            name: (pc.if_else(pc.is_nan(col), None, col) if name.startswith("L") else col)
            for name, col in zip(slim.column_names, slim.columns, strict=True)
        }
    )
    grouped = slim.group_by(["unit", "group"]).aggregate(
        [(f"L{leaf + 1:02d}", "mean") for leaf in range(QUESTIONS // PER_LEAF)]
        + [(f"L{leaf + 1:02d}", "count") for leaf in range(QUESTIONS // PER_LEAF)]
    )
    done = time.perf_counter()
    return {"total_s": done - started, "rows": table.num_rows, "groups": grouped.num_rows}


def child_baseline(folder: Path) -> dict[str, object]:
    import pyarrow  # noqa: F401

    from parindex.core import survey_aggregate  # noqa: F401

    return {}


def peak_rss_mib() -> float:
    """The process's peak resident memory. VmHWM belongs to this program alone (ru_maxrss keeps
    the high-water mark of the parent that forked it across exec)."""
    status = Path("/proc/self/status")
    if status.exists():
        for line in status.read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


CHILDREN = {"survey": child_survey, "arrow": child_arrow, "baseline": child_baseline}


def run_child(kind: str, folder: Path) -> dict[str, object]:
    env = dict(os.environ)
    output = subprocess.run(
        [sys.executable, __file__, "--child", kind, str(folder)],
        check=True,
        capture_output=True,
        text=True,
        env=env,
    ).stdout
    return dict(json.loads(output))


def main() -> int:
    if len(sys.argv) == 4 and sys.argv[1] == "--child":
        figures = CHILDREN[sys.argv[2]](Path(sys.argv[3]))
        figures["maxrss_mib"] = peak_rss_mib()
        print(json.dumps(figures))
        return 0
    with tempfile.TemporaryDirectory(prefix="parindex-bench-survey-") as tmp:
        folder = Path(tmp)
        started = time.perf_counter()
        (folder / "questionnaire.yaml").write_text(questionnaire_text(), encoding="utf-8")
        write_responses(folder / "responses.csv")
        size = (folder / "responses.csv").stat().st_size
        print(
            f"survey benchmark: {FORMS:,} forms × {QUESTIONS} questions "
            f"({QUESTIONS // PER_LEAF} leaves, {len(GROUPS)} groups) over {UNITS:,} units; "
            f"CSV {size / 2**20:.0f} MiB generated in {time.perf_counter() - started:.1f} s"
        )
        base = run_child("baseline", folder)
        survey = run_child("survey", folder)
        arrow = run_child("arrow", folder)
    rows = [
        ("parindex aggregate() (read, validate, exact sums)", f"{survey['aggregate_s']:.2f} s"),
        ("parindex leaf results for every unit (scores out)", f"{survey['results_s']:.2f} s"),
        ("parindex total", f"{survey['total_s']:.2f} s"),
        ("parindex peak RSS (process)", f"{survey['maxrss_mib']:.0f} MiB"),
        ("bare pyarrow pass (read_csv + group-by mean)", f"{arrow['total_s']:.2f} s"),
        ("bare pyarrow peak RSS (process)", f"{arrow['maxrss_mib']:.0f} MiB"),
        ("interpreter with numpy + pyarrow imported", f"{base['maxrss_mib']:.0f} MiB"),
        ("ratio parindex / pyarrow (time)", f"{survey['total_s'] / arrow['total_s']:.1f}×"),
    ]
    width = max(len(label) for label, _ in rows)
    for label, value in rows:
        print(f"  {label.ljust(width)}  {value:>10}")
    print(
        f"  forms {survey['forms']:,}, units {survey['units']:,}, leaf values "
        f"{survey['values']:,}, checksum {survey['sha256']}; pyarrow rows {arrow['rows']:,}, "
        f"unit × group rows {arrow['groups']:,}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
