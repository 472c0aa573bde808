"""A projection whose rows are a function of each case as it now stands.

Every case touched by a batch is loaded once, as its aggregate folds its
events (corrections, relapses and closing applied), and judged by the pure
domain rules. A read model that works this way can never disagree with
``GET /v1/cases/{id}`` or its obligations.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any
from uuid import UUID

from eventsourcing.persistence import Notification
from eventsourcing.utils import get_topic

from domain.case import CASE_TOPIC_PREFIX, Case
from domain.employer import Employer, Regime
from domain.policy import Policy, TenantPolicy
from projections.projection import Projection
from projections.store import ReadModelStore

POLICY_TOPIC_PREFIX = get_topic(TenantPolicy) + "."
FOLDED_CASES = 2000
"""Cases kept folded between batches, per tenant (the least recently touched let go)."""


@dataclass(frozen=True)
class Touched:
    """A case the batch touched: how many of its events, and where it opened (0: earlier)."""

    case: Case
    events: int
    opened_at: int
    regime: Regime = field(default_factory=Regime)
    """What the case's employer carries itself (eigenrisicodrager ZW, WGA)."""


class CaseProjection(Projection):
    """Rows per case, from each case as the batch leaves it; when the bureau's policy
    changes, every case is judged again (as it now stands)."""

    def prepare(self, batch: Sequence[Notification]) -> Any:
        opened_at: dict[str, int] = {}
        touched: dict[str, int] = {}
        application = self.store.application
        folded = fold_batch(self.store, batch)
        for notification in batch:
            if notification.topic.startswith(CASE_TOPIC_PREFIX):
                case_id = str(notification.originator_id)
                touched[case_id] = touched.get(case_id, 0) + 1
                if notification.originator_version == 1:
                    opened_at[case_id] = notification.id
        if any(n.topic.startswith(POLICY_TOPIC_PREFIX) for n in batch):
            # Judge again every case this build already has a row for.
            for case_id, _ in application.case_ids(until=batch[-1].id):
                touched.setdefault(case_id, 0)
        policy = application.policy()
        regimes: dict[str, Regime] = {}
        found = []
        for case_id, events in touched.items():
            case = (
                folded[case_id] if case_id in folded else application.repository.get(UUID(case_id))
            )
            if case.employer_id not in regimes:  # once a batch per employer
                regimes[case.employer_id] = regime_of(application, case.employer_id)
            found.append(
                Touched(case, events, opened_at.get(case_id, 0), regimes[case.employer_id])
            )
        return self.prepare_cases(found, policy)

    def prepare_cases(self, touched: list[Touched], policy: Policy) -> Any:
        """The rows to write for the touched cases (read nothing from the store in write)."""
        raise NotImplementedError


def regime_of(application: Any, employer_id: str) -> Regime:
    """The employer's regime as its events say; an unknown employer carries nothing itself."""
    try:
        employer = application.repository.get(UUID(employer_id))
    except Exception:  # an employer missing from the store: judge by the general rules
        return Regime()
    return employer.regime if isinstance(employer, Employer) else Regime()


def fold_batch(
    store: ReadModelStore,
    batch: Sequence[Notification],
    each: Callable[[Case, Any], None] | None = None,
) -> dict[str, Case]:
    """The cases the batch touched, folded on one event at a time from where the last
    batch left them; ``each(case, event)`` hears every event with the case as it then stands.

    The folded cases are kept between batches (:data:`FOLDED_CASES`), so an event costs
    the same on a long case as on a short one; a case not kept, or kept at another version
    (a batch that failed and is being split, a build behind the others), is read from the
    store up to the event before the batch. Projections preparing a batch together
    (:meth:`ReadModelStore.batch_scope`) fold it once: the one that folds with ``each``
    prepares first, the others take its cases.
    """
    shared = store.batch_shared()
    key = ("folded", batch[0].id, batch[-1].id) if batch else None
    if each is None and shared is not None and key in shared:
        folded: dict[str, Case] = shared[key]
        return folded
    by_case: dict[str, list[Notification]] = {}
    for notification in batch:
        if notification.topic.startswith(CASE_TOPIC_PREFIX):
            by_case.setdefault(str(notification.originator_id), []).append(notification)
    application = store.application
    kept: OrderedDict[str, Case] = store.memo.setdefault("folded cases", OrderedDict())
    folded = {}
    for case_id, notifications in by_case.items():
        notifications.sort(key=lambda n: n.originator_version)
        case = _folded_until(application, kept, case_id, notifications[0].originator_version - 1)
        for notification in notifications:
            event = application.mapper.to_domain_event(notification)
            case = event.mutate(case)
            assert case is not None
            if each is not None:
                each(case, event)
        folded[case_id] = kept[case_id] = case
        while len(kept) > FOLDED_CASES:
            kept.popitem(last=False)
    if shared is not None:
        shared[key] = folded
    return folded


def _folded_until(
    application: Any, kept: OrderedDict[str, Case], case_id: str, version: int
) -> Case | None:
    """The case as of ``version``: the one kept (taken out, so no other thread folds it at
    the same time) when it is at that version, else read from the store."""
    if version < 1:
        return None
    case = kept.pop(case_id, None)
    if case is not None and case.version == version:
        return case
    found: Case = application.repository.get(UUID(case_id), version=version)
    return found
