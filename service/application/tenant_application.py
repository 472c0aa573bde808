"""One bureau's use cases: employers, cases and every Poortwachter step.

The commands are here; what they read, and how a case is verified from its
records as stored, are beside (:mod:`.case_reads`, :mod:`.case_records`).
One instance per tenant, on the tenant's own store. Commands follow one
path (:meth:`TenantApplication.command`): load, check the expected version,
let the aggregate decide, save — with the idempotent response in the same
transaction — and retry a lost race on the same case a bounded number of
times when the client did not ask for a specific version.
"""

from __future__ import annotations

import hashlib
import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from eventsourcing.persistence import (
    ApplicationRecorder,
    InfrastructureFactory,
    IntegrityError,
    OperationalError,
)
from eventsourcing.postgres import PostgresApplicationRecorder
from eventsourcing.utils import Environment

from domain.access import Actor
from domain.case import Case
from domain.employer import Employer, Regime
from domain.errors import DomainError
from domain.policy import Policy, TenantPolicy
from service.application.case_reads import A, TenantReads
from service.application.case_reads import Damaged as Damaged  # where views import it
from service.application.case_records import CaseRecords
from service.application.errors import (
    Conflict,
    IdempotencyMismatch,
    NotFound,
    PreconditionFailed,
    Replay,
)
from service.operations.metrics import EVENTS_APPENDED
from service.persistence.personal_data import CREATE_KEYS, CaseKeys, Erasure
from service.persistence.recorders import (
    IdempotentResponse,
    StoredDocument,
    note_tables_made,
    tables_made,
)
from service.persistence.stores import store_unavailable
from service.proof import merkle_store
from service.proof.merkle_store import MerkleStore

Respond = Callable[[Any, list[Any]], tuple[int, dict[str, Any], dict[str, str]]]
"""Builds the HTTP answer from the aggregate and its new events, before they are saved."""


@dataclass(frozen=True)
class IdempotentRequest:
    key: str
    fingerprint: str
    respond: Respond


@dataclass(frozen=True)
class Recorded:
    """What a command recorded: the aggregate after it, its new events, their positions."""

    aggregate: Any
    events: list[Any]
    positions: list[int]


class TenantApplication(TenantReads, CaseRecords):
    """One bureau's Application: its commands here, its reads (:class:`TenantReads`) and
    its records as stored (:class:`CaseRecords`) beside."""

    name = "tenant"

    def __init__(
        self, stores: Any, slug: str, *, command_retries: int = 20, tables_exist: bool = False
    ) -> None:
        self._tables_exist = tables_exist
        super().__init__(stores, slug)
        self.slug = slug
        self.command_retries = command_retries
        self._regimes: dict[str, Regime] = {}
        self.read_model_store: Any = None
        """The tenant's read models (set on first use), let go with the Application."""

    def construct_env(self, name: str, env: Any = None) -> Environment:
        """The recorder never makes its tables itself: :meth:`construct_recorder` decides."""
        environment = super().construct_env(name, env)
        environment["CREATE_TABLE"] = "n"
        return environment

    def construct_factory(self, env: Environment) -> InfrastructureFactory[Any]:
        """Not even the store (its PostgreSQL schema) is made here: a store whose tables
        were made has it (:meth:`construct_recorder`)."""
        return self.stores.factory(self.store, env, make=False)

    def construct_recorder(self) -> ApplicationRecorder:
        """The recorder, on a store whose tables are all made: events, idempotency keys,
        documents, checkpoints, signing key, case keys and the Merkle log.

        Making them costs a write transaction (a dozen round trips on PostgreSQL), so it
        is done only when the store's noted fingerprint of their definitions differs
        from this release's: a new store, or one made by an earlier release (every
        statement is ``IF NOT EXISTS``, so an older store gains what it lacks). A tenant
        opened before in this process skips even the one query that reads the note.
        """
        recorder = super().construct_recorder()
        if not self._tables_exist:
            fingerprint = table_fingerprint(recorder)
            if tables_made(recorder) != fingerprint:
                self.stores.make(self.store)
                recorder.create_table()  # type: ignore[attr-defined]
                CaseKeys(recorder).ready()
                MerkleStore(recorder)
                note_tables_made(recorder, fingerprint)
        CaseKeys(recorder).found()
        merkle_store.found(recorder)
        return recorder

    # --- commands ------------------------------------------------------------------

    def register_employer(
        self, by: Actor, *, idempotency: IdempotentRequest | None = None, **fields: Any
    ) -> Recorded:
        return self.command(
            lambda: Employer(actor=by.id, role=by.role, **fields), lambda _: None, idempotency
        )

    def open_case(
        self,
        by: Actor,
        *,
        employer_id: str,
        idempotency: IdempotentRequest | None = None,
        **fields: Any,
    ) -> Recorded:
        """The ziekmelding: a new case for an employee of a known employer."""
        try:
            self._get(employer_id, Employer)
        except NotFound:
            raise DomainError("no such employer in this tenant", "employer_id") from None
        if not by.sees(str(employer_id)):
            raise DomainError("this key is not scoped to that employer", "employer_id")
        return self.command(
            lambda: Case.open_with_ziekmelding(by=by, employer_id=str(employer_id), **fields),
            lambda _: None,
            idempotency,
        )

    def record(
        self,
        case_id: str | UUID,
        step: str,
        by: Actor,
        *,
        expected_version: int | None = None,
        idempotency: IdempotentRequest | None = None,
        document: StoredDocument | None = None,
        **fields: Any,
    ) -> Recorded:
        """Record one Poortwachter step on a case: ``step`` is the verb's name.

        A document's bytes are stored in the same transaction as its event.
        """
        return self.command(
            lambda: self.case(case_id, by),
            lambda case: getattr(case, step)(by=by, **fields),
            idempotency,
            expected_version=expected_version,
            document=document,
        )

    def set_policy(self, by: Actor, policy: Policy) -> Recorded:
        """Record the bureau's new thresholds; the first setting creates the policy."""

        def load() -> TenantPolicy:
            return self.policy_record() or TenantPolicy.set(policy, by.id, by.role)

        def act(current: TenantPolicy) -> None:
            if not current.pending_events:
                current.change(policy, by.id, by.role)

        return self.command(load, act, None)

    # --- the one command path ----------------------------------------------------

    def command(
        self,
        load: Callable[[], A],
        act: Callable[[A], None],
        idempotency: IdempotentRequest | None,
        *,
        expected_version: int | None = None,
        document: StoredDocument | None = None,
        erasure: Callable[[A], Erasure] | None = None,
    ) -> Recorded:
        for attempt in range(self.command_retries):
            aggregate = load()
            if attempt == 0 and idempotency is not None:
                # After load(), which checks the key may act on the case: a key scoped
                # to another employer gets its 404, not the stored answer.
                self._replay_if_answered(idempotency)
            if expected_version is not None and aggregate.version != expected_version:
                raise PreconditionFailed(aggregate.version)
            act(aggregate)
            events = list(aggregate.pending_events)
            stored = None
            if idempotency is not None:
                status, body, headers = idempotency.respond(aggregate, events)
                stored = IdempotentResponse(
                    idempotency.key,
                    idempotency.fingerprint,
                    status,
                    body,
                    headers,
                    (str(aggregate.id), aggregate.version),
                )
            try:
                shred = erasure(aggregate) if erasure else None  # with the wissing, or not at all
                recordings = self.save(
                    aggregate, idempotency=stored, document=document, erasure=shred
                )
            except OperationalError as error:
                # A save that lost to a twin request usually fails as an integrity error
                # (below; the one-pipeline save reports the duplicate key so); should the
                # store report it otherwise, answer as the twin did when its answer is kept.
                if idempotency is None or store_unavailable(error):
                    raise
                self._replay_if_answered(idempotency)
                raise
            except IntegrityError:
                if idempotency is not None:
                    self._replay_if_answered(idempotency)
                if expected_version is not None:
                    raise PreconditionFailed(self.repository.get(aggregate.id).version) from None
                time.sleep(random.uniform(0.002, 0.01) * (attempt + 1))
                continue
            EVENTS_APPENDED.inc(len(events))
            return Recorded(aggregate, events, [r.notification.id for r in recordings])
        raise Conflict("the case kept changing; try again")

    def _replay_if_answered(self, request: IdempotentRequest) -> None:
        answered = self.recorder.idempotent_response(request.key)  # type: ignore[attr-defined]
        if answered is None:
            return
        if answered.fingerprint != request.fingerprint:
            raise IdempotencyMismatch(request.key)
        raise Replay(answered, self.recorder.position_of(*answered.recorded))  # type: ignore[attr-defined]


def table_fingerprint(recorder: Any) -> str:
    """A digest of every statement that makes the tenant's tables, as this release has
    them: any change to a definition (a new table, a new column) changes it."""
    if isinstance(recorder, PostgresApplicationRecorder):
        made = [statement.as_string() for statement in recorder.sql_create_statements]
        kind = "postgres"
    else:
        made = list(recorder.create_table_statements)
        kind = "sqlite"
    made += [CREATE_KEYS[kind], *merkle_store.CREATE_TABLES[kind]]
    return hashlib.sha256("\n".join(made).encode()).hexdigest()
