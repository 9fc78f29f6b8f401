"""Fixtures of the survey web tests: a questionnaire for the world's internal framework imported
into the 2024 cycle, response files, and jobs run in the request (``inline_jobs``).

conftest.py makes the fixtures visible to every web test (``inline_jobs`` is autouse there)."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from parindex.accounts.models import User
from parindex.surveys import services
from parindex.surveys.models import Questionnaire

from .factories import World

__all__ = ["inline_jobs", "survey"]

# Every survey leaf of frameworks/province-internal.yaml is fed; 3.6.1 has two questions.
LEAVES = ("1.5", "2.5", "3.6.1", "3.6.2", "5.6", "6.3", "7.5", "8.3.1", "8.3.2")
QUESTIONNAIRE = (
    "format: parindex.survey/1\n"
    "code: test-survey\n"
    'version: "2024"\n'
    'framework: {code: province-internal, version: "2024"}\n'
    'title: {vi: "Phiếu khảo sát thử", en: "Test survey"}\n'
    "scale: {A: 100, B: 60, C: 20, D: 0, E: null}\n"
    "groups:\n"
    '  - {code: LD, title: "Lãnh đạo", min_n: 2, weight: 1}\n'
    '  - {code: ND, title: "Người dân", min_n: 3, weight: 2}\n'
    "questions:\n"
    + "".join(
        f'  - {{code: Q{n}, text: "Câu hỏi {n}", leaf: "{leaf}", groups: [LD, ND]}}\n'
        for n, leaf in enumerate(LEAVES, start=1)
    )
    + '  - {code: Q10, text: "Câu hỏi 10", leaf: "3.6.1", groups: [ND]}\n'
)
QUESTIONS = [f"Q{n}" for n in range(1, 11)]
HEADER = "response,group,unit," + ",".join(QUESTIONS) + ",_id"


def row(response: str, group: str, unit: str, option: str) -> str:
    """A form answering every question its group is asked with ``option``."""
    cells = [option if (group == "ND" or q != "Q10") else "" for q in QUESTIONS]
    return ",".join([response, group, unit, *cells, "x"])


def responses_csv(rows: list[str]) -> bytes:
    return ("\n".join([HEADER, *rows]) + "\n").encode("utf-8")


def upload(content: bytes, name: str = "responses.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="text/csv")


def xlsx_bytes(rows: list[list[object]]) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    for r in rows:
        sheet.append(r)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


# SNV: LD 2 forms (A, B), ND 3 forms (A, B, C); STP: LD 1 form (below min_n 2), ND 3 forms.
GOOD_ROWS = [
    row("s1", "LD", "SNV", "A"),
    row("s2", "LD", "SNV", "B"),
    row("s3", "ND", "SNV", "A"),
    row("s4", "ND", "SNV", "B"),
    row("s5", "ND", "SNV", "C"),
    row("t1", "LD", "STP", "A"),
    row("t2", "ND", "STP", "B"),
    row("t3", "ND", "STP", "B"),
    row("t4", "ND", "STP", "E"),
]


@pytest.fixture(autouse=True)
def inline_jobs(settings) -> None:  # type: ignore[no-untyped-def]
    """Survey jobs are queued on the immediate task backend, which runs them in the request:
    the test's transaction sees them. (tests/web/test_surveys_jobs.py runs them through the
    database queue and a worker.)"""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def survey(world: World, admin: User) -> Questionnaire:
    """The test questionnaire imported into the 2024 cycle (in progress)."""
    return services.questionnaire_import(
        cycle=world.current, text=QUESTIONNAIRE, source_name="q.yaml", user=admin
    )
