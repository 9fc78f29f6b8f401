"""The audit demo step checks the chain the other demo steps built."""

from __future__ import annotations

import pytest
from django.db import transaction
from web.factories import build_world

from parindex.audit import demo
from parindex.audit.models import AuditHead, PublishedHead
from parindex.audit.services import audit_record

from .helpers import tamper_after

pytestmark = pytest.mark.django_db


def test_logs_an_intact_chain() -> None:
    with transaction.atomic():
        audit_record(actor=None, action="answer.value", after={"value": "1"})
    lines: list[str] = []
    demo.build(log=lines.append)
    assert lines and lines[0].startswith("audit trail: 1 events, chain intact")


def test_refuses_a_broken_chain() -> None:
    with transaction.atomic():
        audit_record(actor=None, action="answer.value", after={"value": "1"})
    tamper_after(1, {"value": "2"})
    with pytest.raises(RuntimeError, match="event #1"):
        demo.build(log=print)


def test_records_the_head_for_the_demos_published_cycles() -> None:
    world = build_world()
    with transaction.atomic():
        audit_record(actor=None, action="answer.value", after={"value": "1"})
    lines: list[str] = []
    demo.build(log=lines.append)
    head = AuditHead.objects.get(pk=1)
    stored = PublishedHead.objects.get()
    assert stored.cycle_id == world.published.pk
    assert (stored.sequence, stored.hash) == (head.sequence, head.hash)
    assert f"audit head {stored.text} recorded" in lines[-1]
    demo.build(log=lines.append)  # a second run records nothing more
    assert PublishedHead.objects.count() == 1
