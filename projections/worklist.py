"""The worklist: every obligation of the tenant's open cases still to be met.

"Overdue" changes with the calendar, not only with events, so the rows keep
due dates and the status is judged when asked: the list is right on a day
when nothing was recorded. Recurring evaluations nothing has met yet are
stored up to the end of the waiting period, each with ``listed_from`` (the
previous one's due date): a later one shows only once the one before it is
overdue, as the obligations of the case show it (:meth:`Schedule.on`).
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from domain.obligations import INCOMPLETE, schedule
from domain.policy import Policy
from projections.case_projection import CaseProjection, Touched
from projections.store import Session, employer_scope

Key = tuple[str, str, str, int]
"""Where a page ends: (due_on, case_id, code, occurrence)."""


class Worklist(CaseProjection):
    name = "worklist"
    version = 2
    """2: the RIV test's obligations (advice follow-ups, arbeidsdeskundig onderzoek,
    deskundigenoordeel), terms in sick days, nothing after einde wachttijd, an incomplete
    RIV listed until a complete one comes."""
    tables = ("items",)

    def create(self, session: Session) -> None:
        table = self.table("items")
        session.execute(
            f"CREATE TABLE IF NOT EXISTS {table} ("
            "case_id TEXT NOT NULL, employer_id TEXT NOT NULL, code TEXT NOT NULL, "
            "occurrence INTEGER NOT NULL, due_on TEXT NOT NULL, listed_from TEXT, "
            "employee TEXT NOT NULL, incomplete INTEGER NOT NULL, "
            "PRIMARY KEY (case_id, code, occurrence))"
        )
        session.execute(
            f"CREATE INDEX IF NOT EXISTS {self.build}_items_due "
            f"ON {table} (due_on, case_id, code, occurrence)"
        )
        session.execute(
            f"CREATE INDEX IF NOT EXISTS {self.build}_items_employer "
            f"ON {table} (employer_id, due_on, case_id, code, occurrence)"
        )

    def prepare_cases(self, touched: list[Touched], policy: Policy) -> Any:
        """Per touched case, its pending obligations; none once it is no longer open."""
        prepared = []
        for found in touched:
            case = found.case
            rows = []
            if case.status == "open":
                plan = schedule(case.facts, policy, found.regime)
                employee = json.dumps(
                    {k: v for k, v in case.employee.items() if k in ("name", "personnel_number")}
                )
                rows = [
                    (
                        str(case.id),
                        case.employer_id,
                        o.code,
                        o.occurrence or 0,
                        o.due_on.isoformat(),
                        o.listed_from.isoformat() if o.listed_from else None,
                        employee,
                        int(o.status == INCOMPLETE),
                    )
                    for o in plan.pending(until=plan.einde_wachttijd)
                ]
            prepared.append((str(case.id), rows))
        return prepared

    def write(self, session: Session, prepared: list[tuple[str, list[tuple[Any, ...]]]]) -> None:
        table = self.table("items")
        session.executemany(
            f"DELETE FROM {table} WHERE case_id = ?", [(case_id,) for case_id, _ in prepared]
        )
        rows = [row for _, case_rows in prepared for row in case_rows]
        if rows:
            session.executemany(
                f"INSERT INTO {table} (case_id, employer_id, code, occurrence, due_on, "
                "listed_from, employee, incomplete) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                rows,
            )

    def page(
        self,
        session: Session,
        *,
        today: date,
        due_before: date,
        after: Key | None,
        limit: int,
        employer_id: str | None = None,
        visible: frozenset[str] | None = None,
    ) -> tuple[list[dict[str, Any]], Key | None]:
        """Overdue or due before ``due_before``, soonest first, as judged on ``today``."""
        bound = max(due_before, today)  # overdue items are listed whatever the date asked
        where = ["due_on < ?", "(listed_from IS NULL OR listed_from < ?)"]
        params: list[Any] = [bound.isoformat(), today.isoformat()]
        if after is not None:
            where.append("(due_on, case_id, code, occurrence) > (?, ?, ?, ?)")
            params.extend(after)
        employer_scope(where, params, employer_id, visible)
        rows = session.fetchall(
            "SELECT due_on, case_id, code, occurrence, employer_id, employee, incomplete "
            f"FROM {self.table('items')} WHERE {' AND '.join(where)} "
            "ORDER BY due_on, case_id, code, occurrence LIMIT ?",
            (*params, limit + 1),
        )
        items = [
            {
                "case_id": case_id,
                "employer_id": employer,
                "employee": json.loads(employee),
                "code": code,
                "due_on": due_on,
                "occurrence": occurrence or None,
                "incomplete": bool(incomplete),
            }
            for due_on, case_id, code, occurrence, employer, employee, incomplete in rows[:limit]
        ]
        more = len(rows) > limit
        last = rows[limit - 1] if more else None
        return items, (last[0], last[1], last[2], int(last[3])) if last else None
