"""The audit trail: an entry per event of a case, oldest first, written once.

Each entry's sentence is judged with what the case knew when the event was
recorded — its facts up to that event and the bureau's policy in force then —
so the trail reads as the file was kept, and an entry never changes
afterwards, like the event it describes. Later corrections are entries of
their own that name the event they correct; each keeps the corrected event's
sentence as it reads after the correction, which the trail shows in place of
the original (kept beside it) from the moment the correctie was recorded.

The one exception is the wissing (AVG art. 17): a sentence may quote personal
data (a document's title, the coach's name), so an erasure writes the case's
sentences again from its events as they now read, personal values erased.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any, NamedTuple
from uuid import UUID

from eventsourcing.persistence import Notification

from domain.case import Case
from domain.employer import Regime
from domain.facts import legal_date
from domain.hashchain import format_instant
from domain.obligations import recorded_late
from domain.policy import Policy
from domain.trail import summary_nl
from projections.case_projection import fold_batch, regime_of
from projections.projection import ERASURE_TOPIC, Projection
from projections.store import Session

COLUMNS = (
    "case_id, version, event_id, type, occurred_on, recorded_at, recorded_late, actor, role, "
    "summary_nl, hash, corrects, corrected_occurred_on, corrected_summary_nl"
)


class Entries(NamedTuple):
    """A batch's rows: ``new`` entries are written once; ``rewritten`` ones (of a case
    erased in the batch) replace the sentences written before."""

    new: list[tuple[Any, ...]]
    rewritten: list[tuple[Any, ...]]


class AuditTrail(Projection):
    name = "audit_trail"
    version = 3
    """2: a correctie keeps the corrected event's date and sentence as they now read.
    3: a wissing writes the case's sentences again without the erased values."""
    tables = ("entries",)
    folds_each_event = True

    def create(self, session: Session) -> None:
        session.execute(
            f"CREATE TABLE IF NOT EXISTS {self.table('entries')} ("
            "case_id TEXT NOT NULL, version INTEGER NOT NULL, event_id TEXT NOT NULL, "
            "type TEXT NOT NULL, occurred_on TEXT NOT NULL, recorded_at TEXT NOT NULL, "
            "recorded_late INTEGER NOT NULL, actor TEXT NOT NULL, role TEXT NOT NULL, "
            "summary_nl TEXT NOT NULL, hash TEXT NOT NULL, corrects TEXT, "
            "corrected_occurred_on TEXT, corrected_summary_nl TEXT, "
            "PRIMARY KEY (case_id, version))"
        )

    def prepare(self, batch: Sequence[Notification]) -> Entries:
        """An entry per case event, made as the batch's cases are folded on, one event at a
        time, from where the last batch left them (:func:`fold_batch`); every entry of a
        case erased in the batch made again from its events, which now read erased."""
        application = self.store.application
        policies = application.policy_record()  # read once per batch, judged per event
        regimes: dict[str, Regime] = {}
        entries = Entries([], [])

        def entry(case: Case, event: Any, rows: list[tuple[Any, ...]] = entries.new) -> None:
            policy = policies.at(event.timestamp) if policies else Policy()
            if case.employer_id not in regimes:
                regimes[case.employer_id] = regime_of(application, case.employer_id)
            rows.append(self._entry(case, event, policy, regimes[case.employer_id]))

        fold_batch(self.store, batch, each=entry)
        erased = {str(n.originator_id) for n in batch if n.topic.endswith(ERASURE_TOPIC)}
        if erased:
            entries.new[:] = [row for row in entries.new if row[0] not in erased]
            for case_id in sorted(erased):
                # The key went with the wissing: forget this process's copy of it, so the
                # events are read as they now are (their personal values erased).
                application.case_keys.shredded(case_id, log=False)
                case = None
                for event in application.events.get(UUID(case_id)):
                    case = event.mutate(case)
                    entry(case, event, entries.rewritten)
        return entries

    @staticmethod
    def _entry(case: Case, event: Any, policy: Policy, regime: Regime) -> tuple[Any, ...]:
        fact = case.facts[-1]
        today = legal_date(event.timestamp)
        corrected = case.find(event.data["event_id"]) if fact.type == "correctie" else None
        return (
            str(case.id),
            fact.version,
            fact.event_id,
            fact.type,
            event.occurred_on.isoformat(),
            format_instant(event.timestamp),
            int(recorded_late(fact, policy)),
            fact.actor,
            fact.role,
            summary_nl(fact, case.facts, today, policy, regime),
            event.hash,
            corrected.event_id if corrected else None,
            corrected.occurred_on.isoformat() if corrected else None,
            summary_nl(corrected, case.facts, today, policy, regime) if corrected else None,
        )

    def write(self, session: Session, prepared: Entries) -> None:
        insert = (
            f"INSERT INTO {self.table('entries')} ({COLUMNS}) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT "
        )
        if prepared.new:
            session.executemany(insert + "DO NOTHING", prepared.new)
        if prepared.rewritten:
            session.executemany(
                insert + "(case_id, version) DO UPDATE SET summary_nl = excluded.summary_nl, "
                "corrected_summary_nl = excluded.corrected_summary_nl",
                prepared.rewritten,
            )

    def entries(
        self, session: Session, case_id: str, as_of: datetime | None
    ) -> list[dict[str, Any]]:
        """The case's entries oldest first; with ``as_of`` only those recorded by then."""
        where, params = ["case_id = ?"], [case_id]
        if as_of is not None:
            where.append("recorded_at <= ?")
            params.append(format_instant(as_of))
        rows = session.fetchall(
            f"SELECT {COLUMNS} FROM {self.table('entries')} "
            f"WHERE {' AND '.join(where)} ORDER BY version",
            params,
        )
        names = [c.strip() for c in COLUMNS.split(",")]
        entries = [dict(zip(names, row, strict=True)) for row in rows]
        by_id = {entry["event_id"]: entry for entry in entries}
        for entry in entries:
            entry["recorded_late"] = bool(entry["recorded_late"])
            entry["corrected_by"] = []
            entry["original"] = None
        for correctie in entries:
            target = by_id.get(correctie["corrects"] or "")
            if target is None:
                continue
            target["corrected_by"].append(correctie["event_id"])
            target["original"] = target["original"] or {
                "occurred_on": target["occurred_on"],
                "summary_nl": target["summary_nl"],
            }
            target["occurred_on"] = correctie["corrected_occurred_on"]
            target["summary_nl"] = correctie["corrected_summary_nl"]
        for entry in entries:
            del entry["case_id"], entry["corrected_occurred_on"], entry["corrected_summary_nl"]
        return entries
