"""Benchmark of the live totals (``make bench``): one appraisal decision's recomputation.

Runs against a throwaway database (a fresh SQLite file unless DATABASE_URL points elsewhere)::

    .venv/bin/python bench/bench_live_totals.py [SIZES...]

For a cycle of 150 units and one of 5,000 (by default), on the ~100-leaf framework of
``cycle_files.py`` with its generated answers, both bases stored, it times what a decision on
one leaf of one unit costs the results: the appraised points written, then
``unit_results_refresh`` (the unit on both bases, its group ranked again, the rows written) in
one transaction. It prints the median of several such refreshes, each on another unit, and the
ratio of the large cycle to the small one, which stays close to 1: nothing read or written
depends on the number of units in the cycle, only on the size of the unit's ranking group.

Groups are first province-sized (each type of unit ranked in blocks of 150 units, as a province
ranks its departments and its districts), then, on the same cycle, one group per type, so that
the group of the decided unit grows with the cycle (4,000 districts out of 5,000): the second
figure shows what ranking a large group costs. A whole ``cycle_compute`` of one basis, what a
release stores, is timed once per size for comparison.
"""

from __future__ import annotations

import os
import random
import secrets
import shutil
import statistics
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

SIZES = tuple(int(a) for a in sys.argv[1:]) or (150, 5_000)
RUNS = 15
BLOCK = 150
TYPES = {"so": "department", "huyen": "district"}

TEMP = None
if "DATABASE_URL" not in os.environ and "PARINDEX_VAR_DIR" not in os.environ:
    TEMP = tempfile.mkdtemp(prefix="parindex-bench-live-")
    os.environ["PARINDEX_VAR_DIR"] = TEMP
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "parindex.settings")
# Production settings (no query log kept in memory), with a key for this throwaway run only.
os.environ.setdefault("PARINDEX_SECRET_KEY", secrets.token_urlsafe(50))
HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

import django  # noqa: E402

django.setup()

import cycle_files  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402

from parindex.core import UnitInfo  # noqa: E402
from parindex.cycles.models import Cycle  # noqa: E402
from parindex.frameworks.models import FrameworkVersion  # noqa: E402
from parindex.frameworks.selectors import core_framework  # noqa: E402
from parindex.frameworks.services import framework_import  # noqa: E402
from parindex.results.models import Answer, Basis, UnitResult  # noqa: E402
from parindex.results.services import (  # noqa: E402
    appraised_value_set,
    cycle_compute,
    unit_results_refresh,
)
from parindex.units.models import Unit  # noqa: E402


def framework_text() -> str:
    """The compute benchmark's framework, with the register's unit types."""
    text = cycle_files.framework_text()
    for short, kind in TYPES.items():
        text = text.replace(f"applies_to: [{short}]", f"applies_to: [{kind}]")
    return text.replace("[so, huyen]", "[department, district]")


def cycle_build(version: FrameworkVersion, n_units: int) -> Cycle:
    """A cycle of ``n_units`` units with the compute benchmark's answers, both bases stored,
    ranked in province-sized groups."""
    fw = core_framework(version)
    infos = [
        UnitInfo(u.code.replace("U", f"N{n_units}-"), u.name, TYPES[u.type or "so"], None)
        for u in cycle_files.make_units(n_units)
    ]
    answers = cycle_files.make_answers(fw, infos, random.Random(f"{cycle_files.SEED}-{n_units}"))
    units = Unit.objects.bulk_create(
        [
            Unit(code=i.code, name=i.name or i.code, type=i.type, group=block_group(n, i))
            for n, i in enumerate(infos)
        ],
        batch_size=1000,
    )
    cycle = Cycle.objects.create(
        year=2000 + SIZES.index(n_units), title=f"{n_units} units", framework_version=version
    )
    cycle.units.set(units)
    Answer.objects.bulk_create(
        [
            Answer(cycle=cycle, unit=unit, leaf_code=leaf, value=value, version=1)
            for unit in units
            for leaf, value in answers[unit.code].items()
        ],
        batch_size=5000,
    )
    cycle_compute(cycle=cycle, basis=Basis.SELF)
    cycle_compute(cycle=cycle, basis=Basis.FINAL)
    return cycle


def block_group(position: int, info: UnitInfo) -> str:
    return f"{info.type} {position // BLOCK + 1:03d}"


def regroup_by_type(cycle: Cycle) -> None:
    """One ranking group per unit type, stored again whole."""
    for kind in TYPES.values():
        cycle.units.filter(type=kind).update(group=kind)
    cycle_compute(cycle=cycle, basis=Basis.SELF)
    cycle_compute(cycle=cycle, basis=Basis.FINAL)


def position_of(cycle: Cycle, unit: Unit) -> int:
    return UnitResult.objects.get(cycle=cycle, unit=unit, basis=Basis.FINAL).position


Figures = tuple[float, float, int, float]  # wall, CPU, group size, places moved


def decisions(cycles: dict[int, Cycle], leaf_code: str) -> dict[int, Figures]:
    """Per cycle: the median wall and CPU seconds of RUNS decisions' recomputations, each on
    another district (the appraised points of ``leaf_code`` set to 0 or to its maximum), the
    size of the decided units' group, and the median number of places the decided unit moved
    in it. The cycles take turns, so that whatever else the machine does weighs on all alike;
    the CPU time is the process's own, which other processes on the machine hardly change."""
    top = core_framework(next(iter(cycles.values())).framework_version).by_code[leaf_code].max
    assert top is not None
    districts = {
        n: list(cycle.units.filter(type="district").order_by("code")[: RUNS * 7 : 7])
        for n, cycle in cycles.items()
    }
    times: dict[int, list[float]] = {n: [] for n in cycles}
    cpu: dict[int, list[float]] = {n: [] for n in cycles}
    moves: dict[int, list[int]] = {n: [] for n in cycles}
    for run in range(RUNS):
        for n, cycle in cycles.items():
            unit = districts[n][run]
            before = position_of(cycle, unit)
            with transaction.atomic():
                # The decision itself (the figure in force), as the appraisal services write it.
                appraised_value_set(
                    cycle=cycle,
                    unit_id=unit.pk,
                    leaf_code=leaf_code,
                    points=Decimal(0) if run % 2 == 0 else top,
                )
                started, started_cpu = time.perf_counter(), time.process_time()
                unit_results_refresh(cycle=cycle, unit=unit)
            times[n].append(time.perf_counter() - started)
            cpu[n].append(time.process_time() - started_cpu)
            moves[n].append(abs(position_of(cycle, unit) - before))
    return {
        n: (
            statistics.median(times[n]),
            statistics.median(cpu[n]),
            UnitResult.objects.filter(
                cycle=cycle, basis=Basis.FINAL, group=districts[n][0].group
            ).count(),
            statistics.median(moves[n]),
        )
        for n, cycle in cycles.items()
    }


def ms(seconds: float) -> str:
    return f"{seconds * 1000:,.1f} ms" if seconds < 10 else f"{seconds:,.1f} s"


def main() -> None:
    call_command("migrate", verbosity=0)
    version = framework_import(text=framework_text(), source_name="bench-100.yaml")
    leaf = core_framework(version).leaves[0].code
    cycles: dict[int, Cycle] = {}
    whole: dict[int, float] = {}
    for n_units in SIZES:
        cycle = cycle_build(version, n_units)
        cycles[n_units] = Cycle.objects.select_related("framework_version").get(pk=cycle.pk)
        started = time.perf_counter()
        with transaction.atomic():
            cycle_compute(cycle=cycle, basis=Basis.FINAL)
        whole[n_units] = time.perf_counter() - started
    print(
        f"parindex live totals: one decision's recomputation ({connection.vendor}; median of "
        f"{RUNS} refreshes, each on another unit: both bases, its group ranked again, the rows "
        "written and committed)"
    )
    layouts = [("province-sized groups", decisions(cycles, leaf))]
    for cycle in cycles.values():
        regroup_by_type(cycle)
    layouts.append(("one group per type", decisions(cycles, leaf)))
    for label, figures in layouts:
        print(f"  {label}:")
        for n_units, (wall, cpu, group, moved) in figures.items():
            print(
                f"    {n_units:>6,} units: {ms(wall):>9} (CPU {ms(cpu)})   (group of "
                f"{group:,}; the unit moved {moved:g} places)"
            )
    for n_units, seconds in whole.items():
        print(
            f"  whole cycle_compute of one basis (what a release stores), {n_units:,} units: "
            f"{ms(seconds)}"
        )
    if len(SIZES) >= 2:
        low, high = SIZES[0], SIZES[-1]
        ratios = ", ".join(
            f"{figures[high][0] / figures[low][0]:.2f} "
            f"(CPU {figures[high][1] / figures[low][1]:.2f}) with {label}"
            for label, figures in layouts
        )
        print(
            f"  ratio {high:,} / {low:,} units: {ratios}; "
            f"whole cycle_compute {whole[high] / whole[low]:.1f}×"
        )


if __name__ == "__main__":
    try:
        main()
    finally:
        if TEMP is not None:
            shutil.rmtree(TEMP, ignore_errors=True)
