"""The feed line the tenant chain signs: frozen.

Every checkpoint ever signed, every export handed to an auditor, hashes these
lines' canonical form (``chain(p) = SHA-256(chain(p-1) || canonical(line))``).
Changing a field, a name or a spelling here breaks every signature in the
field. ``GET /v1/events`` serves exactly these lines, so what an integration
reads is what an auditor verifies; a case's own event answers
(``service/http/representations.py``) may grow, this may not.
``tests/integration/test_release_store.py`` holds it to the lines release 0.1
signed, byte for byte. Lines of events with personal values add ``salts`` (and,
once erased, ``commitments``); the chain hashes their hashed form
(``domain.commitments.hashed_form``), in which neither values nor salts appear.
"""

from __future__ import annotations

from typing import Any
from uuid import uuid5

from domain.case import Case
from domain.commitments import disclosed
from domain.facts import legal_date
from domain.hashchain import format_instant
from domain.policy import TenantPolicy


def case_line(event: Case.Event) -> dict[str, Any]:
    """A case event as the chain signs it: every field its own hash covers, and the hash.

    Personal values are shown with their ``salts`` (or, once erased, only their
    ``commitments``); the chain and the event's hash cover
    ``domain.commitments.hashed_form`` of the line. Events recorded before
    commitments have neither and are shown exactly as release 0.1 signed them.
    """
    data, salts, commitments = disclosed(event.data, event.personal, event.step)
    line = {
        "event_id": event.event_id,
        "case_id": str(event.originator_id),
        "type": event.type_name,
        "version": event.originator_version,
        "schema_version": getattr(type(event), "class_version", 1),
        "occurred_on": event.occurred_on.isoformat(),
        "recorded_at": format_instant(event.timestamp),
        "actor": event.actor,
        "role": event.role,
        "data": data,
        "prev_hash": event.prev_hash,
        "hash": event.hash,
    }
    if salts:
        line["salts"] = salts
    if commitments:
        line["commitments"] = commitments
    return line


def feed_line(event: Any, position: int) -> dict[str, Any]:
    """Any event of the tenant as the chain signs it."""
    if isinstance(event, Case.Event):
        return {**case_line(event), "position": position}
    if isinstance(event, TenantPolicy.Changed):
        kind = "policy_changed"
        data = {
            "recorded_late_days": event.recorded_late_days,
            "melding_arbodienst_days": event.melding_arbodienst_days,
        }
        owner: dict[str, Any] = {}
    else:
        kind = "employer_registered"
        data = {
            "name": event.name,
            "kvk_number": event.kvk_number,
            "eigenrisicodrager_zw": event.eigenrisicodrager_zw,
            "eigenrisicodrager_wga": event.eigenrisicodrager_wga,
        }
        owner = {"employer_id": str(event.originator_id)}
    return {
        "event_id": str(uuid5(event.originator_id, str(event.originator_version))),
        "case_id": None,
        **owner,
        "type": kind,
        "version": event.originator_version,
        "schema_version": 1,
        "occurred_on": legal_date(event.timestamp).isoformat(),
        "recorded_at": format_instant(event.timestamp),
        "actor": event.actor,
        "role": event.role,
        "data": data,
        "prev_hash": None,
        "hash": None,
        "position": position,
    }
