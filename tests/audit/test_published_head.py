"""Publishing a cycle's results records the audit chain's head (last event number and hash) with
the publication and shows it on the published cycle's page, so it can be written into the
decision and checked later with ``parindex audit verify --expect``."""

from __future__ import annotations

import datetime

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction
from django.test import Client
from django.utils import translation
from web.appraisals_fixtures import Appraisal, all_appraised, build_appraisal
from web.confirming import confirmed_post
from web.english_fragments import english_in
from web.factories import admin_create, browse, build_world

from parindex.appraisals import services
from parindex.audit.models import AuditEvent, AuditHead, PublishedHead
from parindex.audit.selectors import published_head
from parindex.audit.services import audit_record
from parindex.audit.verify import verify_chain

from .helpers import delete_published_heads, truncate_from

pytestmark = pytest.mark.django_db

DECISION = "Quyết định 12/QĐ-UBND"
DECIDED_ON = datetime.date(2025, 1, 15)


@pytest.fixture
def approved(settings) -> Appraisal:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    ap = build_appraisal(build_world(), admin_create())
    all_appraised(ap)
    services.cycle_approve(cycle=ap.cycle, actor=ap.council)
    return ap


def test_publication_records_the_head_after_its_own_events(approved: Appraisal) -> None:
    services.cycle_publish(
        cycle=approved.cycle,
        actor=approved.council,
        decision=DECISION,
        decision_date=DECIDED_ON,
    )
    stored = PublishedHead.objects.get(cycle_id=approved.cycle.pk)
    head = AuditHead.objects.get(pk=1)
    last = AuditEvent.objects.order_by("sequence").last()
    assert (stored.sequence, stored.hash) == (head.sequence, head.hash)
    assert (stored.sequence, stored.hash) == (last.sequence, last.hash)
    assert last.action == "cycle.state" and last.after["state"] == "published"
    assert stored.decision == DECISION
    assert stored.text == f"{head.sequence}:{head.hash}"
    approved.cycle.refresh_from_db()
    assert published_head(approved.cycle) == stored


def test_a_refused_publication_records_no_head(approved: Appraisal) -> None:
    with pytest.raises(services.AppraisalError):
        services.cycle_publish(cycle=approved.cycle, actor=approved.editor_a)
    assert not PublishedHead.objects.exists()


def test_the_published_page_shows_the_head(approved: Appraisal) -> None:
    response = confirmed_post(
        browse(approved.council),
        approved.url("publish"),
        {"decision": DECISION, "decision_date": DECIDED_ON.isoformat()},
    )
    assert response.status_code == 302
    stored = PublishedHead.objects.get(cycle_id=approved.cycle.pk)
    html = Client().get(f"/cycles/{approved.cycle.pk}/").content.decode()
    assert f'data-audit-head="{stored.text}"' in html
    assert f"parindex audit verify --expect {stored.text}" in html
    assert "Đầu chuỗi nhật ký thay đổi khi công bố" in html
    assert english_in(html) == []
    english = Client()
    english.cookies["django_language"] = "en"
    assert (
        "Audit trail head at publication"
        in english.get(f"/cycles/{approved.cycle.pk}/").content.decode()
    ), "the English page"


def test_an_unpublished_cycle_shows_no_head(approved: Appraisal) -> None:
    html = browse(approved.council).get(f"/cycles/{approved.cycle.pk}/").content.decode()
    assert "data-audit-head" not in html


def test_stored_publication_heads_are_checked_by_plain_verify(approved: Appraisal) -> None:
    services.cycle_publish(
        cycle=approved.cycle,
        actor=approved.council,
        decision=DECISION,
        decision_date=DECIDED_ON,
    )
    stored = PublishedHead.objects.get()
    with transaction.atomic():
        audit_record(actor=None, action="answer.value", after={"value": "1"})
    report = verify_chain()
    assert report.ok and report.published_heads_checked == 1
    truncate_from(stored.sequence)
    with translation.override("en"):
        report = verify_chain()
    assert not report.ok
    assert report.error.sequence == stored.sequence
    assert "recorded at a publication" in report.error.problem


def test_truncation_with_the_stored_head_removed_needs_the_exported_head(
    approved: Appraisal,
) -> None:
    services.cycle_publish(
        cycle=approved.cycle,
        actor=approved.council,
        decision=DECISION,
        decision_date=DECIDED_ON,
    )
    exported = PublishedHead.objects.get().text  # as printed on the page and in the decision
    sequence = PublishedHead.objects.get().sequence
    truncate_from(sequence - 1)
    delete_published_heads()
    call_command("audit_verify")  # the documented limit: plain verify cannot see it
    with pytest.raises(CommandError) as failure:
        call_command("audit_verify", expect=exported)
    assert failure.value.returncode == 1
    assert f"expected head #{sequence} is not in the chain" in str(failure.value)
