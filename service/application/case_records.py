"""A case's hash chain recomputed from its records as stored, and the list of cases
with events: the tenant's side of the proof (``/verify``, ``spoorlog verify``, the
dossier's verification)."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from domain.access import Actor
from domain.case import CASE_TOPIC_PREFIX
from domain.verification import StoredRecord, Verification, recomputed_hash, verify_case
from service.application.errors import NotFound
from service.application.stored_application import StoredApplication
from service.proof.feed_line import case_line

KNOWN_WHOLE_CASES = 10_000
"""How many cases' last whole chain a process remembers (about 200 bytes each)."""


@dataclass(frozen=True)
class _KnownWhole:
    """A case's chain as this process last found it whole: up to which version, its head,
    whose case it is, and a digest of those stored records, byte for byte, and of the
    case's key (what decoding them depends on)."""

    version: int
    head_hash: str
    owner: str | None
    digest: bytes


class CaseRecords(StoredApplication):
    """Reads a tenant's records as stored, past the cache and past a fold that fails."""

    def __init__(self, stores: Any, store: str) -> None:
        super().__init__(stores, store)
        self._known_whole: dict[UUID, _KnownWhole] = {}

    def verify_case(self, case_id: str | UUID, by: Actor) -> Verification:
        """Recompute the case's hash chain from the records as stored, not the cache.

        Only the events recorded since this process last found the chain whole are
        decoded and hashed (a 2,000-event dossier spent a quarter of its time here):
        every stored record is still read, and the older ones must be, byte for byte,
        those it checked then, with the same key; otherwise, or when a new one does not
        fit, the whole chain is recomputed, so an edit of any record is reported as at once
        as before."""
        stored = self._case_events(case_id)
        case = stored[0].originator_id
        data_key = self.case_keys.key(case)
        known = self._known_whole.get(case)
        if known and len(stored) >= known.version:
            digest = _digest(data_key, stored[: known.version])
            if digest.digest() == known.digest:
                head = self._extend(
                    case, known.version, known.head_hash, stored[known.version :], digest
                )
                if head is not None:
                    self._check_access(known.owner, by)
                    self._remember(
                        case, _KnownWhole(len(stored), head, known.owner, digest.digest())
                    )
                    return Verification(events_checked=len(stored), head_hash=head)
        records, owner = self._decoded(stored)
        self._check_access(owner, by)
        result = verify_case(str(case), records)
        if result.valid and result.head_hash is not None:
            whole = _KnownWhole(
                len(stored), result.head_hash, owner, _digest(data_key, stored).digest()
            )
            self._remember(case, whole)
        return result

    def _extend(
        self, case_id: UUID, after: int, head: str, new: Sequence[Any], digest: Any
    ) -> str | None:
        """The chain's new head when the ``new`` records follow version ``after`` and its
        ``head`` whole — each at the next version, decodes, matches its own hash and names
        the one before — adding them to ``digest``; None at the first that does not."""
        for version, record in enumerate(new, start=after + 1):
            try:
                event = case_line(self.mapper.to_domain_event(record))
                fits = (
                    recomputed_hash(str(case_id), version, event) == event["hash"]
                    and event["prev_hash"] == head
                    and version == record.originator_version
                )
            except Exception:
                return None
            if not fits:
                return None
            head = str(event["hash"])
            _add(digest, record)
        return head

    def _remember(self, case_id: UUID, known: _KnownWhole) -> None:
        if len(self._known_whole) >= KNOWN_WHOLE_CASES:
            self._known_whole.clear()
        self._known_whole[case_id] = known

    @staticmethod
    def _check_access(owner: str | None, by: Actor) -> None:
        if owner is None and by.employer_ids is not None:
            raise NotFound  # whose case this is cannot be read: only unscoped keys see it
        if owner is not None and not by.sees(owner):
            raise NotFound

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

    def _case_events(self, case_id: str | UUID) -> list[Any]:
        """The case's records as stored, oldest first; NotFound when it is no case."""
        try:
            stored = self.recorder.select_events(UUID(str(case_id)))
        except ValueError:
            raise NotFound from None
        if not stored or not all(s.topic.startswith(CASE_TOPIC_PREFIX) for s in stored):
            raise NotFound
        return list(stored)

    def _decoded(self, stored: list[Any]) -> tuple[list[StoredRecord], str | None]:
        """Each record as shown, or why it no longer decodes; and whose case it is."""
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


def _digest(data_key: bytes | None, stored: Sequence[Any]) -> Any:
    """SHA-256 over the case's key and its records as stored, each unambiguously: version,
    topic, state (more can be added with :func:`_add`)."""
    digest = hashlib.sha256(data_key or b"")
    for record in stored:
        _add(digest, record)
    return digest


def _add(digest: Any, record: Any) -> None:
    state = bytes(record.state)
    topic = record.topic.encode()
    digest.update(b"%d %d %d " % (record.originator_version, len(topic), len(state)))
    digest.update(topic)
    digest.update(state)
