"""The Excel upload as one service, ``workbook_import``: the assessment checked editable on
arrival, every cell checked, then applied all or nothing; its refusals carry what the page
lists (bad cells, leaves changed on the web, each at its cell), and the page only adapts them."""

from __future__ import annotations

import pytest

from parindex.assessments import excel
from parindex.assessments.services import (
    AlreadySubmitted,
    WorkbookConflicts,
    WorkbookRefused,
    assessment_submit,
    workbook_import,
)
from parindex.audit.models import AuditEvent
from parindex.results.models import Answer

from .assessments_fixtures import HX, Open
from .factories import browse
from .test_assessments_excel import download, fill, rows_by_code
from .test_assessments_submit import attach_all_required


def stored(opened: Open) -> dict[str, str]:
    return dict(Answer.objects.filter(cycle=opened.cycle).values_list("leaf_code", "value"))


def test_a_valid_workbook_is_applied(opened: Open, editor_a) -> None:
    book = download(browse(editor_a), opened)
    imported = workbook_import(
        assessment=opened.a, upload=fill(book, {"1.2": 1, "2.3": 0}), actor=editor_a, lang="vi"
    )
    assert imported.read == 2
    assert sorted(imported.outcome.applied) == ["1.2", "2.3"]
    assert stored(opened) == {"1.2": "1", "2.3": "0"}


def test_a_leaf_changed_on_the_web_refuses_the_whole_file_at_its_cell(
    opened: Open, editor_a, head_a
) -> None:
    book = download(browse(editor_a), opened)
    row = rows_by_code(book[excel.SHEET])["1.2"]
    browse(head_a).post(opened.leaf_url("1.2"), {"value": "3", "version": "0"}, **HX)
    with pytest.raises(WorkbookConflicts) as caught:
        workbook_import(
            assessment=opened.a, upload=fill(book, {"1.2": 1, "2.3": 0}), actor=editor_a, lang="vi"
        )
    assert caught.value.problems == []
    assert [(c.row, c.column, c.leaf_code, c.attempted) for c in caught.value.conflicts] == [
        (row, "E", "1.2", "1")
    ]
    assert stored(opened) == {"1.2": "3"}


def test_bad_cells_come_with_the_conflicts_among_the_valid_rows(
    opened: Open, editor_a, head_a
) -> None:
    book = download(browse(editor_a), opened)
    browse(head_a).post(opened.leaf_url("1.2"), {"value": "3", "version": "0"}, **HX)
    with pytest.raises(WorkbookRefused) as caught:
        workbook_import(
            assessment=opened.a,
            upload=fill(book, {"1.2": 1, "4.4": "3", "2.3": 0}),  # 4.4 is above its max
            actor=editor_a,
            lang="vi",
        )
    assert not isinstance(caught.value, WorkbookConflicts)
    assert len(caught.value.problems) == 1
    assert [c.leaf_code for c in caught.value.conflicts] == ["1.2"]
    assert stored(opened) == {"1.2": "3"}


def test_a_submitted_assessment_takes_no_workbook(opened: Open, editor_a, head_a) -> None:
    book = download(browse(editor_a), opened)
    attach_all_required(opened, head_a)
    assessment_submit(assessment=opened.a, actor=head_a)
    events = AuditEvent.objects.count()
    with pytest.raises(AlreadySubmitted):
        workbook_import(
            assessment=opened.a, upload=fill(book, {"1.2": 1}), actor=editor_a, lang="vi"
        )
    response = browse(editor_a).post(opened.url("excel_upload"), {"file": fill(book, {"1.2": 1})})
    assert response.status_code == 403
    assert "đã được nộp" in response.content.decode()
    assert stored(opened) == {}
    assert AuditEvent.objects.count() == events
