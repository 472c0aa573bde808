"""How events, cases, employers and keys look in API v1 (API.md, *Event*)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from domain.access import ApiKey
from domain.case import Case, legal_date
from domain.employer import Employer
from domain.hashchain import format_instant


def event_json(event: Case.Event) -> dict[str, Any]:
    return {
        "event_id": event.event_id,
        "case_id": str(event.originator_id),
        "type": event.type_name,
        "version": event.originator_version,
        "schema_version": getattr(type(event), "class_version", 1),
        "occurred_on": event.occurred_on.isoformat(),
        "recorded_at": format_instant(event.timestamp),
        "actor": event.actor,
        "role": event.role,
        "data": event.data,
        "prev_hash": event.prev_hash,
        "hash": event.hash,
    }


def case_json(case: Case, now: datetime) -> dict[str, Any]:
    """The case as known at ``now``; sick days and week are counted up to that day."""
    today = legal_date(now)
    closing = case.closing
    opening = case.opening.data
    return {
        "case_id": str(case.id),
        "employer_id": case.employer_id,
        "employee": case.employee,
        "status": case.status,
        "first_sick_day": case.first_sick_day.isoformat(),
        "reported_on": opening["reported_on"],
        "expected_duration_weeks": opening.get("expected_duration_weeks"),
        "work_accident": opening.get("work_accident"),
        "third_party_liable": opening.get("third_party_liable"),
        "vangnet": opening.get("vangnet"),
        "sick_days": case.sick_days(today),
        "week": case.week(today),
        "track": case.track,
        "loonsanctie_risk": None,
        "version": case.version,
        "head_hash": case.head_hash,
        "recovered_on": case.recovered_on.isoformat() if case.recovered_on else None,
        "closed_on": closing.occurred_on.isoformat() if closing else None,
        "closing_reason": closing.data.get("reason") if closing else None,
        "corrected_event_ids": [f.event_id for f in case.facts if f.corrected_by],
        "opened_at": format_instant(case.created_on),
        "updated_at": format_instant(case.modified_on),
        "as_of": format_instant(now),
    }


def employer_json(employer: Employer) -> dict[str, Any]:
    return {
        "id": str(employer.id),
        "name": employer.name,
        "kvk_number": employer.kvk_number,
        "eigenrisicodrager_zw": employer.eigenrisicodrager_zw,
        "eigenrisicodrager_wga": employer.eigenrisicodrager_wga,
        "created_at": format_instant(employer.created_on),
    }


def key_json(key: ApiKey, plain: str | None = None) -> dict[str, Any]:
    body = {
        "id": str(key.id),
        "name": key.name,
        "role": key.role,
        "employer_ids": key.employer_ids,
        "revoked": key.revoked,
    }
    if plain is not None:
        body["key"] = plain
    return body
