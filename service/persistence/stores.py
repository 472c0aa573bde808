"""Where each tenant's events live: a PostgreSQL schema, or an SQLite file.

On PostgreSQL every tenant has its own schema ``t_<slug>`` (a store per
tenant: no query can reach another tenant's rows), and every tenant's
datastore borrows the connections of one bounded pool per process, so the
number of connections never grows with the number of tenants. The embedded
default keeps one SQLite file per tenant under the data directory. The
control plane has a schema or file of its own.
"""

from __future__ import annotations

import logging
import math
import os
import sqlite3
import threading
import time
from collections.abc import Callable, Hashable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol, TypeVar

import psycopg
import psycopg.errors
import psycopg_pool
from eventsourcing.persistence import (
    InfrastructureFactory,
    IntegrityError,
    InternalError,
    OperationalError,
    PersistenceError,
    ProgrammingError,
)
from eventsourcing.postgres import PostgresDatastore, PostgresFactory
from eventsourcing.sqlite import SQLiteFactory
from psycopg.conninfo import conninfo_to_dict
from psycopg.rows import DictRow
from psycopg.sql import SQL, Identifier

from projections.store import BUILDS_TABLE, QUARANTINE_TABLE, TRACKING_TABLE, read_model_file
from service.config import Settings
from service.persistence.availability import StoreUnavailable, _reason, store_unavailable
from service.persistence.recorders import PostgresTenantRecorder, SQLiteTenantRecorder
from service.proof.merkle_store import HEADS

CONTROL = "control"
"""The name of the control plane's store, beside the tenants'."""

log = logging.getLogger("spoorlog.stores")

T = TypeVar("T")

TENANT_EVENTS = "tenant_events"
"""A tenant's events table on PostgreSQL: the library names it after the application
(``TenantApplication.name``); on SQLite it is always ``stored_events``."""

_BUILDS = (
    "SELECT b.projection, b.build, b.version, b.ready, "
    "(SELECT MAX(t.notification_id) FROM {tracking} t WHERE t.application_name = b.build), "
    "(SELECT COUNT(*) FROM {quarantine} q WHERE q.build = b.build) "
    "FROM {builds} b ORDER BY b.projection, b.version, b.generation"
)
"""Every build of a tenant's read models with its position and quarantined records."""


@dataclass(frozen=True)
class BuildState:
    """One build of a read model as its store holds it (see :mod:`projections.projection`)."""

    projection: str
    build: str
    version: int
    ready: bool
    position: int
    quarantined: int


def retry_setup(make: Callable[[], T], attempts: int = 8) -> T:
    """Open a store, retrying its (idempotent) DDL when another process ran it at the same time.

    PostgreSQL's ``IF NOT EXISTS`` and ``CREATE OR REPLACE`` are not safe
    against a concurrent twin: gunicorn workers and the projection runner
    starting together see ``duplicate key`` or ``tuple concurrently updated``.
    The second attempt finds everything in place.
    """
    for attempt in range(attempts):
        try:
            return make()
        except (IntegrityError, InternalError, ProgrammingError, OperationalError) as error:
            if attempt == attempts - 1 or store_unavailable(error):
                raise
            time.sleep(0.05 * (attempt + 1))
    raise AssertionError("unreachable")


def schema_name(slug: str) -> str:
    """``t_<slug>`` with hyphens as underscores (slugs have no underscores, so it is 1:1)."""
    return "t_" + slug.replace("-", "_")


class Stores(Protocol):
    """Makes the eventsourcing infrastructure factory for one tenant's store."""

    def factory(self, store: str, env: Any, *, make: bool = True) -> InfrastructureFactory[Any]:
        """The factory on the store; with ``make`` the store (its schema) is made when
        missing, else the caller makes it (:meth:`make`) once it finds it missing."""
        ...

    def make(self, store: str) -> None:
        """Make the store itself (not its tables) when missing."""
        ...

    def drop(self, store: str) -> None: ...

    def change_marker(self, store: str) -> Hashable:
        """Something that differs once the store has recorded anything new (cheap to read)."""
        ...

    def head(self, store: str) -> int | None:
        """The store's newest notification id, read without opening its Application."""
        ...

    def builds(self, store: str) -> list[BuildState]:
        """The tenant's read-model builds, in one query without opening its Application
        (none before its read models were first made)."""
        ...

    def signed_size(self, store: str) -> int:
        """The size of the tenant's newest signed tree head (0: none), without opening it."""
        ...

    def close(self) -> None: ...


class GuardedDatastore(PostgresDatastore):
    """The library's datastore, bounded in time: an unavailable server is a quick 503.

    Waiting for a pooled connection ends after the store timeout; then, or when
    a statement or lock wait ran past it, :class:`StoreUnavailable` is raised
    instead of the library's ``OperationalError``, so its retry decorators do
    not wait ten times over. A connection lost in mid-statement stays an
    ``OperationalError``: the library's retry takes a fresh connection, which
    is right after a restart and ends in the pool wait during an outage.
    """

    where: str = ""
    last_connect_error: list[BaseException | None]
    """The pool's latest connection failure (shared with every schema's datastore)."""

    @contextmanager
    def get_connection(self) -> Iterator[psycopg.Connection[DictRow]]:
        try:
            with super().get_connection() as conn:
                yield conn
        except PersistenceError as error:
            if isinstance(error, StoreUnavailable) or not self._gives_up(error):
                raise
            raise StoreUnavailable(self.describe(error)) from error

    @staticmethod
    def _gives_up(error: PersistenceError) -> bool:
        cause = error.__cause__
        if isinstance(cause, psycopg_pool.PoolTimeout | psycopg_pool.TooManyRequests):
            return True
        if isinstance(cause, psycopg.Error) and cause.sqlstate:
            return cause.sqlstate[:2] in ("53", "58") or cause.sqlstate in ("57014", "55P03")
        return False

    def describe(self, error: BaseException) -> str:
        """Why the store is unavailable, for the log and the command line."""
        failed = getattr(self, "last_connect_error", [None])[0]
        if isinstance(error.__cause__, psycopg_pool.PoolTimeout) and failed is not None:
            return f"cannot connect to PostgreSQL at {self.where}: {_reason(failed)}"
        return f"PostgreSQL at {self.where} is unavailable: {_reason(error)}"


def _reporting_connection(failures: list[BaseException | None]) -> type[Any]:
    """A connection class that notes why the pool's latest connection attempt failed.

    The pool connects in the background and only says "couldn't get a
    connection after 5.00 sec"; this keeps libpq's reason ("database "x" does
    not exist", "Connection refused") for the message.
    """

    class ReportingConnection(psycopg.Connection[DictRow]):
        @classmethod
        def connect(cls, *args: Any, **kwargs: Any) -> Any:
            try:
                conn = super().connect(*args, **kwargs)
            except psycopg.Error as error:
                failures[0] = error
                raise
            failures[0] = None
            return conn

    return ReportingConnection


class SchemaDatastore(GuardedDatastore):
    """One schema on the process's shared pool.

    The library's datastore builds a pool of its own; this one takes the
    shared pool's settings and connections and only changes the schema the
    recorders qualify their tables with. Closing it leaves the pool open,
    because the pool belongs to the process.
    """

    def __init__(self, shared: PostgresDatastore, schema: str) -> None:
        vars(self).update(vars(shared))
        self.schema = schema
        # Composite types are per schema, so their adapters are too.
        self.db_type_names = set()
        self.psycopg_type_adapters = {}
        self.psycopg_python_types = {}

    def register_type_adapters(self) -> None:
        """Nothing: the recorders insert parallel arrays, never the library's composite type,
        and its adapters (Python classes made per schema, registered on a pooled connection
        for the life of the process) held some 30 kB a tenant: 28 MB of a runner that had
        seen 1,000 tenants."""

    def close(self) -> None:
        pass


class TenantPostgresFactory(PostgresFactory):
    application_recorder_class = PostgresTenantRecorder

    def __init__(self, env: Any, datastore: PostgresDatastore) -> None:
        InfrastructureFactory.__init__(self, env)
        self.datastore = datastore


class TenantSQLiteFactory(SQLiteFactory):
    application_recorder_class = SQLiteTenantRecorder


class PostgresStores:
    """Every tenant in its own schema; one bounded pool for all of them."""

    def __init__(self, settings: Settings) -> None:
        params = conninfo_to_dict(settings.database_url or "")
        host = str(params.get("host", "localhost"))
        port = str(params.get("port", "5432"))
        timeout = settings.store_timeout
        self.shared = GuardedDatastore(
            dbname=str(params.get("dbname", "postgres")),
            host=host,
            port=port,
            user=str(params.get("user", "postgres")),
            password=str(params.get("password", "")),
            # the library passes this on as the pool's wait for a connection
            connect_timeout=min(settings.pool_timeout, timeout),
            idle_in_transaction_session_timeout=30,
            pool_size=settings.pool_min,
            max_overflow=max(0, settings.pool_max - settings.pool_min),
            schema="public",
        )
        self.shared.where = f"{host}:{port}"
        self.shared.last_connect_error = [None]
        pool = self.shared.pool
        assert isinstance(pool.kwargs, dict)
        millis = max(1, int(timeout * 1000))
        pool.kwargs.update(
            application_name=settings.application_name,
            connect_timeout=max(2, math.ceil(timeout)),  # libpq's least is 2 s
            # a server that died without closing its sockets is noticed too
            keepalives=1,
            keepalives_idle=max(1, math.ceil(timeout)),
            keepalives_interval=1,
            keepalives_count=3,
            tcp_user_timeout=millis,
            # The library takes its EXCLUSIVE insert lock with SET LOCAL lock_timeout = 0,
            # so under contention only the statement timeout bounds that wait.
            options=f"-c statement_timeout={millis} -c lock_timeout={millis}",
            # No server-side prepared statements: the library inserts in pipeline mode,
            # and after a pipeline aborted by a twin's key conflict psycopg could believe
            # a statement prepared that the server had skipped ("prepared statement
            # _pg3_16 does not exist").
            prepare_threshold=None,
        )
        pool.connection_class = _reporting_connection(self.shared.last_connect_error)
        # A reconnection gives up after the store timeout, so the next request starts a
        # fresh attempt: service resumes within seconds of the server, not after a backoff
        # grown through the outage.
        pool.reconnect_timeout = max(timeout, 1.0)
        self.control_schema = settings.control_schema
        self._datastores: dict[str, SchemaDatastore] = {}
        self._lock = threading.Lock()

    def _schema(self, store: str) -> str:
        return self.control_schema if store == CONTROL else schema_name(store)

    def datastore(self, store: str, *, make: bool = True) -> SchemaDatastore:
        schema = self._schema(store)
        with self._lock:
            if schema not in self._datastores:
                if make:
                    self.make(store)
                self._datastores[schema] = SchemaDatastore(self.shared, schema)
            return self._datastores[schema]

    def make(self, store: str) -> None:
        schema = self._schema(store)
        retry_setup(lambda: self._create_schema(schema))

    def _create_schema(self, schema: str) -> None:
        with self.shared.transaction(commit=True) as curs:
            curs.execute(SQL("CREATE SCHEMA IF NOT EXISTS {}").format(Identifier(schema)))

    def factory(self, store: str, env: Any, *, make: bool = True) -> InfrastructureFactory[Any]:
        return TenantPostgresFactory(env, self.datastore(store, make=make))

    def change_marker(self, store: str) -> Hashable:
        return self.head(store)

    def head(self, store: str) -> int | None:
        """One query on the shared pool."""
        table = Identifier(schema_name(store), TENANT_EVENTS)
        try:
            with self.shared.transaction(commit=False) as curs:
                curs.execute(SQL("SELECT MAX(notification_id) AS head FROM {}").format(table))
                row = curs.fetchone()
        except ProgrammingError:  # no events table yet
            return None
        return int(row["head"] or 0) if row else 0

    def builds(self, store: str) -> list[BuildState]:
        schema = schema_name(store)
        tables = {
            "builds": Identifier(schema, BUILDS_TABLE),
            "tracking": Identifier(schema, TRACKING_TABLE),
            "quarantine": Identifier(schema, QUARANTINE_TABLE),
        }
        try:
            with self.shared.transaction(commit=False) as curs:
                curs.execute(SQL(_BUILDS).format(**tables))
                rows = curs.fetchall()
        except ProgrammingError:  # no read models yet
            return []
        return [BuildState(*_build_row(tuple(row.values()))) for row in rows]

    def signed_size(self, store: str) -> int:
        table = Identifier(schema_name(store), HEADS)
        try:
            with self.shared.transaction(commit=False) as curs:
                curs.execute(SQL("SELECT MAX(tree_size) AS size FROM {}").format(table))
                row = curs.fetchone()
        except ProgrammingError:  # never signed
            return 0
        return int(row["size"] or 0) if row else 0

    def drop(self, store: str) -> None:
        """Remove a tenant's schema whole (tests, erasure)."""
        schema = schema_name(store)
        with self._lock:
            self._datastores.pop(schema, None)
        with self.shared.transaction(commit=True) as curs:
            curs.execute(SQL("DROP SCHEMA IF EXISTS {} CASCADE").format(Identifier(schema)))

    def close(self) -> None:
        self.shared.close()


class EmbeddedStores:
    """One SQLite file per tenant under the data directory: zero set-up."""

    def __init__(self, settings: Settings) -> None:
        self.root = Path(settings.data_dir)
        self.timeout = settings.store_timeout
        self._logs: dict[str, str] = {}
        (self.root / "tenants").mkdir(parents=True, exist_ok=True)

    def path(self, store: str) -> Path:
        if store == CONTROL:
            return self.root / "control.sqlite"
        return self.root / "tenants" / f"{store}.sqlite"

    def factory(self, store: str, env: Any, *, make: bool = True) -> InfrastructureFactory[Any]:
        """(The file is made by its first connection, ``make`` or not.)"""
        env[TenantSQLiteFactory.SQLITE_DBNAME] = str(self.path(store))
        env[TenantSQLiteFactory.SQLITE_LOCK_TIMEOUT] = str(max(1, math.ceil(self.timeout)))
        factory = TenantSQLiteFactory(env)
        # the wait for the one writer's connection, before SQLite's own lock wait
        factory.datastore.pool.pool_timeout = self.timeout
        return factory

    def make(self, store: str) -> None:
        pass

    def change_marker(self, store: str) -> Hashable:
        """The time and size of the write-ahead log (stores run in WAL mode): every commit
        writes to it, so one ``stat`` tells whether a tenant recorded anything, without SQL.
        The file system's clock is coarse (milliseconds): two commits in one tick can leave
        the same marker, so a caller looks once more a little after a change."""
        log_file = self._logs.get(store)
        if log_file is None:
            log_file = self._logs[store] = f"{self.path(store)}-wal"
        try:
            found = os.stat(log_file)
        except FileNotFoundError:  # no connection open: the log was folded into the file
            return None
        return found.st_mtime_ns, found.st_size

    def head(self, store: str) -> int | None:
        """Read on a read-only connection of its own: unlike the Application's, closing it
        never folds the write-ahead log into the file, so it leaves the marker alone."""
        rows = self._peek(self.path(store), "SELECT MAX(rowid) FROM stored_events")
        if rows is None:
            return None  # no file or no events table yet
        return int(rows[0][0]) if rows and rows[0][0] is not None else 0

    def builds(self, store: str) -> list[BuildState]:
        sql = _BUILDS.format(builds=BUILDS_TABLE, tracking="tracking", quarantine=QUARANTINE_TABLE)
        rows = self._peek(Path(read_model_file(str(self.path(store)))), sql)
        return [BuildState(*_build_row(row)) for row in rows or []]

    def signed_size(self, store: str) -> int:
        rows = self._peek(self.path(store), f"SELECT MAX(tree_size) FROM {HEADS}")
        return int(rows[0][0] or 0) if rows else 0

    def _peek(self, path: Path, sql: str) -> list[tuple[Any, ...]] | None:
        """One read on a read-only connection of its own; None when there is no such file
        or table."""
        if not path.exists():
            return None
        try:
            conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=self.timeout)
            try:
                return conn.execute(sql).fetchall()
            finally:
                conn.close()
        except sqlite3.OperationalError as error:
            if store_unavailable(error):
                raise
            return None

    def drop(self, store: str) -> None:
        events = str(self.path(store))
        for path in (events, read_model_file(events)):
            for suffix in ("", "-wal", "-shm"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)

    def close(self) -> None:
        pass


def _build_row(row: tuple[Any, ...]) -> tuple[str, str, int, bool, int, int]:
    projection, build, version, ready, position, quarantined = row
    return (
        str(projection),
        str(build),
        int(version),
        bool(ready),
        int(position or 0),
        int(quarantined or 0),
    )


def open_stores(settings: Settings) -> Stores:
    return PostgresStores(settings) if settings.uses_postgres else EmbeddedStores(settings)
