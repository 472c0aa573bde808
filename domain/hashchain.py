"""The per-case SHA-256 hash chain that makes tampering evident.

Every event's ``hash`` is SHA-256 over the canonical form of its envelope and
data, which includes ``prev_hash`` (the hash of the case's previous event, or
64 zeros for the first). Changing, removing, reordering or inserting an event
breaks the chain from there on. The canonical form is documented in the
README so an auditor can recompute it in any language.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

GENESIS_HASH = "0" * 64


def canonical_value(value: Any) -> Any:
    """A JSON-native value with one spelling: dates ISO, whole numbers as ints."""
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return value
    if isinstance(value, datetime):
        return format_instant(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, (float, Decimal)):
        return int(value) if value == int(value) else float(value)
    if isinstance(value, int):
        return value
    if isinstance(value, Mapping):
        return {str(k): canonical_value(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [canonical_value(v) for v in value]
    raise TypeError(f"no canonical form for {type(value).__name__}")


def format_instant(instant: datetime) -> str:
    """RFC 3339 in UTC with microseconds: ``2026-11-23T10:15:00.123456Z``."""
    return instant.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def canonical_bytes(record: Mapping[str, Any]) -> bytes:
    """UTF-8 JSON, keys sorted, no whitespace, non-ASCII kept as is."""
    return json.dumps(
        canonical_value(record),
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
        allow_nan=False,
    ).encode("utf-8")


def chained_record(
    *,
    case_id: str,
    version: int,
    event_id: str,
    type: str,
    schema_version: int,
    occurred_on: date,
    recorded_at: datetime,
    actor: str,
    role: str,
    data: Mapping[str, Any],
    prev_hash: str,
    committed: list[str] | None = None,
) -> dict[str, Any]:
    """The fields the hash covers: everything an event says, and its predecessor.

    ``committed`` names the paths in ``data`` that hold a salted commitment
    instead of a personal value (:mod:`domain.commitments`); events without
    any (all of them before commitments) hash without it.
    """
    record = {
        "case_id": case_id,
        "version": version,
        "event_id": event_id,
        "type": type,
        "schema_version": schema_version,
        "occurred_on": occurred_on.isoformat(),
        "recorded_at": format_instant(recorded_at),
        "actor": actor,
        "role": role,
        "data": data,
        "prev_hash": prev_hash,
    }
    if committed:
        record["committed"] = sorted(committed)
    return record


def hash_record(record: Mapping[str, Any]) -> str:
    return hashlib.sha256(canonical_bytes(record)).hexdigest()
