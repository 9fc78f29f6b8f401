"""What every endpoint module shares: path parameters kept within what a database id can be,
the refusals each endpoint documents, and decimal text."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from ninja import Status
from ninja.params.functions import Path

from .errors import ErrorOut

MAX_ID = 2**63 - 1  # a BigAutoField: a larger id is refused by the schema (422), never queried

ID = Path(..., ge=1, le=MAX_ID)
CODE = Path(..., min_length=1, max_length=40)

# Every endpoint may answer these: a body that cannot be read, a bad or missing token,
# parameters outside the schema, a throttled caller.
COMMON: dict[int, Any] = {400: ErrorOut, 401: ErrorOut, 422: ErrorOut, 429: ErrorOut}


def answers(ok: dict[int, Any], *more: int) -> dict[int, Any]:
    """The responses of an endpoint: its own, the common refusals, and ``more`` (403, 404…)."""
    return ok | COMMON | {code: ErrorOut for code in more}


def dec(value: Decimal | str | None) -> str | None:
    """Decimal text as stored (``Decimal("87.500")`` → ``"87.500"``), None kept."""
    return None if value is None else str(value)


Reply = Status[dict[str, object]]  # a body and its status (201, 409…)
