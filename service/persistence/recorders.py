"""The eventsourcing recorders, taught to keep idempotent responses.

A command sent with ``Idempotency-Key`` stores its response in the tenant's
own store in the same transaction as its events: either both are recorded or
neither, so a retried request can never record twice, across gunicorn workers
and restarts alike.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from eventsourcing.persistence import (
    InterfaceError,
    OperationalError,
    ProgrammingError,
    StoredEvent,
)
from eventsourcing.postgres import PostgresApplicationRecorder
from eventsourcing.sqlite import SQLiteApplicationRecorder
from eventsourcing.utils import retry
from psycopg.sql import SQL, Identifier

from service.persistence.availability import store_unavailable
from service.persistence.personal_data import KEYS, SECURE_DELETE, Erasure

IDEMPOTENCY_TABLE = "idempotency_keys"
DOCUMENTS_TABLE = "documents"
CHECKPOINTS_TABLE = "checkpoints"
SIGNING_KEY_TABLE = "signing_key"
NOTIFY_CHANNEL = "spoorlog_events"
"""PostgreSQL channel on which every store announces new events; the payload is its schema."""


STATEMENTS = {
    "insert_idempotency": "INSERT INTO {idempotency_keys} (key, fingerprint, response, case_id) "
    "VALUES (?, ?, ?, ?)",
    "select_idempotency": "SELECT fingerprint, response FROM {idempotency_keys} WHERE key = ?",
    # By the case the answer recorded on; an answer saved before that column (NULL) by
    # its text, as it was matched then.
    "forget_answers": "DELETE FROM {idempotency_keys} WHERE key <> ? AND (case_id = ? "
    "OR (case_id IS NULL AND response LIKE ?))",
    # Kept bytes are not rewritten, but their row is locked (PostgreSQL) until the event
    # naming them commits, so an erasure waits for it before it judges them unnamed.
    "insert_document": "INSERT INTO {documents} (sha256, media_type, size, content) "
    "VALUES (?, ?, ?, ?) ON CONFLICT (sha256) DO UPDATE SET size = excluded.size WHERE false",
    "select_document": "SELECT media_type, content FROM {documents} WHERE sha256 = ?",
    "stored_documents": "SELECT sha256 FROM {documents}",
    "insert_checkpoint": "INSERT INTO {checkpoints} (position, head_hash, created_at, "
    "signature, public_key) VALUES (?, ?, ?, ?, ?) ON CONFLICT (position) DO NOTHING",
    "all_checkpoints": "SELECT position, head_hash, created_at, signature, public_key "
    "FROM {checkpoints} ORDER BY position",
    "latest_checkpoint": "SELECT position, head_hash, created_at, signature, public_key "
    "FROM {checkpoints} ORDER BY position DESC LIMIT 1",
    "add_signing_key": "INSERT INTO {signing_key} (id, private_key) VALUES (1, ?) "
    "ON CONFLICT (id) DO NOTHING",
    "signing_key": "SELECT private_key FROM {signing_key} WHERE id = 1",
    # An erasure (Erasure), in the transaction of its event. Each recorder fills in its
    # events table and an event's state as text ({events}, {state}).
    "destroy_key": "DELETE FROM {case_keys} WHERE case_id = ?",
    "lock_document": "SELECT sha256 FROM {documents} WHERE sha256 = ? FOR UPDATE",
    "erase_document": "DELETE FROM {documents} WHERE sha256 = ? AND NOT EXISTS (SELECT 1 "
    "FROM {{events}} AS e WHERE e.topic = ? AND e.originator_id <> ? AND {{state}} LIKE ? "
    "AND e.originator_id NOT IN (SELECT originator_id FROM {{events}} WHERE topic = ?))",
}
"""The statements both recorders share, rendered once per store with its table names."""

ANSWERS_INDEX = "idempotency_keys_case_id"
ANSWERS_BY_CASE = (
    "ALTER TABLE {table} ADD COLUMN case_id text",
    "CREATE INDEX IF NOT EXISTS {index} ON {table} (case_id)",
)
"""The idempotency table's ``case_id``, the aggregate each answer recorded on: added to
the table as made, so a store of the previous release gains it (its answers keep NULL);
indexed, so an erasure finds the case's answers without reading every one."""

TABLES = (IDEMPOTENCY_TABLE, DOCUMENTS_TABLE, CHECKPOINTS_TABLE, SIGNING_KEY_TABLE, KEYS)


def render(tables: dict[str, str], placeholder: str) -> dict[str, str]:
    return {
        name: sql.format(**tables).replace("?", placeholder) for name, sql in STATEMENTS.items()
    }


@dataclass(frozen=True)
class StoredDocument:
    """A document's bytes, kept under their SHA-256: the hash in the event is the proof."""

    sha256: str
    media_type: str
    content: bytes


@dataclass(frozen=True)
class IdempotentResponse:
    """What a command answered, kept under the client's key with its request fingerprint."""

    key: str
    fingerprint: str
    status: int
    body: dict[str, Any]
    headers: dict[str, str]
    recorded: tuple[str, int]
    """The aggregate id and version of the last event the command recorded."""

    def row(self) -> tuple[str, str, str, str]:
        """The stored row: key, fingerprint, answer, and the aggregate it recorded on (for
        a case command the case, whose erasure forgets it)."""
        return self.key, self.fingerprint, self.to_json(), self.recorded[0]

    def to_json(self) -> str:
        return json.dumps(
            {
                "status": self.status,
                "body": self.body,
                "headers": self.headers,
                "recorded": list(self.recorded),
            }
        )

    @classmethod
    def from_row(cls, key: str, fingerprint: str, response: str) -> IdempotentResponse:
        stored = json.loads(response)
        originator_id, version = stored["recorded"]
        return cls(
            key,
            fingerprint,
            stored["status"],
            stored["body"],
            stored["headers"],
            (originator_id, version),
        )


class PostgresTenantRecorder(PostgresApplicationRecorder):
    """A tenant's events table, plus its idempotency keys, in the tenant's schema.

    Events are inserted as parallel typed arrays rather than the library's
    array of a composite type: psycopg keeps one Python class per composite
    type *name*, and every tenant schema has a type of the same name, so on
    a connection shared by tenants the adapters would cast one tenant's rows
    to another schema's type.

    Notification ids are the tenant's gapless sequence (1, 2, 3, …): they are
    taken as MAX + n under the library's EXCLUSIVE table lock instead of from
    a sequence, so a transaction that loses a race and rolls back leaves no
    gap. NOTIFY names the store, so one LISTEN connection serves all tenants.

    A save is one round trip (:meth:`insert_events`), so the table lock is
    held only while the server inserts and commits, never while it waits for
    this process.
    """

    def __init__(self, datastore: Any, *, events_table_name: str = "stored_events") -> None:
        super().__init__(datastore, events_table_name=events_table_name)
        self.datastore.db_type_names.discard(self.stored_event_type_name)
        self._insert_arrays = SQL(
            "INSERT INTO {table} "
            "(originator_id, originator_version, topic, state, notification_id) "
            "SELECT e.id, e.version, e.topic, e.state, last.id + e.n "
            "FROM unnest(%s::uuid[], %s::bigint[], %s::text[], %s::bytea[]) "
            "WITH ORDINALITY AS e(id, version, topic, state, n), "
            "(SELECT COALESCE(MAX(notification_id), 0) AS id FROM {table}) AS last "
            "ORDER BY e.n RETURNING notification_id"
        ).format(
            table=SQL("{}.{}").format(
                Identifier(self.datastore.schema), Identifier(self.events_table_name)
            )
        )
        self._notify_store = SQL("SELECT pg_notify(%s, %s)")
        table = SQL("{}.{}").format(
            Identifier(self.datastore.schema), Identifier(IDEMPOTENCY_TABLE)
        )
        self.sql_create_statements.append(
            SQL(
                "CREATE TABLE IF NOT EXISTS {} (key text PRIMARY KEY, fingerprint text NOT NULL, "
                "response text NOT NULL, created_at timestamptz NOT NULL DEFAULT now())"
            ).format(table)
        )
        self.sql_create_statements += [
            SQL(statement.replace("ADD COLUMN", "ADD COLUMN IF NOT EXISTS")).format(
                table=table, index=Identifier(ANSWERS_INDEX)
            )
            for statement in ANSWERS_BY_CASE
        ]
        documents = SQL("{}.{}").format(
            Identifier(self.datastore.schema), Identifier(DOCUMENTS_TABLE)
        )
        self.sql_create_statements.append(
            SQL(
                "CREATE TABLE IF NOT EXISTS {} (sha256 text PRIMARY KEY, media_type text NOT NULL, "
                "size bigint NOT NULL, content bytea NOT NULL)"
            ).format(documents)
        )
        checkpoints = SQL("{}.{}").format(
            Identifier(self.datastore.schema), Identifier(CHECKPOINTS_TABLE)
        )
        signing_key = SQL("{}.{}").format(
            Identifier(self.datastore.schema), Identifier(SIGNING_KEY_TABLE)
        )
        self.sql_create_statements.append(
            SQL(
                "CREATE TABLE IF NOT EXISTS {} (position bigint PRIMARY KEY, head_hash text NOT "
                "NULL, created_at text NOT NULL, signature text NOT NULL, public_key text NOT NULL)"
            ).format(checkpoints)
        )
        self.sql_create_statements.append(
            SQL(
                "CREATE TABLE IF NOT EXISTS {} (id integer PRIMARY KEY, private_key bytea NOT NULL)"
            ).format(signing_key)
        )
        self._sql = render(
            {t: Identifier(self.datastore.schema, t).as_string() for t in TABLES}, "%s"
        )
        self._select_position = SQL(
            "SELECT notification_id FROM {}.{} WHERE originator_id = %s AND originator_version = %s"
        ).format(Identifier(self.datastore.schema), Identifier(self.events_table_name))

    def _insert_events(
        self,
        curs: Any,
        stored_events: Sequence[StoredEvent],
        *,
        idempotency: IdempotentResponse | None = None,
        document: StoredDocument | None = None,
        erasure: Erasure | None = None,
        **kwargs: Any,
    ) -> None:
        super()._insert_events(curs, stored_events, **kwargs)
        if idempotency is not None:
            curs.execute(self._sql["insert_idempotency"], idempotency.row())
        if document is not None:
            curs.execute(
                self._sql["insert_document"],
                (document.sha256, document.media_type, len(document.content), document.content),
            )
        if erasure is not None:
            # Before the events' lock: wait for a save that names a document (it locked
            # the row), then judge it unnamed by a statement that sees that save.
            events = Identifier(self.datastore.schema, self.events_table_name).as_string()
            for sha256 in erasure.documents:
                curs.execute(self._sql["lock_document"], (sha256,))
                curs.execute(
                    self._sql["erase_document"].format(events=events, state="e.state"),
                    erasure.unnamed(sha256, erasure.case_id),
                )
            curs.execute(self._sql["forget_answers"], erasure.answers)
            curs.execute(self._sql["destroy_key"], (str(erasure.case_id),))

    @retry((InterfaceError, OperationalError), max_attempts=10, wait=0.2)
    def insert_events(
        self, stored_events: Sequence[StoredEvent], **kwargs: Any
    ) -> Sequence[int] | None:
        """Send the whole transaction — ``BEGIN``, what :meth:`_insert_events` adds, the
        lock, NOTIFY, the insert, ``COMMIT`` — in one pipeline and wait once.

        The library waits for the insert's result before it sends ``COMMIT`` (and
        psycopg's transaction block syncs there too), so every other writer of the
        store queued behind the table lock for a round trip and this thread's turn
        at the GIL. A statement that fails makes the server skip the rest, ``COMMIT``
        included; the pool's connection block rolls the aborted transaction back.
        """
        with self.datastore.get_connection() as conn, conn.cursor() as inserted:
            with conn.pipeline(), conn.cursor() as curs:
                curs.execute("BEGIN")
                self._insert_events(curs, stored_events, **kwargs)
                if stored_events:
                    self._insert_stored_events(inserted, stored_events, **kwargs)
                curs.execute("COMMIT")
            if not stored_events:
                return None
            return self._fetch_ids_after_insert_events(inserted, stored_events, **kwargs)

    def _notify_channel(self, curs: Any) -> None:
        curs.execute(self._notify_store, (NOTIFY_CHANNEL, self.datastore.schema))

    def _insert_stored_events(
        self, curs: Any, stored_events: Sequence[StoredEvent], **kwargs: Any
    ) -> None:
        self._lock_table(curs)
        self._notify_channel(curs)
        curs.execute(
            self._insert_arrays,
            (
                [e.originator_id for e in stored_events],
                [e.originator_version for e in stored_events],
                [e.topic for e in stored_events],
                [e.state for e in stored_events],
            ),
        )

    def idempotent_response(self, key: str) -> IdempotentResponse | None:
        with self.datastore.get_connection() as conn, conn.cursor() as curs:
            curs.execute(self._sql["select_idempotency"], (key,))
            row = curs.fetchone()
        return None if row is None else IdempotentResponse.from_row(key, **row)

    def checkpoint_rows(
        self, name: str, params: tuple[Any, ...] = (), *, write: bool = False
    ) -> list[Any]:
        with self.datastore.get_connection() as conn, conn.cursor() as curs:
            curs.execute(self._sql[name], params)
            rows = [] if write else [tuple(r.values()) for r in curs.fetchall()]
            if write:
                conn.commit()
        return rows

    def document(self, sha256: str) -> StoredDocument | None:
        with self.datastore.get_connection() as conn, conn.cursor() as curs:
            curs.execute(self._sql["select_document"], (sha256,))
            row = curs.fetchone()
        return None if row is None else StoredDocument(sha256, row["media_type"], row["content"])

    def position_of(self, originator_id: str, version: int) -> int:
        """Where the store recorded an event (its notification id)."""
        with self.datastore.get_connection() as conn, conn.cursor() as curs:
            curs.execute(self._select_position, (originator_id, version))
            row = curs.fetchone()
        assert row is not None
        return int(row["notification_id"])


class SQLiteTenantRecorder(SQLiteApplicationRecorder):
    """A tenant's events table, plus its idempotency keys, in the tenant's SQLite file."""

    def construct_create_table_statements(self) -> list[str]:
        return [
            *super().construct_create_table_statements(),
            f"CREATE TABLE IF NOT EXISTS {IDEMPOTENCY_TABLE} (key TEXT PRIMARY KEY, "
            "fingerprint TEXT NOT NULL, response TEXT NOT NULL, "
            "created_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP)",
            f"CREATE TABLE IF NOT EXISTS {DOCUMENTS_TABLE} (sha256 TEXT PRIMARY KEY, "
            "media_type TEXT NOT NULL, size INTEGER NOT NULL, content BLOB NOT NULL)",
            f"CREATE TABLE IF NOT EXISTS {CHECKPOINTS_TABLE} (position INTEGER PRIMARY KEY, "
            "head_hash TEXT NOT NULL, created_at TEXT NOT NULL, signature TEXT NOT NULL, "
            "public_key TEXT NOT NULL)",
            f"CREATE TABLE IF NOT EXISTS {SIGNING_KEY_TABLE} (id INTEGER PRIMARY KEY, "
            "private_key BLOB NOT NULL)",
            *(sql.format(table=IDEMPOTENCY_TABLE, index=ANSWERS_INDEX) for sql in ANSWERS_BY_CASE),
        ]

    def _create_table(self, c: Any) -> None:
        """As the library's, but the answers' ``case_id`` column is added only to a table
        that lacks it (one made by the previous release): SQLite has no ``ADD COLUMN IF
        NOT EXISTS``."""
        add_column = ANSWERS_BY_CASE[0].format(table=IDEMPOTENCY_TABLE)
        for statement in self.create_table_statements:
            if statement == add_column:
                c.execute(f"PRAGMA table_info({IDEMPOTENCY_TABLE})")
                if any(row[1] == "case_id" for row in c.fetchall()):
                    continue
            c.execute(statement)

    _sql = render({t: t for t in TABLES}, "?")

    def checkpoint_rows(
        self, name: str, params: tuple[Any, ...] = (), *, write: bool = False
    ) -> list[Any]:
        with self.datastore.transaction(commit=write) as c:
            c.execute(self._sql[name], params)
            return [] if write else [tuple(r) for r in c.fetchall()]

    def _insert_events(
        self,
        c: Any,
        stored_events: Sequence[StoredEvent],
        *,
        idempotency: IdempotentResponse | None = None,
        document: StoredDocument | None = None,
        erasure: Erasure | None = None,
        **kwargs: Any,
    ) -> Sequence[int] | None:
        ids = super()._insert_events(c, stored_events, **kwargs)
        if idempotency is not None:
            c.execute(self._sql["insert_idempotency"], idempotency.row())
        if document is not None:
            c.execute(
                self._sql["insert_document"],
                (document.sha256, document.media_type, len(document.content), document.content),
            )
        if erasure is not None:  # writers take turns on SQLite: no other save is under way
            c.execute(SECURE_DELETE)
            for sha256 in erasure.documents:
                c.execute(
                    self._sql["erase_document"].format(
                        events=self.events_table_name, state="CAST(e.state AS TEXT)"
                    ),
                    erasure.unnamed(sha256, erasure.case_id.hex),
                )
            c.execute(self._sql["forget_answers"], erasure.answers)
            c.execute(self._sql["destroy_key"], (str(erasure.case_id),))
        return ids

    def document(self, sha256: str) -> StoredDocument | None:
        with self.datastore.transaction(commit=False) as c:
            c.execute(self._sql["select_document"], (sha256,))
            row = c.fetchone()
        return None if row is None else StoredDocument(sha256, row[0], bytes(row[1]))

    def idempotent_response(self, key: str) -> IdempotentResponse | None:
        with self.datastore.transaction(commit=False) as c:
            c.execute(self._sql["select_idempotency"], (key,))
            row = c.fetchone()
        return None if row is None else IdempotentResponse.from_row(key, row[0], row[1])

    def position_of(self, originator_id: str, version: int) -> int:
        """Where the store recorded an event (its rowid, the notification id)."""
        with self.datastore.transaction(commit=False) as c:
            c.execute(
                f"SELECT rowid FROM {self.events_table_name} "
                "WHERE originator_id = ? AND originator_version = ?",
                (UUID(originator_id).hex, version),
            )
            row = c.fetchone()
        assert row is not None
        return int(row[0])


TABLES_MADE = "tables_made"
"""One row in each tenant's store: the fingerprint of the table definitions its tables
were last made by (see :meth:`TenantApplication.construct_recorder`)."""

_TABLES_MADE = {
    "create": "CREATE TABLE IF NOT EXISTS {table} (id integer PRIMARY KEY, "
    "fingerprint text NOT NULL)",
    "note": "INSERT INTO {table} (id, fingerprint) VALUES (1, ?) "
    "ON CONFLICT (id) DO UPDATE SET fingerprint = excluded.fingerprint",
    "read": "SELECT fingerprint FROM {table} WHERE id = 1",
}


def _tables_made_sql(recorder: Any, name: str) -> str:
    if isinstance(recorder, PostgresApplicationRecorder):
        table = Identifier(recorder.datastore.schema, TABLES_MADE).as_string()
        return _TABLES_MADE[name].format(table=table).replace("?", "%s")
    return _TABLES_MADE[name].format(table=TABLES_MADE)


def tables_made(recorder: Any) -> str | None:
    """The fingerprint the store's tables were made by; None when never noted (a new store,
    or one made by an earlier release). One query; an unreachable store raises."""
    try:
        with recorder.datastore.transaction(commit=False) as cursor:
            cursor.execute(_tables_made_sql(recorder, "read"))
            row = cursor.fetchone()
    except (ProgrammingError, OperationalError) as error:  # no such table yet
        if store_unavailable(error):
            raise
        return None
    return None if row is None else str(row["fingerprint"])


def note_tables_made(recorder: Any, fingerprint: str) -> None:
    """Note that the store's tables now match ``fingerprint`` (after making them)."""
    with recorder.datastore.transaction(commit=True) as cursor:
        cursor.execute(_tables_made_sql(recorder, "create"))
        cursor.execute(_tables_made_sql(recorder, "note"), (fingerprint,))
