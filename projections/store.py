"""Where a tenant's read models live: beside its events, in the same schema or file.

A projection writes its rows and its tracking position in one transaction
(:meth:`ReadModelStore.apply`), so after any crash it resumes exactly where
it stopped: no event is applied twice or skipped. Tracking is the
``eventsourcing`` library's (``Tracking`` and its tracking recorders); on top
of the library's "only forward" check, :meth:`apply` locks the tracking row
and checks it still holds the position the batch was read from, so two
runners can never both apply the same events.

A record a projection cannot process is *quarantined*: a row in
``projection_quarantine`` (projection, position, event id, error, time),
written in the transaction that moves the tracking past it, so one bad record
never stops a tenant's read models. A store that is unavailable is another
matter (:func:`store_unavailable`): nothing is quarantined, the runner retries.

Projections write portable SQL with ``?`` placeholders and ``{table}``
names; this module turns them into the store's dialect.
"""

from __future__ import annotations

import json
import logging
import re
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any
from uuid import UUID

import psycopg
from eventsourcing import persistence
from eventsourcing.persistence import IntegrityError, Notification, Tracking
from eventsourcing.postgres import PostgresTrackingRecorder
from eventsourcing.sqlite import (
    SQLiteConnection,
    SQLiteConnectionPool,
    SQLiteDatastore,
    SQLiteTrackingRecorder,
)

TRACKING_TABLE = "projection_tracking"
BUILDS_TABLE = "projection_builds"
QUARANTINE_TABLE = "projection_quarantine"
SHARED_BATCHES = 4
"""Batches a pass over a tenant's projections keeps for the projections behind the first."""
ERROR_TEXT_LIMIT = 160
"""Characters of an error message kept in the quarantine (after sanitizing)."""

_UNAVAILABLE: tuple[type[BaseException], ...] = (
    persistence.OperationalError,  # also the library's wrapping of sqlite3/psycopg's
    persistence.InterfaceError,
    persistence.InternalError,  # e.g. PostgreSQL "current transaction is aborted"
    psycopg.OperationalError,  # pool timeouts (psycopg_pool.PoolTimeout) included
    psycopg.InterfaceError,
    psycopg.InternalError,
    sqlite3.OperationalError,  # "database or disk is full", "unable to open", "locked"
    sqlite3.InterfaceError,
    sqlite3.InternalError,
    OSError,
    TimeoutError,
)


def store_unavailable(error: BaseException) -> bool:
    """The store, not the record, failed: retry later instead of quarantining.

    Errors the store raises about its own state (down, full, locked, timed out,
    schema missing) say nothing about the record being processed; quarantining
    on them would skip records that are fine.
    """
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        if isinstance(current, _UNAVAILABLE):
            return True
        seen.add(id(current))
        current = current.__cause__ or current.__context__
    return False


_QUOTED = re.compile(r"b?'(?:[^'\\]|\\.)*'" + r'|b?"(?:[^"\\]|\\.)*"')
_LONG_NUMBER = re.compile(r"\d{6,}")


def error_text(error: BaseException) -> str:
    """The error's message without what could be record content, truncated.

    Decode and database errors quote the offending value ('Invalid isoformat
    string: 'Jan de Vries''); quoted parts and long numbers (a BSN) are cut.
    """
    text = _QUOTED.sub("'…'", str(error))
    text = _LONG_NUMBER.sub("…", text)
    text = " ".join(text.split())
    text = "".join(c if c.isprintable() else "?" for c in text)
    if len(text) > ERROR_TEXT_LIMIT:
        text = text[: ERROR_TEXT_LIMIT - 1] + "…"
    return text


def event_id_of(notification: Notification) -> str | None:
    """The stored record's event id when it can still be read, else None."""
    try:
        state = json.loads(bytes(notification.state))
        return str(UUID(str(state["event_id"])))
    except Exception:  # a damaged record: its position identifies it
        return None


@dataclass(frozen=True)
class Quarantined:
    """A record one build of a projection could not process, and why."""

    projection: str
    build: str
    position: int
    event_id: str | None
    error_class: str
    error: str
    quarantined_at: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "projection": self.projection,
            "position": self.position,
            "event_id": self.event_id,
            "error": f"{self.error_class}: {self.error}" if self.error else self.error_class,
            "quarantined_at": self.quarantined_at,
        }


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


SHRED_RETRY = 10.0
"""Seconds between tries of a shredding a reader kept from finishing (each waits up to
:data:`LOG_PATIENCE`)."""

READ_MODEL_FILE = ".read-models.sqlite"
"""On SQLite, a tenant's read models live beside its events file, under this ending."""


def read_model_file(events_file: str) -> str:
    """``tenants/acme.sqlite`` → ``tenants/acme.read-models.sqlite``."""
    return events_file.removesuffix(".sqlite") + READ_MODEL_FILE


class _ReadModelPool(SQLiteConnectionPool):
    """Connections that commit without waiting for the disk (``synchronous=NORMAL``).

    Read models can always be rebuilt from the events, and a power cut loses
    at most the last commits whole — rows and tracking position together — so
    the runner simply applies those events again.
    """

    def _create_connection(self) -> SQLiteConnection:
        connection = super()._create_connection()
        connection._sqlite_conn.execute("PRAGMA synchronous=NORMAL")
        # A row rewritten after an erasure leaves no old bytes in the page (AVG art. 17).
        connection._sqlite_conn.execute("PRAGMA secure_delete=ON")
        return connection


class ReadModelDatastore(SQLiteDatastore):
    """A tenant's read models in their own SQLite file, so that writing them never
    holds the events file's write lock that commands wait for."""

    def __init__(self, path: str, events: SQLiteDatastore) -> None:
        super().__init__(path)
        self.pool = _ReadModelPool(  # as patient as the events file's, no more
            db_name=path,
            lock_timeout=events.pool.lock_timeout,
            pool_timeout=events.pool.pool_timeout,
        )


class ReadModelStore:
    """One tenant's read-model tables and projection tracking.

    On PostgreSQL they live in the tenant's schema, beside its events; on
    SQLite in a file of their own beside the events file (a store of the
    previous release, which kept them in the events file, gets them rebuilt
    there by the runner on its first start).
    """

    def __init__(self, application: Any) -> None:
        self.application = application
        self._reads = threading.local()
        self.memo: dict[str, Any] = {}
        """What projections keep between batches in this process (e.g. folded cases)."""
        self.shred_owed = 0.0
        """When the last :meth:`shred` a reader kept from finishing was tried (0: none owed)."""
        self.events = application.recorder
        datastore = application.factory.datastore
        self.datastore = datastore
        self.is_postgres = hasattr(datastore, "schema")
        if self.is_postgres:
            self.tracking = PostgresTrackingRecorder(datastore, tracking_table_name=TRACKING_TABLE)
            self.tracking_table = TRACKING_TABLE
            self._prefix = f'"{datastore.schema}".'
        else:  # a file of its own; the library's SQLite tracking table has a fixed name
            self.datastore = ReadModelDatastore(read_model_file(datastore.pool.db_name), datastore)
            self.tracking = SQLiteTrackingRecorder(self.datastore)
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
            session.execute(
                f"CREATE TABLE IF NOT EXISTS {self.table(QUARANTINE_TABLE)} ("
                "build TEXT NOT NULL, position INTEGER NOT NULL, projection TEXT NOT NULL, "
                "event_id TEXT, error_class TEXT NOT NULL, error TEXT NOT NULL, "
                "quarantined_at TEXT NOT NULL, PRIMARY KEY (build, position))"
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

    def shred(self) -> bool:
        """Leave no copy of rows an erasure rewrote: on SQLite the write-ahead log keeps
        the pages as they were until it is checkpointed, so checkpoint and truncate it
        (:func:`truncate_log`; False when a reader kept it: then :attr:`shred_owed`, and
        :meth:`shred_after` tries again after the next batch, at most every
        :data:`SHRED_RETRY` seconds). (PostgreSQL keeps dead rows until VACUUM; no query
        or dump shows them.)"""
        if self.is_postgres:
            return True
        done = truncate_log(self.datastore, self.application.slug, "read models")
        self.shred_owed = 0.0 if done else time.monotonic()
        return done

    def shred_after(self, erased: bool) -> None:
        """After a batch: shred when it held an erasure, or when an earlier shredding is
        owed and was last tried :data:`SHRED_RETRY` seconds ago."""
        if erased or (self.shred_owed and time.monotonic() - self.shred_owed > SHRED_RETRY):
            self.shred()

    # --- the events ----------------------------------------------------------------

    def head(self) -> int:
        """The position of the tenant's newest event (0 when there is none)."""
        return self.events.max_notification_id() or 0

    def notifications(self, after: int, limit: int) -> Sequence[Notification]:
        shared: dict[tuple[int, int], Sequence[Notification]] | None = getattr(
            self._reads, "shared", None
        )
        if shared is not None and (after, limit) in shared:
            return shared[(after, limit)]
        batch = self.events.select_notifications(after, limit, inclusive_of_start=False)
        if shared is not None:  # an empty tail too: events after it come with a new wake
            if len(shared) >= SHARED_BATCHES:
                del shared[next(iter(shared))]
            shared[(after, limit)] = batch
        return batch

    @contextmanager
    def shared_reads(self) -> Iterator[None]:
        """Within, in this thread, projections at the same position share one read of the
        batch after it. Sound because a batch after a position never changes: positions
        are handed out in commit order, so a later read can only find more events after
        it, which the next batch reads (or, after an empty tail, the next pass: the events
        that made it come with a wake of their own)."""
        self._reads.shared = {}
        try:
            yield
        finally:
            self._reads.shared = None

    @contextmanager
    def batch_scope(self) -> Iterator[None]:
        """Within, in this thread, the projections preparing one batch together share what
        they read of it (:meth:`batch_shared`: the cases it folded, once for them all)."""
        self._reads.batch = {}
        try:
            yield
        finally:
            self._reads.batch = None

    def batch_shared(self) -> dict[str, Any] | None:
        """What the projections preparing this batch together share; None outside a scope."""
        shared: dict[str, Any] | None = getattr(self._reads, "batch", None)
        return shared

    # --- tracking ------------------------------------------------------------------

    def position(self, build: str) -> int:
        return self.tracking.max_tracking_id(build) or 0

    def start_tracking(self, session: Session, build: str) -> None:
        """A new build starts at position 0 with a tracking row to lock from the first batch on."""
        self.tracking._insert_tracking(session.cursor, Tracking(build, 0))

    def apply(
        self,
        build: str,
        expected: int,
        new: int,
        write: Callable[[Session], None] | None,
        *,
        quarantine: Quarantined | None = None,
    ) -> None:
        """Run ``write`` (or record ``quarantine``) and move ``build`` from ``expected``
        to ``new``, all or nothing."""
        with self.transaction() as session:
            self._move(session, build, expected, new, write)
            if quarantine is not None:
                q = quarantine
                session.execute(
                    f"INSERT INTO {self.table(QUARANTINE_TABLE)} (build, position, projection, "
                    "event_id, error_class, error, quarantined_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                    (
                        q.build,
                        q.position,
                        q.projection,
                        q.event_id,
                        q.error_class,
                        q.error,
                        q.quarantined_at,
                    ),
                )

    def apply_together(
        self, writes: Sequence[tuple[str, Callable[[Session], None]]], expected: int, new: int
    ) -> None:
        """Run every build's ``write`` and move each from ``expected`` to ``new``, in one
        transaction: one write lock (SQLite) or one commit (PostgreSQL) for a batch of all
        the projections, and all or nothing. Tracking rows are locked in the order of their
        names, so two appliers never wait for each other crosswise."""
        with self.transaction() as session:
            for build, write in sorted(writes, key=lambda w: w[0]):
                self._move(session, build, expected, new, write)

    def _move(
        self,
        session: Session,
        build: str,
        expected: int,
        new: int,
        write: Callable[[Session], None] | None,
    ) -> None:
        current = self._lock_tracking(session, build)
        if current != expected:
            raise StaleBatch(build)
        if write is not None:
            write(session)
        try:
            self.tracking._insert_tracking(session.cursor, Tracking(build, new))
        except IntegrityError:
            raise StaleBatch(build) from None

    def quarantined(self, build: str, limit: int | None = None) -> list[Quarantined]:
        """The records this build skipped, newest first."""
        rows = self.read(
            lambda s: s.fetchall(
                "SELECT projection, build, position, event_id, error_class, error, "
                f"quarantined_at FROM {self.table(QUARANTINE_TABLE)} WHERE build = ? "
                "ORDER BY position DESC" + (f" LIMIT {int(limit)}" if limit is not None else ""),
                (build,),
            )
        )
        return [Quarantined(p, b, int(n), e, c, t, a) for p, b, n, e, c, t, a in rows]

    def quarantine_counts(self) -> dict[str, int]:
        """How many records each build skipped."""
        rows = self.read(
            lambda s: s.fetchall(
                f"SELECT build, COUNT(*) FROM {self.table(QUARANTINE_TABLE)} GROUP BY build"
            )
        )
        return {str(b): int(n) for b, n in rows}

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


LOG_PATIENCE = 3.0
"""Seconds :func:`truncate_log` keeps trying while a reader holds the log back."""
log = logging.getLogger("spoorlog.stores")


def truncate_log(datastore: SQLiteDatastore, tenant: str, which: str) -> bool:
    """Checkpoint a SQLite file's write-ahead log into it and truncate the log: True once
    done, so no older copy of a page a delete zeroed (``secure_delete``) is left, in the
    log or in the file's pages the checkpoint overwrites.

    A reader holding an older snapshot keeps the log: SQLite then answers busy without
    raising. So try again with a growing pause (each try waits briefly, not the store's
    whole busy timeout) for at most :data:`LOG_PATIENCE` seconds; then log a warning
    (the tenant and which file, no personal data) and answer False: the caller's next
    truncation finishes it.
    """
    deadline, pause = time.monotonic() + LOG_PATIENCE, 0.05
    with datastore.get_connection(commit=True) as connection:
        cursor = connection.cursor()
        cursor.execute("PRAGMA busy_timeout")
        patient = cursor.fetchone()[0]
        cursor.execute("PRAGMA busy_timeout = 100")
        try:
            while True:
                cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
                busy, _, _ = cursor.fetchone()
                if not busy:
                    return True
                if time.monotonic() + pause > deadline:
                    break
                time.sleep(pause)
                pause = min(pause * 2, 1.0)
        finally:
            cursor.execute(f"PRAGMA busy_timeout = {int(patient)}")
    log.warning(
        "SQLite's write-ahead log of the %s could not be truncated: a reader held it for "
        "%.0f s, so what an erasure deleted may stay in the log and the file until the next "
        "truncation",
        which,
        LOG_PATIENCE,
        extra={"tenant": tenant},
    )
    return False
