"""Where each tenant's events live: a PostgreSQL schema, or an SQLite file.

On PostgreSQL every tenant has its own schema ``t_<slug>`` (DESIGN.md,
decision 2), and every tenant's datastore borrows the connections of one
bounded pool per process (decision 3), so the number of connections never
grows with the number of tenants. The embedded default keeps one SQLite file
per tenant under the data directory. The control plane has a schema or file
of its own (decision 4).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, Protocol, TypeVar

from eventsourcing.persistence import (
    InfrastructureFactory,
    IntegrityError,
    InternalError,
    OperationalError,
    ProgrammingError,
)
from eventsourcing.postgres import PostgresDatastore, PostgresFactory
from eventsourcing.sqlite import SQLiteFactory
from psycopg.conninfo import conninfo_to_dict
from psycopg.sql import SQL, Identifier

from service.config import Settings
from service.recorders import PostgresTenantRecorder, SQLiteTenantRecorder

CONTROL = "control"
"""The name of the control plane's store, beside the tenants'."""


T = TypeVar("T")


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
        except (IntegrityError, InternalError, ProgrammingError, OperationalError):
            if attempt == attempts - 1:
                raise
            time.sleep(0.05 * (attempt + 1))
    raise AssertionError("unreachable")


def schema_name(slug: str) -> str:
    """``t_<slug>`` with hyphens as underscores (slugs have no underscores, so it is 1:1)."""
    return "t_" + slug.replace("-", "_")


class Stores(Protocol):
    """Makes the eventsourcing infrastructure factory for one tenant's store."""

    def factory(self, store: str, env: Any) -> InfrastructureFactory[Any]: ...

    def drop(self, store: str) -> None: ...

    def close(self) -> None: ...


class SchemaDatastore(PostgresDatastore):
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
        self.shared = PostgresDatastore(
            dbname=str(params.get("dbname", "postgres")),
            host=str(params.get("host", "localhost")),
            port=str(params.get("port", "5432")),
            user=str(params.get("user", "postgres")),
            password=str(params.get("password", "")),
            connect_timeout=settings.pool_timeout,
            idle_in_transaction_session_timeout=30,
            pool_size=settings.pool_min,
            max_overflow=max(0, settings.pool_max - settings.pool_min),
            schema="public",
        )
        assert isinstance(self.shared.pool.kwargs, dict)
        self.shared.pool.kwargs["application_name"] = settings.application_name
        self.control_schema = settings.control_schema
        self._datastores: dict[str, SchemaDatastore] = {}
        self._lock = threading.Lock()

    def datastore(self, store: str) -> SchemaDatastore:
        schema = self.control_schema if store == CONTROL else schema_name(store)
        with self._lock:
            if schema not in self._datastores:
                retry_setup(lambda: self._create_schema(schema))
                self._datastores[schema] = SchemaDatastore(self.shared, schema)
            return self._datastores[schema]

    def _create_schema(self, schema: str) -> None:
        with self.shared.transaction(commit=True) as curs:
            curs.execute(SQL("CREATE SCHEMA IF NOT EXISTS {}").format(Identifier(schema)))

    def factory(self, store: str, env: Any) -> InfrastructureFactory[Any]:
        return TenantPostgresFactory(env, self.datastore(store))

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
        (self.root / "tenants").mkdir(parents=True, exist_ok=True)

    def path(self, store: str) -> Path:
        if store == CONTROL:
            return self.root / "control.sqlite"
        return self.root / "tenants" / f"{store}.sqlite"

    def factory(self, store: str, env: Any) -> InfrastructureFactory[Any]:
        env[TenantSQLiteFactory.SQLITE_DBNAME] = str(self.path(store))
        env[TenantSQLiteFactory.SQLITE_LOCK_TIMEOUT] = "30"
        return TenantSQLiteFactory(env)

    def drop(self, store: str) -> None:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{self.path(store)}{suffix}").unlink(missing_ok=True)

    def close(self) -> None:
        pass


def open_stores(settings: Settings) -> Stores:
    return PostgresStores(settings) if settings.uses_postgres else EmbeddedStores(settings)
