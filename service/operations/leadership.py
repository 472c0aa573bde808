"""One projection runner at a time: the one that holds the runner lock.

Several nodes may each start ``spoorlog projections run``; the runner that
takes the lock does the work, the others wait and take over when it is let
go — when the process stops, or dies: on PostgreSQL the lock is a session
advisory lock, released by the server the moment the holder's connection
closes (a killed process's socket is closed by its kernel); on SQLite it is
an exclusive ``flock`` on a file in the data directory, released by the
kernel in the same way.

The lock is an economy, not the guarantee: two runners that briefly both
believe they lead still apply every event exactly once, because each batch
locks its build's tracking row and checks the position it was read from
(:meth:`projections.store.ReadModelStore.apply`).
"""

from __future__ import annotations

import fcntl
import logging
import os
import threading
from pathlib import Path
from typing import IO, Any

import psycopg

from service.config import Settings

log = logging.getLogger("spoorlog.projections")

LOCK_FILE = "projection-runner.lock"


class Leadership:
    """Try to lead; hold the lock until :meth:`release`; know when it was lost."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._conn: psycopg.Connection[Any] | None = None
        self._file: IO[bytes] | None = None
        self._lock = threading.Lock()

    @property
    def key(self) -> str:
        """The lock's name: one runner per control plane (a deployment), not per server."""
        return f"spoorlog projection runner {self.settings.control_schema}"

    def try_acquire(self) -> bool:
        with self._lock:
            if self.settings.uses_postgres:
                return self._try_postgres()
            return self._try_file()

    def held(self) -> bool:
        """Whether the lock is still ours (on PostgreSQL: its connection still answers)."""
        with self._lock:
            if self._file is not None:
                return True
            if self._conn is None:
                return False
            try:
                self._conn.execute("SELECT 1")
                return True
            except psycopg.Error:
                self._close()
                return False

    def release(self) -> None:
        with self._lock:
            self._close()

    def _try_postgres(self) -> bool:
        if self._conn is None:
            self._conn = psycopg.connect(
                self.settings.database_url or "",
                autocommit=True,
                # which process leads, for pg_stat_activity (and the failover test)
                application_name=f"{self.settings.application_name}-runner-{os.getpid()}",
                connect_timeout=max(2, int(self.settings.store_timeout)),
            )
        try:
            row = self._conn.execute(
                "SELECT pg_try_advisory_lock(hashtextextended(%s, 0))", (self.key,)
            ).fetchone()
        except psycopg.Error:
            self._close()
            raise
        return bool(row and row[0])

    def _try_file(self) -> bool:
        path = Path(self.settings.data_dir) / LOCK_FILE
        handle = path.open("ab")
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.close()
            return False
        self._file = handle
        return True

    def _close(self) -> None:
        if self._conn is not None:
            try:
                self._conn.close()
            finally:
                self._conn = None
        if self._file is not None:
            self._file.close()  # closing the file lets the flock go
            self._file = None
