"""Where a tenant's Merkle log lives: its complete subtrees and its signed tree heads.

Two tables of their own in the tenant's store (its SQLite file, its PostgreSQL
schema), created on first use. ``merkle_nodes`` holds the hash of every
complete subtree, leaves included, under ``(level, idx)`` — about two rows an
event — so a tree head or a proof reads O(log n) rows of a 100,000-event log
instead of every leaf. Rows are only ever added, and a node's hash follows
from the events alone, so two processes extending the log at once insert the
same rows and the second insert does nothing. ``tree_heads`` keeps every
signed head; its timestamp token may be added later (when the authority was
unreachable at signing time), as it is not part of what is signed.
"""

from __future__ import annotations

import weakref
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any
from uuid import UUID

from eventsourcing.persistence import StoredEvent
from eventsourcing.postgres import PostgresApplicationRecorder
from psycopg.sql import Identifier

from domain.tree_head import TreeHead

NODES, HEADS = "merkle_nodes", "tree_heads"
HEAD_COLUMNS = (
    "tenant, tree_size, root_hash, created_at, key_id, public_key, signature, timestamp_token"
)

CREATE_TABLES = {
    "sqlite": [
        f"CREATE TABLE IF NOT EXISTS {NODES} (level INTEGER NOT NULL, idx INTEGER NOT NULL, "
        "hash BLOB NOT NULL, PRIMARY KEY (level, idx))",
        f"CREATE TABLE IF NOT EXISTS {HEADS} (tenant TEXT NOT NULL, tree_size INTEGER PRIMARY "
        "KEY, root_hash TEXT NOT NULL, created_at TEXT NOT NULL, key_id TEXT NOT NULL, "
        "public_key TEXT NOT NULL, signature TEXT NOT NULL, timestamp_token TEXT)",
    ],
    "postgres": [
        "CREATE TABLE IF NOT EXISTS {nodes} (level smallint NOT NULL, idx bigint NOT NULL, "
        "hash bytea NOT NULL, PRIMARY KEY (level, idx))",
        "CREATE TABLE IF NOT EXISTS {heads} (tenant text NOT NULL, tree_size bigint PRIMARY "
        "KEY, root_hash text NOT NULL, created_at text NOT NULL, key_id text NOT NULL, "
        "public_key text NOT NULL, signature text NOT NULL, timestamp_token text)",
    ],
}

_ready: weakref.WeakSet[Any] = weakref.WeakSet()
"""The recorders whose store has the tables already (checked once per process)."""


def found(recorder: Any) -> None:
    """The recorder's store is known to have the tables (made with its other tables)."""
    _ready.add(recorder)


class MerkleStore:
    """The Merkle log's rows in one tenant's store, over the recorder's own connections."""

    def __init__(self, recorder: Any) -> None:
        self.recorder = recorder
        self.postgres = isinstance(recorder, PostgresApplicationRecorder)
        if self.postgres:
            schema = recorder.datastore.schema
            self.tables = {
                "nodes": Identifier(schema, NODES).as_string(),
                "heads": Identifier(schema, HEADS).as_string(),
                "events": Identifier(schema, recorder.events_table_name).as_string(),
            }
        else:
            self.tables = {"nodes": NODES, "heads": HEADS, "events": recorder.events_table_name}
        if recorder not in _ready:
            self._create()
            _ready.add(recorder)

    @contextmanager
    def _cursor(self, *, write: bool = False) -> Iterator[Any]:
        with self.recorder.datastore.transaction(commit=write) as cursor:
            yield cursor

    def _sql(self, statement: str) -> str:
        sql = statement.format(**self.tables)
        return sql.replace("?", "%s") if self.postgres else sql

    def _rows(self, statement: str, params: Iterable[Any] = ()) -> list[tuple[Any, ...]]:
        with self._cursor() as cursor:
            cursor.execute(self._sql(statement), tuple(params))
            rows = cursor.fetchall()
        return [tuple(r.values()) if self.postgres else tuple(r) for r in rows]

    def _create(self) -> None:
        """The tables, once; on PostgreSQL under a lock, as two processes creating the same
        table at once would otherwise collide in the catalogue."""
        with self._cursor(write=True) as cursor:
            if self.postgres:
                lock = "SELECT pg_advisory_xact_lock(hashtext(%s))"
                cursor.execute(lock, (self.tables["nodes"],))
            for statement in CREATE_TABLES["postgres" if self.postgres else "sqlite"]:
                cursor.execute(statement.format(**self.tables))

    # --- the tree ------------------------------------------------------------------

    def size(self) -> int:
        """How many leaves the log holds."""
        rows = self._rows("SELECT MAX(idx) FROM {nodes} WHERE level = 0")
        return 0 if rows[0][0] is None else int(rows[0][0]) + 1

    def subtrees(self, keys: Iterable[tuple[int, int]]) -> dict[tuple[int, int], bytes]:
        """The stored hashes of these complete subtrees, in one query (SQLite: a few)."""
        wanted = sorted(set(keys))
        queries: list[tuple[str, tuple[Any, ...]]] = []
        if self.postgres and wanted:
            queries.append(
                (
                    "SELECT level, idx, hash FROM {nodes} JOIN unnest(?::smallint[], "
                    "?::bigint[]) AS wanted (level, idx) USING (level, idx)",
                    ([k[0] for k in wanted], [k[1] for k in wanted]),
                )
            )
        elif wanted:
            for start in range(0, len(wanted), 2000):  # within SQLite's variable limit
                chunk = wanted[start : start + 2000]
                rows = ", ".join(["(?, ?)"] * len(chunk))
                queries.append(  # a join from the keys, so SQLite searches the primary key
                    (
                        f"WITH wanted (level, idx) AS (VALUES {rows}) SELECT n.level, n.idx, "
                        "n.hash FROM wanted JOIN {nodes} AS n "
                        "ON n.level = wanted.level AND n.idx = wanted.idx",
                        tuple(x for key in chunk for x in key),
                    )
                )
        found: dict[tuple[int, int], bytes] = {}
        for statement, params in queries:
            for level, idx, digest in self._rows(statement, params):
                found[(int(level), int(idx))] = bytes(digest)
        return found

    def add(self, nodes: list[tuple[int, int, bytes]]) -> None:
        """Add complete subtrees in one transaction; those already there stay as they are."""
        if not nodes:
            return
        with self._cursor(write=True) as cursor:
            if self.postgres:
                cursor.execute(
                    self._sql(
                        "INSERT INTO {nodes} (level, idx, hash) SELECT * FROM "
                        "unnest(?::smallint[], ?::bigint[], ?::bytea[]) ON CONFLICT DO NOTHING"
                    ),
                    ([n[0] for n in nodes], [n[1] for n in nodes], [n[2] for n in nodes]),
                )
            else:
                cursor.executemany(
                    self._sql(
                        "INSERT INTO {nodes} (level, idx, hash) VALUES (?, ?, ?) "
                        "ON CONFLICT DO NOTHING"
                    ),
                    nodes,
                )

    # --- signed tree heads -----------------------------------------------------------

    def add_head(self, head: TreeHead) -> TreeHead:
        """Keep ``head``; the one kept already at its size when another process won."""
        values = head.as_dict()
        with self._cursor(write=True) as cursor:
            cursor.execute(
                self._sql(
                    f"INSERT INTO {{heads}} ({HEAD_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?) "
                    "ON CONFLICT (tree_size) DO NOTHING"
                ),
                tuple(values.get(c.strip()) for c in HEAD_COLUMNS.split(",")),
            )
        kept = self.head(head.tree_size)
        assert kept is not None
        return kept

    def stamp(self, tree_size: int, token: str) -> None:
        """Add the timestamp token to a head signed without one."""
        with self._cursor(write=True) as cursor:
            cursor.execute(
                self._sql(
                    "UPDATE {heads} SET timestamp_token = ? "
                    "WHERE tree_size = ? AND timestamp_token IS NULL"
                ),
                (token, tree_size),
            )

    def heads(self, until: int | None = None) -> list[TreeHead]:
        """Every head up to tree size ``until``, oldest first."""
        rows = self._rows(
            f"SELECT {HEAD_COLUMNS} FROM {{heads}} WHERE tree_size <= ? ORDER BY tree_size",
            (until if until is not None else 2**62,),
        )
        return [_head(row) for row in rows]

    def head(self, tree_size: int) -> TreeHead | None:
        rows = self._rows(f"SELECT {HEAD_COLUMNS} FROM {{heads}} WHERE tree_size = ?", (tree_size,))
        return _head(rows[0]) if rows else None

    def latest_head(self) -> TreeHead | None:
        rows = self._rows(f"SELECT {HEAD_COLUMNS} FROM {{heads}} ORDER BY tree_size DESC LIMIT 1")
        return _head(rows[0]) if rows else None

    # --- a case's records --------------------------------------------------------------

    def case_records(self, case_id: UUID, until: int) -> list[tuple[int, StoredEvent]]:
        """A case's stored events up to position ``until``, with their positions."""
        if self.postgres:
            statement = (
                "SELECT notification_id, originator_version, topic, state FROM {events} "
                "WHERE originator_id = ? AND notification_id <= ? ORDER BY originator_version"
            )
            key: Any = case_id
        else:
            statement = (
                "SELECT rowid, originator_version, topic, state FROM {events} "
                "WHERE originator_id = ? AND rowid <= ? ORDER BY originator_version"
            )
            key = case_id.hex
        return [
            (int(position), StoredEvent(case_id, int(version), topic, bytes(state)))
            for position, version, topic, state in self._rows(statement, (key, until))
        ]


def _head(row: tuple[Any, ...]) -> TreeHead:
    tenant, size, root, created, key, public, signature, token = row
    return TreeHead(tenant, int(size), root, created, key, public, signature, token)
