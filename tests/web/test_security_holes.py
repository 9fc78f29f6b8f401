"""Holes found by the security review, one test each: what leaked or was accepted before, and
is refused now."""

from __future__ import annotations

import io
import zipfile
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.files.uploadhandler import MemoryFileUploadHandler, TemporaryFileUploadHandler
from django.db import transaction
from django.test import Client
from django.urls import reverse

from parindex.accounts.models import User
from parindex.assessments import excel
from parindex.assessments.models import Assessment
from parindex.audit.services import audit_record
from parindex.core.workflow import State
from parindex.plans.models import ProgressReport
from parindex.results.models import Answer, Basis, UnitResult

from . import appraisals_fixtures as ap_fx
from . import evidence_samples as samples
from .appraisals_fixtures import CHOICE_LEAF, Appraisal, build_appraisal
from .assessments_fixtures import Open
from .factories import World, browse
from .plans_fixtures import plan_world_build

ADJUST_REASON = "Kế hoạch ban hành ngày 20/01, quá hạn."  # adjust_and_flag's reason


def history(client: Client, ap: Appraisal) -> str:
    response = client.get(f"/audit/leaf/{ap.cycle.pk}/{ap.a.unit.code}/{CHOICE_LEAF}/")
    assert response.status_code == 200
    return response.content.decode()


def test_leaf_history_hides_the_appraisal_from_the_unit_until_it_is_released(
    world: World, admin: User
) -> None:
    """The unit's own people read their leaf's history, but not the appraisers' decisions
    while the round is hidden from them (the rule of the appraisal page and the scorecard):
    the history used to show the appraised points and the reason before the release."""
    ap = build_appraisal(world, admin)
    with transaction.atomic():
        audit_record(
            actor=ap.editor_a,
            action="answer.value",
            cycle_id=ap.cycle.pk,
            unit_id=ap.a.unit_id,
            leaf_code=CHOICE_LEAF,
            before=None,
            after={"value": "dung_han"},
            reason="Kế hoạch số 01/KH",
        )
    ap_fx.adjust_and_flag(ap)
    assert Assessment.objects.get(pk=ap.a.pk).state == State.IN_APPRAISAL
    # The conflicted appraiser reads every unit's appraisal but is one of unit A's people.
    for own in (ap.editor_a, ap.head_a, ap.conflicted):
        page = history(browse(own), ap)
        assert ADJUST_REASON not in page
        assert "Kế hoạch số 01/KH" in page  # the unit's own entries stay
    for reader in (ap.viewer, ap.appraiser, ap.council, admin):
        assert ADJUST_REASON in history(browse(reader), ap)

    ap_fx.accept_all(ap, ap.a)
    ap_fx.services.assessment_release(assessment=ap.a, actor=admin)
    for own in (ap.editor_a, ap.head_a, ap.conflicted):
        assert ADJUST_REASON in history(browse(own), ap)


def appraised_in_hiding(world: World, admin: User) -> Appraisal:
    """Unit A adjusted and still in appraisal; unit B released, which recomputes the cycle's
    final results (unit A's appraised figures among them)."""
    ap = build_appraisal(world, admin)
    ap_fx.adjust_and_flag(ap)
    ap_fx.accept_all(ap, ap.b)
    ap_fx.services.assessment_release(assessment=ap.b, actor=admin)
    ap.refresh()
    assert (ap.a.state, ap.b.state) == (State.IN_APPRAISAL, State.APPRAISED)
    return ap


def test_ranking_keeps_a_units_appraisal_from_its_own_people(world: World, admin: User) -> None:
    """The conflicted appraiser (a province-wide reader and an editor of unit A) got unit A's
    scorecard on the self basis only, but the ranking's final basis showed its appraised
    index before the release."""
    ap = appraised_in_hiding(world, admin)
    indices = dict(
        UnitResult.objects.filter(cycle=ap.cycle, unit=ap.a.unit).values_list("basis", "index")
    )
    assert indices[Basis.FINAL] != indices[Basis.SELF]
    url = f"/cycles/{ap.cycle.pk}/?basis=final"

    def unit_a_index(user: User) -> tuple[str, object]:
        context = browse(user).get(url).context
        row = next(r for g in context["groups"] for r in g.rows if r.result.unit_id == ap.a.unit_id)
        return context["basis"], row.result.index

    assert unit_a_index(ap.conflicted) == (Basis.SELF, indices[Basis.SELF])
    assert unit_a_index(ap.appraiser) == (Basis.FINAL, indices[Basis.FINAL])
    assert unit_a_index(ap.viewer) == (Basis.FINAL, indices[Basis.FINAL])


def test_points_lost_and_what_if_keep_a_units_appraisal_from_its_own_people(
    world: World, admin: User
) -> None:
    """Same hole on the plan's analysis pages, which read the final basis."""
    ap = appraised_in_hiding(world, admin)
    plan = plan_world_build(world, published=False).plan
    lost = f"/plans/{plan.pk}/points-lost/?cycle={ap.cycle.pk}&scope=unit:SNV&level=leaf"
    whatif = f"/plans/{plan.pk}/what-if/?cycle={ap.cycle.pk}&scope=unit:SNV&nodes=1.2"

    def lost_on_choice_leaf(user: User) -> object:
        losses = browse(user).get(lost).context["losses"]
        return next((x.lost for x in losses if x.code == CHOICE_LEAF), 0)

    assert lost_on_choice_leaf(ap.appraiser) == Decimal("0.5")  # adjusted to "cham"
    assert lost_on_choice_leaf(ap.conflicted) == 0

    def points_before(user: User) -> object:
        return browse(user).get(whatif).context["focus"]["p"].before.points

    assert points_before(ap.conflicted) == indices_points(ap, Basis.SELF)
    assert points_before(ap.appraiser) == indices_points(ap, Basis.FINAL)


def indices_points(ap: Appraisal, basis: str) -> Decimal:
    return UnitResult.objects.get(cycle=ap.cycle, unit=ap.a.unit, basis=basis).points


def test_excel_upload_refuses_a_workbook_that_unpacks_too_large(
    opened: Open, editor_a: User, monkeypatch
) -> None:
    """A unit's editor uploaded a 5 MB workbook that openpyxl unpacked and built in memory
    whole; compressed XML unpacks a thousandfold, so one upload could exhaust a worker's
    memory. The archive's directory is read first now, and such a file is never opened."""
    packed = io.BytesIO()
    with zipfile.ZipFile(packed, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        row = '<row><c t="inlineStr"><is><t>x</t></is></c></row>'
        archive.writestr("xl/worksheets/sheet1.xml", row * (excel.MAX_UNPACKED_BYTES // len(row)))
    assert len(packed.getvalue()) < excel.MAX_BYTES

    def never(*args: object, **kwargs: object) -> None:
        raise AssertionError("the workbook was opened")

    monkeypatch.setattr(excel, "load_workbook", never)
    upload = SimpleUploadedFile("bomb.xlsx", packed.getvalue(), content_type="application/zip")
    response = browse(editor_a).post(opened.url("excel_upload"), {"file": upload})
    assert response.status_code == 422
    assert Answer.objects.filter(cycle=opened.cycle, updated_by=editor_a).count() == 0


def test_excel_upload_reads_no_further_than_its_row_limit(
    opened: Open, editor_a: User, monkeypatch
) -> None:
    """The unit's own workbook with 25,000 rows added to its sheet (a 70 kB upload unpacking to
    under a megabyte): openpyxl built every row in memory before the row count was checked,
    and two million such rows took a worker a minute and a half. The sheet is read row by row
    now, and no further than the row limit, whatever size the sheet declares."""
    from openpyxl.worksheet._reader import WorkSheetParser

    client = browse(editor_a)
    download = client.get(opened.url("excel_download"))
    packed = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(download.content)) as source,
        zipfile.ZipFile(packed, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                more = b"<row><c><v>1</v></c></row>" * (excel.MAX_ROWS + 5000)
                content = content.replace(b"</sheetData>", more + b"</sheetData>")
            target.writestr(item.filename, content)
    assert len(packed.getvalue()) < 100_000
    parsed: list[object] = []
    parse_row = WorkSheetParser.parse_row

    def counted(self, row):  # type: ignore[no-untyped-def]
        parsed.append(None)
        return parse_row(self, row)

    monkeypatch.setattr(WorkSheetParser, "parse_row", counted)
    upload = SimpleUploadedFile("tu-danh-gia.xlsx", packed.getvalue())
    response = client.post(opened.url("excel_upload"), {"file": upload})
    assert response.status_code == 422
    assert "Trang tính có quá nhiều dòng." in response.content.decode()
    assert len(parsed) <= excel.MAX_ROWS + excel.META_ROWS + 10
    assert Answer.objects.filter(cycle=opened.cycle, updated_by=editor_a).count() == 0


def test_an_id_no_database_integer_holds_is_not_found(opened: Open, editor_a: User) -> None:
    """``/assessments/100000000000000000000/SNV/`` looked the assessment up through its cycle's
    foreign key, which SQLite refused with OverflowError: a server error on every page of a
    unit's assessment and on the scorecard. Such an id is a 404 now, before any view runs."""
    client = browse(editor_a)
    unit = opened.a.unit.code
    for cycle_id in (2**63, 10**20):
        for path in (
            reverse("assessments:page", kwargs={"cycle_id": cycle_id, "unit_code": unit}),
            reverse("unit_scorecard", kwargs={"cycle_id": cycle_id, "unit_code": unit}),
            reverse("evidence:detail", kwargs={"evidence_id": cycle_id}),
        ):
            assert client.get(path).status_code == 404, path
    largest = reverse("assessments:page", kwargs={"cycle_id": 2**63 - 1, "unit_code": unit})
    assert client.get(largest).status_code == 404


class Received:
    """How far into an uploaded file Django's own handlers (memory or temporary file) read."""

    def __init__(self, monkeypatch) -> None:  # type: ignore[no-untyped-def]
        self.total = 0
        for handler in (MemoryFileUploadHandler, TemporaryFileUploadHandler):
            monkeypatch.setattr(handler, "receive_data_chunk", self.wrap(handler))

    def wrap(self, handler):  # type: ignore[no-untyped-def]
        original = handler.receive_data_chunk

        def receive(this, raw_data: bytes, start: int):  # type: ignore[no-untyped-def]
            self.total = max(self.total, start + len(raw_data))
            return original(this, raw_data, start)

        return receive


def test_excel_upload_stops_reading_a_file_over_the_limit(
    opened: Open, editor_a: User, monkeypatch
) -> None:
    """The 5 MB limit was checked once the whole upload sat in a temporary file: a unit's
    editor could fill the disk with one request. The reading stops at the limit now."""
    received = Received(monkeypatch)
    big = SimpleUploadedFile("big.xlsx", b"PK" + b"\0" * (3 * excel.MAX_BYTES))
    response = browse(editor_a).post(opened.url("excel_upload"), {"file": big})
    assert response.status_code == 422
    assert "5 MB" in response.content.decode()
    assert received.total <= excel.MAX_BYTES


def test_progress_report_stops_reading_a_file_over_the_limit(
    world: World, editor_a: User, settings, monkeypatch
) -> None:
    """Same for the files of a plan task's progress report (the lead agency's editors), which
    the evidence store refused only after receiving them whole."""
    settings.PARINDEX_EVIDENCE_MAX_BYTES = 100_000
    task = plan_world_build(world, published=False).task_a
    received = Received(monkeypatch)
    big = SimpleUploadedFile("bao-cao.pdf", samples.pdf("x") + b"\0" * 1_000_000)
    response = browse(editor_a).post(
        f"/plans/tasks/{task.pk}/report/",
        {"reported_on": "2025-03-01", "percent": 50, "text": "Đã làm một nửa", "files": big},
    )
    assert response.status_code == 400
    assert received.total <= 100_000
    assert not ProgressReport.objects.filter(task=task).exists()
