"""Every ``parindex`` command the documentation shows runs as written, from the repository root.

The commands are read from README.md's code blocks and from the examples printed by
``parindex --help`` and by the help of every subcommand, then run in a subprocess exactly as a
reader would type them (the files they name live in ``frameworks/`` and ``examples/``). A command
that names a file the repository does not ship, or that exits with anything but 0, fails here.
A trailing ``> file`` is not written to disk: standard output is captured instead.
"""

from __future__ import annotations

import argparse
import csv
import io
import os
import re
import shlex
import subprocess
import sys
import unicodedata
from pathlib import Path

import pytest

from parindex.cli import build_parser

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"
FRAMEWORK = ROOT / "frameworks" / "province-internal.yaml"

# Shown in the documentation but not run here: they need the web app's database (Django
# settings, migrations, a populated audit trail), which tests/cli never touches. They are tested
# with a database under tests/web.
NEEDS_DATABASE = (
    ("demo",),  # migrates the database and builds the demo province
    ("audit", "verify"),  # recomputes the hash chain stored in the database
    ("backup",),  # copies the database and MEDIA_ROOT (tests/web/test_backup_restore.py)
    ("restore",),  # replaces or checks the database (tests/web/test_backup_restore.py)
)

_PROGRAM = re.compile(r"^(?:\.venv/bin/)?parindex\s")
_FENCE = re.compile(r"^```[^\n]*\n(.*?)^```", re.MULTILINE | re.DOTALL)


def _joined(lines: list[str]) -> list[str]:
    """Shell lines with their backslash continuations joined."""
    out: list[str] = []
    pending = ""
    for line in lines:
        if line.rstrip().endswith("\\"):
            pending += line.rstrip()[:-1] + " "
            continue
        out.append(pending + line)
        pending = ""
    if pending:
        out.append(pending)
    return out


def readme_commands() -> list[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    lines: list[str] = []
    for block in _FENCE.findall(text):
        lines.extend(_joined(block.splitlines()))
    return [line.strip() for line in lines if _PROGRAM.match(line.strip())]


def _help_paths() -> list[list[str]]:
    """The argument lists that print a help text: ``--help`` and ``<subcommand…> --help``."""
    found: list[list[str]] = []

    def walk(parser: argparse.ArgumentParser, prefix: list[str]) -> None:
        found.append([*prefix, "--help"])
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction):
                for name, child in action.choices.items():
                    walk(child, [*prefix, name])

    walk(build_parser(), [])
    return found


def _run(argv: list[str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "parindex.cli", *argv],
        cwd=ROOT,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
        check=False,
    )


def help_commands() -> list[str]:
    commands: list[str] = []
    for argv in _help_paths():
        done = _run(argv)
        assert done.returncode == 0, f"parindex {' '.join(argv)}: {done.stderr}"
        for line in done.stdout.splitlines():
            if _PROGRAM.match(line.strip()):
                commands.append(line.strip())
    return commands


def _argv(command: str) -> tuple[list[str], str | None]:
    """The arguments after the program name, and the file a trailing ``> file`` names."""
    words = shlex.split(command, comments=True)
    assert words[0] in ("parindex", ".venv/bin/parindex"), command
    words = words[1:]
    assert not {"|", "<", ">>", "&&", ";"} & set(words), f"not a single command: {command}"
    target = None
    if ">" in words:
        at = words.index(">")
        assert at == len(words) - 2, f"'>' must be followed by one file name: {command}"
        words, target = words[:at], words[at + 1]
    return words, target


def _needs_database(argv: list[str]) -> bool:
    return any(tuple(argv[: len(names)]) == names for names in NEEDS_DATABASE)


README_COMMANDS = readme_commands()
HELP_COMMANDS = help_commands()


def test_the_documentation_shows_commands() -> None:
    """The extraction finds what README.md and the help show, so an empty list fails loudly."""
    assert len(README_COMMANDS) >= 3
    shown = {tuple(_argv(c)[0][:2]) for c in README_COMMANDS + HELP_COMMANDS}
    assert ("validate", "frameworks/province-internal.yaml") in shown
    assert ("compute", "frameworks/province-internal.yaml") in shown
    assert ("survey", "aggregate") in shown
    assert ("demo",) in shown and ("audit", "verify") in shown


def _database_order(command: str) -> int:
    argv = _argv(command)[0]
    return next(i for i, names in enumerate(NEEDS_DATABASE) if tuple(argv[: len(names)]) == names)


DATABASE_COMMANDS = sorted(
    {c for c in README_COMMANDS + HELP_COMMANDS if _needs_database(_argv(c)[0])},
    key=_database_order,
)


def test_database_commands_run_in_order_on_a_fresh_database(tmp_path: Path) -> None:
    """The commands that need the web app's database, in the order a newcomer runs them, on a
    database of their own (a fresh SQLite file under a temporary PARINDEX_VAR_DIR): build the
    demo, verify its audit trail, back it up, check it. An archive path is moved into the
    temporary folder; every other word runs as shown."""
    assert [tuple(_argv(c)[0][:1]) for c in DATABASE_COMMANDS][:1] == [("demo",)]
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(PARINDEX_DEBUG="1", PARINDEX_VAR_DIR=str(tmp_path / "var"))
    head = ""  # the audit head the last verify printed, for an example that shows a placeholder
    for command in DATABASE_COMMANDS:
        argv, _ = _argv(command)
        argv = [str(tmp_path / Path(w).name) if w.endswith(".tar.gz") else w for w in argv]
        if argv[0] == "backup":  # the README and the help may name one archive: a new one each
            Path(argv[-1]).unlink(missing_ok=True)
        if argv[0] == "restore" and not {"--check-only", "--force"} & set(argv):
            # A plain restore refuses a database that holds data: it is for a new machine.
            env["PARINDEX_VAR_DIR"] = str(tmp_path / f"restored-{len(list(tmp_path.iterdir()))}")
        if any(w.startswith("<") or w.endswith(">") for w in argv):
            assert head, f"{command}: no head printed before it to put in its placeholder"
            argv = [*argv[: argv.index("--expect") + 1], head]
        done = subprocess.run(
            [sys.executable, "-m", "parindex.cli", *argv],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            encoding="utf-8",
            timeout=900,
            check=False,
        )
        assert "Traceback" not in done.stderr, done.stderr
        assert done.returncode == 0, f"{command}\n{done.stdout[-2000:]}\n{done.stderr[-2000:]}"
        assert (done.stdout + done.stderr).strip(), f"{command}: printed nothing"
        printed = re.search(r"\b\d+:[0-9a-f]{64}\b", done.stdout)
        head = printed.group(0) if printed else head


@pytest.mark.parametrize("command", sorted(set(README_COMMANDS + HELP_COMMANDS)), ids=str)
def test_documented_command_runs(command: str) -> None:
    argv, _ = _argv(command)
    if _needs_database(argv):
        assert command in DATABASE_COMMANDS  # run, in order, by the test above
        return
    for word in argv:
        if not word.startswith("-") and ("/" in word or re.search(r"\.(csv|ya?ml)$", word)):
            assert (ROOT / word).is_file(), f"{command}: {word} is not in the repository"
    done = _run(argv)
    assert "Traceback" not in done.stderr, done.stderr
    assert done.returncode == 0, f"{command}\n{done.stderr}"
    assert done.stdout.strip(), f"{command}: printed nothing"


# -- the example province itself -----------------------------------------------------------------


def test_example_scores_hold_the_survey_results() -> None:
    """examples/scores.csv carries, for the survey leaves, exactly what the survey aggregation of
    examples/questionnaire.yaml and examples/responses.csv gives."""
    done = _run(
        [
            "survey",
            "aggregate",
            "examples/questionnaire.yaml",
            "examples/responses.csv",
            "--framework",
            "frameworks/province-internal.yaml",
            "--units",
            "examples/units.csv",
            "--format",
            "scores",
        ]
    )
    assert done.returncode == 0, done.stderr
    survey = {(r["unit"], r["item"]): r["value"] for r in csv.DictReader(io.StringIO(done.stdout))}
    leaves = {item for _, item in survey}
    with (EXAMPLES / "scores.csv").open(encoding="utf-8", newline="") as handle:
        shipped = {
            (r["unit"], r["item"]): r["value"]
            for r in csv.DictReader(handle)
            if r["item"] in leaves
        }
    assert survey and shipped == survey


def test_example_scores_use_every_rule_type_and_na() -> None:
    """The example answers a leaf of each rule type of the shipped framework, and says n/a once
    at least, so a reader sees every way a value is written."""
    from parindex.core import load_framework

    framework = load_framework(FRAMEWORK.read_text(encoding="utf-8"), source=str(FRAMEWORK))
    leaves = {leaf.code: leaf for leaf in framework.leaves}
    with (EXAMPLES / "scores.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    answered = {leaves[r["item"]].rule.type for r in rows if not _is_na(r["value"])}
    assert answered == {leaf.rule.type for leaf in framework.leaves}
    assert any(_is_na(r["value"]) for r in rows)


def _is_na(value: str) -> bool:
    """The n/a words of docs/formats.md §1, in any case."""
    return unicodedata.normalize("NFC", value.strip()).casefold() in {"n/a", "kad", "không áp dụng"}
