"""The case list: every case of the tenant, filterable by employer and status.

Each row is the case as its aggregate folds its events — the one place the
rules of status (herstel, relapse, afsluiting, corrections) live — so the
list can never disagree with ``GET /v1/cases/{id}``. What changes with the
calendar alone (sick days, week) is computed when asked.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any
from uuid import UUID

from eventsourcing.persistence import Notification
from eventsourcing.utils import get_topic

from domain.case import Case
from projections.projection import Projection
from projections.store import Session
from service.representations import case_summary, periods_json

CASE_TOPIC_PREFIX = get_topic(Case) + "."


class CaseList(Projection):
    name = "case_list"
    version = 1
    tables = ("cases",)

    def create(self, session: Session) -> None:
        session.execute(
            f"CREATE TABLE IF NOT EXISTS {self.table('cases')} ("
            "case_id TEXT PRIMARY KEY, position BIGINT NOT NULL UNIQUE, employer_id TEXT NOT NULL, "
            "status TEXT NOT NULL, version INTEGER NOT NULL, summary TEXT NOT NULL, "
            "periods TEXT NOT NULL, events INTEGER NOT NULL)"
        )

    def prepare(self, batch: Sequence[Notification]) -> list[tuple[Any, ...]]:
        """One row per case touched by the batch, from the case as it now stands."""
        opened_at: dict[str, int] = {}
        touched: dict[str, int] = {}
        for notification in batch:
            if notification.topic.startswith(CASE_TOPIC_PREFIX):
                case_id = str(notification.originator_id)
                touched[case_id] = touched.get(case_id, 0) + 1
                if notification.originator_version == 1:
                    opened_at[case_id] = notification.id
        repository = self.store.application.repository
        rows = []
        for case_id, events in touched.items():
            case: Case = repository.get(UUID(case_id))
            rows.append(
                (
                    case_id,
                    opened_at.get(case_id, 0),
                    case.employer_id,
                    case.status,
                    case.version,
                    json.dumps(case_summary(case)),
                    json.dumps(periods_json(case.sick_periods)),
                    events,
                )
            )
        return rows

    def write(self, session: Session, prepared: list[tuple[Any, ...]]) -> None:
        if prepared:
            session.executemany(
                f"INSERT INTO {self.table('cases')} AS existing "
                "(case_id, position, employer_id, status, version, summary, periods, events) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (case_id) DO UPDATE SET "
                "employer_id = excluded.employer_id, status = excluded.status, "
                "version = excluded.version, summary = excluded.summary, "
                "periods = excluded.periods, events = existing.events + excluded.events",
                prepared,
            )

    def page(
        self,
        session: Session,
        *,
        after: int,
        limit: int,
        employer_id: str | None = None,
        visible: frozenset[str] | None = None,
        status: str | None = None,
    ) -> tuple[list[dict[str, Any]], int | None]:
        """One page of cases in the order they were opened; cursor = opening position."""
        where, params = ["position > ?"], [after]
        if employer_id is not None:
            where.append("employer_id = ?")
            params.append(employer_id)
        if visible is not None:
            where.append(f"employer_id IN ({', '.join('?' * len(visible)) or 'NULL'})")
            params.extend(sorted(visible))
        if status is not None:
            where.append("status = ?")
            params.append(status)
        rows = session.fetchall(
            f"SELECT position, summary, periods FROM {self.table('cases')} "
            f"WHERE {' AND '.join(where)} ORDER BY position LIMIT ?",
            (*params, limit + 1),
        )
        items = [
            {**json.loads(summary), "_periods": json.loads(periods)}
            for _, summary, periods in rows[:limit]
        ]
        more = len(rows) > limit
        return items, (int(rows[limit - 1][0]) if more else None)
