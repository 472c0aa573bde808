"""Personal values stored encrypted under their case's own key, so erasure can shred them.

A case event keeps each personal value and its salt apart from what its hash
covers (``personal``, :mod:`domain.commitments`). In the store that part is
encrypted with AES-256-GCM under a key of the case's own, held in the table
``case_keys`` beside (never inside) the events. Destroying the key is the
erasure: the events stay as they were recorded, every hash and proof still
verifies from the commitments, and the values and salts can no longer be read
by anyone — the event then reads as erased (:data:`domain.commitments.ERASED`).

Each value is its own ciphertext, ``base64(nonce || ciphertext+tag)`` of the
canonical JSON ``{"salt": …, "value": …}``, bound (associated data) to its
case, event id and path, so no ciphertext can be moved to another event or
value — while a whole event moved to another version still decrypts, and the
case check names it as moved.
The erasure destroys the key in the transaction that records the case's
``wissing`` (:class:`Erasure`, the recorders' ``erasure=``), with the bytes of
its documents no other case still names and the answers kept for its retried
commands: the event and the shredding are committed together or not at all.
A process keeps a key it read for at most :data:`REMEMBERED_SECONDS` (a replay,
a command or a page of the feed asks once per case, not once per event), so a
key destroyed in one process is gone from every other within that time. (No
event is sealed under a key just destroyed elsewhere: a case is erased only
once closed, and a closed case records no more steps.)
"""

from __future__ import annotations

import base64
import json
import os
import time
import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from uuid import UUID

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from eventsourcing.persistence import Mapper, StoredEvent
from eventsourcing.postgres import PostgresApplicationRecorder
from psycopg.sql import Identifier

from domain.hashchain import canonical_bytes
from projections.store import truncate_log

KEYS = "case_keys"
NONCE_BYTES = 12
REMEMBERED_SECONDS = 2.0
SECURE_DELETE = "PRAGMA secure_delete = ON"
"""SQLite overwrites what a delete frees with zeros, so no freed page keeps a key or a byte."""

CREATE_KEYS = {
    "sqlite": f"CREATE TABLE IF NOT EXISTS {KEYS} (case_id TEXT PRIMARY KEY, "
    "data_key BLOB NOT NULL, created_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP)",
    "postgres": "CREATE TABLE IF NOT EXISTS {keys} (case_id text PRIMARY KEY, "
    "data_key bytea NOT NULL, created_at timestamptz NOT NULL DEFAULT now())",
}
"""The key table, by kind of store (also counted in the store's digest of its tables)."""

_ready: weakref.WeakSet[Any] = weakref.WeakSet()
"""The recorders whose store has the key table already (checked once per process)."""


@dataclass(frozen=True)
class Erasure:
    """What the transaction recording a case's ``wissing`` shreds with it: the case's key,
    the answers kept for its retried commands (but ``keep``, the erasure's own, which holds
    no personal value), and the bytes of each of its documents that no case left unerased
    names (documents are kept once per tenant, under their SHA-256).

    ``named_by`` is the topic of the events that name a document, ``erased_by`` that of
    the erasure: a case with one has no claim on the bytes any more.
    """

    case_id: UUID
    documents: tuple[str, ...]
    named_by: str
    erased_by: str
    keep: str = ""

    @property
    def answers(self) -> tuple[str, str, str]:
        """The stored answers to forget: those recording on the case, but ``keep``; an
        answer saved before they named their case (no ``case_id``) by its text."""
        return self.keep, str(self.case_id), f'%"recorded": ["{self.case_id}",%'

    def unnamed(self, sha256: str, case_id: Any) -> tuple[Any, ...]:
        """A document's bytes go unless another case, not erased, names it; ``case_id`` is
        this case as the store keeps originator ids."""
        return sha256, self.named_by, case_id, f"%{sha256}%", self.erased_by


class CaseKeys:
    """The data keys of one tenant's cases, in its own store, over the recorder's connections."""

    def __init__(self, recorder: Any) -> None:
        self.recorder = recorder
        self.postgres = isinstance(recorder, PostgresApplicationRecorder)
        self.table = (
            Identifier(recorder.datastore.schema, KEYS).as_string() if self.postgres else KEYS
        )
        self._remembered: dict[str, tuple[float, bytes | None]] = {}

    def key(self, case_id: UUID | str, *, create: bool = False) -> bytes | None:
        """The case's key; with ``create`` a new one when it has none (yet)."""
        found = self._read(str(case_id))
        if found is not None or not create:
            return found
        with self._cursor(write=True) as cursor:
            cursor.execute(
                self._sql(
                    "INSERT INTO {keys} (case_id, data_key) VALUES (?, ?) "
                    "ON CONFLICT (case_id) DO NOTHING"
                ),
                (str(case_id), AESGCM.generate_key(bit_length=256)),
            )
        found = self._select(str(case_id))  # another process may have won the race
        self._remembered[str(case_id)] = (time.monotonic(), found)
        return found

    def destroy(self, case_id: UUID | str) -> bool:
        """Shred the case's personal values: its key goes, for good. True when there was one.

        (An erasure destroys the key with its event instead: :class:`Erasure`.)
        """
        with self._cursor(write=True) as cursor:
            if not self.postgres:
                cursor.execute(SECURE_DELETE)
            cursor.execute(
                self._sql("DELETE FROM {keys} WHERE case_id = ? RETURNING case_id"),
                (str(case_id),),
            )
            destroyed = cursor.fetchone() is not None
        self.shredded(case_id)
        return destroyed

    def ready(self) -> None:
        """Make sure the key table exists (an erasure deletes from it in its transaction)."""
        if self.recorder not in _ready:
            with self._cursor():
                pass

    def found(self) -> None:
        """The key table is known to exist (made with the store's other tables): no check."""
        _ready.add(self.recorder)

    def cases(self) -> set[str]:
        """Every case that has a key, read at once (the retention run asks per erased case)."""
        with self._cursor() as cursor:
            cursor.execute(self._sql("SELECT case_id FROM {keys}"))
            return {row["case_id"] if self.postgres else row[0] for row in cursor.fetchall()}

    def shredded(self, case_id: UUID | str, *, log: bool = True) -> None:
        """After the case's key was deleted: forget it here, and (with ``log``) leave no
        older copy of it (:meth:`shred_log`)."""
        self._remembered.pop(str(case_id), None)
        if log:
            self.shred_log()

    def shred_log(self) -> bool:
        """Leave no older copy of what was deleted: SQLite zeroed the freed rows
        (:data:`SECURE_DELETE`), and the write-ahead log is checkpointed into the file
        and truncated, so no older page keeps a key or a document. False (and a warning
        logged) when a reader held the log back: the next shredding finishes it
        (:func:`truncate_log`). (PostgreSQL keeps a dead row until VACUUM: no dump or
        query shows it.)"""
        if self.postgres:
            return True
        tenant = Path(self.recorder.datastore.pool.db_name).stem  # tenants/<slug>.sqlite
        return truncate_log(self.recorder.datastore, tenant, "events")

    def _read(self, case_id: str) -> bytes | None:
        """The key as read at most :data:`REMEMBERED_SECONDS` ago."""
        now = time.monotonic()
        remembered = self._remembered.get(case_id)
        if remembered is not None and now - remembered[0] < REMEMBERED_SECONDS:
            return remembered[1]
        if len(self._remembered) > 10_000:
            self._remembered.clear()
        found = self._select(case_id)
        self._remembered[case_id] = (now, found)
        return found

    def _select(self, case_id: str) -> bytes | None:
        with self._cursor() as cursor:
            cursor.execute(self._sql("SELECT data_key FROM {keys} WHERE case_id = ?"), (case_id,))
            row = cursor.fetchone()
        if row is None:
            return None
        return bytes(row["data_key"] if self.postgres else row[0])

    @contextmanager
    def _cursor(self, *, write: bool = False) -> Iterator[Any]:
        if self.recorder not in _ready:
            with self.recorder.datastore.transaction(commit=True) as cursor:
                kind = "postgres" if self.postgres else "sqlite"
                cursor.execute(CREATE_KEYS[kind].format(keys=self.table))
            _ready.add(self.recorder)
        with self.recorder.datastore.transaction(commit=write) as cursor:
            yield cursor

    def _sql(self, statement: str) -> str:
        sql = statement.format(keys=self.table)
        return sql.replace("?", "%s") if self.postgres else sql


class PersonalDataMapper(Mapper[UUID]):
    """The library's mapper, encrypting each case event's ``personal`` part on the way in
    and decrypting it on the way out (or marking it erased when the key is gone)."""

    keys: CaseKeys | None = None
    """Set by the application once its recorder exists."""

    def to_stored_event(self, domain_event: Any) -> StoredEvent:
        personal = getattr(domain_event, "personal", None)
        if not personal or self.keys is None:
            return super().to_stored_event(domain_event)
        case_id, event_id = domain_event.originator_id, domain_event.event_id
        key = self.keys.key(case_id, create=True)
        assert key is not None
        sealed = object.__new__(type(domain_event))
        sealed.__dict__.update(vars(domain_event))
        sealed.__dict__["personal"] = {
            path: _encrypt(key, _place(case_id, event_id, path), opened)
            for path, opened in personal.items()
        }
        return super().to_stored_event(sealed)

    def to_domain_event(self, stored_event: StoredEvent) -> Any:
        event = super().to_domain_event(stored_event)
        personal = event.__dict__.get("personal")
        if not personal or self.keys is None:
            return event
        if not any(isinstance(value, str) for value in personal.values()):
            return event  # recorded before encryption: stored as it reads
        case_id, event_id = event.originator_id, event.__dict__.get("event_id")
        key = self.keys.key(case_id)
        event.__dict__["personal"] = {
            path: None if key is None else _decrypt(key, _place(case_id, event_id, path), sealed)
            for path, sealed in personal.items()
        }
        return event


def _place(case_id: UUID, event_id: Any, path: str) -> bytes:
    """What a ciphertext is bound to: its case, its event, its path."""
    return f"{case_id}/{event_id}/{path}".encode()


def _encrypt(key: bytes, place: bytes, opened: dict[str, Any]) -> str:
    nonce = os.urandom(NONCE_BYTES)
    sealed = AESGCM(key).encrypt(nonce, canonical_bytes(opened), place)
    return base64.b64encode(nonce + sealed).decode("ascii")


def _decrypt(key: bytes, place: bytes, sealed: str) -> dict[str, Any]:
    """The salt and value; InvalidTag when the stored ciphertext was altered or moved."""
    raw = base64.b64decode(sealed)
    opened = AESGCM(key).decrypt(raw[:NONCE_BYTES], raw[NONCE_BYTES:], place)
    found: dict[str, Any] = json.loads(opened)
    return found
