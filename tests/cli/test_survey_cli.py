"""`parindex survey aggregate`: docs/methodology.md S3–S12 through the command line, every error
exiting 2 without a traceback, and `--format scores` piped into `parindex compute`."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from surveykit import Q_TEXT, R_TEXT

from parindex.cli import main

ROOT = Path(__file__).resolve().parents[2]
PROVINCIAL = ROOT / "frameworks" / "provincial-par-index.yaml"

FW = """\
format: parindex.framework/1
code: demo
version: "2024"
title: Demo
nodes:
  - code: "8"
    title: Tác động
    children:
      - {code: "8.1", title: a, max: 2, source: survey, rule: {type: survey}}
      - {code: "8.2", title: b, max: 1, rule: {type: yes_no}}
"""


@pytest.fixture
def files(tmp_path: Path) -> dict[str, str]:
    paths = {}
    for name, text in {"q.yaml": Q_TEXT, "r.csv": R_TEXT, "fw.yaml": FW}.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
        paths[name] = str(tmp_path / name)
    return paths


def survey(capsys, *args: str) -> tuple[int, str, str]:
    code = main(["survey", "aggregate", *args])
    out, err = capsys.readouterr()
    assert "Traceback" not in err
    return code, out, err


def test_s12_formats(files, capsys) -> None:
    """S12: scores, json and table of the running example."""
    code, out, err = survey(capsys, files["q.yaml"], files["r.csv"], "--format", "scores")
    assert (code, out, err) == (0, "unit,item,value\nU1,8.1,56.67\nU1,8.2,80.00\n", "")
    code, out, _ = survey(capsys, files["q.yaml"], files["r.csv"], "--format", "json")
    data = json.loads(out)
    assert data["units"][0]["leaves"]["8.1"]["margin"] == "22.94"
    assert data["units"][1]["leaves"]["8.1"]["flags"] == ["insufficient"]
    code, out, _ = survey(capsys, files["q.yaml"], files["r.csv"])
    assert code == 0 and out.splitlines()[2].split()[:4] == ["U1", "8.1", "56.67", "22.94"]


def test_s10_units_file(files, tmp_path, capsys) -> None:
    """S10: U3 without responses listed insufficient; a units file without U2 refuses."""
    units = tmp_path / "units.csv"
    units.write_text("unit,name\nU1,Một\nU2,Hai\nU3,Ba\n", encoding="utf-8")
    code, out, _ = survey(
        capsys, files["q.yaml"], files["r.csv"], "--units", str(units), "--format", "json"
    )
    assert code == 0
    assert json.loads(out)["units"][2]["leaves"]["8.2"]["flags"] == ["insufficient"]
    units.write_text("unit\nU1\n", encoding="utf-8")
    code, out, err = survey(capsys, files["q.yaml"], files["r.csv"], "--units", str(units))
    assert (code, out) == (2, "")
    assert err == (
        f"error: {files['r.csv']}:9, column unit, value 'U2': the unit is not in the units file\n"
    )


def test_s11_framework_check(files, capsys) -> None:
    """S11: Q3 feeds a self-assessed leaf: refused with the question's line."""
    code, out, err = survey(
        capsys, files["q.yaml"], files["r.csv"], "--framework", files["fw.yaml"]
    )
    assert (code, out) == (2, "")
    assert err == (
        f"error: {files['q.yaml']}:12, node 8.2: question Q3: leaf 8.2 is not a survey "
        "leaf (its source is not 'survey')\n"
    )


def test_s4_every_error_reported(files, tmp_path, capsys) -> None:
    """S4: all errors of the responses on standard error, nothing on standard output."""
    bad = tmp_path / "bad.csv"
    bad.write_text(R_TEXT + "r1,LD,U1,F,,B\nr11,LD,U1,A,A,\n", encoding="utf-8")
    code, out, err = survey(capsys, files["q.yaml"], str(bad), "--format", "scores")
    assert (code, out) == (2, "")
    assert err.count("error: ") == 3
    assert f"error: {bad}:13, column Q2, value 'A': question Q2 is not asked of group LD" in err


@pytest.mark.parametrize(
    ("case", "message"),
    [
        ("missing responses", "r-missing.csv: no such file"),
        ("missing questionnaire", "q-missing.yaml: no such file"),
        ("not utf-8", "latin.csv: not UTF-8 text"),
        ("bad questionnaire", "q-bad.yaml:1: missing key 'code'"),
        ("bad header", "column note: unknown column 'note'"),
        ("empty responses", "empty.csv:1: the file is empty (expected a header line)"),
        ("bad units", "units-bad.csv:1: missing column 'unit'"),
        ("bad framework", "fw-bad.yaml:1: missing key 'nodes'"),
    ],
)
def test_exit_2_on_bad_input(files, tmp_path, capsys, case: str, message: str) -> None:
    """Every input error exits 2 with its message and no traceback (docs/formats.md §3 exit
    status)."""
    (tmp_path / "latin.csv").write_bytes(
        "response,group,unit,Q1,Q2,Q3\nr1,LD,Hà,A,,\n".encode("latin-1")
    )
    (tmp_path / "q-bad.yaml").write_text(
        Q_TEXT.replace("code: demo-survey\n", ""), encoding="utf-8"
    )
    (tmp_path / "head.csv").write_text("response,group,unit,Q1,Q2,Q3,note\n", encoding="utf-8")
    (tmp_path / "empty.csv").write_text("", encoding="utf-8")
    (tmp_path / "units-bad.csv").write_text("code\nU1\n", encoding="utf-8")
    (tmp_path / "fw-bad.yaml").write_text(
        'format: parindex.framework/1\ncode: demo\nversion: "2024"\ntitle: D\n', encoding="utf-8"
    )
    q, r = files["q.yaml"], files["r.csv"]
    args = {
        "missing responses": [q, str(tmp_path / "r-missing.csv")],
        "missing questionnaire": [str(tmp_path / "q-missing.yaml"), r],
        "not utf-8": [q, str(tmp_path / "latin.csv")],
        "bad questionnaire": [str(tmp_path / "q-bad.yaml"), r],
        "bad header": [q, str(tmp_path / "head.csv")],
        "empty responses": [q, str(tmp_path / "empty.csv")],
        "bad units": [q, r, "--units", str(tmp_path / "units-bad.csv")],
        "bad framework": [q, r, "--framework", str(tmp_path / "fw-bad.yaml")],
    }[case]
    code, out, err = survey(capsys, *args)
    assert (code, out) == (2, "")
    assert message in err and err.startswith("error: ")


def test_usage_errors(files, capsys) -> None:
    """An unknown format or a missing argument is a usage error: exit 2."""
    code, _, err = survey(capsys, files["q.yaml"], files["r.csv"], "--format", "xml")
    assert code == 2 and "invalid choice: 'xml'" in err
    assert main(["survey"]) == 2
    capsys.readouterr()


PROVINCIAL_Q = """\
format: parindex.survey/1
code: par-survey-province
version: "2024"
framework: {code: provincial-par-index, version: "2024"}
scale: {A: 100, B: 60, C: 20, D: 0, E: null}
groups:
  - {code: LD, min_n: 1, weight: 1}
  - {code: ND, min_n: 2, weight: 2}
questions:
"""
SURVEY_LEAVES = [
    "1.5.1",
    "1.5.2",
    "2.1.2",
    "2.4.2",
    "3.3.3",
    "3.5.1",
    "3.5.2",
    "4.4.1",
    "4.4.2",
    "5.4.2",
    "5.5.1",
    "5.5.2",
    "6.3.1",
    "6.3.2",
    "7.4.1",
    "7.4.2",
    "8.1.1",
    "8.1.2",
    "8.1.3",
    "8.1.4",
]


def test_scores_piped_into_compute(tmp_path) -> None:
    """S12: `--format scores` of the provincial framework's 20 survey leaves is a scores file
    that `parindex compute` reads, through a real pipe between two processes."""
    questions = "".join(
        f'  - {{code: Q{i}, leaf: "{leaf}", groups: [LD, ND]}}\n'
        for i, leaf in enumerate(SURVEY_LEAVES, start=1)
    )
    (tmp_path / "q.yaml").write_text(PROVINCIAL_Q + questions, encoding="utf-8")
    header = "response,group,unit," + ",".join(f"Q{i}" for i in range(1, 21))
    rows = [header]
    answers = {"HN": "A", "DN": "B", "CT": "C"}
    for unit, option in answers.items():
        for k, group in enumerate(["LD", "ND", "ND"]):
            rows.append(f"{unit}{k},{group},{unit}," + ",".join([option] * 20))
    (tmp_path / "r.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    exe = [sys.executable, "-m", "parindex.cli"]
    aggregate = subprocess.Popen(
        [
            *exe,
            "survey",
            "aggregate",
            str(tmp_path / "q.yaml"),
            str(tmp_path / "r.csv"),
            "--framework",
            str(PROVINCIAL),
            "--format",
            "scores",
        ],
        stdout=subprocess.PIPE,
        cwd=ROOT,
    )
    computed = subprocess.run(
        [*exe, "compute", str(PROVINCIAL), "/dev/stdin", "--format", "json"],
        stdin=aggregate.stdout,
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )
    assert aggregate.stdout is not None
    aggregate.stdout.close()
    assert aggregate.wait() == 0
    assert computed.returncode == 0, computed.stderr
    units = {u["unit"]: u for u in json.loads(computed.stdout)["units"]}
    assert list(units) == ["HN", "DN", "CT"]  # ranked by index
    # Every survey leaf at 100 % earns its max; the self-assessed leaves are missing.
    assert units["HN"]["nodes"]["8.1.1"]["points"] == "4.00"
    assert units["DN"]["nodes"]["8.1.1"]["points"] == "2.40"  # 60 % of 4
    assert units["CT"]["nodes"]["1.5.1"]["points"] == "0.25"  # 20 % of 1.25
    assert "8.1.1" not in units["HN"]["missing"] and "1.1.1" in units["HN"]["missing"]


def test_real_process_bad_file_exits_2_without_traceback(files, tmp_path: Path) -> None:
    """Through the real entry point: a bad option, a file not in UTF-8 and a missing file each
    exit 2 with the error on stderr, nothing on stdout, and no traceback."""
    bad = tmp_path / "bad.csv"
    bad.write_text(R_TEXT.replace("r5,ND,U1,C,A,", "r5,ND,U1,F,A,"), encoding="utf-8")
    latin = tmp_path / "latin.csv"
    latin.write_bytes(R_TEXT.replace("U2", "Hà").encode("latin-1"))
    expected = {
        bad: "error: bad.csv:6, column Q1, value 'F': not an option of question Q1 "
        "(options: A, B, C, D, E)\n",
        latin: "error: latin.csv: not UTF-8 text\n",
        tmp_path / "missing.csv": "error: missing.csv: no such file\n",
    }
    for path, message in expected.items():
        done = subprocess.run(
            [
                sys.executable,
                "-m",
                "parindex.cli",
                "survey",
                "aggregate",
                files["q.yaml"],
                path.name,
            ],
            capture_output=True,
            text=True,
            encoding="utf-8",
            cwd=tmp_path,
            check=False,
        )
        assert (done.returncode, done.stdout, done.stderr) == (2, "", message)
