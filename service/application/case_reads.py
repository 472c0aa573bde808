"""What a bureau's cases, employers and policy read as: the read side of a tenant.

Reads come from the tenant's store through the aggregate cache (a case is
folded from its events on demand); every read checks what the caller's key
may see. The commands that change them are :mod:`.tenant_application`'s.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any, TypeVar
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError
from eventsourcing.domain import Aggregate
from eventsourcing.utils import get_topic

from domain.access import Actor
from domain.assessment import Assessment, assess
from domain.case import Case
from domain.employer import Employer, Regime
from domain.facts import legal_date
from domain.policy import POLICY_ID, Policy, TenantPolicy
from service.application.errors import Conflict, NotFound
from service.application.stored_application import StoredApplication
from service.persistence.recorders import StoredDocument

A = TypeVar("A", bound=Aggregate)


class Damaged(Conflict):
    """409: stored records no longer decode or fold; ``/verify`` names the damage."""

    def __init__(self, where: str = "this case") -> None:
        super().__init__(
            f"The stored records of {where} no longer decode; GET the case's /verify or run "
            "spoorlog verify to see what was changed."
        )


class TenantReads(StoredApplication):
    """The queries of :class:`~service.application.tenant_application.TenantApplication`."""

    _regimes: dict[str, Regime]
    """An employer's regime is set when it is registered and never changes: kept here."""

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

    def case(self, case_id: str | UUID, by: Actor, as_of: datetime | None = None) -> Case:
        """The case as known now, or as recorded up to ``as_of`` (folded again from the
        store up to the version it had then)."""
        case = self.known_case(case_id, by, as_of)
        if as_of is None:
            return case
        return self._get(case.id, Case, version=self._version_at(case, as_of))

    def known_case(self, case_id: str | UUID, by: Actor, as_of: datetime | None = None) -> Case:
        """The case as known now, once the key may see it and, with ``as_of``, something of
        it was recorded by then: for a read that needs only what never changes (its id, its
        employer) and not the case as it was."""
        case = self._get(case_id, Case)
        if not by.sees(case.employer_id):
            raise NotFound
        if as_of is not None:
            self._version_at(case, as_of)
        return case

    @staticmethod
    def _version_at(case: Case, as_of: datetime) -> int:
        """The case's version at ``as_of`` (its facts, one an event, say when each was
        recorded); NotFound when nothing was yet."""
        known = [f.version for f in case.facts if f.recorded_at <= as_of]
        if not known:
            raise NotFound
        return max(known)

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

    def policy(self, at: datetime | None = None) -> Policy:
        """The thresholds in force at ``at`` (now when None); UWV's defaults if never set."""
        recorded = self.policy_record()
        return recorded.at(at) if recorded else Policy()

    def policy_record(self) -> TenantPolicy | None:
        try:
            return self.repository.get(POLICY_ID)
        except AggregateNotFoundError:
            return None

    def case_events(
        self, case_id: str | UUID, by: Actor, as_of: datetime | None = None
    ) -> list[Case.Event]:
        """The raw events as recorded, oldest first; corrections are events of their own."""
        events = self._stored_events(self.case(case_id, by).id, gt=0)
        if as_of is not None:
            events = [e for e in events if e.timestamp <= as_of]
        return events

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
        page costs its own events, not the whole case's, with ``as_of`` too."""
        if as_of is None:
            last = self.case(case_id, by).version
            chosen = self._stored_events(case_id, gt=after, limit=limit)
        else:  # which versions were recorded by then: the cached case's facts, one an event
            facts = self.case(case_id, by).facts
            known = sorted(f.version for f in facts if f.recorded_at <= as_of)
            last = known[-1] if known else 0
            wanted = set([v for v in known if v > after][:limit])
            chosen = []
            if wanted:  # a prefix of the versions, unless a clock stepped back: read, then pick
                read = self._stored_events(case_id, gt=after, lte=max(wanted))
                chosen = [e for e in read if e.originator_version in wanted]
        more = bool(chosen) and chosen[-1].originator_version < last
        return chosen, chosen[-1].originator_version if more else None  # type: ignore[return-value]

    def _stored_events(
        self, case_id: str | UUID, *, gt: int, lte: int | None = None, limit: int | None = None
    ) -> list[Case.Event]:
        """The case's events from the store by version, oldest first."""
        try:
            found = list(self.events.get(UUID(str(case_id)), gt=gt, lte=lte, limit=limit))
        except Exception as error:
            raise Damaged() from error
        return found  # type: ignore[return-value]

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
