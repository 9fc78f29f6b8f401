"""Hostile inputs: every POST form and every import of the site, driven by Hypothesis.

Each POST endpoint of the URL conf (with the persona and the objects that ``ACCESS`` of
test_security_urls.py names for it) is sent what a browser would send for its form (read from
the forms of the site's own pages) with some fields swapped for hostile values: huge and exotic
numbers, control characters, invalid UTF-8, 100 KB strings, repeated keys, empty or missing
fields, and for file fields zip bombs, YAML bombs, CSV with NUL bytes and oversized files.
Every import also gets every hostile file; pages with query parameters get hostile ones, and
every URL gets ids no database integer holds and unknown, long or control-character codes.

For each request:

- no server error: the status is below 500 and the view raises nothing;
- a bounded cost, counted in operations rather than seconds: at most ``MAX_QUERIES`` SQL
  queries and ``MAX_BODY`` bytes of response;
- a refusal (a 4xx, or a page re-shown with its errors) leaves every business table (every
  model of parindex) as it was: the row counts and a checksum of every row are the same after
  it as before any request.

Examples run inside a savepoint that is rolled back, so every one starts from the same world,
whose tables are read once; a refused request that ran a write statement has them read again.
The forms are read from the pages once per session.
Hypothesis is derandomized (the same examples on every run) and does not shrink: a failure
names the request it sent.
"""

from __future__ import annotations

import functools
import hashlib
import io
import os
import traceback
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from html.parser import HTMLParser
from typing import Any
from urllib.parse import quote_from_bytes, urlsplit

import pytest
from django.apps import apps
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import Resolver404, resolve, reverse
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from parindex.accounts.models import Role, User

from . import test_security_urls as table
from .appraisals_fixtures import CHOICE_LEAF, DEDUCTION_LEAF, RATIO_LEAF
from .evidence_fixtures import media  # noqa: F401 - autouse: blobs under a temporary MEDIA_ROOT
from .factories import World, browse, person
from .surveys_fixtures import HEADER as SURVEY_HEADER
from .surveys_fixtures import inline_jobs  # noqa: F401 - autouse: survey jobs run in the request
from .surveys_fixtures import row as survey_row

MAX_QUERIES = 200
MAX_BODY = 2 * 1024 * 1024
# Per endpoint: enough to reach every kind of value, few enough for `make test`. A longer hunt:
# PARINDEX_HOSTILE_EXAMPLES=100 .venv/bin/python -m pytest tests/web/test_hostile_inputs.py
EXAMPLES = int(os.environ.get("PARINDEX_HOSTILE_EXAMPLES", "8"))

HYPOTHESIS = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)

# -- hostile values -----------------------------------------------------------------------------

HUGE_NUMBERS = [
    "1e10000000",
    "-1e10000000",
    "1e-10000000",
    "9" * 300_000,
    "9" * 5000,
    "-" + "9" * 5000,
    "0." + "0" * 5000 + "1",
    "9" * 5000 + ".5",
    "1" + "0" * 30,
    "99999999999999999999",
    "9223372036854775808",
    "-9223372036854775809",
    "1e308",
    "1e309",
    "9" * 20 + "/" + "9" * 20,
    "1/" + "0" * 5000 + "1",
]
EXOTIC_NUMBERS = [
    "NaN",
    "nan",
    "-NaN",
    "sNaN",
    "Infinity",
    "-Infinity",
    "inf",
    "-0",
    "-0.0",
    "+5",
    "1_000",
    "１２",
    "١٢",
    "۱۲",
    "𝟏𝟐",
    "½",
    "Ⅻ",
    "0x1F",
    "0b101",
    "1,5",
    "1.000",
    "1.000,5",
    "1,000.5",
    " 5 ",
    "5e",
    "1e3",
    "1E+2",
    ".",
    "-",
    "1/0",
    "0/0",
    "-1/2",
    "1//2",
    "0",
    "-1",
    "2",
]
CONTROL = [
    "\x00",
    "a\x00b",
    "\x1b[31mđỏ\x1b[0m",
    "\u202eabc",
    "\ufeff1",
    "\r\n",
    "\t",
    "\x7f",
    "\x00" * 100,
    "\u200b",
    "<script>alert(1)</script>",
    "../../etc/passwd",
    "' OR 1=1 --",
    "%s%n{0}{{x}}",
]
# Bytes that are not UTF-8: a lone surrogate as Python would encode it, and stray bytes.
RAW_BYTES = [
    "x\ud800y".encode("utf-8", "surrogatepass"),
    "\udfff".encode("utf-8", "surrogatepass"),
    b"\xff\xfe\x00",
    b"\xc0\xaf",
    b"\xe1\xba",
]
LONG = ["x" * 100_000, "Đ" * 50_000, "1" * 100_000, "1." + "5" * 100_000, "a,b," * 25_000]
OTHER = [
    "",
    " ",
    "1",
    "có",
    "không",
    "yes",
    "on",
    "true",
    "2025-01-01",
    "9999-12-31",
    "0000-00-00",
    "31/02/2025",
    "2025-13-45",
    "10000-01-01",
    "-1",
    "0",
    "[]",
    "{}",
    "null",
]
HOSTILE_TEXT = HUGE_NUMBERS + EXOTIC_NUMBERS + CONTROL + LONG + OTHER

Value = str | bytes


def hostile_values() -> st.SearchStrategy[Value]:
    return st.one_of(
        st.sampled_from(HOSTILE_TEXT),
        st.sampled_from(RAW_BYTES),
        st.text(max_size=20),
    )


# -- hostile files -------------------------------------------------------------------------------


def _zip(parts: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for name, content in parts.items():
            archive.writestr(name, content)
    return out.getvalue()


def book_bytes(rows: list[list[object]]) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for cells in rows:
        sheet.append(cells)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _rewrite(data: bytes, change: Callable[[str, bytes], bytes], extra: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as target,
    ):
        for item in source.infolist():
            target.writestr(item.filename, change(item.filename, source.read(item.filename)))
        for name, content in extra.items():
            target.writestr(name, content)
    return out.getvalue()


ROWS_IN_BOMB = 2_000_000


def rows_bomb(header: list[object]) -> bytes:
    """A workbook of a few dozen kilobytes whose sheet declares and holds two million rows."""

    def change(name: str, content: bytes) -> bytes:
        if not name.startswith("xl/worksheets/"):
            return content
        rows = b"<row><c><v>1</v></c></row>" * ROWS_IN_BOMB
        content = content.replace(b"</sheetData>", rows + b"</sheetData>")
        start = content.find(b"<dimension ref=")
        if start != -1:
            end = content.find(b"/>", start)
            dimension = f'<dimension ref="A1:XFD{ROWS_IN_BOMB + 1}"'.encode()
            content = content[:start] + dimension + content[end:]
        return content

    return _rewrite(book_bytes([header]), change, {})


def zero_bomb(megabytes: int) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", b"<Types/>")
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as part:
            chunk = b"\0" * (1 << 20)
            for _ in range(megabytes):
                part.write(chunk)
    return out.getvalue()


def lying_dimension(header: list[object]) -> bytes:
    """A small sheet that claims the whole grid: A1:XFD1048576."""

    def change(name: str, content: bytes) -> bytes:
        if name.startswith("xl/worksheets/"):
            start = content.find(b"<dimension ref=")
            end = content.find(b"/>", start)
            content = content[:start] + b'<dimension ref="A1:XFD1048576"' + content[end:]
        return content

    return _rewrite(book_bytes([header, ["x"] * len(header)]), change, {})


def yaml_alias_bomb() -> bytes:
    lines = ['a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    lines += [f"a{n}: &a{n} [{','.join([f'*a{n - 1}'] * 9)}]" for n in range(1, 10)]
    return ("\n".join(lines) + "\n").encode()


def yaml_deep() -> bytes:
    return b"format: x\nnodes: " + b"[" * 200_000 + b"]" * 200_000 + b"\n"


def yaml_huge() -> bytes:
    return b"format: parindex.framework/1\n" + b"".join(
        b"k%d: %s\n" % (n, b"v" * 60) for n in range(60_000)
    )


def yaml_wide() -> bytes:
    """Under 2 MB: many keys and a long flow list, the parser's worst honest case."""
    return b"format: parindex.survey/1\nquestions: [" + b"{}," * 400_000 + b"{}]\n"


SURVEY_ROWS = [SURVEY_HEADER, survey_row("s1", "LD", "SNV", "A")]
ACCOUNT_HEADER = ["username", "full_name", "email", "role", "unit_code", "area"]


@functools.cache
def hostile_files() -> dict[str, tuple[str, bytes]]:
    """Hostile payloads by label: (file name, content). Built once per session."""
    survey_header = SURVEY_HEADER.split(",")
    return {
        "rows bomb (survey header)": ("responses.xlsx", rows_bomb(list(survey_header))),
        "rows bomb (accounts header)": ("nhan-su.xlsx", rows_bomb(list(ACCOUNT_HEADER))),
        "rows bomb (no header)": ("tu-danh-gia.xlsx", rows_bomb(["x"])),
        "zeros bomb 64 MB": ("bomb.xlsx", zero_bomb(64)),
        "lying dimension": ("dimension.xlsx", lying_dimension(list(survey_header))),
        "yaml alias bomb": ("framework.yaml", yaml_alias_bomb()),
        "yaml deep nesting": ("deep.yaml", yaml_deep()),
        "yaml 4 MB": ("huge.yaml", yaml_huge()),
        "yaml wide": ("wide.yaml", yaml_wide()),
        "csv with NUL": (
            "responses.csv",
            ("\n".join(SURVEY_ROWS) + "\n").replace("SNV", "S\x00NV").encode(),
        ),
        "csv all NUL": ("nul.csv", b"\x00" * 10_000),
        "csv 300 KB cell": ("long.csv", (SURVEY_HEADER + "\n" + "x" * 300_000 + "\n").encode()),
        "csv unclosed quote": ("quote.csv", (SURVEY_HEADER + '\n"' + "x," * 50_000).encode()),
        "csv 100k columns": ("wide.csv", (",".join(["c"] * 100_000) + "\n").encode()),
        "csv utf-16": ("utf16.csv", "\n".join(SURVEY_ROWS).encode("utf-16")),
        "csv huge numbers": (
            "national.csv",
            b"year,code,name,index,rank\n2024,TIEN-GIANG,X," + b"9" * 300_000 + b",1e10000000\n",
        ),
        "empty": ("empty.xlsx", b""),
        "random bytes": ("random.pdf", bytes(range(256)) * 40),
        "pdf named xlsx": ("tep.xlsx", b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\n%%EOF\n"),
        "zip, not office": ("archive.xlsx", _zip({"a.txt": b"x"})),
        "xlsx, strange name": ("\u202egpj.\x00\x1b" + "a" * 300 + ".xlsx", book_bytes([["x"]])),
        "oversized 21 MB": ("big.pdf", b"%PDF-1.4\n" + b"0" * (21 * 1024 * 1024)),
    }


def hostile_file() -> st.SearchStrategy[SimpleUploadedFile]:
    labels = sorted(hostile_files())
    return st.sampled_from(labels).map(
        lambda label: SimpleUploadedFile(
            hostile_files()[label][0], hostile_files()[label][1], "application/octet-stream"
        )
    )


# -- forms found on the site's pages -------------------------------------------------------------


@dataclass
class FormFields:
    """What a browser would send to one URL: each field's values seen (the first is the one
    sent by default), and which fields are files."""

    values: dict[str, list[str]] = field(default_factory=dict)
    files: set[str] = field(default_factory=set)

    def add(self, name: str, value: str | None) -> None:
        seen = self.values.setdefault(name, [])
        if value is not None and value not in seen:
            seen.append(value)


class _FormReader(HTMLParser):
    """Forms of a page by the URL name they send to (``action``, ``hx-post`` or the page's own)."""

    def __init__(self, page_path: str) -> None:
        super().__init__(convert_charrefs=True)
        self.page_path = page_path
        self.found: dict[tuple[str, str], FormFields] = {}
        self.stack: list[FormFields] = []
        self.select: str | None = None

    def _target(self, url: str | None) -> str | None:
        path = urlsplit(url).path if url else self.page_path
        try:
            return resolve(path or self.page_path).view_name
        except Resolver404:
            return None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "form":
            method = (a.get("method") or "get").lower()
            name = self._target(a.get("hx-post") or a.get("action"))
            fields = self.found.setdefault((method, name or ""), FormFields())
            self.stack.append(fields)
            return
        if not self.stack:
            return
        fields = self.stack[-1]
        name = a.get("name")
        if tag == "input" and name:
            kind = (a.get("type") or "text").lower()
            if kind == "file":
                fields.files.add(name)
            elif kind in ("checkbox", "radio"):
                fields.add(name, a.get("value") or "on")
            else:
                fields.add(name, a.get("value") or "")
        elif tag == "select" and name:
            self.select = name
            fields.add(name, None)
        elif tag == "option" and self.select:
            fields.add(self.select, a.get("value") or "")
        elif tag == "textarea" and name:
            fields.add(name, "")
        elif tag == "button" and name:
            fields.add(name, a.get("value") or "")
        if a.get("hx-post"):  # an input that posts its form elsewhere (a live preview)
            target = self._target(a["hx-post"])
            if target:
                self.found.setdefault(("post", target), FormFields()).values.update(fields.values)

    def handle_endtag(self, tag: str) -> None:
        if tag == "form" and self.stack:
            self.stack.pop()
        elif tag == "select":
            self.select = None


def forms_of(html: str, page_path: str) -> dict[tuple[str, str], FormFields]:
    reader = _FormReader(page_path)
    reader.feed(html)
    return reader.found


def merge(
    into: dict[tuple[str, str], FormFields], found: dict[tuple[str, str], FormFields]
) -> None:
    for key, fields in found.items():
        target = into.setdefault(key, FormFields())
        for name, values in fields.values.items():
            for value in values or [None]:
                target.add(name, value)
        target.files |= fields.files


# Fields a form shows only in a state the pages of the world do not reach, or that a view reads
# beside its form (``next``, confirmation buttons). Found forms add to these.
HINTS: dict[str, dict[str, list[str]]] = {
    "login": {"username": ["editor.a"], "password": ["sai"]},
    "assessments:leaf": {"value": ["cham"], "version": ["1"], "raw": [], "na": ["1"]},
    "assessments:leaf_preview": {"value": ["cham"], "numerator": ["1"], "denominator": ["2"]},
    "assessments:evidence_attach": {"evidence": ["1"]},
    "assessments:evidence_reference": {
        "number": ["01/KH"],
        "issued_on": ["2025-01-10"],
        "issuer": ["UBND"],
        "title": ["Kế hoạch"],
    },
    "assessments:submit": {"cover": [""], "title": ["Công văn"]},
    "evidence:reference": {
        "number": ["01/KH"],
        "issued_on": ["2025-01-10"],
        "issuer": ["UBND"],
        "title": ["Kế hoạch"],
    },
    "appraisals:decide": {
        "decision": ["adjusted", "accepted", "flagged"],
        "value": ["cham"],
        "points": ["0.5"],
        "reason": ["Lý do"],
        "version": ["1"],
        "next": ["/"],
        "from": ["queue"],
    },
    "appraisals:settle": {
        "outcome": ["new", "keep"],
        "value": ["75/100"],
        "points": ["1"],
        "reason": ["Lý do"],
        "version": ["1"],
    },
    "appraisals:reply": {"agrees": ["yes", "no"], "reason": ["Lý do"], "evidence": ["1"]},
    "surveys:plan": {"fill_group": ["LD"], "fill_target": ["5"]},
    "surveys:release": {"released": ["1"]},
    "plans:targets": {"delete": ["1"]},
    "plans:points_lost": {"nodes": ["1.1"], "share": ["100"], "more": ["1.1, 2.1"]},
    "national:import": {"confirm": ["1"]},
    "accounts:activation_send": {"next": ["activations"]},
    "assessments:calendar": {"open": ["1"]},
}


@dataclass(frozen=True)
class Target:
    """One URL to send hostile forms to, as one persona."""

    name: str  # the URL's name
    persona: str
    args: Callable[[table.Objects], dict[str, Any]]
    label: str = ""

    def __str__(self) -> str:
        return f"{self.label or self.name} as {self.persona}"


PREFERENCE = [
    table.OWN,
    table.HEAD,
    table.APPRAISER,
    table.ADMIN,
    table.COUNCIL,
    table.OTHER_AREA,
    table.VIEWER,
    table.OTHER,
]


def persona_for(allowed: frozenset[str]) -> str:
    if table.ANON in allowed:
        return table.ANON
    return next(p for p in PREFERENCE if p in allowed)


def post_targets() -> list[Target]:
    """Every URL of the URL conf that takes a POST, with a persona allowed to send it."""
    targets = []
    for name, _route in table.url_names():
        access = table.ACCESS.get(name)
        if access is None or access.post is None:  # undecided URLs fail test_security_urls.py
            continue
        targets.append(Target(name, persona_for(access.post), access.args))
    return targets


# -- the world and its clients --------------------------------------------------------------------

WARD_EDITOR, B_APPRAISER = "ward_editor", "appraiser (unit B)"


@dataclass
class Site:
    objects: table.Objects
    clients: dict[str, Client]
    forms: dict[tuple[str, str], FormFields]
    tables: dict[str, tuple[int, str]]  # the business tables before any request (see ``send``)

    def client(self, persona: str) -> Client:
        return self.clients[persona]


_FORMS: dict[tuple[str, str], FormFields] = {}  # found once per session: the pages are the same


def site_build(world: World, admin: User) -> Site:
    o = table.objects_build(world, admin)
    by_persona = table.clients(o)
    # The ward's assessment is a draft: its editor's leaf forms write.
    by_persona[WARD_EDITOR] = browse(person("editor.ward", Role.UNIT_EDITOR, world.ward))
    by_persona[B_APPRAISER] = by_persona[table.APPRAISER]
    if not _FORMS:
        _FORMS.update(discover(o, by_persona))
    forms = {key: replace(fields, values=dict(fields.values)) for key, fields in _FORMS.items()}
    return Site(o, by_persona, forms, snapshot())


def discover(o: table.Objects, by_persona: dict[str, Client]) -> dict[tuple[str, str], FormFields]:
    """The forms of every page the table names, as seen by the personas who post to them."""
    found: dict[tuple[str, str], FormFields] = {}
    posting = {t.persona for t in post_targets()}
    pages = [(name, access) for name, access in table.ACCESS.items() if access.get]
    for name, access in pages:
        assert access.get is not None
        path = reverse(name, kwargs=access.args(o))
        readers = [p for p in [*PREFERENCE, table.ANON] if p in access.get]
        for persona in dict.fromkeys([readers[0], *(p for p in readers if p in posting)]):
            response = by_persona[persona].get(path)
            if response.status_code == 200 and "html" in response.get("Content-Type", ""):
                merge(found, forms_of(response.content.decode(), path))
    for target in deep_targets():
        path = reverse(target.name, kwargs=target.args(o))
        page = by_persona[target.persona].get(path, HTTP_HX_REQUEST="true")
        if page.status_code == 200:
            merge(found, forms_of(page.content.decode(), path))
    for name, hinted in HINTS.items():
        fields = found.setdefault(("post", name), FormFields())
        for key, values in hinted.items():
            for value in values or [None]:
                fields.add(key, value)
    return found


# -- one request, checked --------------------------------------------------------------------------


def business_models() -> list[Any]:
    return [m for m in apps.get_models() if m.__module__.startswith("parindex.")]


def snapshot() -> dict[str, tuple[int, str]]:
    """Row count and a checksum of every row, per business table."""
    state = {}
    for model in business_models():
        rows = list(model._base_manager.order_by("pk").values_list())
        state[model._meta.label] = (len(rows), hashlib.sha256(repr(rows).encode()).hexdigest())
    return state


def refused(response: Any) -> bool:
    """A 4xx, or a page shown again with its errors."""
    if 400 <= response.status_code < 500:
        return True
    if response.status_code != 200 or getattr(response, "streaming", False):
        return False
    body = response.content
    return b'class="errorlist' in body or b'role="alert"' in body


def _text(value: Value) -> bytes:
    return value if isinstance(value, bytes) else value.encode("utf-8", "surrogatepass")


def urlencoded(data: list[tuple[str, Value]]) -> bytes:
    return b"&".join(
        quote_from_bytes(_text(k)).encode() + b"=" + quote_from_bytes(_text(v)).encode()
        for k, v in data
    )


def shown(data: list[tuple[str, Value]], files: dict[str, SimpleUploadedFile]) -> str:
    """The request, short enough for a failure message."""
    parts = [f"{k}={_text(v)[:60]!r}{'…' if len(_text(v)) > 60 else ''}" for k, v in data]
    parts += [f"{k}=<file {f.name[:40]!r}, {f.size} bytes>" for k, f in files.items()]
    return "{" + ", ".join(parts) + "}"


WRITES = ("insert", "update", "delete", "replace")


def send(
    site: Site,
    client: Client,
    method: str,
    path: str,
    data: list[tuple[str, Value]],
    files: dict[str, SimpleUploadedFile] | None = None,
    htmx: bool = False,
) -> list[str]:
    """Send one request in a savepoint rolled back afterwards; the problems it showed.

    Every request starts from the same tables (``site.tables``); a refused request that ran a
    write statement has them read again and compared."""
    files = files or {}
    extra = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    what = f"{method} {path} {'(htmx) ' if htmx else ''}{shown(data, files)}"
    cache.clear()  # request counters (password reset) start at 0 for every example
    problems: list[str] = []
    connection.queries_log.clear()  # a full log (9,000 queries) would count none of these
    with transaction.atomic():
        with CaptureQueriesContext(connection) as queries:
            try:
                if method == "GET":
                    query = urlencoded(data).decode()
                    response = client.get(f"{path}?{query}" if query else path, **extra)
                elif files:
                    multipart: dict[str, Any] = {}
                    for k, v in data:
                        multipart.setdefault(k, []).append(_text(v))
                    for k, f in files.items():
                        f.seek(0)
                        multipart.setdefault(k, []).append(f)
                    response = client.post(path, multipart, **extra)
                else:
                    response = client.post(
                        path,
                        urlencoded(data),
                        content_type="application/x-www-form-urlencoded",
                        **extra,
                    )
            except Exception as exc:
                lines = traceback.format_exception(exc)
                problems.append(f"{what}: raised {''.join(lines[-6:])}")
                transaction.set_rollback(True)
                return problems
        if response.status_code >= 500:
            problems.append(f"{what}: status {response.status_code}")
        if len(queries) > MAX_QUERIES:
            problems.append(f"{what}: {len(queries)} queries (at most {MAX_QUERIES})")
        size = (
            sum(len(chunk) for chunk in response.streaming_content)
            if response.streaming
            else len(response.content)
        )
        if size > MAX_BODY:
            problems.append(f"{what}: a body of {size} bytes (at most {MAX_BODY})")
        wrote = any(q["sql"].lstrip().lower().startswith(WRITES) for q in queries.captured_queries)
        if refused(response) and wrote:
            after = snapshot()
            changed = sorted(k for k in site.tables if site.tables[k] != after.get(k))
            if changed:
                problems.append(f"{what}: refused ({response.status_code}) but changed {changed}")
        transaction.set_rollback(True)
    return problems


def test_the_checks_catch_what_they_must(site: Site) -> None:
    """The battery's own checks, on requests that break each rule (a stand-in for a client)."""
    from django.http import HttpResponse

    from parindex.units.models import Unit

    unit = site.objects.world.unit_a

    class Misbehaving:
        def __init__(self, queries: int = 0, body: int = 0, status: int = 422, write: bool = False):
            self.queries, self.body, self.status, self.write = queries, body, status, write

        def post(self, path: str, *args: Any, **kwargs: Any) -> HttpResponse:
            if self.write:
                Unit.objects.filter(pk=unit.pk).update(name="Đổi tên")
            for _ in range(self.queries):
                Unit.objects.filter(pk=unit.pk).exists()
            if self.status == 0:
                raise ValueError("a view's bug")
            return HttpResponse(b"x" * self.body, status=self.status)

    def problems(client: Misbehaving) -> str:
        return "\n".join(send(site, client, "POST", "/", [("a", "1")]))  # type: ignore[arg-type]

    assert problems(Misbehaving()) == ""
    assert "refused (422) but changed ['units.Unit']" in problems(Misbehaving(write=True))
    assert problems(Misbehaving(write=True, status=302)) == ""  # a write that was accepted
    assert "status 500" in problems(Misbehaving(status=500))
    assert "a view's bug" in problems(Misbehaving(status=0))
    assert f"{MAX_QUERIES + 1} queries" in problems(Misbehaving(queries=MAX_QUERIES + 1))
    assert "a body of" in problems(Misbehaving(body=MAX_BODY + 1))
    unit.refresh_from_db()
    assert unit.name != "Đổi tên"  # every request was rolled back


# -- hostile forms ---------------------------------------------------------------------------------

EXTRA_NAMES = ["next", "confirm", "id", "pk", "csrfmiddlewaretoken", "_method", "\x00"]


@st.composite
def hostile_form(
    draw: st.DrawFn, fields: FormFields, with_files: bool = True
) -> tuple[list[tuple[str, Value]], dict[str, SimpleUploadedFile]]:
    """A browser's submission of the form with some fields made hostile, repeated or missing."""
    data: list[tuple[str, Value]] = []
    names = sorted(fields.values)
    hostile = set(draw(st.lists(st.sampled_from(names), max_size=3))) if names else set()
    if not names or draw(st.booleans()):
        hostile.add(draw(st.sampled_from(EXTRA_NAMES)))
    for name in names + sorted(hostile - set(names)):
        seen = fields.values.get(name, [])
        if name not in hostile:
            if seen:
                data.append((name, seen[0] if len(seen) == 1 else draw(st.sampled_from(seen))))
            continue
        how = draw(st.sampled_from(["value", "value", "missing", "repeated", "empty"]))
        if how == "missing":
            continue
        if how == "empty":
            data.append((name, ""))
        elif how == "repeated":  # a list where one value is expected
            for value in draw(st.lists(hostile_values(), min_size=2, max_size=3)):
                data.append((name, value))
        else:
            data.append((name, draw(hostile_values())))
    files = {}
    if with_files:
        for name in sorted(fields.files):
            if draw(st.integers(0, 4)):  # mostly a hostile file, sometimes none
                files[name] = draw(hostile_file())
    return data, files


def fuzz(site: Site, target: Target, method: str = "POST") -> list[str]:
    """Hypothesis sends ``EXAMPLES`` hostile forms to the target; the problems they showed."""
    path = reverse(target.name, kwargs=target.args(site.objects))
    fields = site.forms.get((method.lower(), target.name), FormFields())
    client = site.client(target.persona)
    problems: list[str] = []

    @HYPOTHESIS
    @given(form=hostile_form(fields, with_files=method == "POST"), htmx=st.booleans())
    def run(form: tuple[list[tuple[str, Value]], dict[str, SimpleUploadedFile]], htmx: bool):
        data, files = form
        found = send(site, client, method, path, data, files, htmx)
        problems.extend(f"{target}: {p}" for p in found)

    run()
    return problems


def namespace_of(name: str) -> str:
    return name.split(":", 1)[0] if ":" in name else "site"


NAMESPACES = sorted({namespace_of(name) for name, a in table.ACCESS.items() if a.post})


@pytest.fixture
def site(world: World, admin: User) -> Site:
    return site_build(world, admin)


def report(problems: list[str]) -> str:
    return f"{len(problems)} problems:\n" + "\n".join(p[:3000] for p in problems[:30])


@pytest.mark.parametrize("namespace", NAMESPACES)
def test_every_post_endpoint_survives_hostile_forms(site: Site, namespace: str) -> None:
    targets = [t for t in post_targets() if namespace_of(t.name) == namespace]
    assert targets
    problems = [p for target in targets for p in fuzz(site, target)]
    assert not problems, report(problems)


def test_every_post_endpoint_is_driven() -> None:
    """The battery covers every URL that takes a POST, found in the URL conf."""
    posting = {t.name for t in post_targets()}
    assert {namespace_of(n) for n in posting} == set(NAMESPACES)
    assert {"framework_import", "accounts:import", "surveys:responses", "national:import"} <= (
        posting
    )


# -- forms in the state where they write -----------------------------------------------------------


def ward_leaf(code: str) -> Callable[[table.Objects], dict[str, Any]]:
    return lambda o: {"cycle_id": o.cycle, "unit_code": o.world.ward.code, "leaf_code": code}


def unit_b_leaf(code: str) -> Callable[[table.Objects], dict[str, Any]]:
    return lambda o: {"cycle_id": o.cycle, "unit_code": o.ap.b.unit.code, "leaf_code": code}


# Leaves of the ward (a commune), one of each rule: choice, ratio, deduction, yes/no,
# proportional (n/a allowed), count, points, a bonus and a penalty.
WARD_LEAVES = ("1.1.1", "1.1.2", "1.2", "1.3.2", "1.3.3", "3.2.2", "4.4", "B.1", "P.1")


def deep_targets() -> list[Target]:
    """Forms sent where they are accepted: a draft's leaves (every kind of rule), its Excel
    upload and evidence; appraisal decisions on a submitted unit; settling a disputed leaf."""
    ward = lambda o: {"cycle_id": o.cycle, "unit_code": o.world.ward.code}  # noqa: E731
    return [
        *(
            Target(name, WARD_EDITOR, ward_leaf(code), f"{name} {code} (draft)")
            for name in ("assessments:leaf", "assessments:leaf_preview")
            for code in WARD_LEAVES
        ),
        Target("assessments:excel_upload", WARD_EDITOR, ward, "excel upload (draft)"),
        Target("assessments:evidence_upload", WARD_EDITOR, ward_leaf(CHOICE_LEAF), "upload"),
        Target("assessments:evidence_reference", WARD_EDITOR, ward_leaf(CHOICE_LEAF), "cite"),
        *(
            Target("appraisals:decide", B_APPRAISER, unit_b_leaf(code), f"decide {code} (B)")
            for code in (CHOICE_LEAF, RATIO_LEAF, DEDUCTION_LEAF)
        ),
        Target("appraisals:settle", table.APPRAISER, lambda o: o.leaf(RATIO_LEAF), "settle"),
        Target("appraisals:reply", table.OWN, lambda o: o.leaf(CHOICE_LEAF), "reply"),
    ]


def test_forms_where_they_write_survive_hostile_values(site: Site) -> None:
    problems = [p for target in deep_targets() for p in fuzz(site, target)]
    assert not problems, report(problems)


# -- every hostile file through every import -------------------------------------------------------

IMPORTS = [
    Target("framework_import", table.ADMIN, lambda o: {}, "framework YAML"),
    Target(
        "surveys:cycle", table.ADMIN, lambda o: {"cycle_id": o.world.current.pk}, "questionnaire"
    ),
    Target("surveys:responses", table.ADMIN, table.questionnaire, "survey responses"),
    Target("accounts:import", table.ADMIN, lambda o: {}, "accounts"),
    Target("national:import", table.ADMIN, lambda o: {}, "national CSV"),
    Target(
        "assessments:excel_upload",
        WARD_EDITOR,
        lambda o: {"cycle_id": o.cycle, "unit_code": o.world.ward.code},
        "self-assessment workbook",
    ),
    Target("evidence:upload", table.OWN, table.unit_a, "evidence"),
    Target("assessments:evidence_upload", WARD_EDITOR, ward_leaf(CHOICE_LEAF), "leaf evidence"),
    Target("plans:task_report", table.ADMIN, table.task, "task progress report"),
    Target("appraisals:reply", table.OWN, lambda o: o.leaf(RATIO_LEAF), "reply evidence"),
    Target("assessments:submit", table.HEAD, lambda o: o.unit(), "signed cover"),
]


def test_every_import_survives_every_hostile_file(site: Site) -> None:
    problems = []
    for target in IMPORTS:
        path = reverse(target.name, kwargs=target.args(site.objects))
        fields = site.forms.get(("post", target.name), FormFields())
        names = sorted(fields.files) or ["file"]
        base = [(k, v[0]) for k, v in sorted(fields.values.items()) if v]
        for label, (file_name, content) in hostile_files().items():
            files = {n: SimpleUploadedFile(file_name, content) for n in names}
            found = send(site, site.client(target.persona), "POST", path, base, files)
            problems += [f"{target} with {label}: {p}" for p in found]
    assert not problems, report(problems)


# -- query parameters ------------------------------------------------------------------------------

GET_HINTS: dict[str, list[str]] = {
    "plans:whatif": ["nodes", "more", "share", "unit", "basis", "target", "cycle"],
    "plans:points_lost": ["nodes", "unit", "basis", "cycle", "share"],
    "national:index": ["year"],
    "cycle_ranking": ["type", "basis"],
    "unit_scorecard": ["basis"],
    "notifications:list": ["page"],
    "appraisals:queue": ["page", "unit", "status", "area"],
    "appraisals:tracking": ["state", "late", "missing"],
    "audit:log": ["page", "action", "actor", "since", "until", "unit"],
    "accounts:manage": ["page", "q", "role", "unit", "active"],
    "surveys:links": ["unit"],
    "surveys:unit_results": ["unit"],
    "evidence:library": ["tab", "page"],
    "assessments:page": ["fragment"],
    "assessments:leaf": ["part"],
}


def test_query_parameters_survive_hostile_values(site: Site) -> None:
    """Pages whose own forms send query parameters (filters, the what-if choices), and those
    whose views read parameters no form of the world shows."""
    with_forms = {name for method, name in site.forms if method == "get" and name}
    problems = []
    for name, access in table.ACCESS.items():
        if not access.get or name not in with_forms | set(GET_HINTS):
            continue
        fields = site.forms.setdefault(("get", name), FormFields())
        for key in GET_HINTS.get(name, []):
            fields.add(key, None)
        target = Target(name, persona_for(access.get - {table.ANON}), access.args)
        problems += fuzz(site, target, method="GET")
    assert not problems, report(problems)


# -- hostile values in the path ------------------------------------------------------------------

PATH_INTS = [0, 2**63, 10**20]
PATH_TEXTS = ["ZZZ", "1.3.1", "x" * 1000, "\u202e\x1b", "..", "1e10000000"]


def test_path_arguments_survive_hostile_values(site: Site) -> None:
    """Every URL with an id or a code in its path, each of them swapped for an id that does not
    fit a database integer, an unknown or inapplicable code, or a long or control text."""
    problems = []
    for name, access in table.ACCESS.items():
        kwargs = access.args(site.objects)
        for key, value in kwargs.items():
            swaps: list[Any] = PATH_INTS if isinstance(value, int) else PATH_TEXTS
            for swap in swaps:
                try:
                    path = reverse(name, kwargs={**kwargs, key: swap})
                except Exception:  # the pattern does not take it: nobody can ask for it
                    continue
                for method, allowed in (("GET", access.get), ("POST", access.post)):
                    if allowed:
                        client = site.client(persona_for(allowed))
                        found = send(site, client, method, path, [])
                        problems += [f"{name} ({key}={swap!r:.40}): {p}" for p in found]
    assert not problems, report(problems)
