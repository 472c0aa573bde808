"""The case list: every case of the tenant, filterable by employer, status and risk.

Each row is the case as its aggregate folds its events — the one place the
rules of status (herstel, relapse, afsluiting, corrections) live — so the
list can never disagree with ``GET /v1/cases/{id}``. What changes with the
calendar alone (sick days, week, risk) is judged when asked: the row keeps
the risk's outlook, the days from which the case is at least medium and at
least high if nothing more is recorded (:func:`domain.assessment.risk_outlook`).
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from domain.assessment import RiskOutlook, risk_outlook
from domain.calendar import SickPeriod
from domain.case import Case
from domain.hashchain import format_instant
from domain.policy import Policy
from projections.case_projection import CaseProjection, Touched
from projections.store import Session, employer_scope


class CaseList(CaseProjection):
    name = "case_list"
    version = 3
    """3: a search column (employee name and personnel number) for ``?q=``."""
    tables = ("cases",)

    def create(self, session: Session) -> None:
        session.execute(
            f"CREATE TABLE IF NOT EXISTS {self.table('cases')} ("
            "case_id TEXT PRIMARY KEY, position BIGINT NOT NULL UNIQUE, employer_id TEXT NOT NULL, "
            "status TEXT NOT NULL, version INTEGER NOT NULL, summary TEXT NOT NULL, "
            "periods TEXT NOT NULL, events INTEGER NOT NULL, "
            "medium_from TEXT, high_from TEXT, search TEXT NOT NULL)"
        )

    def prepare_cases(self, touched: list[Touched], policy: Policy) -> list[tuple[Any, ...]]:
        """One row per case touched by the batch, from the case as it now stands."""
        rows = []
        for found in touched:
            case = found.case
            outlook = risk_outlook(case.facts, policy, found.regime)
            rows.append(
                (
                    str(case.id),
                    found.opened_at,
                    case.employer_id,
                    case.status,
                    case.version,
                    json.dumps(case_summary(case)),
                    json.dumps(periods_json(case.sick_periods)),
                    found.events,
                    iso_date(outlook.medium_from),
                    iso_date(outlook.high_from),
                    searchable(case.employee),
                )
            )
        return rows

    def write(self, session: Session, prepared: list[tuple[Any, ...]]) -> None:
        if prepared:
            session.executemany(
                f"INSERT INTO {self.table('cases')} AS existing "
                "(case_id, position, employer_id, status, version, summary, periods, events, "
                "medium_from, high_from, search) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (case_id) DO UPDATE SET "
                "employer_id = excluded.employer_id, status = excluded.status, "
                "version = excluded.version, summary = excluded.summary, "
                "periods = excluded.periods, events = existing.events + excluded.events, "
                "medium_from = excluded.medium_from, high_from = excluded.high_from, "
                "search = excluded.search",
                prepared,
            )

    def page(
        self,
        session: Session,
        *,
        after: int,
        limit: int,
        today: date,
        employer_id: str | None = None,
        visible: frozenset[str] | None = None,
        status: str | None = None,
        risk: str | None = None,
        q: str | None = None,
    ) -> tuple[list[dict[str, Any]], int | None]:
        """One page of cases in the order they were opened; cursor = opening position.

        ``risk`` is judged on ``today`` from the stored outlook, so a case turns
        high on the day a deadline passes even when nothing was recorded.
        """
        where, params = ["position > ?"], [after]
        employer_scope(where, params, employer_id, visible)
        if status is not None:
            where.append("status = ?")
            params.append(status)
        if q:
            where.append("search LIKE ? ESCAPE '\\'")
            params.append(f"%{_escaped(q.casefold())}%")
        if risk is not None:
            condition, values = _RISK_CONDITIONS[risk]
            where.append(condition)
            params.extend([today.isoformat()] * values)
        rows = session.fetchall(
            f"SELECT position, summary, periods, medium_from, high_from FROM {self.table('cases')} "
            f"WHERE {' AND '.join(where)} ORDER BY position LIMIT ?",
            (*params, limit + 1),
        )
        items = [
            {
                **json.loads(summary),
                "_periods": json.loads(periods),
                "loonsanctie_risk": _outlook(medium, high).level_on(today),
            }
            for _, summary, periods, medium, high in rows[:limit]
        ]
        more = len(rows) > limit
        return items, (int(rows[limit - 1][0]) if more else None)


def searchable(employee: dict[str, Any]) -> str:
    """What ``?q=`` matches: the employee's name and personnel number, case-folded."""
    return " ".join(str(employee.get(k) or "") for k in ("name", "personnel_number")).casefold()


def _escaped(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


_RISK_CONDITIONS = {
    # RiskOutlook.level_on in SQL; medium_from <= high_from whenever both are set.
    "high": ("high_from <= ?", 1),
    "medium": ("medium_from <= ? AND (high_from IS NULL OR high_from > ?)", 2),
    "low": ("(medium_from IS NULL OR medium_from > ?)", 1),
}


def _outlook(medium: str | None, high: str | None) -> RiskOutlook:
    return RiskOutlook(
        date.fromisoformat(medium) if medium else None, date.fromisoformat(high) if high else None
    )


def case_summary(case: Case) -> dict[str, Any]:
    """The case as a row of this read model stores it (the list's answer, less the clock)."""
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
        "recovered_on": case.recovered_on.isoformat() if case.recovered_on else None,
        "closed_on": closing.occurred_on.isoformat() if closing else None,
        "closing_reason": closing.data.get("reason") if closing else None,
        "corrected_event_ids": [f.event_id for f in case.facts if f.corrected_by],
        "opened_at": format_instant(case.created_on),
        "updated_at": format_instant(case.modified_on),
    }


def iso_date(day: date | None) -> str | None:
    return day.isoformat() if day else None


def periods_json(periods: list[SickPeriod]) -> list[list[str | None]]:
    return [[p.first.isoformat(), p.last.isoformat() if p.last else None] for p in periods]


def periods_from_json(stored: list[list[str | None]]) -> list[SickPeriod]:
    return [
        SickPeriod(date.fromisoformat(first or ""), date.fromisoformat(last) if last else None)
        for first, last in stored
    ]
