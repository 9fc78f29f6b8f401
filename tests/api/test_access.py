"""Every endpoint × persona × token scope: the API refuses whom the pages refuse.

``ACCESS`` gives each endpoint the set of people the pages let do the same thing, in the words
of ``tests/web/test_security_urls.py`` (readers of unit A, unit A's people, the PAR
administrator…), as a rule on the roles a token may use: every role of its owner for a token of
every unit; only the owner's unit roles in its unit for a token of one unit. A write needs a
read and write token besides.

Personas are those of the pages' table, plus two who hold more than one role, which is where a
token's unit scope shows: the editor of units A and B, and a viewer who is also unit A's editor.
Each persona calls every endpoint with every token it can make (read or read and write; every
unit, or each of its units); anonymous calls without a token. An allowed call must be served
(2xx); any other must be refused (401 without a token, 403 or 404) and change nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from web.evidence_samples import pdf
from web.factories import person
from web.surveys_fixtures import responses_csv, row

from parindex.accounts.models import Role, User
from parindex.audit.models import AuditEvent
from parindex.units.models import Unit

from .conftest import ApiWorld, Caller

PROVINCE_WIDE_ROLES = {Role.PAR_ADMIN, Role.VIEWER, Role.APPRAISER, Role.COUNCIL}


@dataclass(frozen=True)
class Reach:
    """What a token may use of its owner's roles."""

    signed_in: bool
    units: frozenset[str]  # codes of the units where it holds a unit role
    province_wide: bool
    admin: bool
    write: bool


Rule = Callable[[Reach], bool]
EVERYONE: Rule = lambda r: True  # noqa: E731
SIGNED_IN: Rule = lambda r: r.signed_in  # noqa: E731
PROVINCE_WIDE: Rule = lambda r: r.province_wide  # noqa: E731
READERS_OF_A: Rule = lambda r: r.province_wide or "SNV" in r.units  # noqa: E731
READERS_OF_B: Rule = lambda r: r.province_wide or "STP" in r.units  # noqa: E731
UNIT_A: Rule = lambda r: "SNV" in r.units  # noqa: E731
UNIT_A_OR_ADMIN: Rule = lambda r: "SNV" in r.units or r.admin  # noqa: E731
UNIT_PEOPLE: Rule = lambda r: r.province_wide or bool(r.units)  # noqa: E731
ONLY_ADMIN: Rule = lambda r: r.admin  # noqa: E731


@dataclass(frozen=True)
class Endpoint:
    method: str
    path: Callable[[ApiWorld], str]
    allowed: Rule
    body: Callable[[ApiWorld], Any] | None = None

    @property
    def writes(self) -> bool:
        return self.method != "GET"


def today() -> str:
    return timezone.localdate().isoformat()


_uploads = iter(range(10**6))


def responses_file(api: ApiWorld) -> dict[str, Any]:
    n = next(_uploads)  # a new file each time: the same file twice is refused as imported
    content = responses_csv(
        [row(f"api{n}-1", "LD", "SNV", "A"), row(f"api{n}-2", "ND", "SNV", "B")]
    )
    return {"file": SimpleUploadedFile("responses.csv", content, content_type="text/csv")}


ACCESS: dict[str, Endpoint] = {
    # -- public reads: frameworks, units, published cycles; unpublished ones as on the pages ----
    "frameworks": Endpoint("GET", lambda a: "/frameworks", EVERYONE),
    "framework": Endpoint("GET", lambda a: f"/frameworks/{a.world.version.pk}", EVERYONE),
    "framework_file": Endpoint("GET", lambda a: f"/frameworks/{a.world.version.pk}/file", EVERYONE),
    "units": Endpoint("GET", lambda a: "/units", EVERYONE),
    "unit": Endpoint("GET", lambda a: "/units/SNV", EVERYONE),
    "cycles": Endpoint("GET", lambda a: "/cycles", EVERYONE),
    "published_cycle": Endpoint("GET", lambda a: f"/cycles/{a.world.published.pk}", EVERYONE),
    "published_results": Endpoint(
        "GET", lambda a: f"/cycles/{a.world.published.pk}/results", EVERYONE
    ),
    "published_unit_result": Endpoint(
        "GET", lambda a: f"/cycles/{a.world.published.pk}/units/STP/result", EVERYONE
    ),
    # the page "cycle_ranking" of an unpublished cycle: province-wide readers
    "unpublished_cycle": Endpoint("GET", lambda a: f"/cycles/{a.world.current.pk}", PROVINCE_WIDE),
    "unpublished_results": Endpoint(
        "GET", lambda a: f"/cycles/{a.world.current.pk}/results", PROVINCE_WIDE
    ),
    # the page "unit_scorecard": province-wide readers and the unit's own people
    "unpublished_result_of_a": Endpoint(
        "GET", lambda a: f"/cycles/{a.world.current.pk}/units/SNV/result", READERS_OF_A
    ),
    "unpublished_result_of_b": Endpoint(
        "GET", lambda a: f"/cycles/{a.world.current.pk}/units/STP/result", READERS_OF_B
    ),
    # -- self-assessment: the page "assessments:page" reads, "assessments:leaf" writes ---------
    "assessments": Endpoint("GET", lambda a: "/assessments", SIGNED_IN),
    "assessment_of_a": Endpoint("GET", lambda a: f"{a.unit_path()}/assessment", READERS_OF_A),
    "values_of_a": Endpoint(
        "POST",
        lambda a: f"{a.unit_path()}/values",
        UNIT_A,
        lambda a: {"values": [{"leaf": "1.1.2", "value": "", "version": 0}]},
    ),
    "value_of_a": Endpoint(
        "PUT",
        lambda a: f"{a.unit_path()}/values/1.1.2",
        UNIT_A,
        lambda a: {"value": "", "version": 0},
    ),
    "evidence_link_of_a": Endpoint(
        "POST",
        lambda a: f"{a.unit_path()}/leaves/1.1.2/evidence",
        UNIT_A,
        lambda a: {"evidence": a.evidence_a.pk},
    ),
    # -- evidence: "evidence:library" reads, "evidence:upload" adds ---------------------------
    "library_of_a": Endpoint("GET", lambda a: "/units/SNV/evidence", READERS_OF_A),
    "upload_to_a": Endpoint(
        "POST",
        lambda a: "/units/SNV/evidence",
        UNIT_A_OR_ADMIN,
        lambda a: {"file": SimpleUploadedFile("Báo cáo.pdf", pdf("Báo cáo quý"))},
    ),
    # -- plans: "plans:detail", "plans:task" read; "plans:task_status", "plans:task_report" -----
    "plans": Endpoint("GET", lambda a: "/plans", EVERYONE),
    "unpublished_plan": Endpoint("GET", lambda a: f"/plans/{a.plans.plan.pk}", UNIT_PEOPLE),
    "task_of_a": Endpoint("GET", lambda a: f"/tasks/{a.plans.task_a.pk}", UNIT_PEOPLE),
    "task_status_of_a": Endpoint(
        "POST",
        lambda a: f"/tasks/{a.plans.task_a.pk}/status",
        UNIT_A_OR_ADMIN,
        lambda a: {"status": "in_progress"},
    ),
    "task_report_of_a": Endpoint(
        "POST",
        lambda a: f"/tasks/{a.plans.task_a.pk}/reports",
        UNIT_A_OR_ADMIN,
        lambda a: {"reported_on": today(), "text": "Đã ban hành kế hoạch.", "percent": 40},
    ),
    # -- surveys: the administrator's pages -----------------------------------------------------
    "questionnaire": Endpoint(
        "GET", lambda a: f"/cycles/{a.world.current.pk}/questionnaire", ONLY_ADMIN
    ),
    "responses_import": Endpoint(
        "POST",
        lambda a: f"/questionnaires/{a.questionnaire.pk}/responses",
        ONLY_ADMIN,
        responses_file,
    ),
    "survey_job": Endpoint(
        "GET",
        lambda a: f"/survey-jobs/{a.job.pk}",
        ONLY_ADMIN,
    ),
}


def test_every_endpoint_of_the_schema_is_in_the_table(api: ApiWorld) -> None:
    paths = Caller(None).get("/openapi.json").json()["paths"]
    operations = {
        (method.upper(), path.removeprefix("/api/v1"))
        for path, methods in paths.items()
        for method in methods
    }
    table = set()
    for endpoint in ACCESS.values():
        route = endpoint.path(api)
        template = next(
            (p for m, p in operations if m == endpoint.method and _matches(p, route)), None
        )
        table.add((endpoint.method, template))
    assert operations == table


def _matches(template: str, path: str) -> bool:
    a, b = template.strip("/").split("/"), path.strip("/").split("/")
    return len(a) == len(b) and all(x == y or x.startswith("{") for x, y in zip(a, b, strict=True))


@dataclass(frozen=True)
class Token:
    who: str
    access: str  # read / write
    unit: str | None  # a unit code, or None for every unit


def reach(user: User | None, token: Token | None) -> Reach:
    if user is None or token is None:
        return Reach(False, frozenset(), False, False, False)
    roles = list(user.roles.select_related("unit"))
    units = {r.unit.code for r in roles if r.unit is not None}
    wide = {r.role for r in roles} & PROVINCE_WIDE_ROLES
    if token.unit is not None:
        return Reach(True, frozenset(units & {token.unit}), False, False, token.access == "write")
    return Reach(
        True, frozenset(units), bool(wide), Role.PAR_ADMIN in wide, token.access == "write"
    )


def tokens_of(api: ApiWorld, who: str) -> list[Token]:
    if who == "anonymous":
        return []
    units = sorted(u.code for u in Unit.objects.filter(pk__in=api.people[who].roles.values("unit")))
    return [Token(who, access, unit) for access in ("read", "write") for unit in [None, *units]]


def served(status: int) -> bool:
    return 200 <= status < 300


def refused(status: int, signed_in: bool) -> bool:
    return status in (403, 404) if signed_in else status == 401


def test_every_endpoint_refuses_whom_the_pages_refuse(api: ApiWorld) -> None:
    api.people["editor_ab"] = person("editor.ab", Role.UNIT_EDITOR, api.unit_a)
    api.people["editor_ab"].roles.create(role=Role.UNIT_EDITOR, unit=api.world.unit_b)
    api.people["viewer_a"] = person("viewer.a", Role.VIEWER)
    api.people["viewer_a"].roles.create(role=Role.UNIT_EDITOR, unit=api.unit_a)
    callers: list[tuple[str, Token | None, Caller]] = [("anonymous", None, Caller(None))]
    for who in sorted(api.people):
        for token in tokens_of(api, who):
            unit = Unit.objects.get(code=token.unit) if token.unit else None
            callers.append((who, token, Caller(api.token(who, token.access, unit))))
    assert len(callers) > 30
    problems = []
    for name, endpoint in ACCESS.items():
        for who, token, caller in callers:
            r = reach(api.people.get(who), token)
            allowed = endpoint.allowed(r) and (r.write or not endpoint.writes)
            before = AuditEvent.objects.count()
            if endpoint.method == "GET":
                response = caller.get(endpoint.path(api))
            else:
                body = endpoint.body(api) if endpoint.body else None
                response = caller.send(endpoint.method, endpoint.path(api), body)
            status = response.status_code
            label = f"{name} as {who} with {token}: {status}"
            if allowed and not served(status):
                problems.append(f"{label}, should be served: {response.content[:200]!r}")
            elif not allowed:
                if not refused(status, r.signed_in):
                    problems.append(f"{label}, should be refused")
                if AuditEvent.objects.count() != before:
                    problems.append(f"{label}: refused, yet something was recorded")
    assert not problems, "\n".join(problems)


def test_a_token_scoped_to_a_unit_leaves_its_owner_the_public_view_elsewhere(
    api: ApiWorld,
) -> None:
    """A viewer who is also unit A's editor reads the unpublished ranking with a token of every
    unit, not with a token of unit A; both read the published one."""
    viewer_a = person("viewer.a", Role.VIEWER)
    viewer_a.roles.create(role=Role.UNIT_EDITOR, unit=api.unit_a)
    api.people["viewer_a"] = viewer_a
    wide, narrow = api.as_("viewer_a"), api.as_("viewer_a", unit=api.unit_a)
    unpublished = f"/cycles/{api.world.current.pk}/results"
    assert wide.get(unpublished).status_code == 200
    assert narrow.get(unpublished).status_code == 403
    published = f"/cycles/{api.world.published.pk}/results"
    assert wide.get(published).json() == narrow.get(published).json()
    assert [c["year"] for c in narrow.get("/cycles").json()] == [2023]
