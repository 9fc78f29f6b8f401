"""Demo step of the audit trail: the other steps wrote their changes through the services, so
the demo ends by checking the chain they built, as ``parindex audit verify`` would."""

from __future__ import annotations

from collections.abc import Callable

from parindex.audit.verify import verify_chain


def build(*, log: Callable[[str], None]) -> None:
    report = verify_chain()
    if report.error is not None:
        raise RuntimeError(f"demo audit chain broken at {report.error}")
    log(f"audit trail: {report.count} events, chain intact (head {report.head_hash[:16]}…)")
