"""The retention use cases of one bureau: judge a case's term, hold it, erase it, run the term.

Beside :class:`TenantApplication` (whose one command path they use), so the
bureau's case commands and the keeping of its files stay apart. The rules are
the domain's (:mod:`domain.retention`); here they meet the store: the case as
stored, its employer's regime, and a transaction per case.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from uuid import UUID

from eventsourcing.persistence import Notification
from eventsourcing.utils import get_topic

from domain.access import Actor, Role
from domain.case import Case
from domain.errors import DomainError
from domain.facts import legal_date
from domain.policy import Policy, RetentionPolicy, TenantPolicy
from domain.retention import (
    Retention,
    erase,
    lift_legal_hold,
    place_legal_hold,
    retention,
)
from domain.steps.privacy import erasure_of
from service.application.tenant_application import (
    IdempotentRequest,
    Recorded,
    TenantApplication,
)
from service.persistence.personal_data import Erasure

RETENTION_RUN = Actor("retention-run", Role.ADMIN)
"""Who the retention run records its erasures as."""
RUN_REASON = "bewaartermijn verstreken (spoorlog retention run)"
LOG_LEFT = (
    "could not truncate the store's write-ahead log (a reader held it): what was erased "
    "may stay in the log and the file's free pages until the next run truncates it"
)
LOG_EVERY = 100
"""The run shreds SQLite's log after this many erasures (and at its end), not after each:
a checkpoint per erasure cost it a quarter of its speed."""


def policy_of(app: TenantApplication, at: datetime | None = None) -> RetentionPolicy | None:
    """The bureau's lengthening of the terms in force at ``at`` (now when None)."""
    recorded = app.policy_record()
    return recorded.retention_at(at) if recorded else None


def set_policy(app: TenantApplication, by: Actor, policy: RetentionPolicy) -> Recorded:
    """Record the bureau's lengthening; the first setting of any policy creates it (with
    the UWV defaults for the thresholds, as when none was set)."""

    def load() -> TenantPolicy:
        return app.policy_record() or TenantPolicy.set(Policy(), by.id, by.role)

    def act(current: TenantPolicy) -> None:
        current.change_retention(policy, by.id, by.role)

    return app.command(load, act, None)


def judge(
    app: TenantApplication,
    case: Case,
    now: datetime | None = None,
    policy: RetentionPolicy | None = None,
) -> Retention:
    """The case's retention on the legal date of ``now``, by the bureau's policy then."""
    now = now or datetime.now(UTC)
    policy = policy or policy_of(app, now)
    return retention(case.facts, app.regime(case), legal_date(now), policy)


def hold(
    app: TenantApplication,
    case_id: str | UUID,
    by: Actor,
    reason: str,
    idempotency: IdempotentRequest | None = None,
) -> Recorded:
    """Place a legal hold on the case (on a closed case too)."""
    return app.command(
        lambda: app.case(case_id, by),
        lambda case: place_legal_hold(case, by=by, reason=reason),
        idempotency,
    )


def lift(app: TenantApplication, case_id: str | UUID, by: Actor, reason: str | None) -> Recorded:
    """Lift the case's legal hold."""
    return app.command(
        lambda: app.case(case_id, by),
        lambda case: lift_legal_hold(case, by=by, reason=reason),
        None,
    )


def erase_case(
    app: TenantApplication,
    case_id: str | UUID,
    by: Actor,
    reason: str,
    now: datetime | None = None,
    loaded: Case | None = None,
    idempotency: IdempotentRequest | None = None,
    shred_log: bool = True,
) -> Recorded:
    """Erase the case's personal data, judged on the legal date of ``now``: a DomainError
    naming why while it is open, its term runs or a hold is set.

    The erasure's event and the shredding (:func:`shredding`) are one transaction: the
    case's key goes with it — every personal value and salt unreadable, each hash
    staying — and so do its documents' bytes and the answers kept for its retried
    commands; or nothing is recorded. A hold placed meanwhile wins the race for the
    case's next version, and the erasure is judged again. Without ``shred_log`` the
    caller shreds SQLite's log itself (:meth:`CaseKeys.shred_log`), the run once per
    :data:`LOG_EVERY` erasures.
    """

    first = [loaded] if loaded is not None else []
    keep = idempotency.key if idempotency else ""

    def load() -> Case:
        """The case the caller loaded, for the first attempt; as stored for a retry."""
        return first.pop() if first else app.case(case_id, by)

    def act(case: Case) -> None:
        erase(case, by=by, reason=reason, judged=judge(app, case, now))

    app.case_keys.ready()
    recorded = app.command(load, act, idempotency, erasure=lambda case: shredding(case, keep))
    app.case_keys.shredded(recorded.aggregate.id, log=shred_log)
    return recorded


def shredding(case: Case, keep: str = "") -> Erasure:
    """What goes with the case's wissing: its key; the answers stored for retried commands
    on it (they repeat the events' values), but ``keep``, the erasure's own, which holds
    none; and the bytes of its documents, unless a case not erased names them too (the
    bytes are kept once per tenant; their SHA-256 stays in the events, so proofs verify)."""
    return Erasure(
        case.id,
        documents=tuple(sorted(documents_of(case))),
        named_by=get_topic(Case.Document),
        erased_by=get_topic(Case.Wissing),
        keep=keep,
    )


def shred(app: TenantApplication, case_id: str | UUID) -> None:
    """Finish an erasure recorded before the shredding went with its event (a process
    stopped between the two left the key): the same shredding, in a transaction of its own."""
    case = app.case(case_id, RETENTION_RUN)
    app.case_keys.ready()
    app.recorder.insert_events([], erasure=shredding(case))
    app.case_keys.shredded(case.id)


def document_erased_on(
    app: TenantApplication, case_id: str | UUID, document_id: str, by: Actor
) -> date | None:
    """The day the case's erasure deleted this document's bytes; None while the case is not
    erased or names no such document (a case the key may not see is not found)."""
    case = app.case(case_id, by)
    erased = erasure_of(case.facts)
    named = document_id in documents_of(case)
    return erased.occurred_on if erased is not None and named else None


def documents_of(case: Case) -> set[str]:
    """The SHA-256 of every document the case names (its documents' ids)."""
    return {str(fact.data.get("document_id")) for fact in case.facts_of("document")}


def document_erased(on: date) -> str:
    """Why a document of an erased case is gone, for the one asking for it."""
    return (
        f"The document's bytes were deleted on {on}, when the case's personal data was erased "
        "after its retention term. Its SHA-256 stays in the case's events, so every proof "
        "still verifies."
    )


@dataclass
class RunReport:
    """What a retention run did (or, dry, would do)."""

    tenant: str
    dry_run: bool
    looked_at: int = 0
    erased: list[str] = field(default_factory=list)
    """The cases erased (dry: due) in this run."""
    already_erased: int = 0
    held: int = 0
    log_truncated: bool = True
    """False when a reader kept SQLite's write-ahead log from being truncated at the end."""


Told = Callable[[str], None]


def run(
    app: TenantApplication,
    *,
    dry_run: bool,
    now: datetime | None = None,
    tell: Told = lambda line: None,
    progress: Callable[[int, int], None] = lambda done, total: None,
) -> RunReport:
    """Erase every case whose term has ended and no hold keeps, one transaction each.

    Safe to rerun and to stop at any point: an erased case is recorded as such and
    skipped next time, so a run killed halfway is finished by the next, never doubled
    (a twin run racing for the same case gets the domain's refusal). An erasure
    recorded by an earlier build, which destroyed the key after its event and never
    deleted the documents' bytes, is finished (:func:`shred`) when a crash left its key
    or its documents' bytes are still stored (:func:`documents_left`).
    """
    report = RunReport(app.slug, dry_run)
    policy = policy_of(app, now)
    case_ids = [case_id for case_id, _ in app.case_ids()]
    erased_before = erased_case_ids(app)
    keyed = app.case_keys.cases() if erased_before and not dry_run else set()
    bytes_left = documents_left(app, erased_before) if erased_before and not dry_run else set()
    for case_id in case_ids:
        report.looked_at += 1
        if case_id in erased_before:  # known from the feed alone: no need to load it
            report.already_erased += 1
            if case_id in keyed or case_id in bytes_left:
                shred(app, case_id)  # an erasure an earlier build left half done
                done = "destroyed the key" if case_id in keyed else "deleted the documents' bytes"
                tell(f"{done} of {case_id}, erased before")
            progress(report.looked_at, len(case_ids))
            continue
        case = app.case(case_id, RETENTION_RUN)
        judged = judge(app, case, now, policy)
        if judged.erased is not None:
            report.already_erased += 1
        elif judged.hold is not None and judged.ended_on is not None:
            report.held += 1
        elif judged.due:
            line = f"{judged.ended_on} ended, kept until {judged.kept_until}"
            if dry_run:
                tell(f"would erase {case_id} ({line})")
                report.erased.append(case_id)
            else:
                try:
                    erase_case(app, case_id, RETENTION_RUN, RUN_REASON, now, case, shred_log=False)
                except DomainError as refused:  # a twin run was first
                    tell(f"skipped {case_id}: {refused}")
                else:
                    tell(f"erased {case_id} ({line})")
                    report.erased.append(case_id)
                    if len(report.erased) % LOG_EVERY == 0:
                        app.case_keys.shred_log()
        progress(report.looked_at, len(case_ids))
    if not dry_run:  # also after a run killed before it shredded the log
        report.log_truncated = app.case_keys.shred_log()
        if not report.log_truncated:
            tell(LOG_LEFT)
    return report


def erased_case_ids(app: TenantApplication) -> set[str]:
    """The cases with an erasure event, read from the tenant's feed by its topic."""
    return {str(n.originator_id) for n in _feed(app, get_topic(Case.Wissing))}


def documents_left(app: TenantApplication, erased: set[str]) -> set[str]:
    """The erased cases whose documents' bytes are still stored though no case left unerased
    names them: an earlier build destroyed the key but kept the bytes. One query on the
    stored documents; only when any is stored, the feed's document events."""
    stored = {str(row[0]) for row in app.recorder.checkpoint_rows("stored_documents")}  # type: ignore[attr-defined]
    if not stored:
        return set()
    named: dict[str, set[str]] = {}
    for notification in _feed(app, get_topic(Case.Document)):
        # The SHA-256 is no personal value: read from the state, without the case's key.
        sha256 = app.mapper.transcoder.decode(notification.state)["data"].get("document_id")
        if sha256 in stored:
            named.setdefault(sha256, set()).add(str(notification.originator_id))
    return {
        case_id
        for cases in named.values()
        if cases <= erased  # bytes a case not erased names are kept for it
        for case_id in cases
    }


def _feed(app: TenantApplication, topic: str, page: int = 1000) -> Iterator[Notification]:
    """The tenant's events of one topic, in the order recorded, a page at a time."""
    after = 0
    while batch := app.recorder.select_notifications(
        after, page, topics=[topic], inclusive_of_start=False
    ):
        yield from batch
        after = batch[-1].id
