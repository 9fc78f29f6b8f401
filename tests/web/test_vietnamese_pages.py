"""Every word a person reads is in their language: every page each persona may GET, rendered in
the Vietnamese UI, shows no known English (``english_fragments``) and no code that has a title
(a choice option's key, a unit type's code, a band's code, an action of the audit trail) as a
visible word.

The pages are those of ``test_security_urls.ACCESS`` (every named URL, with who may GET it),
built on its world of real objects (a released appraisal round, a reply, evidence, a plan and its
tasks, a questionnaire, a notification, an account import), to which this module adds survey
responses aggregated into the cycle, the national results and a few pages the table names only
once (the published cycle, the other units, the other leaves, the what-if with its inputs).
Then every internal link those pages show is followed once, so a page reached only from another
is read too.

Only visible text counts: tags, attributes, scripts and styles are stripped, so a CSS class such
as ``band-TOT`` or an ``<option value="dung_han">`` is not a finding.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import pytest
from django.test import Client
from django.urls import resolve, reverse

from parindex.accounts.models import User
from parindex.audit.models import AuditEvent
from parindex.core import Framework
from parindex.core.rules import ChoiceRule
from parindex.national import demo as national_demo
from parindex.surveys.models import SurveyJob
from parindex.units.models import Unit

from .appraisals_fixtures import RATIO_LEAF
from .english_fragments import ENGLISH_WORDS, english_in
from .factories import World
from .surveys_fixtures import GOOD_ROWS, responses_csv, upload
from .test_links import internal_links
from .test_security_urls import ACCESS, ADMIN, PERSONAS, Objects, clients, objects_build

# Vietnamese-only words of the site's own interface, found as whole words: never on a page read
# in English (names of people, units and documents stay as written, so none is listed here).
VIETNAMESE_UI = (
    "Đăng xuất",
    "Đăng nhập",
    "Lưu",
    "Trang chủ",
    "Xếp hạng",
    "Kỳ đánh giá",
    "Tự đánh giá",
    "Thẩm định",
    "Điểm",
    "Không áp dụng",
)


def titled_codes(fw: Framework) -> tuple[str, ...]:
    """Codes the framework gives a title to, each of which a page must show by that title:
    choice option keys (where the key is not its own title), unit types, bands."""
    codes: set[str] = set()
    for leaf in fw.leaves:
        if isinstance(leaf.rule, ChoiceRule):
            codes |= {
                o.key for o in leaf.rule.options if o.title is not None and o.key != o.title.vi
            }
    codes |= {code for code, title in fw.unit_type_titles.items() if code != title.vi}
    codes |= {b.code for b in fw.bands if b.title is not None and b.code != b.title.vi}
    return tuple(sorted(codes))


def findings(html: str, codes: tuple[str, ...]) -> list[tuple[str, str]]:
    """Known English and titled codes on the page, each with the text around it."""
    english = [(f"English {what!r}", around) for what, around in english_in(html)]
    codes = tuple(code for code in codes if code not in ENGLISH_WORDS)  # found once, as English
    titled = [(f"code {what!r}", around) for what, around in english_in(html, (), codes)]
    return english + titled


Check = Callable[[str], list[tuple[str, str]]]  # a page's HTML → (what was found, around it)

# -- the world ---------------------------------------------------------------------------------


@dataclass
class Site:
    objects: Objects
    clients: dict[str, Client]
    pages: dict[str, list[str]] = field(default_factory=dict)  # persona → URLs it may GET


def surveys_collected(o: Objects, admin: Client) -> None:
    """The questionnaire's forms imported and aggregated into the cycle's survey leaves."""
    survey = o.questionnaire
    admin.post(f"/surveys/{survey.pk}/responses/", {"file": upload(responses_csv(GOOD_ROWS))})
    admin.post(f"/surveys/{survey.pk}/aggregate/")
    assert not SurveyJob.objects.exclude(state="done").exists()


def national_results() -> None:
    """The shipped national tables (the province of the security world is one of them)."""
    if not Unit.objects.filter(code="DONG-THAP").exists():
        Unit.objects.create(code="DONG-THAP", name="Đồng Tháp", type="province")
    national_demo.build(log=lambda _: None)


def extra_pages(o: Objects) -> Iterator[tuple[str, frozenset[str]]]:
    """Pages the access table names once, with other objects: who reads them."""
    w, ap = o.world, o.ap
    readers = ACCESS["cycle_ranking"].get or frozenset()
    yield f"/cycles/{w.published.pk}/", readers | {"anonymous"}
    yield f"/cycles/{w.published.pk}/statistics/", readers | {"anonymous"}
    yield f"/cycles/{ap.cycle.pk}/statistics/", readers
    yield f"/cycles/{ap.cycle.pk}/", readers
    for unit in w.units:
        yield f"/cycles/{w.published.pk}/units/{unit.code}/", readers | {"anonymous"}
        yield f"/cycles/{ap.cycle.pk}/units/{unit.code}/", readers
        yield f"/cycles/{w.current.pk}/units/{unit.code}/", readers
    for assessment in (ap.b, ap.ward):
        yield reverse("assessments:page", kwargs=o.unit(unit_code=assessment.unit.code)), readers
        yield reverse("appraisals:unit", kwargs=o.unit(unit_code=assessment.unit.code)), readers
    yield reverse("assessments:leaf", kwargs=o.leaf(RATIO_LEAF)), ACCESS["assessments:leaf"].get
    yield reverse("appraisals:leaf", kwargs=o.leaf(RATIO_LEAF)), ACCESS["appraisals:leaf"].get
    leaf_b = o.unit(unit_code=ap.b.unit.code, leaf_code=RATIO_LEAF)
    yield reverse("appraisals:leaf", kwargs=leaf_b), ACCESS["appraisals:leaf"].get
    survey = o.questionnaire.pk
    for unit in (w.unit_a, w.unit_b):
        yield f"/surveys/{survey}/results/{unit.code}/", ACCESS["surveys:results"].get
    for job in SurveyJob.objects.all():
        yield f"/surveys/jobs/{job.pk}/", ACCESS["surveys:job"].get
    whatif = reverse("plans:whatif", kwargs={"plan_id": o.plan.pk})
    for query in (
        f"scope=unit:{w.unit_b.code}&nodes=1.1.1&nodes=1.1.2&share=50",
        "scope=all&nodes=1.1&share=100",
        "scope=all&more=9.9,B&share=100",  # nodes the framework does not have: an error
        "scope=all&nodes=1.1&share=120",  # a share out of range: an error
    ):
        yield f"{whatif}?cycle={w.current.pk}&{query}", ACCESS["plans:whatif"].get
    lost = reverse("plans:points_lost", kwargs={"plan_id": o.plan.pk})
    yield f"{lost}?cycle={w.current.pk}&scope=type:commune", ACCESS["plans:points_lost"].get
    for year in (2018, 2019, 2020, 2021, 2022, 2023):
        yield f"/national/?year={year}", frozenset(PERSONAS)
    for action in ("cycle.state", "answer.value", "appraisal.adjusted", "appraisal.flagged"):
        yield reverse("audit:log") + f"?action={action}", ACCESS["audit:log"].get
    yield f"/accounts/manage/{o.account.pk}/", ACCESS["accounts:detail"].get


def site_build(world: World, admin: User) -> Site:
    o = objects_build(world, admin)
    by_persona = clients(o)
    surveys_collected(o, by_persona[ADMIN])
    national_results()
    site = Site(o, by_persona, {persona: [] for persona in PERSONAS})
    for name, access in ACCESS.items():
        if access.get is None or name in ("logout", "set_language"):
            continue
        url = reverse(name, kwargs=access.args(o))
        for persona in access.get:
            site.pages[persona].append(url)
    for url, personas in extra_pages(o):
        for persona in personas or ():
            site.pages[persona].append(url)
    return site


# Views that answer with a file, not a page; Django's own admin site.
FILES = {
    "assessments:excel_download",
    "evidence:download",
    "plans:export_xlsx",
    "plans:export_pdf",
    "cycle_statistics_xlsx",
    "accounts:import_template",
    "opendata:results_csv",
    "opendata:results_json",
    "opendata:results_xlsx",
    "opendata:framework_file",
}
# Views whose content is an htmx fragment (a full GET leads to the page that holds it).
FRAGMENTS = {"assessments:leaf"}


def read_all(site: Site, persona: str, check: Check) -> list[str]:
    """Every page of the persona, then every internal link those pages show, read once; one
    line per view and finding (with the first page it was found on and how many showed it)."""
    client = site.clients[persona]
    seen: set[str] = set()
    found: dict[tuple[str, str], list[str]] = {}
    links: set[str] = set()

    def read(url: str) -> None:
        seen.add(url)
        view = resolve(urlsplit(url).path).view_name
        # Django's admin, and the API's documentation (Swagger UI, in English, with the API's
        # own JSON answers in the reader's language).
        if view in FILES or view.startswith(("admin:", "api:")):
            return
        response = client.get(url, **({"HTTP_HX_REQUEST": "true"} if view in FRAGMENTS else {}))
        if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
            return
        html = response.content.decode()
        for what, around in check(html):
            found.setdefault((view, what), []).append(f"{url}: “…{around}…”")
        links.update(internal_links(html))

    for url in site.pages[persona]:
        if url not in seen:
            read(url)
    for url in sorted(links - seen):
        read(url)
    return [
        f"{persona} {view} {what} on {len(pages)} page(s), first {pages[0]}"
        for (view, what), pages in sorted(found.items())
    ]


@pytest.mark.parametrize("persona", PERSONAS)
def test_vietnamese_pages_show_no_english_and_no_codes(
    world: World, admin: User, persona: str
) -> None:
    site = site_build(world, admin)
    # The audit log names every action it recorded by its label, never by its code.
    actions = tuple(AuditEvent.objects.values_list("action", flat=True).distinct())
    codes = titled_codes(world.fw) + actions
    problems = read_all(site, persona, lambda html: findings(html, codes))
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("persona", PERSONAS)
def test_english_pages_show_no_vietnamese_interface(
    world: World, admin: User, persona: str
) -> None:
    """The same pages in English: no Vietnamese words of the interface, and no option key or
    band code either (unit type codes are English words, which an English page may use)."""
    site = site_build(world, admin)
    site.clients[persona].cookies["django_language"] = "en"
    unit_types = set(world.fw.unit_type_titles)
    codes = tuple(code for code in titled_codes(world.fw) if code not in unit_types)

    def vietnamese(html: str) -> list[tuple[str, str]]:
        words = [(f"Vietnamese {w!r}", at) for w, at in english_in(html, (), VIETNAMESE_UI)]
        return words + [(f"code {c!r}", at) for c, at in english_in(html, (), codes)]

    problems = read_all(site, persona, vietnamese)
    assert not problems, "\n".join(problems)
