"""A generated cycle for the benchmarks: a ~100-leaf framework that mixes every rule and the
files ``parindex compute`` reads, written once per size into a cache folder.

The framework has ten normal areas of two criteria × five leaves (the eight rule types in turn,
``n/a`` allowed on some, one capped criterion, one criterion for departments only, one leaf for
districts only), a bonus area and a penalty area. The answers are written as people write them
(options by key or title in any case, yes/no words, ``a/b`` ratios with spaces, percentages,
plain fractions, counts, n/a words, about 2% left blank, some values for a leaf that does not
apply). Everything is deterministic: the same seed gives the same files on every machine.
"""

from __future__ import annotations

import csv
import hashlib
import random
import tempfile
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

from parindex.core import Framework, UnitInfo, load_framework

SEED = 20240601
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
CHOICE_KEYS = ("tot", "dat", "mot_phan", "khong_dat")
YES = ("có", "Có", "yes", "1", "true", "CÓ", "Yes")
NO = ("không", "Không", "no", "0", "false", "KHÔNG")
NA = ("n/a", "KAD", "không áp dụng", "N/A", "Không áp dụng")


def _q(value: Decimal) -> str:
    """A multiple of 0.01 as YAML text."""
    return str(value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP).normalize())


def framework_text() -> str:
    """10 normal areas × 2 criteria × 5 leaves, rule types in turn, then a bonus area and a
    penalty area of two leaves each."""
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
                allow_na = rule == "proportional" or (rule == "ratio" and a % 2 == 0)
                only = "huyen" if (a, c, s) == (5, 2, 3) else None
                leaves += _leaf(f"{a}.{c}.{s}", rule, top, allow_na=allow_na, only=only)
                k += 1
            lines += [f'      - code: "{a}.{c}"', f'        title: "Tiêu chí {a}.{c}"']
            if (a, c) == (3, 2):  # the capped branch: less than its children's sum
                lines.append(f"        max: {_q(children_max - 1)}")
            if (a, c) == (7, 1):  # district-level units are not assessed on this criterion
                lines.append("        applies_to: [so]")
            lines += ["        children:", *leaves]
    lines += [
        '  - code: "T"',
        '    title: "Điểm thưởng"',
        "    kind: bonus",
        "    max: 2",
        "    children:",
        *_leaf(
            "T.1", "count", Decimal("2"), allow_na=False, only=None, per_item="0.5", indent="      "
        ),
        *_leaf("T.2", "yes_no", Decimal("1"), allow_na=False, only=None, indent="      "),
        '  - code: "P"',
        '    title: "Điểm trừ"',
        "    kind: penalty",
        "    max: 3",
        "    children:",
        *_leaf(
            "P.1",
            "count",
            Decimal("2"),
            allow_na=False,
            only=None,
            per_item="0.25",
            indent="      ",
        ),
        *_leaf("P.2", "points", Decimal("2"), allow_na=False, only=None, indent="      "),
    ]
    return "\n".join(lines) + "\n"


def _leaf(
    code: str,
    rule: str,
    top: Decimal,
    *,
    allow_na: bool,
    only: str | None,
    per_item: str | None = None,
    indent: str = "          ",
) -> list[str]:
    out = [
        f'{indent}- code: "{code}"',
        f'{indent}  title: "Tiêu chí thành phần {code}"',
        f"{indent}  max: {_q(top)}",
    ]
    if allow_na:
        out.append(f"{indent}  allow_na: true")
    if only is not None:
        out.append(f"{indent}  applies_to: [{only}]")
    if rule == "survey":
        out.append(f"{indent}  source: survey")
    out.append(f"{indent}  rule:")
    out.append(f"{indent}    type: {rule}")
    pad = indent + "    "
    if rule == "points":
        out.append(f"{pad}step: 0.25")
    elif rule == "choice":
        out.append(f"{pad}options:")
        for key, title, share in zip(CHOICE_KEYS, CHOICES, ("1", "0.75", "0.5", "0"), strict=True):
            out.append(f'{pad}  {key}: {{points: {_q(top * Decimal(share))}, title: "{title}"}}')
    elif rule == "ratio":
        out.append(f"{pad}max_percent: 150")
        out.append(f"{pad}brackets:")
        for low, share in (("100", "1"), ("90", "0.8"), ("75", "0.6"), ("50", "0.3"), ("0", "0")):
            out.append(f"{pad}  - {{min: {low}, points: {_q(top * Decimal(share))}}}")
    elif rule == "count":
        out.append(f"{pad}per_item: {per_item or '0.25'}")
    elif rule == "deduction":
        out.append(f"{pad}per_item: 0.5")
    return out


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
    """Answers as people write them; about 2% of leaves left blank, some n/a where a leaf allows
    it, and one value in a hundred on a leaf that does not apply to the unit (ignored with a
    warning)."""
    answers: dict[str, dict[str, str]] = {}
    for unit in units:
        quality = rng.uniform(0.35, 1.0)  # how well this unit does overall
        row: dict[str, str] = {}
        for leaf in fw.leaves:
            applies = leaf.applies(unit.type)
            if rng.random() < 0.02 or (not applies and rng.random() < 0.99):
                continue
            assert leaf.rule is not None and leaf.max is not None
            row[leaf.code] = _value(
                leaf.rule.type, leaf.max, leaf.allow_na, leaf.kind, quality, rng
            )
        answers[unit.code] = row
    return answers


def _value(
    rule: str, top: Decimal, allow_na: bool, kind: str, quality: float, rng: random.Random
) -> str:
    good = min(1.0, max(0.0, rng.gauss(quality, 0.15)))  # this unit on this leaf
    if kind != "normal":
        good = rng.random() ** 3  # bonuses and penalties are rare
    if allow_na and rng.random() < 0.05:
        return rng.choice(NA)
    if rule == "points":
        steps = int(top / Decimal("0.25"))
        return _q(Decimal(round(good * steps)) * Decimal("0.25"))
    if rule == "choice":
        pick = min(3, int((1 - good) * 4))
        form = rng.random()
        if form < 0.5:
            return CHOICE_KEYS[pick]
        return CHOICES[pick].upper() if form < 0.6 else CHOICES[pick]
    if rule == "yes_no":
        return rng.choice(YES if rng.random() < good else NO)
    if rule in ("ratio", "proportional"):
        form = rng.random()
        if form < 0.6:  # dossiers handled on time / dossiers received
            received = rng.randint(1, 2_000)
            sep = " / " if form < 0.1 else "/"
            return f"{round(received * good)}{sep}{received}"
        if form < 0.9:
            return f"{good * 100:.1f}%" if form < 0.8 else f"{good * 100:.1f} %"
        return f"{good:.2f}"
    if rule == "count":
        return str(round(good * rng.randint(0, 16)))
    if rule == "deduction":
        return str(round((1 - good) * rng.randint(0, 8)))
    percent = f"{good * 100:.2f}"  # survey
    return percent + "%" if rng.random() < 0.5 else f" {percent} "


def write_cycle(folder: Path, n_units: int) -> None:
    """framework.yaml, units.csv and scores.csv of a cycle of ``n_units``."""
    text = framework_text()
    fw = load_framework(text, "<bench framework>")
    units = make_units(n_units)
    answers = make_answers(fw, units, random.Random(f"{SEED}-{n_units}"))
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "framework.yaml").write_text(text, encoding="utf-8")
    with (folder / "units.csv").open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(["unit", "name", "type", "group"])
        writer.writerows([u.code, u.name, u.type, u.group] for u in units)
    with (folder / "scores.csv").open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(["unit", "item", "value"])
        for unit_code, row in answers.items():
            writer.writerows([unit_code, leaf, value] for leaf, value in row.items())


def cached_cycle(n_units: int) -> Path:
    """The folder of a generated cycle of ``n_units``, written on first use into the system's
    temporary folder and kept there (keyed by this generator's source) for later runs."""
    digest = hashlib.sha256(Path(__file__).read_bytes()).hexdigest()[:12]
    folder = Path(tempfile.gettempdir()) / f"parindex-bench-cycle-{digest}" / f"{n_units}"
    if not (folder / "scores.csv").exists():
        partial = folder.with_name(f"{n_units}.partial")
        write_cycle(partial, n_units)
        partial.replace(folder)
    return folder
