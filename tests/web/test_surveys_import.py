"""Response files: validated completely before anything is stored, all or nothing, with a job
whose progress the page shows; the same file again adds nothing; .xlsx as survey tools export."""

from __future__ import annotations

import io

import pytest

from parindex.audit.models import AuditEvent
from parindex.surveys import jobs
from parindex.surveys.models import Questionnaire, SurveyForm, SurveyJob

from .surveys_fixtures import GOOD_ROWS, HEADER, QUESTIONS, responses_csv, row, upload, xlsx_bytes

ADMIN_ONLY = {"admin": 200, "viewer": 403, "editor_a": 403, "editor_b": 403, "anonymous": 302}


@pytest.mark.parametrize("persona", sorted(ADMIN_ONLY))
def test_access(survey: Questionnaire, visit, persona: str) -> None:
    client = visit(persona)
    assert client.get(f"/surveys/{survey.pk}/responses/").status_code == ADMIN_ONLY[persona]
    response = client.post(
        f"/surveys/{survey.pk}/responses/", {"file": upload(responses_csv(GOOD_ROWS))}
    )
    assert response.status_code == (302 if persona == "admin" else ADMIN_ONLY[persona])
    assert SurveyForm.objects.count() == (9 if persona == "admin" else 0)
    job = SurveyJob.objects.first()
    if job is not None:
        for other in ("viewer", "editor_a", "anonymous"):
            assert visit(other).get(f"/surveys/jobs/{job.pk}/").status_code == ADMIN_ONLY[other]


def test_import_csv_then_same_file_adds_nothing(survey: Questionnaire, visit) -> None:
    client = visit("admin")
    response = client.post(
        f"/surveys/{survey.pk}/responses/", {"file": upload(responses_csv(GOOD_ROWS))}
    )
    job = SurveyJob.objects.get()
    assert response["Location"] == f"/surveys/jobs/{job.pk}/"
    assert (job.state, job.forms_added, job.forms_present, job.percent) == ("done", 9, 0, 100)
    html = client.get(f"/surveys/jobs/{job.pk}/").content.decode()
    assert "Đã thêm 9 phiếu, 0 phiếu đã có từ trước." in html
    assert 'value="100"' in html and "hx-get" not in html  # finished: no more polling
    form = SurveyForm.objects.get(response_id="t4")
    assert (form.unit.code, form.group_code, form.channel) == ("STP", "ND", "import")
    assert form.answers == {q: "E" for q in QUESTIONS}
    assert AuditEvent.objects.filter(action="survey.forms_import").count() == 1
    # The same file again: refused at once, nothing added.
    html = client.post(
        f"/surveys/{survey.pk}/responses/", {"file": upload(responses_csv(GOOD_ROWS))}
    ).content.decode()
    assert "Tệp này đã được nhập trước đó" in html
    assert SurveyForm.objects.count() == 9 and SurveyJob.objects.count() == 1


def test_overlapping_file_skips_identical_forms(survey: Questionnaire, visit) -> None:
    client = visit("admin")
    client.post(f"/surveys/{survey.pk}/responses/", {"file": upload(responses_csv(GOOD_ROWS))})
    more = [*GOOD_ROWS[:3], row("s6", "ND", "SNV", "A")]
    client.post(f"/surveys/{survey.pk}/responses/", {"file": upload(responses_csv(more))})
    job = SurveyJob.objects.first()
    assert (job.state, job.forms_added, job.forms_present) == ("done", 1, 3)
    assert SurveyForm.objects.count() == 10


def test_bad_file_refused_with_every_error_nothing_stored(survey: Questionnaire, visit) -> None:
    client = visit("admin")
    bad = [
        *GOOD_ROWS,
        row("s1", "LD", "SNV", "A"),
        row("z1", "XX", "SNV", "A"),
        row("z2", "ND", "NOPE", "A"),
        row("z3", "ND", "SNV", "F"),
    ]
    client.post(f"/surveys/{survey.pk}/responses/", {"file": upload(responses_csv(bad))})
    job = SurveyJob.objects.get()
    assert job.state == "failed" and job.error_count == 1 + 1 + 1 + 10
    assert SurveyForm.objects.count() == 0
    html = client.get(f"/surveys/jobs/{job.pk}/").content.decode()
    assert "Tệp chưa được nhập: có 13 lỗi. Không có gì được lưu." in html
    assert "responses.csv:11, cột response, giá trị «s1»: mã phiếu trùng lặp" in html
    assert "responses.csv:12, cột group, giá trị «XX»" in html
    assert "responses.csv:13, cột unit, giá trị «NOPE»: đơn vị không có trong tệp" in html
    assert "responses.csv:14, cột Q1, giá trị «F»: không phải là một phương án" in html


def test_conflict_with_stored_form_refuses_whole_file(survey: Questionnaire, visit) -> None:
    client = visit("admin")
    client.post(f"/surveys/{survey.pk}/responses/", {"file": upload(responses_csv(GOOD_ROWS))})
    changed = [row("new1", "ND", "SNV", "A"), row("s1", "LD", "SNV", "D")]
    client.post(f"/surveys/{survey.pk}/responses/", {"file": upload(responses_csv(changed))})
    job = SurveyJob.objects.first()
    assert job.state == "failed"
    assert job.errors == [
        "responses.csv:3, column response, value 's1': this response is "
        "already stored with another unit, group or answers"
    ]
    assert not SurveyForm.objects.filter(response_id="new1").exists()


def test_not_utf8_and_wrong_extension(survey: Questionnaire, visit) -> None:
    client = visit("admin")
    latin = (HEADER + "\n" + row("a", "LD", "SNV", "A").replace("SNV", "SNV") + "\n").encode()
    client.post(
        f"/surveys/{survey.pk}/responses/",
        {"file": upload(latin.replace(b"SNV", "Hà".encode("latin-1")))},
    )
    job = SurveyJob.objects.get()
    assert job.state == "failed"
    assert job.errors == ["responses.csv: the file is not UTF-8 text (save it as CSV UTF-8)"]
    html = client.post(
        f"/surveys/{survey.pk}/responses/", {"file": upload(b"x", name="responses.txt")}
    ).content.decode()
    assert "Hãy tải lên tệp .csv hoặc .xlsx." in html


def test_import_xlsx_as_survey_tools_export(survey: Questionnaire, visit) -> None:
    """Numbers in cells and a padded used range read like the CSV."""
    header = [*HEADER.split(",")]
    rows = [header] + [[*r.split(","), None, None] for r in GOOD_ROWS]
    rows[1][-3] = 17.0  # the _id column as a number
    content = xlsx_bytes(rows)
    visit("admin").post(
        f"/surveys/{survey.pk}/responses/", {"file": upload(content, name="kobo.xlsx")}
    )
    job = SurveyJob.objects.get()
    assert (job.state, job.forms_added) == ("done", 9), job.errors
    bad = xlsx_bytes([header, ["x1", "LD", "SNV", "Z", *[""] * 9, "1"]])
    visit("admin").post(f"/surveys/{survey.pk}/responses/", {"file": upload(bad, "bad.xlsx")})
    failed = SurveyJob.objects.first()
    assert failed.errors == [
        'bad.xlsx, trang tính "Sheet", dòng 2, cột Q1, giá trị «Z»: không phải là một phương án '
        "của câu hỏi Q1 (các phương án: A, B, C, D, E)"
    ]


def test_xlsx_every_bad_cell_with_sheet_row_column(survey: Questionnaire, visit) -> None:
    """Each bad cell of a workbook is named by file, sheet, row and column; nothing is stored.
    Only the first sheet is read: a second sheet (a survey tool's repeat group) is ignored."""
    from openpyxl import Workbook

    header = HEADER.split(",")
    book = Workbook()
    forms = book.active
    forms.title = "Phiếu"
    for cells in [
        header,
        row("x1", "LD", "SNV", "A").split(","),
        ["x2", "LD", "SNV", "Z", *["A"] * 8, "", "1"],
        ["x3", "XX", "SNV", *["A"] * 10, "1"],
        ["x4", "ND", "NOPE", *["B"] * 10, "1"],
        ["x5", "ND", "SNV", "A", "A", 7, *["A"] * 7, "1"],
    ]:
        forms.append(cells)
    book.create_sheet("repeat_members").append(["not", "a", "form"])
    out = io.BytesIO()
    book.save(out)
    visit("admin").post(
        f"/surveys/{survey.pk}/responses/", {"file": upload(out.getvalue(), "kobo.xlsx")}
    )
    job = SurveyJob.objects.get()
    assert job.state == "failed" and job.error_count == 4
    place = 'kobo.xlsx, trang tính "Phiếu", dòng'
    assert job.errors[0] == (
        f"{place} 3, cột Q1, giá trị «Z»: không phải là một phương án của câu hỏi Q1 "
        "(các phương án: A, B, C, D, E)"
    )
    assert job.errors[1].startswith(f"{place} 4, cột group, giá trị «XX»: ")
    assert job.errors[2].startswith(f"{place} 5, cột unit, giá trị «NOPE»: ")
    assert job.errors[3].startswith(f"{place} 6, cột Q3, giá trị «7»: không phải là một phương án")
    assert SurveyForm.objects.count() == 0
    # The same forms without the bad rows import whole; the second sheet is not read.
    forms.delete_rows(3, 4)
    out = io.BytesIO()
    book.save(out)
    visit("admin").post(
        f"/surveys/{survey.pk}/responses/", {"file": upload(out.getvalue(), "kobo2.xlsx")}
    )
    assert SurveyJob.objects.first().forms_added == 1


def test_progress_fragment_polls_while_running(survey: Questionnaire, visit) -> None:
    job = SurveyJob.objects.create(
        questionnaire=survey,
        kind="import",
        state="running",
        step="checking",
        done=250,
        total=1000,
        file_name="big.csv",
    )
    client = visit("admin")
    html = client.get(f"/surveys/jobs/{job.pk}/", HTTP_HX_REQUEST="true").content.decode()
    assert html.startswith('<div id="job-progress"')
    assert f'hx-get="/surveys/jobs/{job.pk}/"' in html
    assert 'value="25"' in html and "(250 / 1.000)" in html
    assert "đang kiểm tra từng dòng" in html


def test_import_progress_is_written_while_checking(
    survey: Questionnaire, visit, monkeypatch
) -> None:
    """A large file writes its progress as it goes, not only at the start and the end."""
    monkeypatch.setattr(jobs._Progress, "interval", 0.0)
    monkeypatch.setattr(jobs, "COMPARE_BATCH", 500)
    written: list[tuple[str, int, int]] = []
    real_step = jobs._Progress.step

    def record(self: jobs._Progress, step: str, done: int = 0, total: int | None = None) -> None:
        real_step(self, step, done, total)
        stored = SurveyJob.objects.get(pk=self.job.pk)
        written.append((stored.step, stored.done, stored.total))

    monkeypatch.setattr(jobs._Progress, "step", record)
    rows = [row(f"b{i}", "ND", "SNV", "A") for i in range(2000)]
    visit("admin").post(f"/surveys/{survey.pk}/responses/", {"file": upload(responses_csv(rows))})
    job = SurveyJob.objects.get()
    assert (job.state, job.forms_added, job.done, job.total) == ("done", 2000, 2000, 2000)
    checking = [done for step, done, total in written if step == "checking" and total == 2000]
    assert checking[0] == 0 and 0 < checking[1] < 2000  # written during the check (row 1024)
    comparing = [done for step, done, _ in written if step == "comparing"]
    assert comparing == [0, 500, 1000, 1500, 2000]
