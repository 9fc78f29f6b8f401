"""Every URL has an access decision, and the server keeps to it.

``ACCESS`` lists every named URL of the site (Django's admin site apart: staff only, as a whole)
with who may GET and who may POST it. A new view fails ``test_every_url_has_an_access_decision``
until somebody decides, here, who may use it.

``test_every_url_refuses_who_it_must`` builds one world holding a real object of every kind (unit
A's assessment in a 2025 cycle, its evidence, appraisal, reply, the unpublished 2024 cycle, a plan
and its tasks, a survey, a notification, an account import...) and calls every URL as each persona:
whoever the table does not name must be refused (302 to a login page, 403 or 404: never a page
with the data), and a GET by a persona it names must work, so the refusals are not 404s of objects
that do not exist. Allowed POSTs are not sent: they change the world.

Personas: anonymous, a viewer, a PAR administrator (not a superuser), the editor of unit A (whose
objects the URLs name: "own"), the head of unit A (who alone submits its self-assessment), the
editor of unit B ("other"), an appraiser of area 1 (the area of the leaf the URLs name), an
appraiser of area 2 (another area: the same queue and unit pages, not that leaf) and a council
member.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from parindex.accounts import apitokens
from parindex.accounts.models import AccountImport, ApiToken, Role, User
from parindex.appraisals import services as appraisal_services
from parindex.appraisals.models import AppraiserAssignment, CouncilMember, ReplyEvidence
from parindex.assessments.models import AnswerEvidence
from parindex.evidence.models import Evidence
from parindex.evidence.services import evidence_upload
from parindex.notifications.models import Notification
from parindex.notifications.services import notify
from parindex.plans.models import ContentArea, Plan, Task
from parindex.surveys import services as survey_services
from parindex.surveys.models import Questionnaire, RespondentLink, SurveyJob
from parindex.units.models import Unit, UnitType

from . import appraisals_fixtures as ap_fx
from . import evidence_fixtures as evidence_fx
from . import evidence_samples as samples
from .appraisals_fixtures import CHOICE_LEAF, RATIO_LEAF, Appraisal, build_appraisal
from .factories import World, browse, person
from .plans_fixtures import plan_world_build
from .surveys_fixtures import QUESTIONNAIRE

media = evidence_fx.media

ANON, VIEWER, ADMIN, OWN, HEAD, OTHER, APPRAISER, OTHER_AREA, COUNCIL = (
    "anonymous",
    "viewer",
    "par_admin",
    "own",
    "own_head",
    "other",
    "appraiser",
    "other_area_appraiser",
    "council",
)
PERSONAS = (ANON, VIEWER, ADMIN, OWN, HEAD, OTHER, APPRAISER, OTHER_AREA, COUNCIL)

EVERYONE = frozenset(PERSONAS)
SIGNED_IN = EVERYONE - {ANON}
PROVINCE_WIDE = frozenset({VIEWER, ADMIN, APPRAISER, OTHER_AREA, COUNCIL})
UNIT_A = frozenset({OWN, HEAD})  # unit A's editor and head: they read and write its objects
READERS_OF_A = PROVINCE_WIDE | UNIT_A  # unit A's objects: its own people and province-wide roles
UNIT_PEOPLE = PROVINCE_WIDE | UNIT_A | {OTHER}  # unpublished plans: every unit's people read them
ONLY_ADMIN = frozenset({ADMIN})
ONLY_HEAD = frozenset({HEAD})
ONLY_OWN = frozenset({OWN})  # unit A's editor alone: what is personally theirs
APPRAISERS = frozenset({APPRAISER, OTHER_AREA})  # every appraiser of the cycle
AREA_1 = frozenset({APPRAISER})  # the appraiser of the leaf's area only


@dataclass
class Objects:
    """A real object of every kind a URL names; unit A's whenever a URL names a unit."""

    world: World
    ap: Appraisal
    evidence: Evidence  # a PDF of unit A
    answer_link: AnswerEvidence  # evidence linked to a leaf of unit A's assessment
    reply_link: ReplyEvidence  # evidence of unit A's reply in the explanation round
    plan: Plan  # unpublished
    area: ContentArea
    task: Task  # led by unit A
    questionnaire: Questionnaire  # of the unpublished 2024 cycle, results not released
    job: SurveyJob
    link: RespondentLink
    notification: Notification  # unit A's editor's
    account: User  # an account the administrator manages (unit B's head)
    account_import: AccountImport
    province: Unit

    @property
    def cycle(self) -> int:
        return self.ap.cycle.pk

    def unit(self, **more: object) -> dict[str, object]:
        return {"cycle_id": self.cycle, "unit_code": self.ap.a.unit.code, **more}

    def leaf(self, code: str = CHOICE_LEAF) -> dict[str, object]:
        return self.unit(leaf_code=code)


Args = Callable[[Objects], dict[str, Any]]


@dataclass(frozen=True)
class Access:
    """Who may GET and who may POST a URL; ``None``: the method is not served (405)."""

    get: frozenset[str] | None
    post: frozenset[str] | None = None
    args: Args = lambda o: {}  # the URL's keyword arguments, built from the world


def cycle(o: Objects) -> dict[str, Any]:
    return {"cycle_id": o.cycle}


def questionnaire(o: Objects) -> dict[str, Any]:
    return {"questionnaire_id": o.questionnaire.pk}


def plan(o: Objects) -> dict[str, Any]:
    return {"plan_id": o.plan.pk}


def task(o: Objects) -> dict[str, Any]:
    return {"task_id": o.task.pk}


def account(o: Objects) -> dict[str, Any]:
    return {"user_id": o.account.pk}


def evidence(o: Objects) -> dict[str, Any]:
    return {"evidence_id": o.evidence.pk}


def unit_a(o: Objects) -> dict[str, Any]:
    return {"unit_code": o.ap.a.unit.code}


def token_of(o: Objects) -> dict[str, Any]:
    return {"uidb64": urlsafe_base64_encode(force_bytes(o.account.pk)), "token": "bad-token"}


def api_token_of(user: User) -> int:
    """The id of an API token of ``user`` (made on first use)."""
    token = ApiToken.objects.filter(user=user).first()
    if token is None:
        token, _text = apitokens.token_create(
            user=user,
            name="Cổng dịch vụ công",
            access="read",
            unit=None,
            expires_on=datetime.date.today() + datetime.timedelta(days=30),
        )
    return token.pk


ACCESS: dict[str, Access] = {
    # -- public pages: published results and the frameworks ----------------------------------
    "home": Access(get=EVERYONE),
    "favicon": Access(get=EVERYONE),
    "cycle_ranking": Access(get=PROVINCE_WIDE, args=lambda o: {"cycle_id": o.world.current.pk}),
    "cycle_statistics": Access(get=PROVINCE_WIDE, args=lambda o: {"cycle_id": o.world.current.pk}),
    "cycle_statistics_xlsx": Access(
        get=PROVINCE_WIDE, args=lambda o: {"cycle_id": o.world.current.pk}
    ),
    "unit_scorecard": Access(
        get=READERS_OF_A,
        args=lambda o: {"cycle_id": o.world.current.pk, "unit_code": o.world.unit_a.code},
    ),
    # -- documents: who may read the scorecard or the ranking they come from -------------------
    "documents:scoring_table": Access(
        get=READERS_OF_A,
        args=lambda o: {
            "cycle_id": o.world.current.pk,
            "unit_code": o.world.unit_a.code,
            "extension": "docx",
        },
    ),
    "documents:ranking_annex": Access(
        get=PROVINCE_WIDE, args=lambda o: {"cycle_id": o.world.current.pk, "extension": "xlsx"}
    ),
    "framework_list": Access(get=EVERYONE),
    "framework_import": Access(get=ONLY_ADMIN, post=ONLY_ADMIN),
    "framework_detail": Access(get=EVERYONE, args=lambda o: {"version_id": o.world.version.pk}),
    "node_mapping_import": Access(get=ONLY_ADMIN, post=ONLY_ADMIN),
    # -- open data: a published cycle's files and methodology, for anyone ---------------------
    "opendata:index": Access(get=EVERYONE),
    "opendata:cycle": Access(get=EVERYONE, args=lambda o: {"cycle_id": o.world.published.pk}),
    "opendata:results_csv": Access(get=EVERYONE, args=lambda o: {"cycle_id": o.world.published.pk}),
    "opendata:results_json": Access(
        get=EVERYONE, args=lambda o: {"cycle_id": o.world.published.pk}
    ),
    "opendata:results_xlsx": Access(
        get=EVERYONE, args=lambda o: {"cycle_id": o.world.published.pk}
    ),
    "opendata:framework_file": Access(
        get=EVERYONE, args=lambda o: {"cycle_id": o.world.published.pk}
    ),
    # -- audit ---------------------------------------------------------------------------------
    "audit:log": Access(get=ONLY_ADMIN),
    "audit:leaf_history": Access(get=READERS_OF_A, args=lambda o: o.leaf()),
    # -- notifications: one's own only ---------------------------------------------------------
    "notifications:list": Access(get=SIGNED_IN),
    "notifications:read_all": Access(get=None, post=SIGNED_IN),
    "notifications:read": Access(
        get=None, post=ONLY_OWN, args=lambda o: {"notification_id": o.notification.pk}
    ),
    # -- evidence: the unit's people and province-wide readers; never anonymous ---------------
    "evidence:index": Access(get=SIGNED_IN),
    "evidence:library": Access(get=READERS_OF_A, args=unit_a),
    "evidence:upload": Access(get=None, post=UNIT_A | ONLY_ADMIN, args=unit_a),
    "evidence:reference": Access(get=None, post=UNIT_A | ONLY_ADMIN, args=unit_a),
    "evidence:detail": Access(get=READERS_OF_A, args=evidence),
    "evidence:download": Access(get=READERS_OF_A, args=evidence),
    # -- self-assessment: the unit writes, province-wide roles read, the head submits ---------
    "assessments:index": Access(get=SIGNED_IN),
    "assessments:calendar": Access(get=ONLY_ADMIN, post=ONLY_ADMIN, args=cycle),
    "assessments:extend": Access(get=None, post=ONLY_ADMIN, args=cycle),
    "assessments:reopen": Access(get=None, post=ONLY_ADMIN, args=cycle),
    "assessments:allow_withdrawal": Access(get=None, post=ONLY_ADMIN, args=cycle),
    "assessments:page": Access(get=READERS_OF_A, args=lambda o: o.unit()),
    "assessments:submit": Access(get=READERS_OF_A, post=ONLY_HEAD, args=lambda o: o.unit()),
    # The confirmation page and the withdrawal itself: the unit's head only.
    "assessments:withdraw": Access(get=ONLY_HEAD, post=ONLY_HEAD, args=lambda o: o.unit()),
    "assessments:excel_download": Access(get=READERS_OF_A, args=lambda o: o.unit()),
    "assessments:excel_upload": Access(get=UNIT_A, post=UNIT_A, args=lambda o: o.unit()),
    "assessments:leaf": Access(get=READERS_OF_A, post=UNIT_A, args=lambda o: o.leaf()),
    "assessments:leaf_preview": Access(get=None, post=READERS_OF_A, args=lambda o: o.leaf()),
    "assessments:evidence_attach": Access(get=None, post=UNIT_A, args=lambda o: o.leaf()),
    "assessments:evidence_upload": Access(get=None, post=UNIT_A, args=lambda o: o.leaf()),
    "assessments:evidence_reference": Access(get=None, post=UNIT_A, args=lambda o: o.leaf()),
    "assessments:evidence_unlink": Access(
        get=None,
        post=UNIT_A,
        args=lambda o: o.leaf(o.answer_link.leaf_code) | {"link_id": o.answer_link.pk},
    ),
    # -- appraisal: appraisers of the area, the unit in the explanation round, the council ----
    "appraisals:index": Access(get=SIGNED_IN),
    "appraisals:queue": Access(get=APPRAISERS, args=cycle),
    # Irreversible and bulk actions: the GET is their confirmation page.
    "appraisals:accept_untouched": Access(get=APPRAISERS, post=APPRAISERS, args=cycle),
    "appraisals:leaf": Access(get=AREA_1, args=lambda o: o.leaf()),
    "appraisals:decide": Access(get=None, post=AREA_1, args=lambda o: o.leaf()),
    "appraisals:settle": Access(get=None, post=AREA_1, args=lambda o: o.leaf()),
    "appraisals:preview": Access(get=None, post=AREA_1, args=lambda o: o.leaf()),
    "appraisals:unit": Access(get=READERS_OF_A, args=lambda o: o.unit()),
    "appraisals:reply": Access(get=None, post=UNIT_A, args=lambda o: o.leaf(RATIO_LEAF)),
    "appraisals:reply_evidence_unlink": Access(
        get=None, post=UNIT_A, args=lambda o: o.unit(link_id=o.reply_link.pk)
    ),
    "appraisals:send": Access(get=None, post=UNIT_A, args=lambda o: o.unit()),
    "appraisals:close": Access(get=None, post=ONLY_ADMIN | APPRAISERS, args=lambda o: o.unit()),
    "appraisals:release": Access(get=ONLY_ADMIN, post=ONLY_ADMIN, args=lambda o: o.unit()),
    "appraisals:return_again": Access(get=None, post=ONLY_ADMIN, args=lambda o: o.unit()),
    "appraisals:release_all": Access(get=ONLY_ADMIN, post=ONLY_ADMIN, args=cycle),
    "appraisals:assignments": Access(get=ONLY_ADMIN, post=ONLY_ADMIN, args=cycle),
    "appraisals:unassign": Access(
        get=ONLY_ADMIN,
        post=ONLY_ADMIN,
        args=lambda o: {
            "cycle_id": o.cycle,
            "assignment_id": AppraiserAssignment.objects.filter(cycle_id=o.cycle).first().pk,  # type: ignore[union-attr]
        },
    ),
    "appraisals:tracking": Access(get=ONLY_ADMIN, args=cycle),
    "appraisals:remind": Access(
        get=None, post=ONLY_ADMIN, args=lambda o: {"cycle_id": o.cycle, "user_id": o.account.pk}
    ),
    "appraisals:council": Access(get=frozenset({COUNCIL, ADMIN}), args=cycle),
    "appraisals:approve": Access(get=frozenset({COUNCIL}), post=frozenset({COUNCIL}), args=cycle),
    "appraisals:reopen": Access(get=None, post=frozenset({COUNCIL}), args=cycle),
    "appraisals:publish": Access(
        get=frozenset({COUNCIL, ADMIN}), post=frozenset({COUNCIL, ADMIN}), args=cycle
    ),
    "appraisals:council_members": Access(get=ONLY_ADMIN, post=ONLY_ADMIN, args=cycle),
    "appraisals:council_member_remove": Access(
        get=None,
        post=ONLY_ADMIN,
        args=lambda o: {
            "cycle_id": o.cycle,
            "member_id": CouncilMember.objects.filter(cycle_id=o.cycle).first().pk,  # type: ignore[union-attr]
        },
    ),
    "appraisals:council_document": Access(get=None, post=frozenset({COUNCIL, ADMIN}), args=cycle),
    # -- surveys: the administrator runs them; results before publication to readers ----------
    "surveys:index": Access(get=ONLY_ADMIN),
    "surveys:cycle": Access(
        get=ONLY_ADMIN, post=ONLY_ADMIN, args=lambda o: {"cycle_id": o.world.current.pk}
    ),
    "surveys:questionnaire": Access(get=ONLY_ADMIN, args=questionnaire),
    "surveys:plan": Access(get=ONLY_ADMIN, post=ONLY_ADMIN, args=questionnaire),
    "surveys:coverage": Access(get=ONLY_ADMIN, args=questionnaire),
    "surveys:responses": Access(get=ONLY_ADMIN, post=ONLY_ADMIN, args=questionnaire),
    "surveys:links": Access(get=ONLY_ADMIN, post=ONLY_ADMIN, args=questionnaire),
    "surveys:links_print": Access(get=ONLY_ADMIN, args=questionnaire),
    "surveys:aggregate": Access(get=None, post=ONLY_ADMIN, args=questionnaire),
    "surveys:release": Access(get=None, post=ONLY_ADMIN, args=questionnaire),
    "surveys:results": Access(get=PROVINCE_WIDE, args=questionnaire),
    # Unit A's own people once the administrator releases the results (not yet here).
    "surveys:unit_results": Access(get=PROVINCE_WIDE, args=lambda o: questionnaire(o) | unit_a(o)),
    "surveys:job": Access(get=ONLY_ADMIN, args=lambda o: {"job_id": o.job.pk}),
    "surveys:job_retry": Access(get=None, post=ONLY_ADMIN, args=lambda o: {"job_id": o.job.pk}),
    # A respondent's one-time link: whoever holds the token, no account (CSRF-protected form).
    "surveys:respond": Access(get=EVERYONE, post=EVERYONE, args=lambda o: {"token": o.link.token}),
    # -- improvement plans: unpublished ones for unit people and province-wide readers --------
    "plans:list": Access(get=EVERYONE),
    "plans:create": Access(get=ONLY_ADMIN, post=ONLY_ADMIN),
    "plans:detail": Access(get=UNIT_PEOPLE, args=plan),
    "plans:edit": Access(get=ONLY_ADMIN, post=ONLY_ADMIN, args=plan),
    "plans:targets": Access(get=ONLY_ADMIN, post=ONLY_ADMIN, args=plan),
    "plans:areas": Access(get=ONLY_ADMIN, post=ONLY_ADMIN, args=plan),
    "plans:area_edit": Access(
        get=ONLY_ADMIN, post=ONLY_ADMIN, args=lambda o: plan(o) | {"area_id": o.area.pk}
    ),
    "plans:task_create": Access(get=ONLY_ADMIN, post=ONLY_ADMIN, args=plan),
    "plans:points_lost": Access(get=UNIT_PEOPLE, post=ONLY_ADMIN, args=plan),
    "plans:whatif": Access(get=UNIT_PEOPLE, args=plan),
    "plans:export_xlsx": Access(get=UNIT_PEOPLE, args=plan),
    "plans:export_pdf": Access(get=UNIT_PEOPLE, args=plan),
    "plans:task": Access(get=UNIT_PEOPLE, args=task),
    "plans:task_edit": Access(get=ONLY_ADMIN, post=ONLY_ADMIN, args=task),
    "plans:task_status": Access(get=None, post=ONLY_ADMIN | UNIT_A, args=task),
    "plans:task_report": Access(get=None, post=ONLY_ADMIN | UNIT_A, args=task),
    # -- cycles: the PAR administrator opens, changes and cancels them ----------------------------
    "cycles:list": Access(get=ONLY_ADMIN),
    "cycles:new": Access(get=ONLY_ADMIN, post=ONLY_ADMIN),
    "cycles:manage": Access(get=ONLY_ADMIN, args=cycle),
    "cycles:unit_add": Access(get=None, post=ONLY_ADMIN, args=cycle),
    "cycles:unit_remove": Access(get=None, post=ONLY_ADMIN, args=lambda o: unit_a(o) | cycle(o)),
    "cycles:cancel": Access(get=None, post=ONLY_ADMIN, args=cycle),
    # -- national results: public figures --------------------------------------------------------
    "national:index": Access(get=EVERYONE),
    "national:import": Access(get=ONLY_ADMIN, post=ONLY_ADMIN),
    "national:position": Access(get=EVERYONE, args=lambda o: {"code": o.province.code}),
    # -- rank uncertainty: readers of the cycle's final ranking; the administrator starts runs --
    "uncertainty:cycle": Access(get=PROVINCE_WIDE, args=lambda o: {"cycle_id": o.world.current.pk}),
    "uncertainty:start": Access(
        get=None, post=ONLY_ADMIN, args=lambda o: {"cycle_id": o.world.current.pk}
    ),
    # -- accounts: the administrator manages people; tokens for activation and reset -----------
    "login": Access(get=EVERYONE, post=EVERYONE),
    "logout": Access(get=None, post=EVERYONE),
    "accounts:manage": Access(get=ONLY_ADMIN),
    "accounts:create": Access(get=ONLY_ADMIN, post=ONLY_ADMIN),
    "accounts:detail": Access(get=ONLY_ADMIN, args=account),
    "accounts:update": Access(get=None, post=ONLY_ADMIN, args=account),
    "accounts:role_add": Access(get=None, post=ONLY_ADMIN, args=account),
    "accounts:role_remove": Access(
        get=None,
        post=ONLY_ADMIN,
        args=lambda o: account(o) | {"assignment_id": o.account.roles.get().pk},
    ),
    "accounts:deactivate": Access(get=None, post=ONLY_ADMIN, args=account),
    "accounts:reactivate": Access(get=None, post=ONLY_ADMIN, args=account),
    "accounts:activation_send": Access(get=None, post=ONLY_ADMIN, args=account),
    "accounts:activations": Access(get=ONLY_ADMIN),
    "accounts:activations_send": Access(get=None, post=ONLY_ADMIN),
    "accounts:import": Access(get=ONLY_ADMIN, post=ONLY_ADMIN),
    "accounts:import_template": Access(get=ONLY_ADMIN),
    "accounts:import_detail": Access(
        get=ONLY_ADMIN, args=lambda o: {"import_id": o.account_import.pk}
    ),
    "accounts:import_apply": Access(
        get=None, post=ONLY_ADMIN, args=lambda o: {"import_id": o.account_import.pk}
    ),
    "accounts:activate": Access(get=EVERYONE, post=EVERYONE, args=token_of),
    "accounts:password_change": Access(get=SIGNED_IN, post=SIGNED_IN),
    "accounts:password_change_done": Access(get=SIGNED_IN),
    "accounts:password_reset": Access(get=EVERYONE, post=EVERYONE),
    "accounts:password_reset_done": Access(get=EVERYONE),
    "accounts:password_reset_confirm": Access(get=EVERYONE, post=EVERYONE, args=token_of),
    "accounts:password_reset_complete": Access(get=EVERYONE),
    # Personal API tokens: one's own (somebody else's is a 404); the administrator revokes any.
    "accounts:tokens": Access(get=SIGNED_IN, post=SIGNED_IN),
    "accounts:token_revoke": Access(
        get=None, post=ONLY_OWN, args=lambda o: {"token_id": api_token_of(o.ap.editor_a)}
    ),
    "accounts:admin_token_revoke": Access(
        get=None,
        post=ONLY_ADMIN,
        args=lambda o: account(o) | {"token_id": api_token_of(o.account)},
    ),
    "set_language": Access(get=EVERYONE, post=EVERYONE),
}
# Django's admin site is decided as a whole: staff accounts only (``AdminSite.admin_view``),
# and nobody above is staff. Its login page is public, throttled like ours; its logout sends
# people who are not staff to the admin's index, which sends them to that login page.
ADMIN_SITE = "admin"
ADMIN_SITE_PUBLIC = {"admin:login", "admin:logout"}
# The HTTP API (/api/v1/) authenticates with personal tokens, never the session: its table of
# endpoint × persona × token scope is tests/api/test_access.py.
API = "api"


def url_names(
    patterns: list[URLPattern | URLResolver] | None = None, namespace: str = "", prefix: str = ""
) -> Iterator[tuple[str, str]]:
    """(namespaced name, route) of every URL pattern; unnamed ones as ``<unnamed>``."""
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from url_names(pattern.url_patterns, inner, prefix + str(pattern.pattern))
        else:
            yield f"{namespace}{pattern.name or '<unnamed>'}", prefix + str(pattern.pattern)


def test_every_url_has_an_access_decision() -> None:
    site = {
        name: route
        for name, route in url_names()
        if not name.startswith((f"{ADMIN_SITE}:", f"{API}:"))
    }
    undecided = sorted(f"{name} ({route})" for name, route in site.items() if name not in ACCESS)
    assert not undecided, f"add these URLs to ACCESS, with who may GET and POST them: {undecided}"
    assert not sorted(set(ACCESS) - set(site)), "ACCESS lists URLs that no longer exist"


# -- the world -------------------------------------------------------------------------------


def objects_build(world: World, admin: User) -> Objects:
    ap = build_appraisal(world, admin)
    # Unit A's round released with an adjusted and a flagged leaf; its editor replies on the
    # flagged one with a document: every appraisal object exists.
    ap_fx.released(ap, ap.a)
    reply = appraisal_services.reply_save(
        assessment=ap.a,
        leaf_code=RATIO_LEAF,
        agrees=False,
        reason="Đã hoàn thành 45/50 nhiệm vụ.",
        evidence=[ap_fx.reference_of(ap.a, ap.editor_a)],
        actor=ap.editor_a,
    )
    pdf = evidence_upload(
        file=evidence_fx.upload(samples.pdf("Báo cáo"), "Báo cáo.pdf"),
        unit=world.unit_a,
        user=ap.editor_a,
    )
    plans = plan_world_build(world, published=False)
    survey = survey_services.questionnaire_import(
        cycle=world.current, text=QUESTIONNAIRE, source_name="q.yaml", user=admin
    )
    (link,) = survey_services.links_issue(
        questionnaire=survey, unit=world.unit_a, group_code="LD", count=1, user=admin
    )
    (notification,) = notify(
        recipients=[ap.editor_a], verb="test", message="Thông báo", url="/", email=False
    )
    return Objects(
        world=world,
        ap=ap,
        evidence=pdf,
        answer_link=AnswerEvidence.objects.filter(assessment=ap.a).first(),  # type: ignore[arg-type]
        reply_link=ReplyEvidence.objects.get(reply=reply),
        plan=plans.plan,
        area=plans.plan.areas.first(),  # type: ignore[arg-type]
        task=plans.task_a,
        questionnaire=survey,
        job=SurveyJob.objects.create(
            questionnaire=survey, kind=SurveyJob.Kind.AGGREGATE, created_by=admin
        ),
        link=link,
        notification=notification,
        account=User.objects.get(username="head.b"),
        account_import=AccountImport.objects.create(
            file_name="nhan-su.xlsx", sha256="0" * 64, sheet="accounts", rows=[], uploaded_by=admin
        ),
        province=Unit.objects.create(
            code="TIEN-GIANG",
            name="Tiền Giang",
            type=UnitType.PROVINCE,
            valid_from=datetime.date(1976, 2, 20),
        ),
    )


def clients(o: Objects) -> dict[str, Client]:
    users = {
        VIEWER: o.ap.viewer,
        ADMIN: person("par.admin", Role.PAR_ADMIN),
        OWN: o.ap.editor_a,
        HEAD: o.ap.head_a,
        OTHER: o.ap.editor_b,
        APPRAISER: o.ap.appraiser,
        OTHER_AREA: o.ap.appraiser_2,
        COUNCIL: o.ap.council,
    }
    return {ANON: Client(), **{name: browse(user) for name, user in users.items()}}


# -- what a refusal is ------------------------------------------------------------------------


def refused(response: Any) -> bool:
    """Sent to a login page, forbidden or not found: never the page or its data."""
    if response.status_code in (403, 404):
        return True
    if response.status_code == 302:
        return "/login/" in response["Location"]
    if response.status_code == 204:  # htmx: a full navigation to the login page
        return "/login/" in response.get("HX-Redirect", "")
    return False


def served(response: Any) -> bool:
    if response.status_code == 200:
        return True
    return response.status_code == 302 and "/login/" not in response["Location"]


def test_every_url_refuses_who_it_must(world: World, admin: User) -> None:
    o = objects_build(world, admin)
    by_persona = clients(o)
    problems: list[str] = []
    for name, access in ACCESS.items():
        url = reverse(name, kwargs=access.args(o))
        for persona, client in by_persona.items():
            problems += check_get(name, url, access, persona, client)
            problems += check_post(name, url, access, persona, client)
    assert not problems, "\n".join(problems)


def check_get(name: str, url: str, access: Access, persona: str, client: Client) -> list[str]:
    if access.get is None:
        status = client.get(url).status_code
        return [] if status == 405 else [f"GET {name} {url} as {persona}: {status}, not 405"]
    response = client.get(url)
    if persona in access.get:
        if not served(response):
            return [f"GET {name} {url} as {persona}: {response.status_code}, should be served"]
        return []
    problems = []
    if not refused(response):
        problems.append(f"GET {name} {url} as {persona}: {response.status_code}, not refused")
    if persona == ANON:  # an htmx request must not get a fragment either
        fragment = client.get(url, HTTP_HX_REQUEST="true")
        if not refused(fragment):
            problems.append(f"htmx GET {name} as {persona}: {fragment.status_code}, not refused")
    return problems


def check_post(name: str, url: str, access: Access, persona: str, client: Client) -> list[str]:
    if access.post is None:
        response = client.post(url)
        if response.status_code == 405 or refused(response):
            return []
        return [f"POST {name} {url} as {persona}: {response.status_code}, not 405"]
    if persona in access.post:
        return []  # allowed: not sent, it would change the world the other checks read
    response = client.post(url, {})
    if refused(response):
        return []
    return [f"POST {name} {url} as {persona}: {response.status_code}, not refused"]


def test_the_admin_site_is_for_staff_only(world: World) -> None:
    """Django's admin: every page that takes no argument refuses all of our personas, none of
    whom is staff (the PAR administrator manages people on our own pages)."""
    users = {
        VIEWER: person("viewer", Role.VIEWER),
        ADMIN: person("par.admin", Role.PAR_ADMIN),
        OWN: person("editor.a", Role.UNIT_EDITOR, world.unit_a),
        HEAD: person("head.a", Role.UNIT_HEAD, world.unit_a),
        OTHER: person("editor.b", Role.UNIT_EDITOR, world.unit_b),
        APPRAISER: ap_fx.appraiser_create("appraiser", "1"),
        OTHER_AREA: ap_fx.appraiser_create("appraiser.2", "2"),
        COUNCIL: person("council", Role.COUNCIL),
    }
    by_persona = {ANON: Client(), **{name: browse(user) for name, user in users.items()}}
    names = [
        name
        for name, route in url_names()
        if name.startswith(f"{ADMIN_SITE}:") and name not in ADMIN_SITE_PUBLIC and "<" not in route
    ]
    assert "admin:index" in names and "admin:accounts_user_changelist" in names
    problems = [
        f"{name} as {persona}: {response.status_code}"
        for name in names
        for persona, client in by_persona.items()
        for response in (client.get(reverse(name)),)
        if not (response.status_code == 302 and "/admin/login/" in response["Location"])
    ]
    assert not problems, problems
