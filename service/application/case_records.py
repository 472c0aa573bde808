"""A case's hash chain recomputed from its records as stored, and the list of cases
with events: the tenant's side of the proof (``/verify``, ``spoorlog verify``)."""

from __future__ import annotations

from collections.abc import Iterator
from uuid import UUID

from domain.access import Actor
from domain.case import CASE_TOPIC_PREFIX
from domain.verification import StoredRecord, Verification, verify_case
from service.application.errors import NotFound
from service.application.stored_application import StoredApplication
from service.proof.feed_line import case_line


class CaseRecords(StoredApplication):
    """Reads a tenant's records as stored, past the cache and past a fold that fails."""

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
