"""Survey jobs on the task queue: a job whose worker died is failed when anyone looks and can be
run again from its page; aggregation and its recompute commit together; a large import stages
its forms in short transactions and stores them in one quick switch, so the pages stay up."""

from __future__ import annotations

import datetime
import sqlite3
import threading
from collections.abc import Iterator

import pytest
from django.db import connections, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult

from parindex.accounts.models import User
from parindex.audit.models import AuditEvent
from parindex.results.models import Answer
from parindex.surveys import jobs, services
from parindex.surveys.models import Questionnaire, SurveyForm, SurveyJob, SurveyLeafResult

from .factories import World, browse
from .surveys_fixtures import GOOD_ROWS, QUESTIONNAIRE, responses_csv, row, upload

DATABASE_QUEUE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
DEAD = "Tiến trình chạy công việc này đã dừng trước khi xong"


def work_the_queue() -> None:
    """What `manage.py db_worker --batch` does: run every queued task, then stop."""
    Worker(
        queue_names=["default"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="test-worker",
        excluded_queue_names=[],
    ).run()


def minutes_ago(minutes: int) -> datetime.datetime:
    return timezone.now() - datetime.timedelta(minutes=minutes)


@pytest.fixture
def media(settings, tmp_path) -> None:  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = str(tmp_path)


@pytest.fixture
def collected(survey: Questionnaire, visit) -> Questionnaire:
    visit("admin").post(
        f"/surveys/{survey.pk}/responses/", {"file": upload(responses_csv(GOOD_ROWS))}
    )
    assert SurveyJob.objects.get().state == "done"
    return survey


# -- a worker that died ----------------------------------------------------------------------------


def test_dead_worker_import_shows_failed_with_a_retry_button_and_retry_runs_it(
    survey: Questionnaire, admin: User, visit, media
) -> None:
    job = services.import_prepare(
        questionnaire=survey, upload=upload(responses_csv(GOOD_ROWS)), user=admin
    )
    # The worker was killed while storing: the record says running, its heartbeat is old.
    SurveyJob.objects.filter(pk=job.pk).update(
        state="running", step="storing", done=5, total=9, heartbeat_at=minutes_ago(10)
    )
    client = visit("admin")
    html = client.get(f"/surveys/jobs/{job.pk}/").content.decode()
    job.refresh_from_db()
    assert (job.state, job.interrupted) == ("failed", True)
    assert DEAD in html and "hx-get" not in html
    assert f'action="/surveys/jobs/{job.pk}/retry/"' in html and "Chạy lại" in html
    assert SurveyForm.objects.count() == 0

    response = client.post(f"/surveys/jobs/{job.pk}/retry/")
    assert response["Location"] == f"/surveys/jobs/{job.pk}/"
    job.refresh_from_db()
    assert (job.state, job.forms_added, job.attempt, job.interrupted) == ("done", 9, 2, False)
    assert SurveyForm.objects.count() == 9
    retried = AuditEvent.objects.get(action="survey.job_retry")
    assert (retried.target_id, retried.before, retried.after) == (
        str(job.pk),
        {"state": "failed", "attempt": 1},
        {"state": "queued", "attempt": 2},
    )
    # Done now: nothing more to retry.
    client.post(f"/surveys/jobs/{job.pk}/retry/")
    assert AuditEvent.objects.filter(action="survey.job_retry").count() == 1


def test_a_live_job_is_left_running_and_cannot_be_retried(
    survey: Questionnaire, visit, settings
) -> None:
    fresh = SurveyJob.objects.create(
        questionnaire=survey, kind="aggregate", state="running", heartbeat_at=minutes_ago(1)
    )
    # The timeout is a setting: ten minutes without a heartbeat is fine with an hour's.
    settings.PARINDEX_JOB_HEARTBEAT_TIMEOUT = 3600
    slow = SurveyJob.objects.create(
        questionnaire=survey, kind="import", state="running", heartbeat_at=minutes_ago(10)
    )
    client = visit("admin")
    for job in (fresh, slow):
        html = client.get(f"/surveys/jobs/{job.pk}/").content.decode()
        assert "hx-get" in html and "/retry/" not in html and DEAD not in html
        client.post(f"/surveys/jobs/{job.pk}/retry/")
        job.refresh_from_db()
        assert (job.state, job.attempt) == ("running", 1)
    assert not AuditEvent.objects.filter(action="survey.job_retry").exists()


def test_a_job_that_failed_on_its_file_is_not_retried(survey: Questionnaire, visit) -> None:
    client = visit("admin")
    client.post(
        f"/surveys/{survey.pk}/responses/",
        {"file": upload(responses_csv([row("z1", "XX", "SNV", "A")]))},
    )
    job = SurveyJob.objects.get()
    assert job.state == "failed" and not job.interrupted
    assert "/retry/" not in client.get(f"/surveys/jobs/{job.pk}/").content.decode()
    client.post(f"/surveys/jobs/{job.pk}/retry/")
    job.refresh_from_db()
    assert (job.state, job.attempt) == ("failed", 1)


@pytest.mark.parametrize("persona", ["viewer", "editor_a", "anonymous"])
def test_only_the_par_office_retries(survey: Questionnaire, visit, persona: str) -> None:
    job = SurveyJob.objects.create(
        questionnaire=survey, kind="aggregate", state="running", heartbeat_at=minutes_ago(10)
    )
    response = visit(persona).post(f"/surveys/jobs/{job.pk}/retry/")
    assert response.status_code == (302 if persona == "anonymous" else 403)
    job.refresh_from_db()
    assert job.attempt == 1
    assert visit("admin").get(f"/surveys/jobs/{job.pk}/retry/").status_code == 405


def test_a_dead_aggregation_no_longer_blocks_aggregating(collected: Questionnaire, visit) -> None:
    dead = SurveyJob.objects.create(
        questionnaire=collected, kind="aggregate", state="running", heartbeat_at=minutes_ago(10)
    )
    response = visit("admin").post(f"/surveys/{collected.pk}/aggregate/")
    job = SurveyJob.objects.filter(kind="aggregate").exclude(pk=dead.pk).get()
    assert response["Location"] == f"/surveys/jobs/{job.pk}/"
    assert job.state == "done", job.errors
    dead.refresh_from_db()
    assert (dead.state, dead.interrupted) == ("failed", True)


def test_heartbeat_never_revives_a_finished_job(survey: Questionnaire) -> None:
    job = SurveyJob.objects.create(
        questionnaire=survey, kind="aggregate", state="running", heartbeat_at=minutes_ago(5)
    )
    progress = jobs._Progress(job)
    progress.step("computing", 3, 4)
    progress.beat()
    job.refresh_from_db()
    assert (job.step, job.done, job.total) == ("computing", 3, 4)
    assert job.heartbeat_at > minutes_ago(1)
    SurveyJob.objects.filter(pk=job.pk).update(state="done")
    progress.beat()
    job.refresh_from_db()
    assert job.state == "done"


# -- aggregation and recompute: all or nothing -----------------------------------------------------


def test_recompute_failure_leaves_every_answer_as_it_was(
    collected: Questionnaire, visit, monkeypatch
) -> None:
    client = visit("admin")
    client.post(f"/surveys/{collected.pk}/aggregate/")
    cycle = collected.cycle

    def answers() -> dict[tuple[int, str], tuple[str, int]]:
        return {
            (a.unit_id, a.leaf_code): (a.value, a.version)
            for a in Answer.objects.filter(cycle=cycle)
        }

    def leaf_results() -> list[tuple[object, ...]]:
        return list(
            SurveyLeafResult.objects.order_by("pk").values_list(
                "unit_id", "leaf_code", "value", "flags"
            )
        )

    before, results_before = answers(), leaf_results()
    collected.refresh_from_db()
    aggregated_at = collected.aggregated_at
    events = AuditEvent.objects.filter(action="answer.value").count()
    # Forms that change the survey leaves: lower answers, and STP's LD group reaches min_n.
    more = [row(f"m{i}", "ND", "SNV", "D") for i in range(6)] + [row("m9", "LD", "STP", "D")]
    client.post(f"/surveys/{collected.pk}/responses/", {"file": upload(responses_csv(more))})

    def broken(**kwargs: object) -> None:
        raise RuntimeError("recompute failed")

    monkeypatch.setattr(jobs, "cycle_compute", broken)
    client.post(f"/surveys/{collected.pk}/aggregate/")
    job = SurveyJob.objects.filter(kind="aggregate").first()
    assert job.state == "failed"
    assert answers() == before
    assert leaf_results() == results_before
    assert AuditEvent.objects.filter(action="answer.value").count() == events
    collected.refresh_from_db()
    assert collected.aggregated_at == aggregated_at


# -- errors kept -----------------------------------------------------------------------------------


def test_a_job_keeps_the_first_100_errors_and_counts_the_rest(survey: Questionnaire, visit) -> None:
    bad = [row(f"z{i}", "XX", "SNV", "A") for i in range(150)]
    client = visit("admin")
    client.post(f"/surveys/{survey.pk}/responses/", {"file": upload(responses_csv(bad))})
    job = SurveyJob.objects.get()
    assert (job.state, job.error_count, len(job.errors)) == ("failed", 150, 100)
    assert job.errors[0].startswith("responses.csv:2, ") and "XX" in job.errors[0]
    html = client.get(f"/surveys/jobs/{job.pk}/").content.decode()
    assert "có 150 lỗi" in html and "Chỉ hiển thị 100 lỗi đầu tiên." in html


# -- the database queue, end to end ----------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_import_through_the_database_queue_stages_in_batches_then_one_switch(
    world: World, admin: User, settings, tmp_path, monkeypatch
) -> None:
    settings.TASKS = DATABASE_QUEUE
    settings.PARINDEX_SURVEY_JOBS_INLINE = False
    settings.MEDIA_ROOT = str(tmp_path)
    questionnaire = services.questionnaire_import(
        cycle=world.current, text=QUESTIONNAIRE, source_name="q.yaml", user=admin
    )
    stale = SurveyJob.objects.create(
        questionnaire=questionnaire, kind="aggregate", state="running", heartbeat_at=minutes_ago(9)
    )
    rows = [row(f"b{i}", "ND", "SNV", "A") for i in range(10)]
    client = browse(admin)
    response = client.post(
        f"/surveys/{questionnaire.pk}/responses/", {"file": upload(responses_csv(rows))}
    )
    job = SurveyJob.objects.get(kind="import")
    assert response["Location"] == f"/surveys/jobs/{job.pk}/"
    assert job.state == "queued"  # the web process only queued it
    assert DBTaskResult.objects.get().status == "READY"
    assert "hx-get" in client.get(f"/surveys/jobs/{job.pk}/").content.decode()

    monkeypatch.setattr(jobs, "STAGE_BATCH", 4)
    staged: list[tuple[int, bool]] = []
    real_stage, real_store = services.forms_stage, services.forms_store

    def stage(**kwargs):  # type: ignore[no-untyped-def]
        staged.append((len(kwargs["rows"]), transaction.get_connection().in_atomic_block))
        return real_stage(**kwargs)

    switch: list[str] = []

    def store(**kwargs):  # type: ignore[no-untyped-def]
        with CaptureQueriesContext(connections["default"]) as queries:
            added = real_store(**kwargs)
        switch.extend(q["sql"] for q in queries.captured_queries)
        return added

    monkeypatch.setattr(services, "forms_stage", stage)
    monkeypatch.setattr(services, "forms_store", store)
    work_the_queue()

    job.refresh_from_db()
    assert (job.state, job.forms_added, job.percent) == ("done", 10, 100), job.errors
    assert DBTaskResult.objects.get().status == "SUCCESSFUL"
    # Each batch in its own transaction (none open around it), then one INSERT … SELECT.
    assert staged == [(4, False), (4, False), (2, False)]
    inserts = [sql for sql in switch if sql.startswith("INSERT") and 'surveyform"' in sql]
    assert len(inserts) == 1 and "SELECT" in inserts[0], switch
    assert SurveyForm.objects.count() == 10
    from parindex.surveys.models import SurveyFormStage

    assert not SurveyFormStage.objects.exists()
    # The worker swept the job whose worker had died.
    stale.refresh_from_db()
    assert (stale.state, stale.interrupted) == ("failed", True)


# -- a large import does not take the site down ----------------------------------------------------


@pytest.fixture
def file_database(transactional_db, world: World, admin: User, tmp_path) -> Iterator[None]:  # type: ignore[no-untyped-def]
    """SQLite only: this test's database as a file (WAL, like a real one) instead of the
    in-memory test database, for this thread and the threads it starts."""
    default = connections["default"]
    if default.vendor != "sqlite":  # PostgreSQL: the test database is a real server already
        yield
        return
    path = tmp_path / "parindex.sqlite3"
    default.ensure_connection()
    target = sqlite3.connect(path)
    default.connection.backup(target)
    target.close()
    memory_settings = connections.settings["default"]
    file_settings = {**memory_settings, "NAME": str(path), "TEST": {"NAME": str(path)}}
    # A short wait for the lock: a writer that held it for long would fail these requests.
    file_settings["OPTIONS"] = {**memory_settings.get("OPTIONS", {}), "timeout": 2}
    memory_connection = default
    connections.settings["default"] = file_settings
    connections["default"] = type(default)(file_settings, "default")
    try:
        yield
    finally:
        connections["default"].close()
        connections["default"] = memory_connection
        connections.settings["default"] = memory_settings


@pytest.mark.django_db(transaction=True)
def test_pages_answer_while_a_large_import_is_stored(
    file_database: None, world: World, admin: User, settings, tmp_path
) -> None:
    settings.TASKS = DATABASE_QUEUE
    settings.PARINDEX_SURVEY_JOBS_INLINE = False
    settings.MEDIA_ROOT = str(tmp_path)
    if connections["default"].vendor == "sqlite":
        with connections["default"].cursor() as cursor:
            cursor.execute("PRAGMA journal_mode")
            assert cursor.fetchone()[0] == "wal"
    questionnaire = services.questionnaire_import(
        cycle=world.current, text=QUESTIONNAIRE, source_name="q.yaml", user=admin
    )
    forms = 40_000
    rows = [row(f"b{i}", "ND", "SNV", "A") for i in range(forms)]
    client = browse(admin)
    client.post(f"/surveys/{questionnaire.pk}/responses/", {"file": upload(responses_csv(rows))})
    job = SurveyJob.objects.get()
    failures: list[BaseException] = []

    def worker() -> None:
        try:
            work_the_queue()
        except BaseException as exc:  # reported by the test's thread
            failures.append(exc)
        finally:
            connections.close_all()

    thread = threading.Thread(target=worker)
    thread.start()
    pages: list[int] = []
    saves: list[int] = []
    storing_seen = False
    try:
        while thread.is_alive():
            step = SurveyJob.objects.filter(pk=job.pk).values_list("step", flat=True).get()
            if step not in ("staging", "storing"):
                thread.join(timeout=0.05)
                continue
            storing_seen = True
            pages.append(client.get(f"/surveys/{questionnaire.pk}/coverage/").status_code)
            saves.append(
                client.post(
                    f"/surveys/{questionnaire.pk}/plan/", {"fill_group": "LD", "fill_target": "5"}
                ).status_code
            )
    finally:
        thread.join()
    assert failures == []
    assert storing_seen and set(pages) == {200} and set(saves) == {302}, (pages, saves)
    job.refresh_from_db()
    assert (job.state, job.forms_added) == ("done", forms), job.errors
    assert SurveyForm.objects.count() == forms


@pytest.mark.django_db(transaction=True)
def test_a_worker_writes_the_errors_in_the_language_of_whoever_started_the_job(
    world: World, admin: User, settings, tmp_path
) -> None:
    """The worker has no request: the job carries its starter's language, so a Vietnamese
    officer reads the refusal of her file in Vietnamese."""
    settings.TASKS = DATABASE_QUEUE
    settings.PARINDEX_SURVEY_JOBS_INLINE = False
    settings.MEDIA_ROOT = str(tmp_path)
    questionnaire = services.questionnaire_import(
        cycle=world.current, text=QUESTIONNAIRE, source_name="q.yaml", user=admin
    )
    bad = [row("z1", "LD", "SNV", "Z")]
    browse(admin).post(
        f"/surveys/{questionnaire.pk}/responses/", {"file": upload(responses_csv(bad))}
    )
    work_the_queue()
    job = SurveyJob.objects.get(kind="import")
    assert job.state == "failed"
    assert "không phải là một phương án của câu hỏi" in job.errors[0], job.errors
