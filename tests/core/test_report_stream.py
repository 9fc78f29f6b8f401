"""The compute output written in blocks is byte for byte the output of docs/formats.md §3.

``json_blocks`` and ``csv_blocks`` against ``json.dump(to_json(...), indent=1,
ensure_ascii=False)`` and ``to_csv``: texts JSON escapes, formula starts, node codes with ``%``
and quotes, no rank or index, no unit at all, rounding to whole points and to thousandths,
figures too spread out for a table by value, and units across several blocks.
"""

from __future__ import annotations

import json
from decimal import Decimal

from pxkit import HEAD

from parindex.core import CycleResult, UnitInfo, compute, load_framework
from parindex.core.report import to_csv, to_json
from parindex.core.report_stream import UNITS_PER_BLOCK, csv_blocks, json_blocks


def framework(rounding: str = "0.01", top: str = "3") -> str:
    return HEAD + (
        f'rounding: "{rounding}"\n'
        "unit_types: [department, commune]\n"
        "bands:\n  - {code: '\"A\" %s', min: 50}\n  - {code: B, min: 10}\n"
        "nodes:\n"
        '  - code: "1%"\n'
        "    title: t\n"
        "    children:\n"
        f'      - {{code: "1.\\"1", title: a, max: {top}, rule: {{type: proportional}}}}\n'
        '      - {code: "1\\\\2", title: b, max: 1, rule: {type: yes_no}, allow_na: true}\n'
        '  - {code: "2", title: c, max: 2, rule: {type: points}, applies_to: [department]}\n'
        '  - {code: "B", title: d, kind: bonus, max: 1, children: [\n'
        '      {code: "B.1", title: e, max: 1, rule: {type: count, per_item: 1}}]}\n'
    )


def same_output(result: CycleResult) -> None:
    expected = json.dumps(to_json(result), ensure_ascii=False, indent=1) + "\n"
    assert b"".join(json_blocks(result)).decode("utf-8") == expected
    assert b"".join(csv_blocks(result)).decode("utf-8") == to_csv(result)


def test_texts_codes_and_absent_figures() -> None:
    fw = load_framework(framework(), "fw.yaml")
    units = [
        UnitInfo('D"1', 'Sở "Nội vụ"\\ 100%s', "department", "=SUM(A1)"),
        UnitInfo("+C2", "Xã\tAn\nPhú\u2028", "commune", None),
        UnitInfo("@U", None, None, "Sở"),
        UnitInfo("-E", "%(x)s %%", "department", "Sở"),
    ]
    answers = {
        'D"1': {'1."1': "2/3", "1\\2": "có", "2": "1.5", "B.1": "3"},
        "+C2": {'1."1': "0/1", "1\\2": "n/a"},
        "-E": {"1\\2": "n/a"},
    }
    same_output(compute(fw, answers, units))


def test_no_unit_at_all() -> None:
    same_output(compute(load_framework(framework(), "fw.yaml"), {}, []))


def test_whole_points_and_thousandths() -> None:
    for rounding, top in (("1", "3"), ("0.001", "3")):
        fw = load_framework(framework(rounding, top), "fw.yaml")
        answers = {"U": {'1."1': "2/3", "1\\2": "không", "2": "1"}, "V": {'1."1': "7/9"}}
        same_output(compute(fw, answers, [UnitInfo("U"), UnitInfo("V", type="commune")]))


def test_figures_too_spread_for_a_table_by_value() -> None:
    """Maxima of millions of quanta: the texts are made per distinct value instead."""
    fw = load_framework(framework("0.001", "9000"), "fw.yaml")
    answers = {f"U{i}": {'1."1': f"{i}/7"} for i in range(8)}
    result = compute(fw, answers)
    assert int(result.node_max.max()) > 1 << 22
    same_output(result)


def test_units_across_blocks() -> None:
    fw = load_framework(framework(), "fw.yaml")
    count = 2 * UNITS_PER_BLOCK + 7
    units = [
        UnitInfo(f"U{i:03d}", f"Đơn vị {i}", ("department", "commune", None)[i % 3], f"g{i % 4}")
        for i in range(count)
    ]
    answers = {
        u.code: {'1."1': f"{i % 13}/12", "1\\2": ("có", "không", "n/a", "")[i % 4]}
        for i, u in enumerate(units)
        if i % 5
    }
    result = compute(fw, answers, units)
    assert len({n for n in result.total.tolist()}) > 10
    same_output(result)
    blocks = list(json_blocks(result))
    assert len(blocks) == 2 + -(-count // UNITS_PER_BLOCK)  # head, the blocks, the end
    assert Decimal(json.loads(b"".join(blocks))["units"][0]["points"]) >= 0
