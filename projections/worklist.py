"""The worklist: every obligation of the tenant's open cases still to be met.

"Overdue" changes with the calendar, not only with events, so the rows keep
due dates and the status is judged when asked: the list is right on a day
when nothing was recorded. Recurring evaluations nothing has met yet are
stored up to the end of the waiting period, each with ``listed_from`` (the
previous one's due date): a later one shows only once the one before it is
overdue, as the obligations of the case show it (:meth:`Schedule.on`).

An ended case also has a row while its bewaartermijn runs and nothing keeps it
(:data:`RETENTION_ENDS`): due the day the retention run may erase it, listed once
fewer than :data:`RETENTION_NOTICE` days remain, whatever ``due_before`` asks —
time for the bureau to place a legal hold if a dispute still needs the file.
"""

from __future__ import annotations

import json
from datetime import date, timedelta
from typing import Any

from domain.obligations import INCOMPLETE, schedule
from domain.obligations.kinds import RETENTION_ENDS
from domain.policy import Policy
from domain.retention import erasable_from
from domain.trajectories import trajectories
from projections.case_projection import CaseProjection, Touched
from projections.store import Session, employer_scope

Key = tuple[str, str, str, int]
"""Where a page ends: (due_on, case_id, code, occurrence)."""
RETENTION_NOTICE = timedelta(days=30)
"""How long before a case may be erased the worklist lists it (issue 17; AVG art. 5)."""


class Worklist(CaseProjection):
    name = "worklist"
    version = 3
    """2: the RIV test's obligations (advice follow-ups, arbeidsdeskundig onderzoek,
    deskundigenoordeel), terms in sick days, nothing after einde wachttijd, an incomplete
    RIV listed until a complete one comes, the trajectory's signals, track and coach.
    3: an ended case's bewaartermijn that ends (:data:`RETENTION_ENDS`)."""
    tables = ("items",)

    def create(self, session: Session) -> None:
        table = self.table("items")
        session.execute(
            f"CREATE TABLE IF NOT EXISTS {table} ("
            "case_id TEXT NOT NULL, employer_id TEXT NOT NULL, code TEXT NOT NULL, "
            "occurrence INTEGER NOT NULL, due_on TEXT NOT NULL, listed_from TEXT, "
            "employee TEXT NOT NULL, incomplete INTEGER NOT NULL, track INTEGER NOT NULL, "
            "coach TEXT, PRIMARY KEY (case_id, code, occurrence))"
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
        """Per touched case, its pending obligations (none once it is no longer open), and
        the end of its bewaartermijn by the bureau's retention terms in force."""
        record = self.store.application.policy_record()
        terms = record.retention_at() if record else None
        prepared = []
        for found in touched:
            case = found.case
            rows = []
            track, coach = guided_by(case)
            employee = json.dumps(
                {k: v for k, v in case.employee.items() if k in ("name", "personnel_number")}
            )
            if case.status == "open":
                plan = schedule(case.facts, policy, found.regime)
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
                        track,
                        coach,
                    )
                    for o in plan.pending(until=plan.einde_wachttijd)
                ]
            erasable = erasable_from(case.facts, found.regime, terms)
            if erasable is not None:  # its bewaartermijn ends: listed RETENTION_NOTICE ahead
                listed_from = erasable - RETENTION_NOTICE
                rows.append(
                    (
                        str(case.id),
                        case.employer_id,
                        RETENTION_ENDS,
                        0,
                        erasable.isoformat(),
                        listed_from.isoformat(),
                        employee,
                        0,
                        track,
                        coach,
                    )
                )
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
                "listed_from, employee, incomplete, track, coach) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
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
        coach: str | None = None,
        track: int | None = None,
    ) -> tuple[list[dict[str, Any]], Key | None]:
        """Overdue or due before ``due_before``, soonest first, as judged on ``today``;
        ``coach`` and ``track`` narrow it to a coach's own work or one spoor."""
        bound = max(due_before, today)  # overdue items are listed whatever the date asked
        notice = max(bound, today + RETENTION_NOTICE)  # a bewaartermijn's end, from listed_from
        where = [
            "due_on < ?",
            "(due_on < ? OR code = ?)",
            "(listed_from IS NULL OR listed_from < ?)",
        ]
        params: list[Any] = [
            notice.isoformat(),
            bound.isoformat(),
            RETENTION_ENDS,
            today.isoformat(),
        ]
        if coach is not None:
            where.append("coach = ?")
            params.append(coach.casefold())
        if track is not None:
            where.append("track = ?")
            params.append(track)
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


def guided_by(case: Any) -> tuple[int, str | None]:
    """The spoor the case is in and the coach guiding it: the running trajectory's, else the
    spoor-2 start's (coach names compared case-folded, so ?coach= is forgiving)."""
    running = [t for t in trajectories(case.facts) if t.end is None]
    if running:
        coach = running[-1].start.data.get("coach")
        return running[-1].track, str(coach).casefold() if coach else None
    starts = case.facts_of("spoor_2_start")
    if starts:
        return 2, str(starts[-1].data.get("coach") or "").casefold() or None
    return case.track, None
