"""Checking a case's hash chain against its stored records.

The employer carries the burden of proof and only evidence that existed at
the time counts (art. 7:629 lid 3 BW; Beleidsregels beoordelingskader
poortwachter). This module shows that the file is the one that was recorded:
it recomputes every event's hash from the stored record, as the README's
verifier does, and names what does not fit — an edited event, one removed,
moved or slipped in, a record that no longer decodes — instead of failing.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from domain.commitments import hashed_form
from domain.hashchain import GENESIS_HASH, chained_record, hash_record


@dataclass(frozen=True)
class StoredRecord:
    """One stored event of a case: where the store keeps it, and what it says.

    ``event`` holds the event as the API shows it (event_id, type,
    schema_version, occurred_on, recorded_at, actor, role, data, prev_hash,
    hash, and ``salts`` or ``commitments`` for personal values); None with
    ``error`` when the record no longer decodes.
    """

    version: int
    event: Mapping[str, Any] | None
    error: str | None = None


@dataclass
class Verification:
    valid: bool = True
    events_checked: int = 0
    head_hash: str | None = None
    problems: list[str] = field(default_factory=list)

    def problem(self, text: str) -> None:
        self.valid = False
        self.problems.append(text)


def recomputed_hash(case_id: str, version: int, event: Mapping[str, Any]) -> str:
    """The hash of the event as if stored at ``version``: the README's canonical form.

    ``event`` is a line as shown (API, feed, export): personal values with
    their ``salts``, or ``commitments`` where values were erased — both
    recompute to the commitments the hash covers. ValueError when they do not fit.
    """
    event = hashed_form(event)
    return hash_record(
        chained_record(
            case_id=case_id,
            version=version,
            event_id=str(event["event_id"]),
            type=str(event["type"]),
            schema_version=int(event["schema_version"]),
            occurred_on=date.fromisoformat(str(event["occurred_on"])),
            recorded_at=datetime.fromisoformat(str(event["recorded_at"]).replace("Z", "+00:00")),
            actor=str(event["actor"]),
            role=str(event["role"]),
            data=event["data"],
            prev_hash=str(event["prev_hash"]),
            committed=event.get("committed"),
        )
    )


def verify_case(case_id: str, records: list[StoredRecord]) -> Verification:
    """Recompute the chain in stored order and report every break by kind."""
    result = Verification()
    ordered = sorted(records, key=lambda r: r.version)
    hashes: dict[str, int] = {}
    for record in ordered:
        if record.event is not None and record.event.get("hash"):
            hashes.setdefault(str(record.event["hash"]), record.version)
    expected_version, previous = 1, GENESIS_HASH
    for record in ordered:
        result.events_checked += 1
        if record.version > expected_version:
            missing = _versions(expected_version, record.version - 1)
            result.problem(f"{missing} missing: removed from the store.")
            previous = None  # the link before this record cannot be checked
        expected_version = record.version + 1
        if record.event is None:
            result.problem(
                f"Version {record.version} does not decode ({record.error}): "
                "the stored record was altered."
            )
            previous = None
            continue
        event = record.event
        try:
            own = recomputed_hash(case_id, record.version, event)
        except (KeyError, TypeError, ValueError) as error:
            result.problem(f"Version {record.version} lacks a field of the hash ({error}).")
            previous = None
            continue
        stated = str(event.get("hash"))
        if own != stated:
            recorded_as = _recorded_as(case_id, event, stated, len(ordered) + 1)
            if recorded_as is None:
                result.problem(
                    f"Version {record.version} (event {event['event_id']}) does not match its "
                    "hash: edited after it was recorded, or never recorded by Spoorlog "
                    "(inserted)."
                )
            else:
                result.problem(_moved(str(event["event_id"]), recorded_as, record.version))
                previous = None  # its neighbours moved too; each is reported on its own
                result.head_hash = stated
                continue
        elif previous is not None and event.get("prev_hash") != previous:
            linked = hashes.get(str(event.get("prev_hash")))
            if linked is not None and linked < record.version - 1:
                between = _versions(linked + 1, record.version - 1)
                result.problem(f"{between} slipped in after recording: inserted.")
            else:
                result.problem(
                    f"Version {record.version} does not follow version {record.version - 1}: "
                    "the chain is broken there (an event was inserted or replaced)."
                )
        previous = stated
        result.head_hash = stated
    return result


def _moved(event_id: str, recorded: int, stored: int) -> str:
    if stored > recorded:
        return (
            f"Event {event_id} was recorded as version {recorded} and is stored as version "
            f"{stored}: moved later, so events were inserted before it, or reordered."
        )
    return (
        f"Event {event_id} was recorded as version {recorded} and is stored as version "
        f"{stored}: moved earlier, so events before it were removed, or reordered."
    )


def _recorded_as(case_id: str, event: Mapping[str, Any], stated: str, highest: int) -> int | None:
    """The version whose hash the event's content matches, if it was moved."""
    for version in range(1, highest + 1):
        if recomputed_hash(case_id, version, event) == stated:
            return version
    return None


def _versions(first: int, last: int) -> str:
    return f"Version {first}" if first == last else f"Versions {first} to {last}"
