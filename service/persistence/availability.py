"""When a store is *unavailable* (retry later: 503) rather than wrong (a bug, a race).

Both stores' errors are classified here once: the service answers 503 with
``Retry-After`` for the first kind and keeps the second kind's own answers.
"""

from __future__ import annotations

import sqlite3

import psycopg
import psycopg.errors
import psycopg_pool
from eventsourcing.persistence import ConnectionUnavailableError, PersistenceError


class StoreUnavailable(PersistenceError):
    """The store cannot answer now: down, unreachable, full, or too busy. 503, retry later.

    Deliberately not an ``OperationalError``: the library retries those ten
    times per call, so an outage would hold every request ten pool waits long.
    It is raised ``from`` the error that revealed it.
    """


_SQLITE_UNAVAILABLE = {
    sqlite3.SQLITE_BUSY,  # "database is locked", after the lock timeout
    sqlite3.SQLITE_LOCKED,
    sqlite3.SQLITE_NOMEM,
    sqlite3.SQLITE_READONLY,  # e.g. a file system remounted read-only
    sqlite3.SQLITE_IOERR,  # "disk I/O error"
    sqlite3.SQLITE_FULL,  # "database or disk is full"
    sqlite3.SQLITE_CANTOPEN,  # "unable to open database file"
    sqlite3.SQLITE_PROTOCOL,
}
_PG_UNAVAILABLE_CLASSES = ("08", "53", "57", "58")
"""SQLSTATE classes: connection exception, insufficient resources (disk full, too many
connections), operator intervention (shutdown, statement timeout), system error (I/O)."""
_PG_UNAVAILABLE_STATES = {"55P03"}  # lock_not_available: lock_timeout expired


def _unavailable_here(error: BaseException) -> bool:
    if isinstance(error, StoreUnavailable | psycopg_pool.PoolTimeout | ConnectionUnavailableError):
        return True
    if isinstance(error, psycopg_pool.TooManyRequests | psycopg_pool.PoolClosed):
        return True
    if isinstance(error, sqlite3.Error):
        code = getattr(error, "sqlite_errorcode", None)
        return code is not None and code & 0xFF in _SQLITE_UNAVAILABLE
    if isinstance(error, psycopg.errors.PipelineAborted):
        return False  # an earlier statement of the same pipeline failed: see that one
    if isinstance(error, psycopg.OperationalError | psycopg.InterfaceError):
        state = error.sqlstate
        if state is None:  # raised by the client: the connection failed or was lost
            return True
        return state[:2] in _PG_UNAVAILABLE_CLASSES or state in _PG_UNAVAILABLE_STATES
    if isinstance(error, psycopg.Error) and error.sqlstate:
        return error.sqlstate[:2] in ("53", "58")
    return False


def store_unavailable(error: BaseException) -> bool:
    """Whether ``error`` (or an error it was raised from) says the store is unavailable.

    Unavailable: PostgreSQL down, unreachable, shutting down, out of disk or
    connections, a statement or lock wait over the store timeout, no pooled
    connection in time; SQLite locked past its timeout, full, unreadable or
    unopenable. Not unavailable: constraint violations (idempotency and
    version races), aborted pipelines, bad SQL, data errors — bugs and races
    keep their own answers.
    """
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        if _unavailable_here(current):
            return True
        seen.add(id(current))
        current = current.__cause__ or current.__context__
    return False


def _reason(error: BaseException) -> str:
    """libpq's reason for a failed connection, without the 'connection to server…' preamble."""
    first = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
    reason = first.rsplit("failed: ", 1)[-1]
    return reason.replace("FATAL:", "").strip()
