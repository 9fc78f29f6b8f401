"""The audit demo step checks the chain the other demo steps built."""

from __future__ import annotations

import pytest
from django.db import transaction

from parindex.audit import demo
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
