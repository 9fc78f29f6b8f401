"""The compute output written again from figures kept after the computation (a stored result):
``unit_record`` gives what ``unit_json`` gave, and ``records_csv`` / ``json_document`` what
``to_csv`` / ``to_json`` printed (docs/formats.md §3, the open-data files)."""

from __future__ import annotations

import random
from decimal import Decimal
from pathlib import Path

from parindex.core import Framework, compute, load_framework, read_scores, read_units
from parindex.core.report import (
    json_document,
    records_csv,
    to_csv,
    to_json,
    unit_json,
    unit_record,
)

ROOT = Path(__file__).resolve().parents[2]


def example() -> tuple[Framework, object]:
    fw = load_framework((ROOT / "frameworks/province-internal.yaml").read_text(), "fw.yaml")
    units, _ = read_units((ROOT / "examples/units.csv").read_text(), "units.csv", fw)
    scores = read_scores((ROOT / "examples/scores.csv").read_text(), fw, "scores.csv")
    return fw, compute(fw, scores.answers, units)


def stored(fw: Framework, written: dict, rng: random.Random) -> dict:
    """A unit as a database keeps it: decimals at three places, nodes in any order (PostgreSQL's
    jsonb sorts keys), no group as an empty text."""
    nodes = list(written["nodes"].items())
    rng.shuffle(nodes)

    def kept(text: str | None) -> Decimal | None:
        return None if text is None else Decimal(text).quantize(Decimal("0.001"))

    return unit_record(
        fw,
        unit=written["unit"],
        name=written["name"],
        type=written["type"],
        group=written["group"] or None,
        points=kept(written["points"]),
        max=kept(written["max"]),
        index=kept(written["index"]),
        rank=written["rank"],
        band=written["band"],
        nodes=dict(nodes),
        missing=written["missing"],
    )


def test_a_stored_unit_is_written_as_it_was_computed() -> None:
    fw, result = example()
    rng = random.Random(7)
    for unit in result.units:
        written = unit_json(unit, fw.places)
        again = stored(fw, written, rng)
        assert again == written
        assert list(again["nodes"]) == list(written["nodes"])  # framework order


def test_the_documents_equal_the_compute_output() -> None:
    fw, result = example()
    rng = random.Random(11)
    records = [stored(fw, unit_json(u, fw.places), rng) for u in result.units]
    assert records_csv(fw, records) == to_csv(result)
    assert json_document(fw, records) == to_json(result)


def test_a_missing_index_rank_and_band_stay_empty() -> None:
    fw = load_framework(
        'format: parindex.framework/1\ncode: z\nversion: "1"\ntitle: Z\n'
        'nodes:\n  - {code: "1", title: A, max: 1, rule: {type: points}, applies_to: [x]}\n'
        "unit_types: [x, y]\n",
        "z.yaml",
    )
    record = unit_record(
        fw,
        unit="=U",
        name=None,
        type="y",
        group=None,
        points=Decimal(0),
        max=Decimal(0),
        index=None,
        rank=None,
        band=None,
        nodes={},
        missing=[],
    )
    assert record["index"] is None and record["nodes"] == {}
    assert records_csv(fw, [record]).splitlines()[1] == "'=U,,y,,0.00,0.00,,,,,"
