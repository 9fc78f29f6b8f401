""".xlsx files in and out: one set of rules for every workbook parindex writes or reads.

Out: openpyxl stores a text starting with ``=`` as a formula, so a task titled
``=HYPERLINK(…)`` would run in the reader's Excel. :func:`put_text` and :func:`make_inert` type
text cells as strings whatever they hold (Excel then shows them and never evaluates them), and
replace the control characters that openpyxl cannot write, so an export never fails on text
somebody stored. Numbers stay numeric cells.

In: an .xlsx is a ZIP archive; a few hundred kilobytes can declare gigabytes of XML, and openpyxl
reads the shared strings whole even in read-only mode. :func:`archive_problem` reads only the
archive's directory (what each part declares it unpacks to; zipfile never unpacks a member past
that size) before openpyxl opens anything. :func:`first_problems` keeps a list of problems short
enough to show and store.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterable, Mapping
from typing import IO, Any, Literal

from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

MAX_PROBLEMS = 100  # problems listed for one file; the rest are counted
MAX_CELL_CHARS = 1000  # no cell a person fills in an import needs more


def writable(text: str) -> str:
    """``text`` without the control characters an .xlsx cannot hold (each becomes U+FFFD)."""
    return str(ILLEGAL_CHARACTERS_RE.sub("\ufffd", text))


def make_inert(cells: Iterable[Any]) -> None:
    """Type every text cell of ``cells`` as a string: shown, never evaluated."""
    for cell in cells:
        if isinstance(cell.value, str) and cell.value:
            cell.value = writable(cell.value)
            cell.data_type = "s"


def put_text(sheet: Any, row: int, column: int, text: str | None) -> Any:
    """A text cell that a spreadsheet shows and never evaluates: openpyxl would store text
    starting with ``=`` as a formula, so the cell is typed as a string whatever it holds."""
    cell = sheet.cell(row, column, writable(text) if text else None)
    if text:
        cell.data_type = "s"
    return cell


ArchiveProblem = Literal["not_a_workbook", "too_large"]


def archive_problem(
    upload: IO[bytes] | bytes,
    *,
    max_unpacked: int,
    max_parts: int,
    max_each: Mapping[str, int] | None = None,
) -> ArchiveProblem | None:
    """Whether an .xlsx may be opened: a ZIP archive of at most ``max_parts`` parts declaring at
    most ``max_unpacked`` bytes in all, and each part named in ``max_each`` at most its limit.
    A file is read from the start and left there."""
    source: IO[bytes] = io.BytesIO(upload) if isinstance(upload, bytes) else upload
    try:
        with zipfile.ZipFile(source) as archive:
            parts = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        return "not_a_workbook"
    finally:
        source.seek(0)
    if len(parts) > max_parts or sum(p.file_size for p in parts) > max_unpacked:
        return "too_large"
    limits = max_each or {}
    if any(p.file_size > limits.get(p.filename, p.file_size) for p in parts):
        return "too_large"
    return None


def first_problems(problems: list[Any], more: Any) -> list[Any]:
    """The first :data:`MAX_PROBLEMS` problems, then ``more(count)`` for the rest, if any."""
    if len(problems) <= MAX_PROBLEMS:
        return problems
    return [*problems[:MAX_PROBLEMS], more(len(problems) - MAX_PROBLEMS)]
