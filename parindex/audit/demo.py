"""Demo step of the audit trail: the other steps wrote their changes through the services, so
the demo ends by checking the chain they built, as ``parindex audit verify`` would.

The demo's published cycles are created already published, before any event; a real
publication records the chain head (``services.record_published_head``), so this step records
the head it checked for each of them, and their pages show it as a publication's page would."""

from __future__ import annotations

from collections.abc import Callable

from django.db import transaction
from django.utils import translation

from parindex.audit.models import PublishedHead
from parindex.audit.services import record_published_head
from parindex.audit.verify import verify_chain
from parindex.cycles.models import Cycle


def build(*, log: Callable[[str], None]) -> None:
    with translation.override("en"):  # the demo's log is in English
        report = verify_chain()
        if report.error is not None:
            raise RuntimeError(f"demo audit chain broken at {report.error}")
    log(f"audit trail: {report.count} events, chain intact (head {report.head})")
    recorded = set(PublishedHead.objects.values_list("cycle_id", flat=True))
    with transaction.atomic():
        for cycle in Cycle.objects.filter(state=Cycle.State.PUBLISHED).order_by("year"):
            if cycle.pk not in recorded:
                head = record_published_head(cycle_id=cycle.pk, decision=cycle.publication_decision)
                log(f"cycle {cycle.year}: audit head {head.text} recorded as published")
