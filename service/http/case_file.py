"""The case file: every recorded step's facts as they stand now, and how they were corrected.

What a casemanager reads to know the current plan van aanpak, the latest
evaluation, the bedrijfsarts, the spoor-2 coach; and what an auditor reads to
see, for each corrected fact, the value first recorded and the value now.
"""

from __future__ import annotations

from typing import Any

from domain.assessment import Assessment
from domain.case import Case
from domain.facts import Correction, Fact, in_legal_order
from domain.hashchain import format_instant
from domain.steps.catalogue import step_of
from service.http import auth


def case_file(case: Case, assessment: Assessment) -> list[dict[str, Any]]:
    """The facts of the case in legal order, corrections applied; correcties show inside them."""
    return [
        fact_json(fact, fact.event_id in assessment.recorded_late)
        for fact in in_legal_order(case.facts)
        if fact.type != "correctie"
    ]


def fact_json(fact: Fact, recorded_late: bool) -> dict[str, Any]:
    return {
        "type": fact.type,
        "label": step_of(fact).label,
        "event_id": fact.event_id,
        "version": fact.version,
        "occurred_on": fact.occurred_on.isoformat(),
        "recorded_at": format_instant(fact.recorded_at),
        "recorded_late": recorded_late,
        "data": fact.data,
        "corrections": [correction_json(c) for c in fact.corrections],
    }


def correction_json(correction: Correction) -> dict[str, Any]:
    return {
        "event_id": correction.event_id,
        "reason": correction.reason,
        "recorded_at": format_instant(correction.recorded_at),
        "changes": correction.changes,
    }


def with_names(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """List rows with the names a person looks for: the employee's and the employer's."""
    names: dict[str, str | None] = {}
    tenant = auth.tenant()
    for row in rows:
        employer_id = row["employer_id"]
        if employer_id not in names:  # once a page per employer
            names[employer_id] = tenant.employer_name(employer_id)
        row["employee_name"] = (row.get("employee") or {}).get("name")
        row["employer_name"] = names[employer_id]
    return rows
