"""Where a tenant's read models live: beside its events, in the same schema or file.

A projection writes its rows and its tracking position in one transaction
(:meth:`ReadModelStore.apply`), so after any crash it resumes exactly where
it stopped: no event is applied twice or skipped. Tracking is the
``eventsourcing`` library's (``Tracking`` and its tracking recorders); on top
of the library's "only forward" check, :meth:`apply` locks the tracking row
and checks it still holds the position the batch was read from, so two
runners can never both apply the same events.

Projections write portable SQL with ``?`` placeholders and ``{table}``
names; this module turns them into the store's dialect.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from eventsourcing.persistence import IntegrityError, Notification, Tracking
from eventsourcing.postgres import PostgresTrackingRecorder
from eventsourcing.sqlite import SQLiteTrackingRecorder

TRACKING_TABLE = "projection_tracking"
BUILDS_TABLE = "projection_builds"


class StaleBatch(Exception):
    """Another runner moved this build on since the batch was read; re-read and go on."""


class Session:
    """A transaction on the read-model store, speaking portable SQL."""

    def __init__(self, store: ReadModelStore, cursor: Any) -> None:
        self.store = store
        self.cursor = cursor

    def execute(self, sql: str, params: Sequence[Any] = ()) -> None:
        self.cursor.execute(self.store.dialect(sql), tuple(params))

    def executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        self.cursor.executemany(self.store.dialect(sql), [tuple(r) for r in rows])

    def fetchall(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        self.execute(sql, params)
        return [
            tuple(row.values()) if isinstance(row, dict) else tuple(row)
            for row in self.cursor.fetchall()
        ]

    def fetchone(self, sql: str, params: Sequence[Any] = ()) -> tuple[Any, ...] | None:
        rows = self.fetchall(sql, params)
        return rows[0] if rows else None


class ReadModelStore:
    """One tenant's read-model tables and projection tracking."""

    def __init__(self, application: Any) -> None:
        self.application = application
        self.events = application.recorder
        datastore = application.factory.datastore
        self.datastore = datastore
        self.is_postgres = hasattr(datastore, "schema")
        if self.is_postgres:
            self.tracking = PostgresTrackingRecorder(datastore, tracking_table_name=TRACKING_TABLE)
            self.tracking_table = TRACKING_TABLE
            self._prefix = f'"{datastore.schema}".'
        else:  # the library's SQLite tracking table has a fixed name
            self.tracking = SQLiteTrackingRecorder(datastore)
            self.tracking_table = "tracking"
            self._prefix = ""
        self.tracking.create_table()
        with self.transaction() as session:
            session.execute(
                f"CREATE TABLE IF NOT EXISTS {self.table(BUILDS_TABLE)} ("
                "projection TEXT NOT NULL, build TEXT NOT NULL, version INTEGER NOT NULL, "
                "generation INTEGER NOT NULL, ready INTEGER NOT NULL DEFAULT 0, "
                "PRIMARY KEY (projection, build))"
            )

    # --- dialect -------------------------------------------------------------------

    def table(self, name: str) -> str:
        return f'{self._prefix}"{name}"'

    def dialect(self, sql: str) -> str:
        return re.sub(r"\?", "%s", sql) if self.is_postgres else sql

    @contextmanager
    def transaction(self, *, commit: bool = True) -> Iterator[Session]:
        with self.datastore.transaction(commit=commit) as cursor:
            yield Session(self, cursor)

    def read(self, fn: Callable[[Session], Any]) -> Any:
        with self.transaction(commit=False) as session:
            return fn(session)

    # --- the events ----------------------------------------------------------------

    def head(self) -> int:
        """The position of the tenant's newest event (0 when there is none)."""
        return self.events.max_notification_id() or 0

    def notifications(self, after: int, limit: int) -> Sequence[Notification]:
        return self.events.select_notifications(after, limit, inclusive_of_start=False)

    # --- tracking ------------------------------------------------------------------

    def position(self, build: str) -> int:
        return self.tracking.max_tracking_id(build) or 0

    def start_tracking(self, session: Session, build: str) -> None:
        """A new build starts at position 0 with a tracking row to lock from the first batch on."""
        self.tracking._insert_tracking(session.cursor, Tracking(build, 0))

    def apply(self, build: str, expected: int, new: int, write: Callable[[Session], None]) -> None:
        """Run ``write`` and move ``build`` from ``expected`` to ``new``, all or nothing."""
        with self.transaction() as session:
            current = self._lock_tracking(session, build)
            if current != expected:
                raise StaleBatch(build)
            write(session)
            try:
                self.tracking._insert_tracking(session.cursor, Tracking(build, new))
            except IntegrityError:
                raise StaleBatch(build) from None

    def _lock_tracking(self, session: Session, build: str) -> int:
        """Serialize appliers of one build: lock its tracking row, then read it."""
        table = self.table(self.tracking_table)
        if self.is_postgres:
            row = session.fetchone(
                f"SELECT notification_id FROM {table} WHERE application_name = ? FOR UPDATE",
                (build,),
            )
        else:  # a write first takes SQLite's write lock, so the read below is current
            session.execute(
                f"UPDATE {table} SET notification_id = notification_id WHERE application_name = ?",
                (build,),
            )
            row = session.fetchone(
                f"SELECT notification_id FROM {table} WHERE application_name = ?", (build,)
            )
        return int(row[0]) if row else 0


def employer_scope(
    where: list[str], params: list[Any], employer_id: str | None, visible: frozenset[str] | None
) -> None:
    """Narrow a read-model query to one employer and to the employers a key may see."""
    if employer_id is not None:
        where.append("employer_id = ?")
        params.append(employer_id)
    if visible is not None:
        where.append(f"employer_id IN ({', '.join('?' * len(visible)) or 'NULL'})")
        params.extend(sorted(visible))
