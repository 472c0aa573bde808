"""A projection whose rows are a function of each case as it now stands.

Every case touched by a batch is loaded once, as its aggregate folds its
events (corrections, relapses and closing applied), and judged by the pure
domain rules. A read model that works this way can never disagree with
``GET /v1/cases/{id}`` or its obligations.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any
from uuid import UUID

from eventsourcing.persistence import Notification
from eventsourcing.utils import get_topic

from domain.case import CASE_TOPIC_PREFIX, Case
from domain.employer import Employer, Regime
from domain.policy import Policy, TenantPolicy
from projections.projection import Projection

POLICY_TOPIC_PREFIX = get_topic(TenantPolicy) + "."


@dataclass(frozen=True)
class Touched:
    """A case the batch touched: how many of its events, and where it opened (0: earlier)."""

    case: Case
    events: int
    opened_at: int
    regime: Regime = field(default_factory=Regime)
    """What the case's employer carries itself (eigenrisicodrager ZW, WGA)."""


class CaseProjection(Projection):
    """Rows per case; when the bureau's policy changes, every case is judged again."""

    def prepare(self, batch: Sequence[Notification]) -> Any:
        opened_at: dict[str, int] = {}
        touched: dict[str, int] = {}
        application = self.store.application
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
            case = application.repository.get(UUID(case_id))
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
