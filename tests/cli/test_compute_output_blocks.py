"""``parindex compute`` writes its JSON and CSV in a few large blocks, so that its output and its
cost do not depend on whether standard output is buffered (PYTHONUNBUFFERED), and the bytes are
those of docs/formats.md §3 (the writers ``to_json`` and ``to_csv``)."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from parindex.cli import main
from parindex.core import Scorer, UnitInfo, compute, load_framework, read_scores
from parindex.core.report import to_csv, to_json

FRAMEWORK = """\
format: parindex.framework/1
code: demo
version: "2024"
title: Demo
unit_types: [department, commune]
bands: [{code: A, min: 80}, {code: B, min: 0}]
nodes:
  - code: "1"
    title: A
    children:
      - {code: "1.1", title: a, max: 1, rule: {type: yes_no}}
      - {code: "1.2", title: b, max: 1.5, rule: {type: proportional}, applies_to: [department]}
      - {code: "1.3", title: c, max: 2, rule: {type: survey}}
"""
UNITS = 250


@pytest.fixture
def files(tmp_path: Path) -> Path:
    (tmp_path / "fw.yaml").write_text(FRAMEWORK, encoding="utf-8")
    rows = ["unit,item,value"]
    for i in range(UNITS):
        rows += [f"U{i},1.1,{('có', 'no')[i % 2]}", f"U{i},1.3,{i % 100}.5%"]
        if i % 3:
            rows.append(f"U{i},1.2,{i % 17}/16")
    (tmp_path / "scores.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    return tmp_path


def expected(files: Path) -> tuple[str, str]:
    fw = load_framework((files / "fw.yaml").read_text(encoding="utf-8"))
    scores = read_scores(
        (files / "scores.csv").read_text(encoding="utf-8"), fw, "s", None, Scorer(fw)
    )
    result = compute(fw, scores.answers, [UnitInfo(code) for code in scores.answers])
    return json.dumps(to_json(result), ensure_ascii=False, indent=1) + "\n", to_csv(result)


@pytest.mark.parametrize("unbuffered", [False, True])
def test_the_output_is_the_same_buffered_or_not(files: Path, unbuffered: bool) -> None:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}
    if unbuffered:
        env["PYTHONUNBUFFERED"] = "1"
    outputs = []
    for fmt in ("json", "csv"):
        done = subprocess.run(
            [
                sys.executable,
                "-m",
                "parindex.cli",
                "compute",
                "fw.yaml",
                "scores.csv",
                "--format",
                fmt,
            ],
            cwd=files,
            env=env,
            capture_output=True,
            check=True,
        )
        assert done.stderr == b""
        outputs.append(done.stdout.decode("utf-8"))
    assert tuple(outputs) == expected(files)


class _CountingOutput(io.StringIO):
    def __init__(self) -> None:
        super().__init__()
        self.writes = 0

    def write(self, text: str) -> int:
        self.writes += 1
        return super().write(text)


@pytest.mark.parametrize("fmt", ["json", "csv"])
def test_the_output_is_written_in_a_few_blocks(
    files: Path, fmt: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """250 units in a handful of writes (json.dump wrote every token apart: thousands)."""
    monkeypatch.chdir(files)
    out = _CountingOutput()
    monkeypatch.setattr(sys, "stdout", out)
    assert main(["compute", "fw.yaml", "scores.csv", "--format", fmt]) == 0
    assert out.getvalue() == expected(files)[0 if fmt == "json" else 1]
    assert out.writes <= 6
