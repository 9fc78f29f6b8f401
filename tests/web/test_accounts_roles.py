"""One definition of the roles: the workflow's ``Role`` holds the codes, the accounts app names
them, and the roles scoped to a unit are one constant."""

from __future__ import annotations

import ast
import io
from pathlib import Path

from django.core.management import call_command
from django.utils import translation

from parindex.accounts import models as accounts
from parindex.accounts.models import (
    ROLE_CHOICES,
    ROLE_LABELS,
    UNIT_SCOPED_ROLES,
    RoleAssignment,
)
from parindex.core import workflow
from parindex.core.workflow import ROLE_NAMES, Role

PACKAGE = Path(accounts.__file__).resolve().parents[1]


def test_the_accounts_role_is_the_workflows() -> None:
    assert accounts.Role is workflow.Role


def test_the_stored_choices_are_the_workflows_codes_in_order() -> None:
    field = RoleAssignment._meta.get_field("role")
    assert [code for code, _label in field.choices] == [r.value for r in Role]
    assert [code for code, _label in ROLE_CHOICES] == [r.value for r in Role]
    assert set(ROLE_LABELS) == set(Role)


def test_the_workflows_role_names_are_the_accounts_labels_in_both_languages() -> None:
    """The core words its refusals without gettext; it must name a role as the pages do."""
    for language in ("vi", "en"):
        with translation.override(language):
            assert {r: str(label) for r, label in ROLE_LABELS.items()} == {
                r: name.get(language) for r, name in ROLE_NAMES.items()
            }


def test_the_role_field_needs_no_migration(db: None) -> None:
    out = io.StringIO()
    call_command("makemigrations", "accounts", "--check", "--dry-run", stdout=out)
    assert "No changes detected" in out.getvalue()


def _names_both_unit_roles(node: ast.AST) -> bool:
    if not isinstance(node, ast.List | ast.Tuple | ast.Set):
        return False
    named = {e.attr for e in node.elts if isinstance(e, ast.Attribute)}
    named |= {e.value for e in node.elts if isinstance(e, ast.Constant)}
    return {"UNIT_EDITOR", "UNIT_HEAD"} <= named or {"unit_editor", "unit_head"} <= named


def test_the_unit_scoped_roles_are_listed_once() -> None:
    """Every other module uses ``UNIT_SCOPED_ROLES``; none lists the unit roles again."""
    assert {Role.UNIT_EDITOR, Role.UNIT_HEAD} == UNIT_SCOPED_ROLES
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        if "migrations" in path.parts:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        found += [
            f"{path.relative_to(PACKAGE.parent)}:{node.lineno}"
            for node in ast.walk(tree)
            if _names_both_unit_roles(node)
        ]
    assert [place.split(":")[0] for place in found] == ["parindex/accounts/models.py"], found
