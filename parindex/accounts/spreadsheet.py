"""Accounts in Excel: the template to fill, reading a filled file, and checking it whole.

One row per role: ``username, full_name, email, role, unit_code, area_code``. A person with two
roles takes two rows with the same username, full name and e-mail. Unit roles (unit editor, unit
head) need a unit code, appraisers an area code (a top-level node of a framework), the other
roles neither. Every problem is reported with its sheet, row and column, and the caller applies
nothing unless there is none.
"""

from __future__ import annotations

import datetime
import io
import re
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils import translation
from django.utils.translation import gettext as _

from parindex.core.cells import character_name, control_character
from parindex.core.messages import localize_number
from parindex.spreadsheets import archive_problem, first_problems, make_inert, writable

from .models import AREA_SCOPED_ROLES, ROLE_CHOICES, UNIT_SCOPED_ROLES, Role, role_scope_problem

COLUMNS = ("username", "full_name", "email", "role", "unit_code", "area_code")
REQUIRED_COLUMNS = ("username", "full_name", "role")
SHEET = "accounts"
CODES_SHEET = "codes"
MAX_ROWS = 5000
MAX_BYTES = 5 * 1024 * 1024
# Read no further than this, whatever the sheet declares: rows past it (empty rows included,
# which openpyxl pads a declared range with) and columns past MAX_COLUMNS are never built.
MAX_SHEET_ROWS = 2 * MAX_ROWS
MAX_COLUMNS = 50
# The archive is checked before openpyxl opens it (shared strings are read whole even in
# read-only mode): a filled template of 5,000 rows unpacks to about 2 MB.
MAX_UNPACKED_BYTES = 20 * 1024 * 1024
MAX_PARTS = 200
MAX_CELL_CHARS = 254  # the longest field is an e-mail address
USERNAME_RE = re.compile(r"^[\w.@+-]+\Z")
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass(frozen=True)
class CellError:
    """One problem, where it is: sheet, row (as Excel numbers it) and column name."""

    sheet: str
    row: int
    field: str
    message: str


@dataclass(frozen=True)
class UnitRef:
    id: int
    name: str
    valid_to: datetime.date | None


@dataclass(frozen=True)
class Lookup:
    """What the check needs to know from the database."""

    units: dict[str, UnitRef]  # by code
    areas: dict[str, str]  # area code -> title
    usernames: set[str]  # existing, lower-cased
    emails: dict[str, str]  # existing e-mail (lower-cased) -> username
    today: datetime.date


@dataclass
class PlannedRole:
    row: int
    role: str
    unit_code: str
    area_code: str


@dataclass
class PlannedPerson:
    username: str
    full_name: str
    email: str
    first_row: int
    roles: list[PlannedRole] = field(default_factory=list)


def role_aliases() -> dict[str, str]:
    """Role codes and their Vietnamese and English names, lower-cased, to role codes."""
    aliases: dict[str, str] = {}
    for code, label in ROLE_CHOICES:
        aliases[code] = code
        for language in ("vi", "en"):
            with translation.override(language):
                aliases[str(label).strip().lower()] = code
    return aliases


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return " ".join(str(value).split())


def read_rows(data: bytes) -> tuple[str, list[dict[str, object]], list[CellError]]:
    """The rows of the accounts sheet (or the first sheet) as dicts with a ``row`` number.

    Empty rows are skipped. Problems with the file itself (not an .xlsx, missing columns, too
    many rows, a part that is not well-formed XML) come back as errors and no rows.
    """
    try:
        return _read_rows(data)
    except SyntaxError:  # XML that is not well-formed (ElementTree's ParseError, lxml's)
        return "", [], [CellError("", 0, "", _("The file is not an Excel workbook (.xlsx)."))]


def _read_rows(data: bytes) -> tuple[str, list[dict[str, object]], list[CellError]]:
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    not_a_workbook = CellError("", 0, "", _("The file is not an Excel workbook (.xlsx)."))
    problem = archive_problem(data, max_unpacked=MAX_UNPACKED_BYTES, max_parts=MAX_PARTS)
    if problem == "not_a_workbook":
        return "", [], [not_a_workbook]
    if problem == "too_large":
        message = _(
            "The workbook unpacks to more than %(mb)s MB, far more than %(rows)s accounts need. "
            "Copy the rows into the template and upload that file."
        ) % {"mb": MAX_UNPACKED_BYTES // (1024 * 1024), "rows": MAX_ROWS}
        return "", [], [CellError("", 0, "", message)]
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError):
        return "", [], [not_a_workbook]
    try:
        sheet = workbook[SHEET] if SHEET in workbook.sheetnames else workbook.worksheets[0]
        name = sheet.title
        if (sheet.max_row or 0) > MAX_SHEET_ROWS:  # as the sheet declares: nothing is read
            return name, [], [CellError(name, sheet.max_row, "", _too_many_rows())]
        width = min(sheet.max_column or MAX_COLUMNS, MAX_COLUMNS)
        lines = sheet.iter_rows(max_row=MAX_SHEET_ROWS + 1, max_col=width, values_only=True)
        header = next(lines, None)
        if header is None:
            return name, [], [CellError(name, 1, "", _("The sheet is empty."))]
        columns = {_text(cell).lower(): index for index, cell in enumerate(header) if cell}
        missing = [c for c in COLUMNS if c not in columns]
        if missing:
            message = _("Column “%(column)s” is missing.")
            return name, [], [CellError(name, 1, c, message % {"column": c}) for c in missing]
        rows, problems = _account_rows(name, lines, columns)
    finally:
        workbook.close()
    if problems:
        return name, [], problems
    if not rows:
        return name, [], [CellError(name, 2, "", _("The sheet has no account rows."))]
    return name, rows, []


def _account_rows(
    name: str, lines: Iterable[tuple[object, ...]], columns: dict[str, int]
) -> tuple[list[dict[str, object]], list[CellError]]:
    """The non-empty rows below the header (numbered from 2) as dicts of the six columns'
    text, or no rows and the problems: too many rows, or bad cells."""
    rows: list[dict[str, object]] = []
    problems: list[CellError] = []
    for number, line in enumerate(lines, start=2):
        raw = {
            column: line[columns[column]] if columns[column] < len(line) else None
            for column in COLUMNS
        }
        values = {column: _text(value) for column, value in raw.items()}
        if not any(values.values()):
            continue
        if len(rows) == MAX_ROWS or number > MAX_SHEET_ROWS:
            return [], [CellError(name, number, "", _too_many_rows())]
        problems += _cell_problems(name, number, raw)
        rows.append({"row": number, **values})
    if problems:
        return [], capped(problems)
    return rows, []


def _too_many_rows() -> str:
    return _("The file has more than %(max)s rows; split it into several files.") % {
        "max": MAX_ROWS
    }


def _cell_problems(sheet: str, row: int, raw: dict[str, object]) -> list[CellError]:
    """Control characters and over-long cells of one row, each named by its column."""
    problems = []
    for column, value in raw.items():
        text = "" if value is None else str(value)
        found = control_character(text)
        if found is not None:
            char = character_name(text[found])
            message = _(
                "The cell holds the control character %(char)s (an invisible character, often "
                "pasted from another program); delete it."
            ) % {"char": char}
            problems.append(CellError(sheet, row, column, message))
        elif len(text) > MAX_CELL_CHARS:
            message = _("The cell is longer than %(max)s characters.") % {"max": MAX_CELL_CHARS}
            problems.append(CellError(sheet, row, column, message))
    return problems


def capped(errors: list[CellError]) -> list[CellError]:
    """The first problems to show, then one line counting the others."""
    return first_problems(
        errors,
        lambda more: CellError(
            "",
            0,
            "",
            _("… and %(count)s more problems.")
            % {"count": localize_number(str(more), translation.get_language() or "vi")},
        ),
    )


def check_rows(
    sheet: str, rows: Iterable[dict[str, object]], lookup: Lookup
) -> tuple[list[PlannedPerson], list[CellError]]:
    """Check every row against the others and the database; the people to create, and every
    problem found (the people are only meaningful when there is none)."""
    check = _RowsCheck(sheet, lookup)
    for raw in rows:
        check.row(raw)
    check.errors.sort(key=lambda e: (e.row, COLUMNS.index(e.field) if e.field in COLUMNS else -1))
    return list(check.people.values()), capped(check.errors)


class _RowsCheck:
    """One pass over the rows: each column checked on its own, then the row against the rows
    before it (the same person written the same way, no role given twice). Each check reports
    its problems and says whether its value is usable."""

    def __init__(self, sheet: str, lookup: Lookup) -> None:
        self.sheet = sheet
        self.lookup = lookup
        self.aliases = role_aliases()
        self.errors: list[CellError] = []
        self.people: dict[str, PlannedPerson] = {}
        self.seen_roles: dict[tuple[str, str, str, str], int] = {}
        self.email_owner: dict[str, tuple[str, int]] = {}
        # Codes are matched without regard to case ("snv" is SNV) and kept as the register has
        # them.
        self.unit_codes = {code.upper(): code for code in lookup.units}
        self.area_codes = {code.upper(): code for code in lookup.areas}

    def error(self, row: int, column: str, message: str) -> None:
        self.errors.append(CellError(self.sheet, row, column, message))

    def row(self, raw: dict[str, object]) -> None:
        row = int(str(raw["row"]))
        username, full_name, email, role_text, unit_code, area_code = (
            str(raw.get(column, "")) for column in COLUMNS
        )
        row_ok = [
            self.username(row, username),
            self.full_name(row, full_name),
            self.email(row, email, username),
        ]
        role = self.role(row, role_text)
        if unit_code not in self.lookup.units:
            unit_code = self.unit_codes.get(unit_code.upper(), unit_code)
        if area_code not in self.lookup.areas:
            area_code = self.area_codes.get(area_code.upper(), area_code)
        row_ok += [
            role is not None,
            self.unit(row, unit_code),
            self.area(row, area_code),
            self.scope(row, role, unit_code, area_code),
        ]
        if not username:
            return
        person, same = self.person(row, username, full_name, email)
        if role is not None and all(row_ok) and same:
            self.add_role(row, person, role, unit_code, area_code)

    def username(self, row: int, username: str) -> bool:
        if not username:
            self.error(row, "username", _("The username is missing."))
            return False
        if len(username) > 150 or not USERNAME_RE.match(username):
            self.error(
                row,
                "username",
                _(
                    "“%(value)s” is not a valid username: at most 150 letters, digits and "
                    "@ . + - _ (no spaces)."
                )
                % {"value": username},
            )
            return False
        if username.lower() in self.lookup.usernames:
            self.error(
                row,
                "username",
                _("An account “%(value)s” already exists; add roles on its page instead.")
                % {"value": username},
            )
            return False
        return True

    def full_name(self, row: int, full_name: str) -> bool:
        if not full_name:
            self.error(row, "full_name", _("The full name is missing."))
            return False
        if len(full_name) > 200:
            self.error(row, "full_name", _("The full name is longer than 200 characters."))
            return False
        return True

    def email(self, row: int, email: str, username: str) -> bool:
        """Optional; valid, nobody's yet, and no other person's on an earlier row."""
        if len(email) > 254:
            self.error(row, "email", _("The e-mail address is longer than 254 characters."))
            return False
        if not email:
            return True
        try:
            validate_email(email)
        except ValidationError:
            message = _("“%(value)s” is not a valid e-mail address.") % {"value": email}
            self.error(row, "email", message)
            return False
        owner = self.lookup.emails.get(email.lower())
        if owner is not None:
            self.error(
                row,
                "email",
                _("The e-mail address %(value)s already belongs to account “%(owner)s”.")
                % {"value": email, "owner": owner},
            )
            return False
        if username:
            first = self.email_owner.setdefault(email.lower(), (username.lower(), row))
            if first[0] != username.lower():
                self.error(
                    row,
                    "email",
                    _(
                        "The e-mail address %(value)s is also given on row %(row)s "
                        "to another person."
                    )
                    % {"value": email, "row": first[1]},
                )
                return False
        return True

    def role(self, row: int, role_text: str) -> str | None:
        """The role code a code or a role's name (either language) gives, if any."""
        if not role_text:
            self.error(row, "role", _("The role is missing."))
            return None
        role = self.aliases.get(role_text.lower())
        if role is None:
            self.error(
                row,
                "role",
                _("Unknown role “%(value)s”; use one of: %(roles)s.")
                % {"value": role_text, "roles": ", ".join(r.value for r in Role)},
            )
        return role

    def unit(self, row: int, unit_code: str) -> bool:
        """Optional here; a unit of the register that is not closed."""
        if not unit_code:
            return True
        unit = self.lookup.units.get(unit_code)
        if unit is None:
            message = _("Unknown unit code “%(value)s”.") % {"value": unit_code}
            self.error(row, "unit_code", message)
            return False
        if unit.valid_to is not None and unit.valid_to < self.lookup.today:
            self.error(
                row,
                "unit_code",
                _("The unit %(code)s (%(name)s) was closed on %(date)s.")
                % {"code": unit_code, "name": unit.name, "date": unit.valid_to.isoformat()},
            )
            return False
        return True

    def area(self, row: int, area_code: str) -> bool:
        """Optional here; a top-level node of an imported framework."""
        if area_code and area_code not in self.lookup.areas:
            known = ", ".join(sorted(self.lookup.areas)) or _("none: import a framework first")
            self.error(
                row,
                "area_code",
                _("Unknown area code “%(value)s”; known areas: %(known)s.")
                % {"value": area_code, "known": known},
            )
            return False
        return True

    def scope(self, row: int, role: str | None, unit_code: str, area_code: str) -> bool:
        """A unit for a unit role, an area for an appraiser, neither for the others; the
        problem is put in the column to fill or to empty."""
        if role is None:
            return True
        problem = role_scope_problem(role, has_unit=bool(unit_code), has_area=bool(area_code))
        if not problem:
            return True
        if role in UNIT_SCOPED_ROLES:
            column = "unit_code" if not unit_code else "area_code"
        elif role in AREA_SCOPED_ROLES:
            column = "area_code" if not area_code else "unit_code"
        else:
            column = "unit_code" if unit_code else "area_code"
        self.error(row, column, problem)
        return False

    def person(
        self, row: int, username: str, full_name: str, email: str
    ) -> tuple[PlannedPerson, bool]:
        """The person a username names (new on its first row), and whether this row writes the
        username, full name and e-mail as their first row does."""
        key = username.lower()
        person = self.people.get(key)
        if person is None:
            person = self.people[key] = PlannedPerson(username, full_name, email, row)
            return person, True
        same = True
        if username != person.username:
            self.error(
                row,
                "username",
                _("“%(value)s” is written differently on row %(row)s (“%(first)s”).")
                % {"value": username, "row": person.first_row, "first": person.username},
            )
            same = False
        if full_name and full_name != person.full_name:
            self.error(
                row,
                "full_name",
                _("Username “%(username)s” has the full name “%(first)s” on row %(row)s.")
                % {"username": username, "first": person.full_name, "row": person.first_row},
            )
            same = False
        if email.lower() != person.email.lower():
            self.error(
                row,
                "email",
                _("Username “%(username)s” has the e-mail “%(first)s” on row %(row)s.")
                % {
                    "username": username,
                    "first": person.email or _("(none)"),
                    "row": person.first_row,
                },
            )
            same = False
        return person, same

    def add_role(
        self, row: int, person: PlannedPerson, role: str, unit_code: str, area_code: str
    ) -> None:
        """The row's role for its person, unless an earlier row gave it the same scope."""
        scope = (person.username.lower(), role, unit_code, area_code)
        if scope in self.seen_roles:
            self.error(
                row,
                "role",
                _("The same role and scope is already given on row %(row)s.")
                % {"row": self.seen_roles[scope]},
            )
            return
        self.seen_roles[scope] = row
        person.roles.append(PlannedRole(row, role, unit_code, area_code))


def template_workbook(
    *, units: Iterable[tuple[str, str]], areas: Iterable[tuple[str, str]]
) -> bytes:
    """The .xlsx to fill: the ``accounts`` sheet with the six columns (text cells, a list of
    roles to pick from), and a ``codes`` sheet listing roles, units and areas."""
    from openpyxl import Workbook
    from openpyxl.worksheet.datavalidation import DataValidation

    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = SHEET
    _accounts_sheet(sheet)
    role_count = _codes_sheet(workbook, units, areas)
    roles = DataValidation(
        type="list",
        formula1=f"{CODES_SHEET}!$A$2:$A${role_count + 1}",
        allow_blank=True,
        showErrorMessage=True,
        errorTitle=_("Unknown role"),
        error=_("Pick a role from the list."),
    )
    sheet.add_data_validation(roles)
    roles.add("D2:D5001")
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _accounts_sheet(sheet: Any) -> None:
    """The header, each column with a note saying what to write, and 500 rows of text cells."""
    from openpyxl.comments import Comment
    from openpyxl.styles import Font, PatternFill

    notes = {
        "username": _("Login name: letters, digits and @ . + - _, no spaces. Required."),
        "full_name": _("Full name as it should appear. Required."),
        "email": _("E-mail address for the activation link. Leave empty to print the link."),
        "role": _("One role per row (see the codes sheet). Several rows for several roles."),
        "unit_code": _("Unit code: required for unit editor and unit head, empty otherwise."),
        "area_code": _("Area code: required for appraisers, empty otherwise."),
    }
    bold = Font(bold=True)
    fill = PatternFill("solid", fgColor="DDEBF7")
    widths = {"username": 22, "full_name": 32, "email": 32, "role": 16, "unit_code": 14}
    for index, column in enumerate(COLUMNS, start=1):
        cell = sheet.cell(row=1, column=index, value=column)
        cell.font = bold
        cell.fill = fill
        cell.comment = Comment(notes[column], "parindex")
        letter = cell.column_letter
        sheet.column_dimensions[letter].width = widths.get(column, 14)
        for row in range(2, 502):
            sheet.cell(row=row, column=index).number_format = "@"
    sheet.freeze_panes = "A2"


def _codes_sheet(
    workbook: Any, units: Iterable[tuple[str, str]], areas: Iterable[tuple[str, str]]
) -> int:
    """The ``codes`` sheet: roles, units and areas side by side, each code with its name; the
    number of roles listed."""
    from openpyxl.styles import Font

    codes = workbook.create_sheet(CODES_SHEET)
    codes.append(["role", _("Role"), "", "unit_code", _("Unit"), "", "area_code", _("Area")])
    for cell in codes[1]:
        cell.font = Font(bold=True)
    role_rows = [(code, str(label)) for code, label in ROLE_CHOICES]
    unit_rows = list(units)
    area_rows = list(areas)
    for index in range(max(len(role_rows), len(unit_rows), len(area_rows))):
        line: list[str] = []
        for table in (role_rows, unit_rows, area_rows):
            line += [*map(writable, table[index]), ""] if index < len(table) else ["", "", ""]
        codes.append(line[:-1])
        make_inert(codes[codes.max_row])  # unit names and area titles are text, never formulas
    for letter, width in zip("ABCDEFGH", (14, 24, 2, 12, 40, 2, 10, 50), strict=True):
        codes.column_dimensions[letter].width = width
    return len(role_rows)
