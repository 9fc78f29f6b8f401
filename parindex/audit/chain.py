"""The hash chain: canonical JSON of an event and the keyed hash that links it to the previous one.

``hash = HMAC-SHA256(key, prev_hash + canonical_json(fields))`` where the canonical JSON has
sorted keys, no whitespace and keeps non-ASCII characters as they are (``ensure_ascii=False``),
encoded as UTF-8, and the key is held outside the database (``parindex.audit.keys``). The writer
(``services.audit_record``) and the checker (``audit_verify``) share these functions.
"""

from __future__ import annotations

import datetime
import decimal
import hashlib
import hmac
import json
import uuid
from typing import Any

HASHED_FIELDS = (
    "sequence",
    "created_at",
    "actor_id",
    "action",
    "target_type",
    "target_id",
    "cycle_id",
    "unit_id",
    "leaf_code",
    "before",
    "after",
    "reason",
)


def _encode(value: Any) -> Any:
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, set | frozenset):
        return sorted(value, key=str)
    if isinstance(value, tuple):
        return list(value)
    raise TypeError(f"cannot record a {type(value).__name__} in the audit trail: {value!r}")


def to_json_value(value: Any) -> Any:
    """Plain JSON (dicts, lists, str, int, float, bool, None): Decimal → str, dates → ISO."""
    if value is None:
        return None
    return json.loads(json.dumps(value, default=_encode, ensure_ascii=False))


def canonical_json(value: Any) -> str:
    return json.dumps(
        value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=_encode
    )


def format_time(moment: datetime.datetime) -> str:
    """UTC, microseconds always shown, so SQLite and PostgreSQL give the same text."""
    return moment.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def event_fields(event: Any) -> dict[str, Any]:
    """The hashed fields of an event (a model instance or a row with the same attributes)."""
    return {
        "sequence": int(event.sequence),
        "created_at": format_time(event.created_at),
        "actor_id": event.actor_id,
        "action": event.action,
        "target_type": event.target_type,
        "target_id": event.target_id,
        "cycle_id": event.cycle_id,
        "unit_id": event.unit_id,
        "leaf_code": event.leaf_code,
        "before": event.before,
        "after": event.after,
        "reason": event.reason,
    }


def chain_hash(prev_hash: str, fields: dict[str, Any], key: bytes) -> str:
    """The event's hash under ``key`` (``keys.audit_key().secret``); never unkeyed."""
    if not key:
        raise ValueError("the audit chain's hash needs a key")
    message = (prev_hash + canonical_json(fields)).encode("utf-8")
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def head_text(sequence: int, hash_: str) -> str:
    """A chain head as printed and exported: ``<event number>:<hash>``."""
    return f"{sequence}:{hash_}"


def parse_head(text: str) -> tuple[int, str]:
    """``<event number>:<hash>`` → (number, hash); ``ValueError`` when it is not one."""
    number, sep, hash_ = text.strip().partition(":")
    hash_ = hash_.lower()
    if (
        not sep
        or not (number.isascii() and number.isdigit())
        or int(number) < 1
        or len(hash_) != 64
        or any(c not in "0123456789abcdef" for c in hash_)
    ):
        raise ValueError(text)
    return int(number), hash_
