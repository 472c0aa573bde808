"""How events, cases, employers and keys look in API v1 (the JSON clients read).

Apart on purpose from the rows read models store (``projections/``, versioned
with their projection). A case event is shown as the line the tenant chain
signs (``service/proof/feed_line.py``, frozen), so what a client reads is
what an auditor verifies; anything the API adds later goes on top of it.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from domain.access import ApiKey
from domain.aow import aow_date
from domain.assessment import Assessment
from domain.calendar import SickPeriod, sick_days, week_of_day
from domain.case import Case
from domain.commitments import readable
from domain.employer import Employer
from domain.facts import legal_date
from domain.hashchain import format_instant
from domain.obligations import Obligation
from domain.policy import Policy, TenantPolicy
from domain.reintegration import THRESHOLD_PERCENTAGE, ReintegrationResult
from domain.trajectories import trajectories
from domain.verification import Verification
from service.proof.feed_line import case_line


def event_json(event: Case.Event) -> dict[str, Any]:
    """A case event as every answer shows it: the line the tenant chain signs.

    Fields the API may add later go on top; the signed line itself never changes.
    """
    return case_line(event)


def case_json(case: Case, now: datetime, assessment: Assessment) -> dict[str, Any]:
    """The case as known at ``now``; sick days, week and risk are judged on that day."""
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
        "track": case.track,
        "version": case.version,
        "head_hash": case.head_hash,
        "recovered_on": iso_date(case.recovered_on),
        "closed_on": iso_date(closing.occurred_on if closing else None),
        "closing_reason": closing.data.get("reason") if closing else None,
        "corrected_event_ids": [f.event_id for f in case.facts if f.corrected_by],
        "aow_date": iso_date(aow_date(_born(case))),
        "opened_at": format_instant(case.created_on),
        "updated_at": format_instant(case.modified_on),
        **case_clock(case.sick_periods, now),
        "loonsanctie_risk": assessment.risk.level,
        "risk_reasons": assessment.risk.reasons,
        "reintegration": reintegration_json(assessment.reintegration),
        "trajectories": trajectories_json(case, assessment),
    }


def trajectories_json(case: Case, assessment: Assessment) -> list[dict[str, Any]]:
    """Each trajectory the bureau runs on the case, as it stands on the day judged."""
    day = assessment.judged_on
    reports = [
        o
        for o in assessment.obligations
        if o.code == "traject_voortgang" and o.status in ("open", "overdue")
    ]
    found = []
    for trajectory in trajectories(case.facts):
        status = trajectory.status_on(day)
        plan = trajectory.start.data.get("plan") or {}
        found.append(
            {
                "number": trajectory.number,
                "track": trajectory.track,
                "provider": trajectory.start.data.get("provider"),
                "coach": trajectory.start.data.get("coach"),
                "plan": plan,
                "status": status,
                "started_on": trajectory.started_on.isoformat(),
                "ended_on": iso_date(trajectory.ended_on),
                "end_reason": trajectory.end.data.get("reason") if trajectory.end else None,
                "activities": trajectory.counts(),
                "last_activity_on": iso_date(trajectory.last_activity_on),
                "resistance_signals": len(trajectory.resistance),
                "reports": len(trajectory.reports),
                "next_report_due": iso_date(reports[0].due_on)
                if reports and status != "ended"
                else None,
            }
        )
    return found


def obligation_json(obligation: Obligation) -> dict[str, Any]:
    return {
        "code": obligation.code,
        "label": obligation.kind.label,
        "due_on": obligation.due_on.isoformat(),
        "status": obligation.status,
        "met_on": iso_date(obligation.met_on),
        "recorded_at": format_instant(obligation.recorded_at) if obligation.recorded_at else None,
        "recorded_late": obligation.recorded_late,
        "event_ids": list(obligation.event_ids),
        "occurrence": obligation.occurrence,
        "early": obligation.early,
        "ground": obligation.ground,
        "source": obligation.kind.source,
        **({"missing": list(obligation.missing)} if obligation.missing else {}),
    }


def obligations_json(case: Case, now: datetime, assessment: Assessment) -> dict[str, Any]:
    return {
        "case_id": str(case.id),
        "as_of": format_instant(now),
        "judged_on": assessment.judged_on.isoformat(),
        "version": case.version,
        "loonsanctie_risk": assessment.risk.level,
        "risk_reasons": assessment.risk.reasons,
        "obligations": [obligation_json(o) for o in assessment.obligations],
        "reintegration": reintegration_json(assessment.reintegration),
    }


def reintegration_json(result: ReintegrationResult) -> dict[str, Any]:
    return {
        "wage_value_percentage": result.wage_value_percentage,
        "threshold_percentage": THRESHOLD_PERCENTAGE,
        "reaches_threshold": result.reaches_threshold,
        "since": iso_date(result.since),
        "event_ids": list(result.event_ids),
        "satisfactory": result.satisfactory,
        "indicative_65": result.indicative_65,
    }


def verification_json(result: Verification) -> dict[str, Any]:
    return {
        "valid": result.valid,
        "events_checked": result.events_checked,
        "head_hash": result.head_hash,
        "problems": result.problems,
    }


def _born(case: Case) -> date | None:
    born = readable(case.employee.get("date_of_birth"))
    return date.fromisoformat(born) if born else None


def iso_date(day: date | None) -> str | None:
    return day.isoformat() if day else None


def case_clock(periods: list[SickPeriod], now: datetime) -> dict[str, Any]:
    """What changes with the calendar alone: computed when asked, never stored."""
    days = sick_days(periods, legal_date(now))
    return {"sick_days": days, "week": week_of_day(days), "as_of": format_instant(now)}


def employer_json(employer: Employer) -> dict[str, Any]:
    return {
        "id": str(employer.id),
        **employer_fields(employer),
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


def employer_fields(employer: Any) -> dict[str, Any]:
    """What an employer is registered with: on the aggregate and on its event alike."""
    return {
        "name": employer.name,
        "kvk_number": employer.kvk_number,
        "eigenrisicodrager_zw": employer.eigenrisicodrager_zw,
        "eigenrisicodrager_wga": employer.eigenrisicodrager_wga,
    }


def policy_fields(event: TenantPolicy.Changed) -> dict[str, Any]:
    return {
        "recorded_late_days": event.recorded_late_days,
        "melding_arbodienst_days": event.melding_arbodienst_days,
    }


def policy_json(policy: TenantPolicy | None) -> dict[str, Any]:
    """The bureau's thresholds now, the defaults they may only tighten, and their history."""
    current = policy.at() if policy else Policy()
    return {
        **current.as_dict(),
        "defaults": Policy().as_dict(),
        "history": [
            {"changed_at": format_instant(changed), **p.as_dict()}
            for changed, p in (policy.history if policy else [])
        ],
    }
