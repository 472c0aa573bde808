"""One bureau's use cases: employers, cases and every Poortwachter step.

One instance per tenant, on the tenant's own store. Commands follow one
path (:meth:`TenantApplication._command`): load, check the expected version,
let the aggregate decide, save — with the idempotent response in the same
transaction — and retry a lost race on the same case a bounded number of
times when the client did not ask for a specific version.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError
from eventsourcing.domain import Aggregate
from eventsourcing.persistence import IntegrityError, OperationalError
from eventsourcing.utils import Environment, get_topic

from domain.access import Actor
from domain.assessment import Assessment, assess
from domain.case import CASE_TOPIC_PREFIX, Case
from domain.employer import Employer, Regime
from domain.errors import DomainError
from domain.facts import legal_date
from domain.policy import POLICY_ID, Policy, TenantPolicy
from domain.verification import StoredRecord, Verification, verify_case
from service.application.errors import (
    Conflict,
    IdempotencyMismatch,
    NotFound,
    PreconditionFailed,
    Replay,
)
from service.application.stored_application import StoredApplication
from service.operations.metrics import EVENTS_APPENDED
from service.persistence.personal_data import Erasure
from service.persistence.recorders import IdempotentResponse, StoredDocument
from service.persistence.stores import store_unavailable
from service.proof.feed_line import case_line

A = TypeVar("A", bound=Aggregate)
Respond = Callable[[Any, list[Any]], tuple[int, dict[str, Any], dict[str, str]]]
"""Builds the HTTP answer from the aggregate and its new events, before they are saved."""


class Damaged(Conflict):
    """409: stored records no longer decode or fold; ``/verify`` names the damage."""

    def __init__(self, where: str = "this case") -> None:
        super().__init__(
            f"The stored records of {where} no longer decode; GET the case's /verify or run "
            "spoorlog verify to see what was changed."
        )


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


class TenantApplication(StoredApplication):
    name = "tenant"

    def __init__(
        self, stores: Any, slug: str, *, command_retries: int = 20, tables_exist: bool = False
    ) -> None:
        self._tables_exist = tables_exist
        super().__init__(stores, slug)
        self.slug = slug
        self.command_retries = command_retries
        self._regimes: dict[str, Regime] = {}
        """An employer's regime is set when it is registered and never changes: kept here."""
        self.read_model_store: Any = None
        """The tenant's read models (set on first use), let go with the Application."""

    def construct_env(self, name: str, env: Any = None) -> Environment:
        """A tenant opened again in this process skips creating its tables (round trips
        on PostgreSQL): they were made, or found, when it was first opened."""
        environment = super().construct_env(name, env)
        if self._tables_exist:
            environment["CREATE_TABLE"] = "n"
        return environment

    # --- employers ---------------------------------------------------------------

    def register_employer(
        self, by: Actor, *, idempotency: IdempotentRequest | None = None, **fields: Any
    ) -> Recorded:
        return self._command(
            lambda: Employer(actor=by.id, role=by.role, **fields), lambda _: None, idempotency
        )

    def employer(self, employer_id: str | UUID, by: Actor) -> Employer:
        employer = self._get(employer_id, Employer)
        if not by.sees(str(employer.id)):
            raise NotFound
        return employer

    def employer_name(self, employer_id: str) -> str | None:
        """The name of an employer of this tenant (for views; access was checked on the case)."""
        try:
            return self._get(employer_id, Employer).name
        except NotFound:
            return None

    def employers(self, by: Actor, *, after: int, limit: int) -> tuple[list[Employer], int | None]:
        return self._list(Employer.Registered, after, limit, Employer, lambda e: by.sees(str(e.id)))

    # --- cases -------------------------------------------------------------------

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
        return self._command(
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
        return self._command(
            lambda: self.case(case_id, by),
            lambda case: getattr(case, step)(by=by, **fields),
            idempotency,
            expected_version=expected_version,
            document=document,
        )

    def document(self, case_id: str | UUID, document_id: str, by: Actor) -> StoredDocument:
        """A document of the case the key may see; its bytes as stored."""
        case = self.case(case_id, by)
        if not any(
            f.type == "document" and f.data.get("document_id") == document_id for f in case.facts
        ):
            raise NotFound
        stored = self.recorder.document(document_id)  # type: ignore[attr-defined]
        if stored is None:
            raise NotFound
        return stored

    def case(self, case_id: str | UUID, by: Actor, as_of: datetime | None = None) -> Case:
        """The case as known now, or as recorded up to ``as_of``."""
        case = self._get(case_id, Case)
        if not by.sees(case.employer_id):
            raise NotFound
        if as_of is None:
            return case
        known = [f.version for f in case.facts if f.recorded_at <= as_of]
        if not known:
            raise NotFound
        return self._get(case.id, Case, version=max(known))

    def assessment(self, case: Case, now: datetime) -> Assessment:
        """The case's obligations and risk as judged on the legal date of ``now``,
        by the bureau's policy in force at that instant."""
        return assess(case.facts, legal_date(now), self.policy(now), self.regime(case))

    def regime(self, case: Case) -> Regime:
        """What the case's employer carries itself (it shapes the rules on leaving sick)."""
        found = self._regimes.get(case.employer_id)
        if found is None:
            try:
                found = self._get(case.employer_id, Employer).regime
            except NotFound:
                return Regime()
            self._regimes[case.employer_id] = found
        return found

    # --- the bureau's policy -----------------------------------------------------

    def policy(self, at: datetime | None = None) -> Policy:
        """The thresholds in force at ``at`` (now when None); UWV's defaults if never set."""
        recorded = self.policy_record()
        return recorded.at(at) if recorded else Policy()

    def policy_record(self) -> TenantPolicy | None:
        try:
            return self.repository.get(POLICY_ID)
        except AggregateNotFoundError:
            return None

    def set_policy(self, by: Actor, policy: Policy) -> Recorded:
        """Record the bureau's new thresholds; the first setting creates the policy."""

        def load() -> TenantPolicy:
            return self.policy_record() or TenantPolicy.set(policy, by.id, by.role)

        def act(current: TenantPolicy) -> None:
            if not current.pending_events:
                current.change(policy, by.id, by.role)

        return self._command(load, act, None)

    def case_events(
        self, case_id: str | UUID, by: Actor, as_of: datetime | None = None
    ) -> list[Case.Event]:
        """The raw events as recorded, oldest first; corrections are events of their own."""
        case = self.case(case_id, by)
        try:
            events = list(self.events.get(case.id))
        except Exception as error:
            raise Damaged() from error
        if as_of is not None:
            events = [e for e in events if e.timestamp <= as_of]
        return events  # type: ignore[return-value]

    def case_events_page(
        self,
        case_id: str | UUID,
        by: Actor,
        *,
        after: int,
        limit: int,
        as_of: datetime | None = None,
    ) -> tuple[list[Case.Event], int | None]:
        """One page of :meth:`case_events` — the events after version ``after`` — and the
        cursor of the next page (None on the last). Read from the store by version, so a
        page costs its own events, not the whole case's."""
        if as_of is not None:  # rare: which versions were recorded by then needs them decoded
            known = self.case_events(case_id, by, as_of=as_of)
            chosen = [e for e in known if e.originator_version > after][:limit]
            last = known[-1].originator_version if known else 0
        else:
            last = self.case(case_id, by).version
            try:
                chosen = list(self.events.get(UUID(str(case_id)), gt=after, limit=limit))
            except Exception as error:
                raise Damaged() from error
        more = bool(chosen) and chosen[-1].originator_version < last
        return chosen, chosen[-1].originator_version if more else None  # type: ignore[return-value]

    # --- proof ---------------------------------------------------------------------

    def verify_case(self, case_id: str | UUID, by: Actor) -> Verification:
        """Recompute the case's hash chain from the records as stored, not the cache."""
        records, owner = self._stored_records(case_id)
        if owner is None and by.employer_ids is not None:
            raise NotFound  # whose case this is cannot be read: only unscoped keys see it
        if owner is not None and not by.sees(owner):
            raise NotFound
        return verify_case(str(case_id), records)

    def case_ids(self, until: int | None = None) -> Iterator[tuple[str, int]]:
        """Every case with stored events (up to position ``until``), with how many, in the
        order they first appear."""
        counts: dict[str, int] = {}
        after = 0
        while page := self.recorder.select_notifications(
            after, 1000, stop=until, inclusive_of_start=False
        ):
            for notification in page:
                if notification.topic.startswith(CASE_TOPIC_PREFIX):
                    key = str(notification.originator_id)
                    counts[key] = counts.get(key, 0) + 1
            after = page[-1].id
        yield from counts.items()

    def _stored_records(self, case_id: str | UUID) -> tuple[list[StoredRecord], str | None]:
        try:
            stored = self.recorder.select_events(UUID(str(case_id)))
        except ValueError:
            raise NotFound from None
        if not stored or not all(s.topic.startswith(CASE_TOPIC_PREFIX) for s in stored):
            raise NotFound
        records, owner = [], None
        for record in stored:
            try:
                event = self.mapper.to_domain_event(record)
                shown = case_line(event)
            except Exception as error:
                records.append(StoredRecord(record.originator_version, None, type(error).__name__))
                continue
            if event.originator_version == 1:
                owner = str(event.data.get("employer_id"))
            records.append(StoredRecord(record.originator_version, shown))
        return records, owner

    # --- the one command path ----------------------------------------------------

    def _command(
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
                # On PostgreSQL a twin request that recorded first makes our idempotency
                # insert fail inside the library's pipeline, which reports it as an
                # aborted pipeline rather than an integrity error: answer as the twin did.
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

    command = _command  # public: for the use cases beside this class (retention)

    def _replay_if_answered(self, request: IdempotentRequest) -> None:
        answered = self.recorder.idempotent_response(request.key)  # type: ignore[attr-defined]
        if answered is None:
            return
        if answered.fingerprint != request.fingerprint:
            raise IdempotencyMismatch(request.key)
        raise Replay(answered, self.recorder.position_of(*answered.recorded))  # type: ignore[attr-defined]

    def _get(self, aggregate_id: str | UUID, kind: type[A], version: int | None = None) -> A:
        try:
            key = UUID(str(aggregate_id))
        except ValueError:
            raise NotFound from None
        try:
            aggregate = self.repository.get(key, version=version)
        except AggregateNotFoundError:
            raise NotFound from None
        except Exception as error:
            raise Conflict(
                "The stored records of this case no longer fold into a case; "
                "GET its /verify to see what was changed."
            ) from error
        if not isinstance(aggregate, kind):
            raise NotFound
        return aggregate

    def _list(
        self,
        created: type[Any],
        after: int,
        limit: int,
        kind: type[A],
        wanted: Callable[[A], bool],
    ) -> tuple[list[A], int | None]:
        """Page through the aggregates of one kind in recording order.

        The cursor is the position of the last creation event looked at, so a
        page is stable while new aggregates are added.
        """
        found: list[A] = []
        topics = [get_topic(created)]
        cursor = after
        while len(found) < limit:
            batch = self.recorder.select_notifications(
                cursor, limit, topics=topics, inclusive_of_start=False
            )
            for notification in batch:
                cursor = notification.id
                aggregate = self._get(notification.originator_id, kind)
                if wanted(aggregate):
                    found.append(aggregate)
                    if len(found) == limit:
                        break
            if len(batch) < limit and (not batch or cursor == batch[-1].id):
                return found, None
        return found, cursor
