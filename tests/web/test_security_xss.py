"""XSS: names and texts that people type come back escaped, on every page that shows them and in
the SVG charts built from them (which pages include as markup).

One world where everything a person can name carries a script: a unit's name, a framework's
title, area and band, a plan's task, a document's title and file name, a questionnaire's title, a
respondent's answer, a survey file's cells, a province's name, a person's full name.
"""

from __future__ import annotations

import datetime
import io
import re
from decimal import Decimal

import pytest
from django.test import Client

from parindex.accounts.models import Role, User
from parindex.cycles.models import Cycle
from parindex.evidence.services import evidence_upload
from parindex.frameworks.selectors import core_framework
from parindex.national.models import NationalResult
from parindex.plans.models import Plan, Task
from parindex.results.services import cycle_compute
from parindex.surveys import services as survey_services
from parindex.units.models import Unit, UnitType

from . import evidence_fixtures as evidence_fx
from . import evidence_samples as samples
from .assessments_fixtures import Open
from .factories import World, answers_create, browse, framework_import_fast, framework_text, person
from .plans_fixtures import plan_world_build
from .surveys_fixtures import QUESTIONNAIRE, responses_csv, row

PAYLOAD = '<script>alert("xss")</script><img src=x onerror=alert(1)>'
SHOWN = "&lt;script&gt;alert("  # the payload as text, escaped
LIVE = ("<script>alert(", "<img src=x")  # the payload as markup


def assert_escaped(html: str, where: str, *, shown: bool = True) -> None:
    for markup in LIVE:
        assert markup not in html, f"{where}: {markup!r} is live"
    if shown:
        assert SHOWN in html, f"{where}: the payload is not shown, so this proves nothing"


def charts(html: str) -> list[str]:
    return re.findall(r"<svg\b.*?</svg>", html, flags=re.S)


def assert_charts_safe(html: str, where: str) -> None:
    found = charts(html)
    assert found, f"{where}: no chart"
    for svg in found:
        lowered = svg.lower()
        assert "<script" not in lowered and "<img" not in lowered, f"{where}: live markup in SVG"
        assert "<foreignobject" not in lowered, where
    assert any("&lt;script&gt;" in svg for svg in found), f"{where}: the payload is not charted"


def xss_framework_text() -> str:
    """The shipped framework under another code, its title, first area and best band named
    with the payload (single-quoted YAML: the payload holds double quotes)."""
    text = framework_text()
    for plain, named in {
        "code: province-internal": "code: xss-internal",
        'vi: "Chỉ số cải cách hành chính của các sở, ban, ngành và UBND cấp xã"': (
            f"vi: 'Chỉ số {PAYLOAD}'"
        ),
        'title: {vi: "Công tác chỉ đạo, điều hành CCHC"': f"title: {{vi: 'Chỉ đạo {PAYLOAD}'",
        'title: {vi: "Tốt"': f"title: {{vi: 'Tốt {PAYLOAD}'",
    }.items():
        assert plain in text
        text = text.replace(plain, named, 1)
    return text


@pytest.fixture
def xss(world: World, admin: User) -> dict[str, object]:
    """Unit A and a province named with the payload; a published cycle on a framework whose
    title, first area and best band carry it; a published plan whose task does."""
    Unit.objects.filter(pk=world.unit_a.pk).update(name=f"Sở {PAYLOAD}")
    world.unit_a.refresh_from_db()
    version = framework_import_fast(text=xss_framework_text(), source_name="xss.yaml")
    cycle = Cycle.objects.create(
        year=2022,
        title=f"Chỉ số {PAYLOAD}",
        framework_version=version,
        state=Cycle.State.PUBLISHED,
        published_at=datetime.datetime(2023, 3, 1, tzinfo=datetime.UTC),
    )
    cycle.units.set(world.units)
    answers_create(cycle, core_framework(version), world.units, {u.code: 0.95 for u in world.units})
    cycle_compute(cycle=cycle)
    plans = plan_world_build(world, published=True)
    Task.objects.filter(pk=plans.task_a.pk).update(title=f"Nhiệm vụ {PAYLOAD}")
    Plan.objects.filter(pk=plans.plan.pk).update(goals=f"Mục tiêu {PAYLOAD}")
    province = Unit.objects.create(
        code="TINH-X", name=f"Tỉnh {PAYLOAD}", type=UnitType.PROVINCE, group=""
    )
    for year, index, rank in ((2022, "85.10", 12), (2023, "87.40", 9)):
        NationalResult.objects.create(unit=province, year=year, index=Decimal(index), rank=rank)
    return {"cycle": cycle, "version": version, "plans": plans, "province": province}


def test_public_pages_and_their_charts(world: World, xss: dict[str, object]) -> None:
    cycle = xss["cycle"]
    anonymous = Client()
    pages = {
        "home": "/",
        "frameworks": "/frameworks/",
        "framework": f"/frameworks/{xss['version'].pk}/",  # type: ignore[attr-defined]
        "ranking": f"/cycles/{cycle.pk}/",  # type: ignore[attr-defined]
        "scorecard": f"/cycles/{cycle.pk}/units/{world.unit_a.code}/",  # type: ignore[attr-defined]
        "plan": f"/plans/{xss['plans'].plan.pk}/",  # type: ignore[attr-defined]
        "task": f"/plans/tasks/{xss['plans'].task_a.pk}/",  # type: ignore[attr-defined]
        "position": f"/national/{xss['province'].code}/",  # type: ignore[attr-defined]
    }
    for name, url in pages.items():
        response = anonymous.get(url)
        assert response.status_code == 200, name
        assert_escaped(response.content.decode(), name)
    for name in ("ranking", "scorecard", "plan", "position"):
        assert_charts_safe(anonymous.get(pages[name]).content.decode(), name)
    htmx = anonymous.get(pages["ranking"], HTTP_HX_REQUEST="true").content.decode()
    assert_escaped(htmx, "ranking fragment")
    lost = anonymous.get(
        f"/plans/{xss['plans'].plan.pk}/points-lost/",  # type: ignore[attr-defined]
        {"cycle": world.published.pk, "scope": f"unit:{world.unit_a.code}"},
    ).content.decode()
    assert_escaped(lost, "points lost")
    assert_charts_safe(lost, "points lost")


def test_evidence_names_and_titles(world: World, xss: dict[str, object]) -> None:
    editor = person("editor.a", Role.UNIT_EDITOR, world.unit_a)
    document = evidence_upload(
        file=evidence_fx.upload(samples.pdf("x"), f'{PAYLOAD}".pdf'),
        unit=world.unit_a,
        user=editor,
        title=f"Báo cáo {PAYLOAD}",
    )
    client = browse(editor)
    for url in (f"/evidence/unit/{world.unit_a.code}/", f"/evidence/{document.pk}/"):
        assert_escaped(client.get(url).content.decode(), url)
    download = client.get(f"/evidence/{document.pk}/download/")
    disposition = download["Content-Disposition"]
    assert disposition.startswith('attachment; filename="') and "\n" not in disposition
    assert disposition.count('"') == 2  # the name cannot close the quoted string early
    assert "<" not in disposition


def test_self_assessment_and_history_pages(opened: Open, xss: dict[str, object]) -> None:
    editor = person("editor.a", Role.UNIT_EDITOR, opened.world.unit_a)
    client = browse(editor)
    for url in (
        opened.url("page"),
        opened.url("submit"),
        f"/audit/leaf/{opened.cycle.pk}/{opened.world.unit_a.code}/1.1.1/",
        f"/appraisals/{opened.cycle.pk}/units/{opened.world.unit_a.code}/",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert_escaped(response.content.decode(), url)


def test_survey_pages(world: World, admin: User, xss: dict[str, object], settings) -> None:
    settings.PARINDEX_SURVEY_JOBS_INLINE = True
    text = QUESTIONNAIRE.replace('"Phiếu khảo sát thử"', f"'{PAYLOAD}'")
    survey = survey_services.questionnaire_import(
        cycle=world.current, text=text, source_name="q.yaml", user=admin
    )
    (link,) = survey_services.links_issue(
        questionnaire=survey, unit=world.unit_a, group_code="LD", count=1, user=admin
    )
    respondent = Client()
    form = respondent.get(f"/surveys/r/{link.token}/").content.decode()
    assert_escaped(form, "respond")
    answered = respondent.post(f"/surveys/r/{link.token}/", {"Q1": PAYLOAD})
    assert_escaped(answered.content.decode(), "respond refused", shown=False)

    client = browse(admin)
    quoted = '"' + PAYLOAD.replace('"', '""') + '"'  # one CSV cell
    upload = io.BytesIO(responses_csv([row("r1", "LD", quoted, "A")]))
    upload.name = "responses.csv"
    imported = client.post(f"/surveys/{survey.pk}/responses/", {"file": upload}, follow=True)
    assert_escaped(imported.content.decode(), "survey import job")
    for url in (
        f"/surveys/{survey.pk}/",
        f"/surveys/{survey.pk}/links/",
        f"/surveys/{survey.pk}/results/{world.unit_a.code}/",
    ):
        assert_escaped(client.get(url).content.decode(), url)
    coverage = client.get(f"/surveys/{survey.pk}/coverage/").content.decode()
    assert_escaped(coverage, "coverage")


def test_people_pages(world: World, admin: User) -> None:
    someone = person("can.bo", Role.UNIT_EDITOR, world.unit_a)
    User.objects.filter(pk=someone.pk).update(full_name=PAYLOAD)
    client = browse(person("par.admin", Role.PAR_ADMIN))
    for url in ("/accounts/manage/", f"/accounts/manage/{someone.pk}/"):
        assert_escaped(client.get(url).content.decode(), url)
