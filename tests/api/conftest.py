"""The world of the API tests: the web tests' small province (``web.factories``), a 2025 cycle
open for self-assessment on a copy of the internal framework whose leaf 3.3.1 declares a feed
(``x-feed``), an unpublished plan, the 2024 cycle's questionnaire, a document of unit A, and
the personas of the pages' access table, each able to make tokens of any scope.

``api.call(token).get(path)`` calls the API with ``Authorization: Bearer <token>`` (no token:
anonymous); paths are written without the ``/api/v1`` prefix.
"""

from __future__ import annotations

import datetime
import json
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone
from web.assessments_fixtures import windows_around
from web.conftest import admin, empty_cache, fast_passwords, world  # noqa: F401
from web.evidence_fixtures import media, upload  # noqa: F401
from web.evidence_samples import pdf
from web.factories import World, framework_import_fast, framework_text, person
from web.plans_fixtures import PlanWorld, plan_world_build
from web.surveys_fixtures import QUESTIONNAIRE, inline_jobs  # noqa: F401

from parindex.accounts import apitokens
from parindex.accounts.models import ApiToken, Role, User
from parindex.assessments.models import Assessment
from parindex.assessments.services import cycle_open
from parindex.cycles.models import Cycle
from parindex.evidence.models import Evidence
from parindex.evidence.services import evidence_upload
from parindex.surveys import services as survey_services
from parindex.surveys.models import Questionnaire, SurveyJob
from parindex.units.models import Unit

PREFIX = "/api/v1"
FED_LEAF = "3.3.1"  # ratio, max 3: "Tỷ lệ hồ sơ TTHC giải quyết đúng hạn"
FEED = "Cổng dịch vụ công tỉnh"
RATIO_LEAF = "1.1.2"  # ratio, max 2, evidence required
CHOICE_LEAF = "1.1.1"  # choice: dung_han, cham, khong_ban_hanh


def feed_framework_text() -> str:
    """The internal framework as a new version whose leaf 3.3.1 names the portal as its feed."""
    text = framework_text().replace('version: "2024"', 'version: "2025-feed"', 1)
    anchor = '          - code: "3.3.1"\n'
    head, tail = text.split(anchor, 1)
    title, rest = tail.split("\n", 1)
    return f'{head}{anchor}{title}\n            x-feed: "{FEED}"\n{rest}'


class Caller:
    """A test client calling the API with a token (or none)."""

    def __init__(self, token: str | None) -> None:
        self.client = Client()
        self.headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token else {}

    def get(self, path: str, **extra: Any) -> Any:
        return self.client.get(PREFIX + path, **self.headers, **extra)

    def send(self, method: str, path: str, body: Any = None, **extra: Any) -> Any:
        call = getattr(self.client, method.lower())
        if isinstance(body, dict) and any(hasattr(v, "read") for v in body.values()):
            return call(PREFIX + path, body, **self.headers, **extra)  # multipart
        return call(
            PREFIX + path,
            json.dumps(body if body is not None else {}),
            content_type="application/json",
            **self.headers,
            **extra,
        )

    def post(self, path: str, body: Any = None, **extra: Any) -> Any:
        return self.send("POST", path, body, **extra)

    def put(self, path: str, body: Any = None, **extra: Any) -> Any:
        return self.send("PUT", path, body, **extra)


@dataclass
class ApiWorld:
    world: World
    cycle: Cycle  # 2025, self-assessment open, on the framework with a feed
    a: Assessment  # unit A (SNV)
    b: Assessment  # unit B (STP)
    plans: PlanWorld  # unpublished plan: tasks of unit A and unit B, a draft
    questionnaire: Questionnaire  # of the 2024 cycle
    job: SurveyJob  # an aggregation job of it, queued
    evidence_a: Evidence  # a PDF in unit A's library
    people: dict[str, User] = field(default_factory=dict)

    @property
    def unit_a(self) -> Unit:
        return self.world.unit_a

    def token(self, who: str, access: str = "read", unit: Unit | None = None) -> str:
        _token, text = apitokens.token_create(
            user=self.people[who],
            name=f"{who} {access} {unit.code if unit else 'all'}",
            access=access,
            unit=unit,
            expires_on=timezone.localdate() + datetime.timedelta(days=30),
        )
        return text

    def call(self, token: str | None = None) -> Caller:
        return Caller(token)

    def as_(self, who: str, access: str = "read", unit: Unit | None = None) -> Caller:
        return Caller(None if who == "anonymous" else self.token(who, access, unit))

    def unit_path(self, assessment: Assessment | None = None) -> str:
        assessment = assessment or self.a
        return f"/cycles/{self.cycle.pk}/units/{assessment.unit.code}"


def api_world_build(base: World, superuser: User) -> ApiWorld:
    version = framework_import_fast(text=feed_framework_text(), source_name="province-feed.yaml")
    cycle = Cycle.objects.create(
        year=2025,
        title="Chỉ số CCHC năm 2025",
        framework_version=version,
        state=Cycle.State.PREPARING,
    )
    cycle.units.set(base.units)
    cycle_open(cycle=cycle, windows=windows_around(timezone.now()), actor=superuser)
    by_unit = {a.unit_id: a for a in Assessment.objects.filter(cycle=cycle).select_related("unit")}
    people = {
        "viewer": person("viewer", Role.VIEWER),
        "par_admin": person("par.admin", Role.PAR_ADMIN),
        "editor_a": person("editor.a", Role.UNIT_EDITOR, base.unit_a),
        "head_a": person("head.a", Role.UNIT_HEAD, base.unit_a),
        "editor_b": person("editor.b", Role.UNIT_EDITOR, base.unit_b),
        "appraiser": person("appraiser", Role.APPRAISER),
        "council": person("council", Role.COUNCIL),
    }
    people["appraiser"].roles.update(area="1")
    evidence = evidence_upload(
        file=upload(pdf("Báo cáo"), "Báo cáo.pdf"), unit=base.unit_a, user=people["editor_a"]
    )
    questionnaire = survey_services.questionnaire_import(
        cycle=base.current, text=QUESTIONNAIRE, source_name="q.yaml", user=superuser
    )
    return ApiWorld(
        world=base,
        cycle=cycle,
        a=by_unit[base.unit_a.pk],
        b=by_unit[base.unit_b.pk],
        plans=plan_world_build(base, published=False),
        questionnaire=questionnaire,
        job=SurveyJob.objects.create(
            questionnaire=questionnaire, kind=SurveyJob.Kind.AGGREGATE, created_by=superuser
        ),
        evidence_a=evidence,
        people=people,
    )


def pytest_configure(config: pytest.Config) -> None:
    # WhiteNoise warns, for every test client, that collectstatic has not filled STATIC_ROOT.
    config.addinivalue_line("filterwarnings", "ignore:No directory at:UserWarning")


@pytest.fixture
def api(request: pytest.FixtureRequest, db: None) -> ApiWorld:
    return api_world_build(request.getfixturevalue("world"), request.getfixturevalue("admin"))


@pytest.fixture(autouse=True)
def generous_rate(settings) -> None:  # type: ignore[no-untyped-def]
    """Tests call the API more often than a system would; the throttle test sets its own."""
    settings.PARINDEX_API_RATE = "100000/60"
    settings.PARINDEX_API_ANON_RATE = "100000/60"


__all__ = ["ApiToken", "ApiWorld", "Caller", "api", "generous_rate"]
