"""Writes for the survey: import a questionnaire into a cycle, set the sample plan, issue and
consume respondent links, store imported forms, and turn the aggregation into the cycle's
survey leaf answers. Every figure comes from ``parindex.core``."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import connection, transaction
from django.db.models.options import Options
from django.utils import timezone
from django.utils.translation import gettext as _

from parindex.accounts.models import User
from parindex.audit.services import audit_record
from parindex.core import Scorer
from parindex.core.survey import (
    SurveyError,
    check_against_framework,
    load_questionnaire,
    unfed_survey_leaves,
)
from parindex.core.survey_aggregate import ResponseRow, SurveyResult
from parindex.cycles.models import Cycle
from parindex.frameworks.selectors import core_framework
from parindex.results.models import Answer
from parindex.shared.fields import model_field
from parindex.shared.jobs import stale_running
from parindex.units.models import Unit

from .models import (
    PlanTarget,
    Questionnaire,
    RespondentLink,
    SurveyForm,
    SurveyFormStage,
    SurveyJob,
    SurveyLeafResult,
)
from .selectors import core_questionnaire, survey_closed

MAX_LINKS_AT_ONCE = 500
AGGREGATION_REASON = "survey aggregation"


class SurveyRefused(Exception):
    """An action the survey's state does not allow; the message is for the person."""


class JobSuperseded(Exception):
    """The job is no longer this attempt's running job (its worker was taken for dead and the
    job run again): what the attempt did is rolled back."""


def _actor(user: object | None) -> User | None:
    return user if isinstance(user, User) else None


@transaction.atomic
def questionnaire_import(
    *, cycle: Cycle, text: str, source_name: str, user: User | None = None
) -> Questionnaire:
    """Read a questionnaire with the core and attach it to the cycle.

    Checked against the cycle's framework: every question's leaf is a survey leaf, and every
    survey leaf is fed by a question. A cycle has one questionnaire; it can be replaced while no
    form is stored. A default sample plan (target = the group's ``min_n``) is created.
    """
    q = load_questionnaire(text, source_name)
    fw = core_framework(cycle.framework_version)
    check_against_framework(q, fw, source_name)
    unfed = unfed_survey_leaves(q, fw)
    if unfed:
        raise SurveyError(
            f"survey leaves without a question: {', '.join(unfed)} (every survey leaf of "
            f"{fw.code} {fw.version} must be fed by the questionnaire)",
            source=source_name,
        )
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    existing = Questionnaire.objects.filter(cycle=cycle).first()
    if existing is not None:
        if existing.sha256 == digest:
            return existing
        if SurveyForm.objects.filter(questionnaire=existing).exists():
            raise SurveyRefused(
                _("This cycle's questionnaire already has forms; it cannot be replaced.")
            )
        existing.delete()
    questionnaire = Questionnaire.objects.create(
        cycle=cycle,
        code=q.code,
        version=q.version,
        title_vi=q.title.vi if q.title else "",
        title_en=(q.title.en or "") if q.title else "",
        source_name=source_name,
        source_text=text,
        sha256=digest,
        imported_by=_actor(user),
    )
    PlanTarget.objects.bulk_create(
        PlanTarget(questionnaire=questionnaire, unit=unit, group_code=g.code, target=g.min_n)
        for unit in cycle.units.order_by("code")
        for g in q.groups
    )
    audit_record(
        actor=_actor(user),
        action="survey.questionnaire_import",
        target=questionnaire,
        after={"code": q.code, "version": q.version, "sha256": digest, "file": source_name},
        cycle_id=cycle.pk,
    )
    return questionnaire


@transaction.atomic
def plan_set(
    *, questionnaire: Questionnaire, targets: Mapping[tuple[int, str], int], user: User
) -> int:
    """Set the target of each given unit × group; returns how many changed."""
    core = core_questionnaire(questionnaire)
    minimum = {g.code: g.min_n for g in core.groups}
    in_scope = set(questionnaire.cycle.units.values_list("pk", flat=True))
    current = {
        (t.unit_id, t.group_code): t
        for t in PlanTarget.objects.select_for_update().filter(questionnaire=questionnaire)
    }
    changed: list[PlanTarget] = []
    created: list[PlanTarget] = []
    for (unit_id, group), target in targets.items():
        if group not in minimum or unit_id not in in_scope:
            raise SurveyRefused(_("Unknown unit or group in the sample plan."))
        if target < minimum[group]:
            raise SurveyRefused(
                _("A target cannot be below the group's minimum (%(group)s: %(min)s).")
                % {"group": group, "min": minimum[group]}
            )
        row = current.get((unit_id, group))
        if row is None:
            created.append(
                PlanTarget(
                    questionnaire=questionnaire, unit_id=unit_id, group_code=group, target=target
                )
            )
        elif row.target != target:
            row.target = target
            changed.append(row)
    PlanTarget.objects.bulk_update(changed, ["target"])
    PlanTarget.objects.bulk_create(created)
    if changed or created:
        audit_record(
            actor=user,
            action="survey.plan_set",
            target=questionnaire,
            after={"changed": len(changed) + len(created)},
            cycle_id=questionnaire.cycle_id,
        )
    return len(changed) + len(created)


@transaction.atomic
def links_issue(
    *, questionnaire: Questionnaire, unit: Unit, group_code: str, count: int, user: User
) -> list[RespondentLink]:
    """Issue ``count`` one-time links for respondents of a group about a unit."""
    core = core_questionnaire(questionnaire)
    if group_code not in core.group_by_code:
        raise SurveyRefused(_("Unknown respondent group."))
    if not questionnaire.cycle.units.filter(pk=unit.pk).exists():
        raise SurveyRefused(_("The unit is not in the cycle."))
    if not 1 <= count <= MAX_LINKS_AT_ONCE:
        raise SurveyRefused(
            _("Issue between 1 and %(max)s links at a time.") % {"max": MAX_LINKS_AT_ONCE}
        )
    links = RespondentLink.objects.bulk_create(
        RespondentLink(
            questionnaire=questionnaire,
            unit=unit,
            group_code=group_code,
            token=secrets.token_urlsafe(18),
            created_by=user,
        )
        for _ in range(count)
    )
    audit_record(
        actor=user,
        action="survey.links_issue",
        target=questionnaire,
        after={"unit": unit.code, "group": group_code, "count": count},
        cycle_id=questionnaire.cycle_id,
        unit_id=unit.pk,
    )
    return links


class LinkUsed(SurveyRefused):
    """The link was used already."""


class NoAnswer(SurveyRefused):
    """A form with no answer at all: refused, the link stays usable."""


class SurveyClosed(SurveyRefused):
    """The survey has closed (approval, publication): its links take no more answers."""


@transaction.atomic
def link_answer(*, link: RespondentLink, answers: Mapping[str, str]) -> SurveyForm:
    """Store a respondent's form and consume the link, atomically: of two submissions of the
    same link, exactly one is stored. Nothing about the respondent is kept beyond the group.
    A form that answers no question is refused before the link is touched: it would count as
    a received form and use up the link while telling nothing (the questionnaire format has
    no required questions, so one answer, "don't know" included, is enough)."""
    if survey_closed(link.questionnaire, timezone.now()):
        raise SurveyClosed(_("The survey is closed: this link no longer takes answers."))
    core = core_questionnaire(link.questionnaire)
    asked = {q.code: q for q in core.questions_for(link.group_code)}
    clean: dict[str, str] = {}
    for code, key in answers.items():
        question = asked.get(code)
        if question is None or (key and question.option(key) is None):
            raise SurveyRefused(_("The answers do not fit the questionnaire."))
        if key:
            clean[code] = key
    if not clean:
        raise NoAnswer(_("Choose an answer to at least one question before sending the form."))
    consumed = RespondentLink.objects.filter(pk=link.pk, used_at__isnull=True).update(
        used_at=timezone.now()
    )
    if not consumed:
        raise LinkUsed(_("This link has already been used."))
    return SurveyForm.objects.create(
        questionnaire=link.questionnaire,
        response_id=f"web-{secrets.token_hex(10)}",
        unit=link.unit,
        group_code=link.group_code,
        answers=clean,
        channel=SurveyForm.Channel.WEB,
    )


@transaction.atomic
def questionnaire_release(*, questionnaire: Questionnaire, released: bool, user: User) -> None:
    """Let (or stop letting) units read their own survey results."""
    before = questionnaire.released_at
    questionnaire.released_at = timezone.now() if released else None
    questionnaire.save(update_fields=["released_at"])
    audit_record(
        actor=user,
        action="survey.release",
        target=questionnaire,
        before={"released": before is not None},
        after={"released": released},
        cycle_id=questionnaire.cycle_id,
    )


# -- forms from a response file -----------------------------------------------------------------


def upload_folder() -> Path:
    folder = Path(settings.MEDIA_ROOT) / "survey-uploads"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def import_prepare(
    *, questionnaire: Questionnaire, upload: UploadedFile[bytes], user: User
) -> SurveyJob:
    """Keep an uploaded response file on disk and queue its import. The same file imported
    before is refused here: nothing would be added."""
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    sha = digest.hexdigest()
    done = SurveyJob.objects.filter(
        questionnaire=questionnaire,
        kind=SurveyJob.Kind.IMPORT,
        state=SurveyJob.State.DONE,
        file_sha256=sha,
    ).first()
    if done is not None:
        raise SurveyRefused(
            _("This file was imported already (%(name)s, %(forms)s forms): nothing was added.")
            % {"name": done.file_name, "forms": done.forms_added}
        )
    name = Path(upload.name or "responses.csv").name
    job = SurveyJob.objects.create(
        questionnaire=questionnaire,
        kind=SurveyJob.Kind.IMPORT,
        file_name=name,
        file_sha256=sha,
        created_by=user,
    )
    suffix = ".xlsx" if name.lower().endswith(".xlsx") else ".csv"
    path = upload_folder() / f"{job.pk}-{sha[:16]}{suffix}"
    with path.open("wb") as out:
        for chunk in upload.chunks():
            out.write(chunk)
    job.file_path = str(path)
    job.save(update_fields=["file_path"])
    return job


def forms_stage(
    *, job: SurveyJob, rows: Sequence[ResponseRow], unit_ids: Mapping[str, int]
) -> None:
    """Stage a batch of an import's validated new forms, in a transaction of its own: the
    batch is small, so the database is held only briefly."""
    with transaction.atomic():
        SurveyFormStage.objects.bulk_create(
            SurveyFormStage(
                job=job,
                response_id=row.response,
                unit_id=unit_ids[row.unit],
                group_code=row.group,
                answers=row.answers,
            )
            for row in rows
        )


def forms_unstage(*, job: SurveyJob, batch: int = 2000) -> None:
    """Remove a job's staged forms, a batch per statement."""
    while True:
        ids = list(SurveyFormStage.objects.filter(job=job).values_list("pk", flat=True)[:batch])
        if not ids:
            return
        SurveyFormStage.objects.filter(pk__in=ids).delete()


@transaction.atomic
def forms_store(*, job: SurveyJob, present: int) -> int:
    """The import's final switch: the staged forms become forms in one INSERT … SELECT, with
    the audit event and the job marked done, in one short transaction. Returns how many."""
    if not _job_is_running(job):
        raise JobSuperseded
    form, stage = SurveyForm._meta, SurveyFormStage._meta
    quote = connection.ops.quote_name

    def column(meta: Options[Any], name: str) -> str:
        db_column = model_field(meta.model, name).column
        assert db_column is not None, name  # the fields copied here are all table columns
        return quote(db_column)

    copied = ("response_id", "unit", "group_code", "answers")
    created_at = form.get_field("created_at").get_db_prep_value(timezone.now(), connection)
    sql = (
        f"INSERT INTO {quote(form.db_table)} ("
        + ", ".join(
            column(form, name)
            for name in ("questionnaire", *copied, "channel", "job", "created_at")
        )
        + ") SELECT %s, "
        + ", ".join(column(stage, name) for name in copied)
        + f", %s, {column(stage, 'job')}, %s FROM {quote(stage.db_table)}"
        + f" WHERE {column(stage, 'job')} = %s ORDER BY {column(stage, 'id')}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [job.questionnaire_id, SurveyForm.Channel.IMPORT, created_at, job.pk])
        added: int = cursor.rowcount
    audit_record(
        actor=job.created_by,
        action="survey.forms_import",
        target=job,
        after={
            "file": job.file_name,
            "sha256": job.file_sha256,
            "added": added,
            "already_stored": present,
        },
        cycle_id=job.questionnaire.cycle_id,
    )
    job_finish(job=job, forms_added=added, forms_present=present)
    return added


# -- jobs: heartbeat, dead workers, retry -------------------------------------------------------


def _job_is_running(job: SurveyJob) -> bool:
    return (
        SurveyJob.objects.select_for_update()
        .filter(pk=job.pk, state=SurveyJob.State.RUNNING, attempt=job.attempt)
        .exists()
    )


def job_finish(*, job: SurveyJob, total: int | None = None, **fields: object) -> None:
    """Mark the job done; called inside the transaction that stores its work, so the work and
    its job's state commit together. Raises ``JobSuperseded`` if the job is no longer ours."""
    if total is not None:
        job.total = total
    finished = SurveyJob.objects.filter(
        pk=job.pk, state=SurveyJob.State.RUNNING, attempt=job.attempt
    ).update(
        state=SurveyJob.State.DONE,
        finished_at=timezone.now(),
        step=job.step,
        done=job.total,
        total=job.total,
        **fields,
    )
    if not finished:
        raise JobSuperseded


def jobs_sweep_stale(*, questionnaire: Questionnaire | None = None) -> int:
    """Mark failed the running jobs whose worker stopped (no heartbeat for
    ``PARINDEX_JOB_HEARTBEAT_TIMEOUT`` seconds). Their work was in transactions that never
    committed, so nothing of it was kept; they can be run again. Returns how many."""
    stale = stale_running(SurveyJob.objects.all())
    if questionnaire is not None:
        stale = stale.filter(questionnaire=questionnaire)
    if not stale.exists():  # the usual case: no write at all
        return 0
    return stale.update(
        state=SurveyJob.State.FAILED,
        interrupted=True,
        errors=[],
        error_count=0,
        finished_at=timezone.now(),
    )


@transaction.atomic
def job_retry(*, job: SurveyJob, user: User) -> SurveyJob:
    """Queue again a job whose worker stopped (the caller starts it). Audited."""
    job = (
        SurveyJob.objects.select_for_update().select_related("questionnaire__cycle").get(pk=job.pk)
    )
    if not job.retryable:
        raise SurveyRefused(_("Only a job whose worker stopped can be run again."))
    questionnaire = job.questionnaire
    if job.kind == SurveyJob.Kind.AGGREGATE:
        if questionnaire.cycle.state in (Cycle.State.APPROVED, Cycle.State.PUBLISHED):
            raise SurveyRefused(_("The cycle is approved: its figures no longer change."))
        if SurveyJob.objects.filter(
            questionnaire=questionnaire,
            kind=SurveyJob.Kind.AGGREGATE,
            state__in=(SurveyJob.State.QUEUED, SurveyJob.State.RUNNING),
        ).exists():
            raise SurveyRefused(_("Another aggregation is under way."))
    else:
        if not job.file_path or not Path(job.file_path).is_file():
            raise SurveyRefused(_("The uploaded file is no longer kept: upload it again."))
        done = SurveyJob.objects.filter(
            questionnaire=questionnaire,
            kind=SurveyJob.Kind.IMPORT,
            state=SurveyJob.State.DONE,
            file_sha256=job.file_sha256,
        ).first()
        if done is not None:
            raise SurveyRefused(
                _("This file was imported already (%(name)s, %(forms)s forms): nothing was added.")
                % {"name": done.file_name, "forms": done.forms_added}
            )
    before = {"state": job.state, "attempt": job.attempt}
    job.state = SurveyJob.State.QUEUED
    job.attempt += 1
    job.interrupted = False
    job.step = ""
    job.done = 0
    job.errors = []
    job.error_count = 0
    job.started_at = job.heartbeat_at = job.finished_at = None
    job.save(
        update_fields=[
            "state",
            "attempt",
            "interrupted",
            "step",
            "done",
            "errors",
            "error_count",
            "started_at",
            "heartbeat_at",
            "finished_at",
        ]
    )
    audit_record(
        actor=user,
        action="survey.job_retry",
        target=job,
        before=before,
        after={"state": job.state, "attempt": job.attempt},
        cycle_id=questionnaire.cycle_id,
    )
    return job


# -- results into the cycle -------------------------------------------------------------------


@transaction.atomic
def survey_results_apply(
    *, questionnaire: Questionnaire, result: SurveyResult, user: User | None
) -> int:
    """Store the aggregation and make it the survey leaves' answers of the cycle.

    A leaf with a value gets it as its answer (two decimals, in %); an insufficient leaf gets
    no answer, so ``compute`` lists it as missing and the scorecard marks it. Each changed
    answer writes an audit event. Returns the number of answers changed.
    """
    cycle = questionnaire.cycle
    if cycle.state in (Cycle.State.APPROVED, Cycle.State.PUBLISHED):
        raise SurveyRefused(_("The cycle is approved: its figures no longer change."))
    fw = core_framework(cycle.framework_version)
    scorer = Scorer(fw)
    units = {u.code: u for u in cycle.units.all()}
    core = result.questionnaire
    min_n = {g.code: g.min_n for g in core.groups}
    leaves = list(core.leaves)
    rows: list[SurveyLeafResult] = []
    wanted: dict[tuple[int, str], str] = {}
    for unit_survey in result.iter_units():
        unit = units[unit_survey.unit]
        for leaf in unit_survey.leaves:
            rows.append(
                SurveyLeafResult(
                    questionnaire=questionnaire,
                    unit=unit,
                    leaf_code=leaf.leaf,
                    value=leaf.value,
                    margin=leaf.margin,
                    groups={
                        g.code: {
                            "n": g.n,
                            "mean": None if g.mean is None else f"{g.mean:.2f}",
                            "included": g.included,
                            "min_n": min_n[g.code],
                        }
                        for g in leaf.groups
                    },
                    flags=list(leaf.flags),
                )
            )
            wanted[(unit.pk, leaf.leaf)] = "" if leaf.value is None else f"{leaf.value:.2f}"
    SurveyLeafResult.objects.filter(questionnaire=questionnaire).delete()
    SurveyLeafResult.objects.bulk_create(rows, batch_size=1000)

    def points(code: str, value: str) -> str | None:
        if not value:
            return None
        return f"{scorer(fw.node(code), value).points:.{fw.places}f}"

    actor = _actor(user)
    now = timezone.now()
    existing = {
        (a.unit_id, a.leaf_code): a
        for a in Answer.objects.select_for_update().filter(cycle=cycle, leaf_code__in=leaves)
    }
    changed = 0
    for (unit_id, leaf_code), value in wanted.items():
        answer = existing.get((unit_id, leaf_code))
        before = answer.value if answer is not None else ""
        if before == value:
            continue
        if answer is None:
            answer = Answer.objects.create(
                cycle=cycle,
                unit_id=unit_id,
                leaf_code=leaf_code,
                value=value,
                updated_by=actor,
                version=1,
            )
            answer_id = answer.pk
        elif not value:  # insufficient: no answer, so compute lists the leaf as missing
            answer_id = answer.pk
            answer.delete()
        else:
            answer_id = answer.pk
            Answer.objects.filter(pk=answer.pk).update(
                value=value, version=answer.version + 1, updated_by=actor, updated_at=now
            )
        audit_record(
            actor=actor,
            action="answer.value",
            target_type="results.answer",
            target_id=str(answer_id),
            before={"value": before, "points": points(leaf_code, before)},
            after={"value": value, "points": points(leaf_code, value)},
            reason=AGGREGATION_REASON,
            cycle_id=cycle.pk,
            unit_id=unit_id,
            leaf_code=leaf_code,
        )
        changed += 1
    questionnaire.aggregated_at = now
    questionnaire.save(update_fields=["aggregated_at"])
    return changed


def aggregate_prepare(*, questionnaire: Questionnaire, user: User) -> SurveyJob:
    """The aggregation job to follow: the one under way, or a new one (a job whose worker
    died does not count as under way)."""
    cycle = questionnaire.cycle
    if cycle.state in (Cycle.State.APPROVED, Cycle.State.PUBLISHED):
        raise SurveyRefused(_("The cycle is approved: its figures no longer change."))
    jobs_sweep_stale(questionnaire=questionnaire)
    running = SurveyJob.objects.filter(
        questionnaire=questionnaire,
        kind=SurveyJob.Kind.AGGREGATE,
        state__in=(SurveyJob.State.QUEUED, SurveyJob.State.RUNNING),
    ).first()
    if running is not None:
        return running
    return SurveyJob.objects.create(
        questionnaire=questionnaire, kind=SurveyJob.Kind.AGGREGATE, created_by=user
    )
