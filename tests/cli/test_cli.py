"""The ``parindex`` command: docs/methodology.md M38–M42.

Output and exit status: docs/formats.md §3.

Most tests call ``main(argv)`` in-process and read standard output and error; one runs the real
entry point in a subprocess to check that no traceback ever reaches a user.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from parindex.cli import main

FRAMEWORK = """\
format: parindex.framework/1
code: demo
version: "2024"
title: {vi: "Chỉ số CCHC thử", en: "Demo PAR Index"}
unit_types: [department, commune]
bands:
  - {code: A, min: 90}
  - {code: B, min: 80}
  - {code: C, min: 50}
  - {code: D, min: 0}
nodes:
  - code: "1"
    title: A
    children:
      - {code: "1.1", title: a, max: 1, rule: {type: yes_no}}
      - {code: "1.2", title: b, max: 1.5, rule: {type: proportional}, applies_to: [department]}
"""
UNITS = (
    "unit,name,type,group\nD,Sở Nội vụ,department,Sở\nE,Sở Tư pháp,department,Sở\n"
    "C,Xã An Phú,commune,Xã\n"
)
SCORES = "unit,item,value\nD,1.1,yes\nD,1.2,2/3\nE,1.1,có\nE,1.2,90%\nC,1.1,no\n"

TABLE = """\
Demo PAR Index — demo 2024 (max 2.5)
group  rank  unit  name        points   max  index  band  missing
Sở        1  E     Sở Tư pháp    2.35  2.50  94.00  A
Sở        2  D     Sở Nội vụ     2.00  2.50  80.00  B
Xã        1  C     Xã An Phú     0.00  1.00   0.00  D
"""
CSV = """\
unit,name,type,group,points,max,index,rank,band,missing,points_1,points_1.1,points_1.2
E,Sở Tư pháp,department,Sở,2.35,2.50,94.00,1,A,,2.35,1.00,1.35
D,Sở Nội vụ,department,Sở,2.00,2.50,80.00,2,B,,2.00,1.00,1.00
C,Xã An Phú,commune,Xã,0.00,1.00,0.00,1,D,,0.00,0.00,
"""


def unit_json(
    code: str,
    name: str,
    type_: str,
    group: str,
    nodes: dict[str, tuple[str, str, str]],
    rank: int,
    band: str,
) -> dict[str, object]:
    top = nodes["1"]
    return {
        "unit": code,
        "name": name,
        "type": type_,
        "group": group,
        "points": top[0],
        "max": top[1],
        "index": top[2],
        "rank": rank,
        "band": band,
        "nodes": {c: {"points": p, "max": m, "index": i} for c, (p, m, i) in nodes.items()},
        "missing": [],
    }


JSON = {
    "framework": {"code": "demo", "version": "2024"},
    "units": [
        unit_json(
            "E",
            "Sở Tư pháp",
            "department",
            "Sở",
            {
                "1": ("2.35", "2.50", "94.00"),
                "1.1": ("1.00", "1.00", "100.00"),
                "1.2": ("1.35", "1.50", "90.00"),
            },
            1,
            "A",
        ),
        unit_json(
            "D",
            "Sở Nội vụ",
            "department",
            "Sở",
            {
                "1": ("2.00", "2.50", "80.00"),
                "1.1": ("1.00", "1.00", "100.00"),
                "1.2": ("1.00", "1.50", "66.67"),
            },
            2,
            "B",
        ),
        unit_json(
            "C",
            "Xã An Phú",
            "commune",
            "Xã",
            {"1": ("0.00", "1.00", "0.00"), "1.1": ("0.00", "1.00", "0.00")},
            1,
            "D",
        ),
    ],
}


@pytest.fixture
def files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """fw.yaml, units.csv and scores.csv in a temporary working directory."""
    (tmp_path / "fw.yaml").write_text(FRAMEWORK, encoding="utf-8")
    (tmp_path / "units.csv").write_text(UNITS, encoding="utf-8")
    (tmp_path / "scores.csv").write_text(SCORES, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def failed(capsys: pytest.CaptureFixture[str], *argv: str) -> list[str]:
    """Run a command that must fail: exit 2, nothing on stdout, no traceback; the error lines."""
    code, out, err = run(capsys, *argv)
    assert code == 2, (out, err)
    assert out == ""
    assert "Traceback" not in err
    lines = err.splitlines()
    assert lines
    return lines


# -- success ------------------------------------------------------------------------------------


def test_m40_validate_summary_line(files: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """M40: demo 2024: valid — 3 nodes, 2 leaves, max 2.5."""
    assert run(capsys, "validate", "fw.yaml") == (
        0,
        "demo 2024: valid — 3 nodes, 2 leaves, max 2.5\n",
        "",
    )


def test_m40_compute_table_is_the_default(files: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """M40: the readable table, listed by group then rank (M41)."""
    assert run(capsys, "compute", "fw.yaml", "scores.csv", "--units", "units.csv") == (0, TABLE, "")
    assert run(
        capsys, "compute", "fw.yaml", "scores.csv", "--units", "units.csv", "--format", "table"
    ) == (0, TABLE, "")


def test_m38_compute_json(files: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """M38: the JSON document, exactly."""
    code, out, err = run(
        capsys, "compute", "fw.yaml", "scores.csv", "--units", "units.csv", "--format", "json"
    )
    assert (code, err) == (0, "")
    assert json.loads(out) == JSON
    assert out == json.dumps(JSON, ensure_ascii=False, indent=1) + "\n"


def test_m39_compute_csv(files: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """M39: the CSV document, exactly."""
    assert run(
        capsys, "compute", "fw.yaml", "scores.csv", "--units", "units.csv", "--format", "csv"
    ) == (0, CSV, "")


def test_compute_without_units_file(files: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """docs/formats.md §2: without a units file, units have no type and no group: every node
    applies."""
    code, out, _ = run(capsys, "compute", "fw.yaml", "scores.csv", "--format", "json")
    units = json.loads(out)["units"]
    assert code == 0
    assert [(u["unit"], u["index"], u["rank"], u["missing"]) for u in units] == [
        ("E", "94.00", 1, []),
        ("D", "80.00", 2, []),
        ("C", "0.00", 3, ["1.2"]),
    ]


def test_m42_warnings_go_to_stderr_with_exit_0(
    files: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """M36/M42: a value for a leaf that does not apply is a warning on stderr; exit 0."""
    (files / "warn.csv").write_text("unit,item,value\nC,1.2,2/3\nC,1.1,yes\n", encoding="utf-8")
    code, out, err = run(
        capsys, "compute", "fw.yaml", "warn.csv", "--units", "units.csv", "--format", "csv"
    )
    assert code == 0
    assert err == (
        "warning: warn.csv:2, unit C, node 1.2: does not apply to type commune; value ignored\n"
    )
    assert "C,Xã An Phú,commune,Xã,1.00,1.00,100.00,1,A," in out


def test_framework_with_bom_is_read(files: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (files / "bom.yaml").write_text("\ufeff" + FRAMEWORK, encoding="utf-8")
    assert run(capsys, "validate", "bom.yaml")[0] == 0


def test_help_exits_0(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--help")
    assert code == 0 and "parindex compute" in out


# -- errors: exit 2, messages on stderr, no traceback -------------------------------------------


def test_m42_missing_file(files: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """M42: a missing file."""
    assert failed(capsys, "validate", "nofile.yaml") == ["error: nofile.yaml: no such file"]
    assert failed(capsys, "compute", "fw.yaml", "none.csv") == ["error: none.csv: no such file"]
    assert failed(capsys, "compute", "fw.yaml", "scores.csv", "--units", "u.csv") == [
        "error: u.csv: no such file"
    ]


def test_m42_directory_instead_of_file(files: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert failed(capsys, "validate", ".") == ["error: .: is a directory, not a file"]


def test_m42_non_utf8_file(files: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """M42: a file that is not UTF-8."""
    (files / "latin.yaml").write_bytes(FRAMEWORK.encode("utf-16"))
    lines = failed(capsys, "validate", "latin.yaml")
    assert lines == ["error: latin.yaml: not UTF-8 text (byte 0)"]
    (files / "latin.csv").write_bytes("unit,item,value\nD,1.1,có\n".encode("cp1258"))
    lines = failed(capsys, "compute", "fw.yaml", "latin.csv")
    assert lines[0].startswith("error: latin.csv: not UTF-8 text")


def test_m42_invalid_yaml(files: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """M42: invalid YAML names the file and line."""
    (files / "broken.yaml").write_text("format: [\n", encoding="utf-8")
    lines = failed(capsys, "validate", "broken.yaml")
    assert len(lines) == 1 and lines[0].startswith("error: broken.yaml:2: not valid YAML")


def test_m42_bad_framework_lists_every_problem(
    files: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """M42: an invalid framework: one error line per problem, each naming file, line and node."""
    bad = FRAMEWORK.replace("max: 1,", "max: 1e1,").replace(
        "applies_to: [department]", "applies_to: [district]"
    )
    (files / "bad.yaml").write_text(bad, encoding="utf-8")
    assert failed(capsys, "validate", "bad.yaml") == [
        "error: bad.yaml:15, node 1.1: max '1e1': exponents are not allowed: write the number out "
        "in full",
        "error: bad.yaml:16, node 1.2: applies_to type 'district' is not in unit_types "
        "(department, commune)",
    ]
    assert failed(capsys, "compute", "bad.yaml", "scores.csv")[0].startswith("error: bad.yaml:15")


def test_m42_bad_scores_rows(files: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """M35/M42: every bad row is reported, each with file, line, unit, item and value."""
    (files / "bad.csv").write_text(
        "unit,item,value\nD,1.1,maybe\nD,9.9,1\nD,1,1\nD,1.2,2/3\nD,1.2,1/2\n", encoding="utf-8"
    )
    lines = failed(capsys, "compute", "fw.yaml", "bad.csv")
    assert len(lines) == 4
    assert lines[0] == (
        "error: bad.csv:2, column value, unit D, node 1.1, value 'maybe': yes_no "
        "rule: must be yes/no, có/không, true/false or 1/0"
    )
    assert lines[1].startswith("error: bad.csv:3, column item, unit D, node 9.9, value '1'")
    assert lines[2].startswith("error: bad.csv:4, column item, unit D, node 1, value '1'")
    assert lines[3].startswith("error: bad.csv:6, unit D, node 1.2, value '1/2': duplicate row")


def test_m42_unknown_unit_against_units_file(
    files: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """M37/M42: a unit in the scores file but not in the units file."""
    (files / "x.csv").write_text("unit,item,value\nX,1.1,yes\nD,1.1,yes\n", encoding="utf-8")
    assert failed(capsys, "compute", "fw.yaml", "x.csv", "--units", "units.csv") == [
        "error: x.csv:2, column unit, unit X, node 1.1, value 'yes': the unit is not in the units "
        "file"
    ]


def test_m42_bad_units_file(files: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """M37/M42: a duplicate unit in the units file."""
    (files / "dup.csv").write_text("unit,type\nD,department\nD,commune\n", encoding="utf-8")
    assert failed(capsys, "compute", "fw.yaml", "scores.csv", "--units", "dup.csv") == [
        "error: dup.csv:3, unit D: duplicate unit (first at line 2)"
    ]


def test_m42_bad_format(files: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """M42: --format xml exits 2 with invalid choice: 'xml'."""
    lines = failed(capsys, "compute", "fw.yaml", "scores.csv", "--format", "xml")
    assert any("invalid choice: 'xml'" in line for line in lines)


@pytest.mark.parametrize("argv", [[], ["compute", "fw.yaml"], ["frobnicate"]])
def test_m42_usage_errors(files: Path, capsys: pytest.CaptureFixture[str], argv: list[str]) -> None:
    """M42: a missing command or argument is a usage error: exit 2."""
    failed(capsys, *argv)


def test_m42_real_process_exit_status_and_no_traceback(files: Path) -> None:
    """M42: through the real entry point: exit 2, errors on stderr, no traceback."""
    (files / "loop.yaml").write_text(
        FRAMEWORK.replace("nodes:\n", "nodes: &x [*x]\nx-old:\n"), encoding="utf-8"
    )
    for argv in (["validate", "loop.yaml"], ["compute", "fw.yaml", "scores.csv", "--format", "x"]):
        done = subprocess.run(
            [sys.executable, "-m", "parindex.cli", *argv],
            capture_output=True,
            text=True,
            encoding="utf-8",
            check=False,
        )
        assert done.returncode == 2, done.stderr
        assert done.stdout == ""
        assert "error" in done.stderr and "Traceback" not in done.stderr
    done = subprocess.run(
        [sys.executable, "-m", "parindex.cli", "validate", "fw.yaml"],
        capture_output=True,
        text=True,
        encoding="utf-8",
        check=False,
    )
    assert (done.returncode, done.stdout, done.stderr) == (
        0,
        "demo 2024: valid — 3 nodes, 2 leaves, max 2.5\n",
        "",
    )


# -- the command as a user meets it ----------------------------------------------------------

IMPORTS_OF_CLI = """\
import sys
import parindex.cli
assert "django" not in sys.modules, sorted(m for m in sys.modules if m.startswith("django"))
print("no django")
"""


def test_runs_without_django(files: Path) -> None:
    """validate and compute need no Django settings and never import Django."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO")}

    def run_python(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, *args],
            capture_output=True,
            text=True,
            encoding="utf-8",
            env=env,
            check=False,
        )

    done = run_python("-c", IMPORTS_OF_CLI)
    assert (done.returncode, done.stdout) == (0, "no django\n"), done.stderr
    done = run_python("-m", "parindex.cli", "validate", "fw.yaml")
    assert (done.returncode, done.stdout, done.stderr) == (
        0,
        "demo 2024: valid — 3 nodes, 2 leaves, max 2.5\n",
        "",
    )
    done = run_python(
        "-m",
        "parindex.cli",
        "compute",
        "fw.yaml",
        "scores.csv",
        "--units",
        "units.csv",
        "--format",
        "json",
    )
    assert done.returncode == 0, done.stderr
    assert {u["unit"]: u["index"] for u in json.loads(done.stdout)["units"]} == {
        "D": "80.00",
        "E": "94.00",
        "C": "0.00",
    }


def test_help_shows_examples(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--help")
    assert code == 0
    lines = [line.strip() for line in out.splitlines()]
    assert "parindex validate frameworks/province-internal.yaml" in lines
    assert (
        "parindex compute frameworks/province-internal.yaml examples/scores.csv"
        " --units examples/units.csv --format json > results.json" in lines
    )
    assert (
        "parindex survey aggregate examples/questionnaire.yaml examples/responses.csv"
        " --format scores > survey.csv" in lines
    )


def test_table_in_vietnamese_shows_band_titles_and_vietnamese_numbers(
    files: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """--lang vi: Vietnamese header and title, numbers 2,35, the band's title (Tốt), not its
    code."""
    titled = FRAMEWORK.replace(
        "  - {code: A, min: 90}", '  - {code: A, min: 90, title: {vi: "Tốt", en: "Good"}}'
    )
    (files / "titled.yaml").write_text(titled, encoding="utf-8")
    code, out, _ = run(
        capsys, "--lang", "vi", "compute", "titled.yaml", "scores.csv", "--units", "units.csv"
    )
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == "Chỉ số CCHC thử — demo 2024 (tối đa 2,5)"
    assert lines[1].split() == [
        "nhóm",
        "hạng",
        "đơn",
        "vị",
        "tên",
        "điểm",
        "tối",
        "đa",
        "chỉ",
        "số",
        "xếp",
        "loại",
        "thiếu",
    ]
    assert lines[2].split()[-4:] == ["2,35", "2,50", "94,00", "Tốt"]
    code, out, _ = run(capsys, "compute", "titled.yaml", "scores.csv", "--units", "units.csv")
    assert out.splitlines()[2].split()[-4:] == ["2.35", "2.50", "94.00", "Good"]


def test_errors_in_vietnamese_with_lang_vi(files: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """--lang vi renders every error in Vietnamese; the default is English."""
    (files / "bad.csv").write_text("unit,item,value\nD,1.2,950/1.000\n", encoding="utf-8")
    vi = failed(capsys, "--lang", "vi", "compute", "fw.yaml", "bad.csv")
    assert vi == [
        "error: bad.csv:2, cột value, đơn vị D, mục 1.2, giá trị «950/1.000»: quy tắc tỷ lệ "
        "tương ứng: «1.000»: dấu chấm ở đây có thể là dấu phân cách hàng nghìn; viết số không "
        "có dấu phân cách (1000) hoặc bỏ các số 0 ở cuối phần thập phân (1)"
    ]
    en = failed(capsys, "compute", "fw.yaml", "bad.csv")
    assert en == [
        "error: bad.csv:2, column value, unit D, node 1.2, value '950/1.000': proportional rule: "
        "'1.000': the dot may be a thousands separator; write the number without separators "
        "(1000) or without the trailing zeros (1)"
    ]


def _many_ignored(files: Path, count: int) -> None:
    rows = "".join(f"C{i},1.2,1/2\n" for i in range(count))
    units = "".join(f"C{i},Xã {i},commune,Xã\n" for i in range(count))
    (files / "many.csv").write_text("unit,item,value\n" + rows, encoding="utf-8")
    (files / "many-units.csv").write_text("unit,name,type,group\n" + units, encoding="utf-8")


def test_warnings_of_one_kind_are_summarised(
    files: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """docs/formats.md §2: 25 ignored values print the count, then the first ten with their
    lines; --verbose prints every one."""
    _many_ignored(files, 25)
    args = ("compute", "fw.yaml", "many.csv", "--units", "many-units.csv", "--format", "csv")
    code, _, err = run(capsys, *args)
    lines = err.splitlines()
    assert code == 0 and len(lines) == 11
    assert lines[0] == (
        "warning: 25 values ignored because their leaf does not apply to the unit's type; "
        "the first 10 (--verbose lists every one):"
    )
    assert lines[1].startswith("warning: many.csv:2, unit C0, node 1.2: does not apply")
    assert lines[10].startswith("warning: many.csv:11, unit C9, node 1.2")
    _, _, err = run(capsys, *args, "--verbose")
    assert len(err.splitlines()) == 25
    _, _, err = run(capsys, "--lang", "vi", *args)
    assert err.splitlines()[0] == (
        "warning: 25 giá trị được bỏ qua vì tiêu chí không áp dụng cho loại đơn vị; "
        "10 cảnh báo đầu tiên (--verbose để xem tất cả):"
    )
