"""The home page's to-do (*việc cần làm*): a block per role the signed-in person holds, counted
from the appraisal test world; nothing of another unit; nothing for an anonymous visitor; a
number of queries that does not grow with the number of units."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from parindex.accounts.models import Role
from parindex.appraisals.leaves import appraisable, area_of
from parindex.assessments.models import Assessment, Stage
from parindex.assessments.services import missing_evidence
from parindex.core.workflow import State
from parindex.results.models import Answer
from parindex.units.models import Unit, UnitType

from .appraisals_fixtures import (
    Appraisal,
    adjust_and_flag,
    all_appraised,
    close_stage,
    released,
)
from .factories import browse, person

HOME = "/"


def todo_of(client) -> str:  # type: ignore[no-untyped-def]
    """The to-do section of the home page, "" when there is none."""
    html = client.get(HOME).content.decode()
    found = re.search(r'<section class="todo".*?</section>', html, re.S)
    return found.group(0) if found else ""


def block(section: str, name: str) -> str:
    found = re.search(rf'<div class="todo-block" data-todo="{name}">.*?</div>', section, re.S)
    return found.group(0) if found else ""


def count(html: str, name: str) -> list[int]:
    return [int(n) for n in re.findall(rf'data-count="{name}" data-n="(\d+)"', html)]


def area_untouched(html: str, area: str) -> int:
    found = re.search(rf'data-area="{re.escape(area)}" data-n="(\d+)"', html)
    assert found, html
    return int(found.group(1))


def declared_in_area(ap: Appraisal, unit_type: str, area: str) -> int:
    areas = area_of(ap.world.fw)
    return sum(1 for leaf in appraisable(ap.world.fw, unit_type) if areas[leaf.code] == area)


def test_anonymous_sees_no_todo(appraisal: Appraisal) -> None:
    html = browse().get(HOME).content.decode()
    assert 'class="todo"' not in html
    assert "assessments.js" not in html


def test_viewer_without_work_sees_no_todo(appraisal: Appraisal) -> None:
    assert todo_of(browse(appraisal.viewer)) == ""


def test_unit_editor_sees_own_draft_with_deadline_and_counts(appraisal: Appraisal) -> None:
    ap = appraisal
    ward, commune = ap.ward, ap.commune
    editor_ward = person("editor.ward", Role.UNIT_EDITOR, ward.unit)
    editor_commune = person("editor.commune", Role.UNIT_EDITOR, commune.unit)
    declared = [leaf.code for leaf in ap.world.fw.declared_leaves(UnitType.COMMUNE)]
    Answer.objects.filter(cycle=ap.cycle, unit=ward.unit, leaf_code__in=declared[:2]).delete()
    Answer.objects.filter(cycle=ap.cycle, unit=commune.unit, leaf_code__in=declared[-1:]).update(
        value=""
    )
    missing_ward = len(missing_evidence(ward))
    assert missing_ward > 0

    section = block(todo_of(browse(editor_ward)), "unit")
    assert ward.unit.name in section and commune.unit.name not in section
    assert count(section, "unfilled") == [2]
    assert count(section, "missing-evidence") == [missing_ward]
    assert count(section, "awaiting-reply") == []
    page = reverse("assessments:page", args=[ap.cycle.pk, ward.unit.code])
    assert f'href="{page}"' in section
    assert 'class="countdown" data-remaining="' in section
    assert "data-closed=" in section  # the attributes the countdown script reads
    assert "assessments/assessments.js" in todo_of(browse(editor_ward))
    assert "Việc cần làm" in todo_of(browse(editor_ward))  # Vietnamese first

    other = block(todo_of(browse(editor_commune)), "unit")
    assert commune.unit.name in other and ward.unit.name not in other
    assert count(other, "unfilled") == [1]


def test_explanations_awaiting_reply_are_the_units_own(appraisal: Appraisal) -> None:
    ap = appraisal
    released(ap)  # unit A: one leaf adjusted, one flagged, released
    section = block(todo_of(browse(ap.editor_a)), "unit")
    assert ap.a.unit.name in section and ap.b.unit.name not in section
    assert count(section, "awaiting-reply") == [2]
    unit_page = reverse("appraisals:unit", args=[ap.cycle.pk, ap.a.unit.code])
    assert f'href="{unit_page}"' in section
    # The state is no longer the unit's to edit: no leaves to fill are counted.
    assert count(section, "unfilled") == []

    other = block(todo_of(browse(ap.editor_b)), "unit")
    assert ap.b.unit.name in other and ap.a.unit.name not in other
    assert count(other, "awaiting-reply") == []


def test_appraiser_sees_untouched_leaves_per_area_and_overdue(appraisal: Appraisal) -> None:
    ap = appraisal
    per_unit = declared_in_area(ap, UnitType.DEPARTMENT, "1")
    section = block(todo_of(browse(ap.appraiser)), "appraiser")
    assert area_untouched(section, "1") == 2 * per_unit  # units A and B submitted
    assert count(section, "overdue") == []
    assert 'data-area="2"' not in section  # not their area
    assert reverse("appraisals:queue", args=[ap.cycle.pk]) in section

    adjust_and_flag(ap)  # two leaves of area 1 of unit A decided
    section = block(todo_of(browse(ap.appraiser)), "appraiser")
    assert area_untouched(section, "1") == 2 * per_unit - 2

    # The appraiser who edits unit A never counts it: only unit B's leaves.
    conflicted = block(todo_of(browse(ap.conflicted)), "appraiser")
    assert area_untouched(conflicted, "1") == per_unit

    second = block(todo_of(browse(ap.appraiser_2)), "appraiser")
    assert area_untouched(second, "2") == 2 * declared_in_area(ap, UnitType.DEPARTMENT, "2")

    close_stage(ap.cycle, Stage.APPRAISAL)
    section = block(todo_of(browse(ap.appraiser)), "appraiser")
    assert count(section, "overdue") == [2 * per_unit - 2]


def test_admin_sees_each_open_cycles_stage_and_blockers(appraisal: Appraisal) -> None:
    ap = appraisal
    section = block(todo_of(browse(ap.admin)), "admin")
    leaves = len(appraisable(ap.world.fw, UnitType.DEPARTMENT))
    cycle_2025 = re.search(rf'<li data-cycle="{ap.cycle.pk}">.*?</ul>', section, re.S)
    assert cycle_2025
    row = cycle_2025.group(0)
    assert count(row, "not-submitted") == [2]  # the ward and the commune
    assert count(row, "not-appraised") == [2 * leaves]
    assert 'data-count="no-council"' not in row  # a chair is named
    # The 2024 cycle is in progress with no council named.
    cycle_2024 = re.search(rf'<li data-cycle="{ap.world.current.pk}">.*?</ul>', section, re.S)
    assert cycle_2024 and 'data-count="no-council"' in cycle_2024.group(0)
    # The published 2023 cycle has nothing left to do.
    assert f'data-cycle="{ap.world.published.pk}"' not in section
    # Nobody else sees the administrator's block.
    assert block(todo_of(browse(ap.appraiser)), "admin") == ""
    assert block(todo_of(browse(ap.editor_a)), "admin") == ""


def test_council_member_sees_cycles_ready_for_approval(appraisal: Appraisal) -> None:
    ap = appraisal
    section = block(todo_of(browse(ap.council)), "council")
    assert count(section, "appraised") == [0]
    assert "data-ready" not in section
    assert reverse("appraisals:council", args=[ap.cycle.pk]) in section
    all_appraised(ap)
    section = block(todo_of(browse(ap.council)), "council")
    assert count(section, "appraised") == [4]
    assert "data-ready" in section
    assert block(todo_of(browse(ap.editor_a)), "council") == ""


def home_queries(user) -> int:  # type: ignore[no-untyped-def]
    client = browse(user)
    client.get(HOME)  # warm the per-process caches (frameworks, sessions)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(HOME).status_code == 200
    return len(queries)


@pytest.mark.parametrize("persona", ["admin", "appraiser", "council", "head"])
def test_query_count_does_not_grow_with_units(appraisal: Appraisal, persona: str) -> None:
    ap = appraisal
    head = person("head.many", Role.UNIT_HEAD, ap.a.unit)
    user = head if persona == "head" else getattr(ap, persona)
    before = home_queries(user)
    for n in range(6):
        unit = Unit.objects.create(code=f"SX{n}", name=f"Sở Thử {n}", type=UnitType.DEPARTMENT)
        ap.cycle.units.add(unit)
        state = State.SUBMITTED if n % 2 else State.DRAFT
        Assessment.objects.create(cycle=ap.cycle, unit=unit, state=state)
        head.roles.create(role=Role.UNIT_HEAD, unit=unit)
    assert home_queries(user) == before
