"""The retention use cases of one bureau: judge a case's term, hold it, erase it, run the term.

Beside :class:`TenantApplication` (whose one command path they use), so the
bureau's case commands and the keeping of its files stay apart. The rules are
the domain's (:mod:`domain.retention`); here they meet the store: the case as
stored, its employer's regime, and a transaction per case.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

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
from service.application.tenant_application import (
    IdempotentRequest,
    Recorded,
    TenantApplication,
)

RETENTION_RUN = Actor("retention-run", Role.ADMIN)
"""Who the retention run records its erasures as."""
RUN_REASON = "bewaartermijn verstreken (spoorlog retention run)"


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

    return app._command(load, act, None)


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
    return app._command(
        lambda: app.case(case_id, by),
        lambda case: place_legal_hold(case, by=by, reason=reason),
        idempotency,
    )


def lift(app: TenantApplication, case_id: str | UUID, by: Actor, reason: str | None) -> Recorded:
    """Lift the case's legal hold."""
    return app._command(
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
) -> Recorded:
    """Erase the case's personal data, judged on the legal date of ``now``: a DomainError
    naming why while it is open, its term runs or a hold is set.

    First the erasure is recorded (so a hold placed meanwhile wins the race for the
    case's next version), then the case's key is destroyed, which makes every personal
    value and salt unreadable while each hash stays. A crash in between leaves the key;
    the retention run destroys it (:func:`run`).
    """

    first = [loaded] if loaded is not None else []

    def load() -> Case:
        """The case the caller loaded, for the first attempt; as stored for a retry."""
        return first.pop() if first else app.case(case_id, by)

    def act(case: Case) -> None:
        erase(case, by=by, reason=reason, judged=judge(app, case, now))

    recorded = app._command(load, act, idempotency)
    shred(app, recorded.aggregate.id, keep=idempotency.key if idempotency else None)
    return recorded


def shred(app: TenantApplication, case_id: str | UUID, keep: str | None = None) -> None:
    """Make the erased case's personal data unreadable: the answers stored for retried
    commands on it go (they repeat the events' values; ``keep`` is the erasure's own,
    which holds none), then its key, whose destruction also truncates SQLite's log."""
    recorder: Any = app.recorder
    recorder.checkpoint_rows(
        "forget_answers", (f'%"recorded": ["{case_id}",%', keep or ""), write=True
    )
    app.case_keys.destroy(case_id)


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
    skipped next time (its key destroyed if a crash left it), so a run killed halfway
    is finished by the next, never doubled (a twin run racing for the same case gets
    the domain's refusal).
    """
    report = RunReport(app.slug, dry_run)
    policy = policy_of(app, now)
    case_ids = [case_id for case_id, _ in app.case_ids()]
    erased_before = erased_case_ids(app)
    for case_id in case_ids:
        report.looked_at += 1
        if case_id in erased_before:  # known from the feed alone: no need to load it
            report.already_erased += 1
            if not dry_run and app.case_keys.key(case_id) is not None:
                shred(app, case_id)  # an erasure interrupted before its key went
                tell(f"destroyed the key of {case_id}, erased before")
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
                    erase_case(app, case_id, RETENTION_RUN, RUN_REASON, now, case)
                except DomainError as refused:  # a twin run was first
                    tell(f"skipped {case_id}: {refused}")
                else:
                    tell(f"erased {case_id} ({line})")
                    report.erased.append(case_id)
        progress(report.looked_at, len(case_ids))
    return report


def erased_case_ids(app: TenantApplication, page: int = 1000) -> set[str]:
    """The cases with an erasure event, read from the tenant's feed by its topic."""
    topics = [get_topic(Case.Wissing)]
    found: set[str] = set()
    after = 0
    while batch := app.recorder.select_notifications(
        after, page, topics=topics, inclusive_of_start=False
    ):
        found.update(str(n.originator_id) for n in batch)
        after = batch[-1].id
    return found
