"""Every model that holds business data has a write path that leaves an audit event.

``WRITES`` maps each model of the parindex apps to a call that writes it the way the application
does (a service, or the one page that writes it), the action of the event that call records and
the object the event names. Models that hold no business data are in ``NOT_AUDITED``, each with
the reason. A model in neither fails ``test_every_model_is_in_the_table``: a new model must say
how its changes are audited before it ships.

Each case runs its call twice, as ``test_audit_coverage`` does: first with the event's write
failing just after the event is written (the call raises, no event is left, the model's rows are
as they were: the event and the change share one transaction), then for real: the model's rows
change and the event is there, with its actor.
"""

from __future__ import annotations

import datetime
import sys
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import models
from django.utils import timezone

from parindex.accounts import apitokens
from parindex.accounts import services as account_services
from parindex.accounts.models import Role, User
from parindex.appraisals import services as appraisal_services
from parindex.assessments import services as assessment_services
from parindex.assessments.models import Stage
from parindex.audit import services as audit_services
from parindex.audit.models import AuditEvent
from parindex.cycles.models import Cycle
from parindex.evidence import services as evidence_services
from parindex.frameworks.services import framework_import, node_mapping_import
from parindex.national import services as national_services
from parindex.plans import services as plan_services
from parindex.plans.models import PlanTarget, Task
from parindex.results.models import Answer
from parindex.surveys import services as survey_services
from parindex.uncertainty import services as uncertainty_services
from parindex.units.models import Unit

from . import appraisals_fixtures as fx
from .accounts_fixtures import xlsx
from .appraisals_fixtures import CHOICE_LEAF, DAY, DEDUCTION_LEAF, RATIO_LEAF, Appraisal
from .evidence_samples import pdf
from .factories import browse, framework_text, person
from .plans_fixtures import plan_world_build
from .surveys_fixtures import (  # noqa: F401 - the fixtures
    GOOD_ROWS,
    QUESTIONNAIRE,
    inline_jobs,
    responses_csv,
    survey,
    upload,
)

appraisal = fx.appraisal

# Models that hold no business data of their own, and why.
NOT_AUDITED = {
    "audit.auditevent": "the audit trail itself",
    "audit.audithead": "the chain's head, written with every event",
    "audit.publishedhead": "the chain's head at a publication, recorded after its events",
    "notifications.notification": "messages to people about changes audited elsewhere",
    "notifications.remindersent": "which reminder went out, so none is sent twice",
    "results.unitresult": "computed by the core from audited answers and appraisals; "
    "recomputed at will, and what is approved is kept in the audited ResultSnapshot",
    "surveys.surveyjob": "progress of a background import or aggregation",
    "surveys.surveyformstage": "forms staged by an import before they are stored (audited)",
    "assessments.fedvalue": "marks a declared value as sent by another system; the value's own "
    "event (answer.value) records the change and names the token it came through",
}


@dataclass(frozen=True)
class Write:
    """``call(ctx)`` writes the model; the event it records has ``action`` and names an object
    of ``target`` (the model itself, or, for rows written only with their owner, the owner)."""

    call: Callable[[Ctx], object]
    action: str
    target: str
    # Calls that go through a background job catch the failure themselves (the job is marked
    # failed), so the first, failing run is checked by the job's own tests, not here.
    checks_rollback: bool = True


class Ctx:
    """The fixtures a case needs, made only when it asks for them."""

    def __init__(self, request: pytest.FixtureRequest) -> None:
        self.request = request
        # While preparing, a call makes what it needs (fixtures, ``once`` values) and returns
        # before writing: the test then notes where the trail and the rows stand.
        self.preparing = False

    @property
    def ap(self) -> Appraisal:
        return self.request.getfixturevalue("appraisal")

    @property
    def admin(self) -> User:
        return self.request.getfixturevalue("admin")

    @property
    def world(self) -> Any:
        return self.request.getfixturevalue("world")

    def once(self, name: str, make: Callable[[], Any]) -> Any:
        """A value made once per test (the second run of a call reuses the first's setup)."""
        if not hasattr(self, f"_{name}"):
            preparing, self.preparing = self.preparing, False
            try:
                setattr(self, f"_{name}", make())
            finally:
                self.preparing = preparing
        return getattr(self, f"_{name}")


TODAY = timezone.localdate()
EXTENDED_UNTIL = (timezone.now() + 30 * DAY).replace(microsecond=0)


# -- calls ----------------------------------------------------------------------------------


def ward_answer(ctx: Ctx) -> None:
    editor = ctx.once("editor", lambda: person("editor.ward", Role.UNIT_EDITOR, ctx.ap.world.ward))
    answer = Answer.objects.get(
        cycle=ctx.ap.cycle, unit=ctx.ap.world.ward, leaf_code=DEDUCTION_LEAF
    )
    if ctx.preparing:
        return
    assessment_services.answer_save(
        assessment=ctx.ap.ward,
        leaf_code=DEDUCTION_LEAF,
        value="2",
        version=answer.version,
        actor=editor,
    )


def evidence_link(ctx: Ctx) -> None:
    ap = ctx.ap
    document = ctx.once("document", lambda: fx.reference_of(ap.ward, ap.admin))
    if ctx.preparing:
        return
    assessment_services.answer_evidence_link(
        assessment=ap.ward, leaf_code=DEDUCTION_LEAF, evidence=document, actor=ap.admin
    )


def calendar_set(ctx: Ctx) -> None:
    ap = ctx.ap
    windows = {w.stage: (w.opens_at, w.closes_at) for w in ap.cycle.stages.all()}
    opens, _closes = windows[Stage.PUBLICATION]
    windows[Stage.PUBLICATION] = (opens, EXTENDED_UNTIL + 60 * DAY)
    if ctx.preparing:
        return
    assessment_services.cycle_calendar_set(cycle=ap.cycle, windows=windows, actor=ap.admin)


def cycle_open(ctx: Ctx) -> None:
    ap = ctx.ap

    def new_cycle() -> Cycle:
        cycle = Cycle.objects.create(
            year=2026, title="Chỉ số CCHC năm 2026", framework_version=ap.world.version
        )
        cycle.units.set(ap.world.units)
        return cycle

    cycle = ctx.once("cycle", new_cycle)
    if ctx.preparing:
        return
    assessment_services.cycle_open(
        cycle=cycle, windows=fx.windows_open(timezone.now()), actor=ap.admin
    )


def stage_extend(ctx: Ctx) -> None:
    assert ctx.ap
    if ctx.preparing:
        return
    assessment_services.stage_extend(
        assessment=ctx.ap.ward,
        stage=Stage.SELF_ASSESSMENT,
        closes_at=EXTENDED_UNTIL,
        reason="Đơn vị mất điện một tuần.",
        actor=ctx.ap.admin,
    )


def adjust(ctx: Ctx) -> None:
    assert ctx.ap
    if ctx.preparing:
        return
    appraisal_services.leaf_appraise(
        assessment=ctx.ap.a,
        leaf_code=CHOICE_LEAF,
        decision="adjusted",
        value="cham",
        reason="Ban hành quá hạn.",
        actor=ctx.ap.appraiser,
    )


def approve(ctx: Ctx) -> None:
    ctx.once("appraised", lambda: fx.all_appraised(ctx.ap))
    if ctx.preparing:
        return
    appraisal_services.cycle_approve(cycle=ctx.ap.cycle, actor=ctx.ap.council)


def council_settings(ctx: Ctx) -> None:
    ap = ctx.ap
    if ctx.preparing:
        return
    appraisal_services.council_settings_set(
        cycle=ap.cycle, rule="majority", secretariat=ctx.world.unit_a, actor=ap.admin
    )


def council_member(ctx: Ctx) -> None:
    ap = ctx.ap
    user = ctx.once("member", lambda: person("member.1", Role.COUNCIL))
    if ctx.preparing:
        return
    appraisal_services.council_member_set(cycle=ap.cycle, user=user, role="member", actor=ap.admin)


def council_minutes(ctx: Ctx) -> None:
    ap = ctx.ap
    ctx.once(
        "secretariat",
        lambda: appraisal_services.council_settings_set(
            cycle=ap.cycle, rule="chair", secretariat=ctx.world.unit_a, actor=ap.admin
        ),
    )
    file = SimpleUploadedFile("bien-ban.pdf", pdf("Biên bản họp"), "application/pdf")
    if ctx.preparing:
        return
    appraisal_services.council_document_add(
        cycle=ap.cycle, kind="minutes", file=file, actor=ap.admin
    )


def release(ctx: Ctx) -> None:
    ap = ctx.ap

    def ready() -> None:
        fx.adjust_and_flag(ap)
        fx.accept_all(ap, ap.a)

    ctx.once("ready", ready)
    ap.refresh()
    if ctx.preparing:
        return
    appraisal_services.assessment_release(assessment=ap.a, actor=ap.admin)


def reply(ctx: Ctx, *, evidence: bool = False) -> None:
    ap = ctx.ap
    ctx.once("released", lambda: fx.released(ap))
    document = ctx.once("document", lambda: fx.reference_of(ap.a, ap.editor_a))
    if ctx.preparing:
        return
    if evidence:  # a disagreement, which needs a document
        appraisal_services.reply_save(
            assessment=ap.a,
            leaf_code=RATIO_LEAF,
            agrees=False,
            reason="Đã hoàn thành.",
            evidence=[document],
            actor=ap.editor_a,
        )
    else:
        appraisal_services.reply_save(
            assessment=ap.a, leaf_code=CHOICE_LEAF, agrees=True, reason="", actor=ap.editor_a
        )


def appraiser_assign(ctx: Ctx) -> None:
    user = ctx.once("appraiser", lambda: fx.appraiser_create("appraiser.3", "3"))
    assert ctx.ap
    if ctx.preparing:
        return
    appraisal_services.appraiser_assign(
        cycle=ctx.ap.cycle, user=user, area_code="3", actor=ctx.ap.admin
    )


def evidence_upload(ctx: Ctx) -> None:
    file = SimpleUploadedFile("bao-cao.pdf", pdf("Báo cáo quý"), "application/pdf")
    if ctx.preparing:
        return
    evidence_services.evidence_upload(file=file, unit=ctx.world.unit_a, user=ctx.admin)


def evidence_reference(ctx: Ctx) -> None:
    if ctx.preparing:
        return
    evidence_services.evidence_reference(
        unit=ctx.world.unit_a,
        user=ctx.admin,
        number="12/KH-SNV",
        issued_on=datetime.date(2025, 2, 1),
        issuer="Sở Nội vụ",
        title="Kế hoạch kiểm tra CCHC",
    )


def account_create(ctx: Ctx) -> None:
    if ctx.preparing:
        return
    account_services.account_create(
        actor=ctx.admin,
        username="nguyen.van.a",
        full_name="Nguyễn Văn A",
        roles=[account_services.RoleSpec(Role.VIEWER)],
    )


def role_add(ctx: Ctx) -> None:
    viewer = ctx.once("viewer", lambda: person("xem", Role.VIEWER))
    if ctx.preparing:
        return
    account_services.account_role_add(
        actor=ctx.admin,
        user=viewer,
        spec=account_services.RoleSpec(Role.UNIT_EDITOR, unit=ctx.world.ward),
        reason="Chuyển công tác.",
    )


def api_token_create(ctx: Ctx) -> None:
    editor = ctx.once("editor", lambda: person("editor.ward", Role.UNIT_EDITOR, ctx.world.ward))
    if ctx.preparing:
        return
    apitokens.token_create(
        user=editor,
        name="Cổng dịch vụ công",
        access="write",
        unit=ctx.world.ward,
        expires_on=TODAY + datetime.timedelta(days=30),
    )


def account_import_check(ctx: Ctx) -> None:
    if ctx.preparing:
        return
    account_services.account_import_check(
        actor=ctx.admin,
        file_name="nhan-su.xlsx",
        data=xlsx([["tran.thi.b", "Trần Thị B", "", "viewer", "", ""]]),
    )


def province_merger(ctx: Ctx) -> None:
    def provinces() -> list[Unit]:
        national_services.national_results_import(
            text="year,province,index,rank,band\n2024,Tiền Giang,80.10,20,B\n"
            "2024,Đồng Tháp,85.20,8,A\n",
            source_name="2024.csv",
        )
        return list(Unit.objects.filter(code__in=["TIEN-GIANG", "DONG-THAP"]))

    predecessors = ctx.once("provinces", provinces)
    if ctx.preparing:
        return
    national_services.province_merger_record(
        predecessors=predecessors,
        successor_code="DONG-THAP-2025",
        successor_name="Đồng Tháp",
        date=datetime.date(2025, 7, 1),
        legal_basis="Nghị quyết 202/2025/QH15",
        actor=ctx.admin,
    )


def cycle_add_in_admin(ctx: Ctx) -> None:
    world = ctx.world
    if ctx.preparing:
        return
    response = browse(ctx.admin).post(
        "/admin/cycles/cycle/add/",
        {
            "year": 2027,
            "title": "Chỉ số CCHC năm 2027",
            "framework_version": world.version.pk,
            "units": [u.pk for u in world.units],
            "audit_reason": "Kỳ đánh giá năm 2027.",
        },
    )
    assert response.status_code == 302


def framework_new_version(ctx: Ctx) -> None:
    text = framework_text().replace('version: "2024"', 'version: "2026"', 1)
    if ctx.preparing:
        return
    framework_import(text=text, source_name="province-internal-2026.yaml", user=ctx.admin)


def node_mapping(ctx: Ctx) -> None:
    later = ctx.once(
        "version_2026",
        lambda: framework_import(
            text=framework_text().replace('version: "2024"', 'version: "2026"', 1),
            source_name="province-internal-2026.yaml",
        ),
    )
    if ctx.preparing:
        return
    node_mapping_import(
        text="from,to\n1.1,1.1\n",
        source_name="2024-2026.csv",
        earlier=ctx.world.version,
        later=later,
        user=ctx.admin,
    )


def questionnaire_import(ctx: Ctx) -> None:
    if ctx.preparing:
        return
    survey_services.questionnaire_import(
        cycle=ctx.world.current, text=QUESTIONNAIRE, source_name="q.yaml", user=ctx.admin
    )


def questionnaire_of(ctx: Ctx) -> Any:
    return ctx.request.getfixturevalue("survey")


def survey_plan_set(ctx: Ctx) -> None:
    questionnaire = questionnaire_of(ctx)
    if ctx.preparing:
        return
    survey_services.plan_set(
        questionnaire=questionnaire,
        targets={(ctx.world.unit_a.pk, "ND"): 40},
        user=ctx.admin,
    )


def links_issue(ctx: Ctx) -> None:
    questionnaire_of(ctx)
    if ctx.preparing:
        return
    survey_services.links_issue(
        questionnaire=questionnaire_of(ctx),
        unit=ctx.world.unit_a,
        group_code="ND",
        count=2,
        user=ctx.admin,
    )


def forms_import(ctx: Ctx) -> None:
    questionnaire_of(ctx)
    if ctx.preparing:
        return
    response = browse(ctx.admin).post(
        f"/surveys/{questionnaire_of(ctx).pk}/responses/",
        {"file": upload(responses_csv(GOOD_ROWS))},
    )
    assert response.status_code in (200, 302)


def survey_aggregate(ctx: Ctx) -> None:
    questionnaire = questionnaire_of(ctx)
    ctx.once("forms", lambda: forms_import(ctx))
    if ctx.preparing:
        return
    response = browse(ctx.admin).post(f"/surveys/{questionnaire.pk}/aggregate/")
    assert response.status_code in (200, 302)


def uncertainty_run(ctx: Ctx) -> None:
    if ctx.preparing:
        return
    uncertainty_services.run_request(
        cycle=ctx.world.current, user=ctx.admin, draws=100, level=90, seed=1
    )


def pw(ctx: Ctx) -> Any:
    return ctx.once("pw", lambda: plan_world_build(ctx.world, published=False))


def plan_create(ctx: Ctx) -> None:
    if ctx.preparing:
        return
    plan_services.plan_create(
        number="10/KH-UBND",
        title="Kế hoạch CCHC năm 2026",
        issued_on=datetime.date(2026, 1, 5),
        issuer="Ủy ban nhân dân tỉnh",
        start_year=2026,
        end_year=2026,
        user=ctx.admin,
    )


def plan_target(ctx: Ctx) -> None:
    pw(ctx)
    if ctx.preparing:
        return
    plan_services.target_set(
        plan=pw(ctx).plan,
        year=2025,
        scope=PlanTarget.Scope.NATIONAL,
        rank=20,
        index=Decimal("85.00"),
        actor=ctx.admin,
    )


def plan_area(ctx: Ctx) -> None:
    pw(ctx)
    if ctx.preparing:
        return
    plan_services.area_save(
        plan=pw(ctx).plan,
        area=None,
        position=10,
        title="Chuyển đổi số",
        lead_agency=ctx.world.unit_a,
        node_codes=["1"],
        actor=ctx.admin,
    )


def task_create(ctx: Ctx) -> None:
    plan = pw(ctx).plan
    if ctx.preparing:
        return
    plan_services.task_create(
        plan=plan,
        area=plan.areas.get(position=1),
        title="Rà soát thủ tục hành chính",
        lead_agency=ctx.world.unit_b,
        start_date=TODAY,
        deadline=TODAY + datetime.timedelta(days=30),
        actor=ctx.admin,
    )


def progress_report(ctx: Ctx, *, evidence: bool = False) -> None:
    task = pw(ctx).task_a
    reporter = ctx.once("reporter", lambda: person("bao.cao", Role.UNIT_EDITOR, task.lead_agency))
    document = ctx.once(
        "document",
        lambda: evidence_services.evidence_reference(
            unit=task.lead_agency,
            user=reporter,
            number="05/BC",
            issued_on=TODAY,
            issuer="Sở Nội vụ",
            title="Báo cáo tiến độ",
        ),
    )
    task.refresh_from_db()
    if ctx.preparing:
        return
    plan_services.progress_report(
        task=task,
        user=reporter,
        reported_on=TODAY,
        text="Đã ban hành kế hoạch.",
        percent=50,
        evidence=[document] if evidence else [],
    )


def national_results(ctx: Ctx) -> None:
    if ctx.preparing:
        return
    national_services.national_results_import(
        text="year,province,index,rank,band\n2024,Hà Nội,86.40,4,A\n",
        source_name="2024.csv",
        actor=ctx.admin,
    )


def national_years(ctx: Ctx) -> None:
    if ctx.preparing:
        return
    national_services.national_years_import(
        text="year,provinces,average\n2024,34,83.50\n", source_name="y.csv", actor=ctx.admin
    )


WRITES: dict[str, Write] = {
    "accounts.user": Write(account_create, "account.create", "accounts.user"),
    # A role is audited on the person who holds it.
    "accounts.roleassignment": Write(role_add, "account.role_add", "accounts.user"),
    "accounts.apitoken": Write(api_token_create, "api_token.create", "accounts.apitoken"),
    "accounts.accountimport": Write(
        account_import_check, "account.import_check", "accounts.accountimport"
    ),
    "units.unit": Write(province_merger, "unit.create", "units.unit"),
    "units.succession": Write(province_merger, "unit.merge", "units.succession"),
    "frameworks.frameworkversion": Write(
        framework_new_version, "framework.import", "frameworks.frameworkversion"
    ),
    # Nodes are written only with their (immutable) version.
    "frameworks.frameworknode": Write(
        framework_new_version, "framework.import", "frameworks.frameworkversion"
    ),
    "frameworks.nodemapping": Write(
        node_mapping, "framework.mapping_import", "frameworks.nodemapping"
    ),
    "cycles.cycle": Write(cycle_add_in_admin, "cycle.create", "cycles.cycle"),
    "results.answer": Write(ward_answer, "answer.value", "results.answer"),
    # The figure in force mirrors the appraisal that sets it.
    "results.appraisedvalue": Write(adjust, "appraisal.adjusted", "appraisals.leafappraisal"),
    "results.resultsnapshot": Write(approve, "results.snapshot", "results.resultsnapshot"),
    "evidence.storedfile": Write(evidence_upload, "evidence.upload", "evidence.evidence"),
    "evidence.evidence": Write(evidence_reference, "evidence.reference", "evidence.evidence"),
    "assessments.stagewindow": Write(calendar_set, "calendar.set", "assessments.stagewindow"),
    "assessments.assessment": Write(cycle_open, "assessment.open", "assessments.assessment"),
    "assessments.stageextension": Write(stage_extend, "stage.extend", "assessments.stageextension"),
    "assessments.answerevidence": Write(
        evidence_link, "evidence.link", "assessments.answerevidence"
    ),
    "appraisals.appraiserassignment": Write(
        appraiser_assign, "appraiser.assign", "appraisals.appraiserassignment"
    ),
    "appraisals.leafappraisal": Write(adjust, "appraisal.adjusted", "appraisals.leafappraisal"),
    # The round and its opening comments are written by the release of the assessment.
    "appraisals.appraisalround": Write(release, "assessment.release", "assessments.assessment"),
    "appraisals.appraisalcomment": Write(release, "assessment.release", "assessments.assessment"),
    "appraisals.leafreply": Write(reply, "reply.save", "appraisals.leafreply"),
    "appraisals.council": Write(council_settings, "council.settings", "appraisals.council"),
    "appraisals.councilmember": Write(council_member, "council.member", "appraisals.councilmember"),
    # The chair's decision, which approves the results under the default rule.
    "appraisals.councilvote": Write(approve, "council.vote", "appraisals.councilvote"),
    "appraisals.councildocument": Write(
        council_minutes, "council.document", "appraisals.councildocument"
    ),
    "appraisals.replyevidence": Write(
        lambda ctx: reply(ctx, evidence=True), "reply.evidence_link", "appraisals.replyevidence"
    ),
    "surveys.questionnaire": Write(
        questionnaire_import, "survey.questionnaire_import", "surveys.questionnaire"
    ),
    "surveys.plantarget": Write(survey_plan_set, "survey.plan_set", "surveys.questionnaire"),
    "surveys.respondentlink": Write(links_issue, "survey.links_issue", "surveys.questionnaire"),
    "surveys.surveyform": Write(
        forms_import, "survey.forms_import", "surveys.surveyjob", checks_rollback=False
    ),
    "surveys.surveyleafresult": Write(
        survey_aggregate, "answer.value", "results.answer", checks_rollback=False
    ),
    "uncertainty.rankuncertaintyrun": Write(
        uncertainty_run, "uncertainty.run", "uncertainty.rankuncertaintyrun"
    ),
    "plans.plan": Write(plan_create, "plan.create", "plans.plan"),
    "plans.plantarget": Write(plan_target, "plan.target_set", "plans.plantarget"),
    "plans.contentarea": Write(plan_area, "plan.area_add", "plans.contentarea"),
    "plans.task": Write(task_create, "task.create", "plans.task"),
    "plans.progressreport": Write(progress_report, "task.report", "plans.progressreport"),
    # A report's documents are linked with the report.
    "plans.progressevidence": Write(
        lambda ctx: progress_report(ctx, evidence=True), "task.report", "plans.progressreport"
    ),
    "national.nationalyear": Write(national_years, "national.year_add", "national.nationalyear"),
    "national.nationalresult": Write(
        national_results, "national.result_add", "national.nationalresult"
    ),
}


def parindex_models() -> list[str]:
    return sorted(
        m._meta.label_lower for m in apps.get_models() if m.__module__.startswith("parindex.")
    )


def test_every_model_is_in_the_table() -> None:
    unlisted = [m for m in parindex_models() if m not in WRITES and m not in NOT_AUDITED]
    assert unlisted == [], (
        "a model with no audited write path: add it to WRITES (a call that writes it and the "
        f"event it records) or, if it holds no business data, to NOT_AUDITED: {unlisted}"
    )
    gone = [m for m in (*WRITES, *NOT_AUDITED) if m not in parindex_models()]
    assert gone == []


class AuditWriteFailed(Exception):
    pass


def fail_after_writing(monkeypatch: pytest.MonkeyPatch, action: str) -> None:
    """Every module that imported ``audit_record`` gets one that fails after writing
    ``action``'s event."""
    real = audit_services.audit_record

    def write_then_fail(**kwargs: Any) -> AuditEvent:
        event = real(**kwargs)
        if kwargs["action"] == action:
            raise AuditWriteFailed(action)
        return event

    for name, module in list(sys.modules.items()):
        if name.startswith("parindex.") and getattr(module, "audit_record", None) is real:
            monkeypatch.setattr(module, "audit_record", write_then_fail)


def rows(model: type[models.Model]) -> list[dict[str, Any]]:
    return list(model._default_manager.order_by("pk").values())


def last_sequence() -> int:
    last = AuditEvent.objects.order_by("-sequence").first()
    return last.sequence if last else 0


@pytest.mark.parametrize("label", sorted(WRITES))
def test_each_model_is_written_with_its_event(
    label: str, request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch, db: None
) -> None:
    write = WRITES[label]
    model = apps.get_model(label)
    ctx = Ctx(request)
    ctx.admin, ctx.world  # noqa: B018 - every case's world
    ctx.preparing = True
    write.call(ctx)
    ctx.preparing = False
    if write.checks_rollback:
        start, before = last_sequence(), rows(model)
        fail_after_writing(monkeypatch, write.action)
        with pytest.raises(AuditWriteFailed):
            write.call(ctx)
        monkeypatch.undo()
        assert last_sequence() == start, "the failed write left events behind"
        assert rows(model) == before, "the change outlived its failed event"
    start, before = last_sequence(), rows(model)
    write.call(ctx)
    assert rows(model) != before, f"the call wrote no {label}"
    events = AuditEvent.objects.filter(sequence__gt=start, action=write.action)
    assert events.exists(), f"no {write.action} event for {label}"
    assert {e.target_type for e in events} == {write.target}
    assert all(e.actor is not None for e in events), "an event without its actor"
    assert all(e.target_id for e in events)


def test_plan_changes_write_one_event_with_before_and_after(world, admin: User) -> None:
    pw = plan_world_build(world, published=False)
    deadline = pw.task_b.deadline
    start = last_sequence()
    plan_services.plan_update(plan=pw.plan, actor=admin, title="Kế hoạch (sửa đổi)", goals="")
    plan_services.task_status_set(task=pw.task_a, status=Task.Status.IN_PROGRESS, actor=admin)
    target = plan_services.target_set(
        plan=pw.plan, year=2024, scope=PlanTarget.Scope.NATIONAL, rank=30, actor=admin
    )
    plan_services.target_set(
        plan=pw.plan, year=2024, scope=PlanTarget.Scope.NATIONAL, rank=25, actor=admin
    )
    assert plan_services.target_delete(plan=pw.plan, target_id=target.pk, actor=admin)
    plan_services.task_update(
        task=pw.task_b,
        area=pw.task_b.area,
        title=pw.task_b.title,
        lead_agency=pw.task_b.lead_agency,
        start_date=pw.task_b.start_date,
        deadline=deadline + datetime.timedelta(days=10),
        coordinating=[],
        node_codes=pw.task_b.node_codes,
        status=pw.task_b.status,
        expected_points=pw.task_b.expected_points,
        expected_result=pw.task_b.expected_result,
        actor=admin,
    )
    events = list(AuditEvent.objects.filter(sequence__gt=start))
    assert [e.action for e in events] == [
        "plan.update",
        "task.status",
        "plan.target_set",
        "plan.target_set",
        "plan.target_delete",
        "task.update",
    ]
    update, status, created, changed, deleted, task = events
    assert update.before == {"title": pw.plan.title, "goals": pw.plan.goals}
    assert update.after == {"title": "Kế hoạch (sửa đổi)", "goals": ""}
    assert (status.before, status.after) == ({"status": "not_started"}, {"status": "in_progress"})
    assert created.before is None and created.after["rank"] == 30
    assert changed.before["rank"] == 30 and changed.after["rank"] == 25
    assert deleted.before["rank"] == 25 and deleted.after is None
    assert task.before == {"deadline": deadline.isoformat()}
    assert task.after == {"deadline": (deadline + datetime.timedelta(days=10)).isoformat()}
    assert all(e.actor == admin for e in events)
    # Saving what is stored changes nothing and records nothing.
    plan_services.task_status_set(task=pw.task_a, status=Task.Status.IN_PROGRESS, actor=admin)
    plan_services.plan_update(plan=pw.plan, actor=admin, title="Kế hoạch (sửa đổi)")
    assert AuditEvent.objects.filter(sequence__gt=events[-1].sequence).count() == 0
