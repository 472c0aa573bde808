"""A new case event's envelope: who recorded it and when, its data sealed, its hash.

Personal values are sealed first (:mod:`domain.commitments`), so the hash,
and the ``data`` the event keeps, cover their commitments; the values and
their salts go apart, in ``personal``.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from uuid import UUID, uuid4

from domain.access import Actor
from domain.commitments import seal
from domain.hashchain import chained_record, hash_record


def new_envelope(
    case_id: UUID,
    version: int,
    event_class: Any,
    on: date,
    recorded_at: datetime,
    by: Actor,
    data: dict[str, Any],
    prev_hash: str,
    paths: list[str],
) -> dict[str, Any]:
    """A new event's chained fields: the values at ``paths`` sealed, the rest as they are.

    ``event_class`` is a ``Case.Event`` class: its ``type_name`` and
    ``class_version`` are hashed (typed loosely: the case module imports this one).
    """
    hashed, personal = seal(data, paths)
    envelope = {
        "event_id": str(uuid4()),
        "occurred_on": on,
        "actor": by.id,
        "role": by.role,
        "data": hashed,
        "prev_hash": prev_hash,
    }
    record = chained_record(
        case_id=str(case_id),
        version=version,
        type=event_class.type_name,
        schema_version=getattr(event_class, "class_version", 1),
        recorded_at=recorded_at,
        committed=list(personal),
        **envelope,
    )
    return {**envelope, "hash": hash_record(record), "personal": personal or None}
