"""Who may read and write a unit's self-assessment: every page and action × every persona.

The unit's editors and head read and write their own unit (the head alone submits);
province-wide roles read; another unit's editor gets 403 (a unit never sees another unit's
draft); anonymous visitors are sent to the login page; the calendar is the administrator's."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from parindex.assessments.models import AnswerEvidence
from parindex.assessments.services import answer_evidence_link
from parindex.evidence.services import evidence_reference
from parindex.results.models import Answer

from .assessments_fixtures import HX, Open
from .factories import browse

PERSONAS = (
    "anonymous",
    "editor_a",
    "head_a",
    "editor_b",
    "appraiser",
    "council",
    "viewer",
    "admin",
)
OWN_UNIT = {"editor_a", "head_a"}
PROVINCE_WIDE = {"appraiser", "council", "viewer", "admin"}


def expected(rule: str, persona: str) -> set[int]:
    if persona == "anonymous":
        return {302, 204}  # 204 with HX-Redirect: htmx sends the whole page to the login
    allowed = {
        "read": OWN_UNIT | PROVINCE_WIDE,
        "write": OWN_UNIT,
        "submit": {"head_a"},
        "admin": {"admin"},
    }[rule]
    return {200, 302, 409, 422} if persona in allowed else {403}


def actions(
    opened: Open, link_id: int, document_id: int
) -> list[tuple[str, str, str, dict[str, object]]]:
    """(rule, method, url, data) for every page and action of the app on unit A."""
    cycle = opened.cycle.pk
    unlink = reverse(
        "assessments:evidence_unlink",
        kwargs={
            "cycle_id": cycle,
            "unit_code": opened.a.unit.code,
            "leaf_code": "1.1.1",
            "link_id": link_id,
        },
    )
    reference = {"number": "1/BC", "issued_on": "2025-01-01", "issuer": "UBND", "title": "BC"}
    return [
        ("read", "get", opened.url("page"), {}),
        ("read", "get", opened.leaf_url("1.2"), {}),
        ("read", "post", opened.leaf_url("1.2", "leaf_preview"), {"value": "1"}),
        ("read", "get", opened.url("submit"), {}),
        ("read", "get", opened.url("excel_download"), {}),
        ("write", "post", opened.leaf_url("1.2"), {"value": "1", "version": "0"}),
        ("write", "post", opened.leaf_url("1.2", "evidence_attach"), {"evidence": document_id}),
        ("write", "post", opened.leaf_url("1.2", "evidence_upload"), {}),
        ("write", "post", opened.leaf_url("1.2", "evidence_reference"), reference),
        ("write", "post", unlink, {}),
        ("write", "get", opened.url("excel_upload"), {}),
        ("write", "post", opened.url("excel_upload"), {}),
        ("submit", "post", opened.url("submit"), {}),
        ("admin", "get", reverse("assessments:calendar", kwargs={"cycle_id": cycle}), {}),
        ("admin", "post", reverse("assessments:calendar", kwargs={"cycle_id": cycle}), {}),
        ("admin", "post", reverse("assessments:extend", kwargs={"cycle_id": cycle}), {}),
        ("admin", "post", reverse("assessments:reopen", kwargs={"cycle_id": cycle}), {}),
    ]


def test_access_matrix_of_every_page_and_action(
    opened: Open, request: pytest.FixtureRequest, visit
) -> None:
    for name in PERSONAS[1:]:
        request.getfixturevalue(name)
    head = request.getfixturevalue("head_a")
    document = evidence_reference(
        unit=opened.a.unit,
        user=head,
        number="2/KH",
        issued_on=datetime.date(2025, 1, 2),
        issuer="UBND",
        title="KH",
    )
    # Readers and outsiders first: whatever they were refused must leave no trace.
    for persona in sorted(PERSONAS, key=lambda name: name in OWN_UNIT):
        link = answer_evidence_link(
            assessment=opened.a, leaf_code="1.1.1", evidence=document, actor=head
        )
        client = visit(persona)
        for rule, method, url, data in actions(opened, link.pk, document.pk):
            response = getattr(client, method)(url, data, **HX)
            assert response.status_code in expected(rule, persona), (persona, rule, method, url)
            if persona == "anonymous":
                target = response.get("Location") or response.get("HX-Redirect")
                assert "/accounts/login/" in target
        if persona not in OWN_UNIT:
            assert not Answer.objects.filter(cycle=opened.cycle).exists(), persona
            assert AnswerEvidence.objects.filter(pk=link.pk).exists(), persona


def test_a_unit_never_sees_another_units_draft(opened: Open, editor_b) -> None:
    client = browse(editor_b)
    assert client.get(opened.url("page")).status_code == 403
    assert client.get(opened.url("excel_download")).status_code == 403
    index = client.get(reverse("assessments:index")).content.decode()
    assert opened.b.unit.name in index and opened.a.unit.name not in index
    # Its own page does not link to other units either.
    own = client.get(opened.url("page", opened.b)).content.decode()
    assert f"/{opened.a.unit.code}/" not in own


def test_province_wide_readers_see_the_page_read_only(opened: Open, viewer) -> None:
    html = browse(viewer).get(opened.url("page")).content.decode()
    assert "chỉ cán bộ đầu mối và thủ trưởng đơn vị được sửa" in html
    assert 'class="save"' not in html


def test_unknown_cycle_unit_or_leaf_is_404_for_those_who_may_read(opened: Open, editor_a) -> None:
    client = browse(editor_a)
    url = reverse("assessments:page", kwargs={"cycle_id": 999, "unit_code": "SNV"})
    assert client.get(url).status_code == 404
    url = reverse("assessments:page", kwargs={"cycle_id": opened.cycle.pk, "unit_code": "NOPE"})
    assert client.get(url).status_code == 404
    assert client.post(opened.leaf_url("9.9.9"), {"value": "1"}, **HX).status_code == 404
    # A commune-only leaf does not exist on a department's page.
    assert client.post(opened.leaf_url("1.3.2"), {"value": "có"}, **HX).status_code == 404
