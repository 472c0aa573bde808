"""A projection whose rows are a function of each case as it now stands.

Every case touched by a batch is loaded once, as its aggregate folds its
events (corrections, relapses and closing applied), and judged by the pure
domain rules. A read model that works this way can never disagree with
``GET /v1/cases/{id}`` or its obligations.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from eventsourcing.persistence import Notification
from eventsourcing.utils import get_topic

from domain.case import Case
from domain.policy import Policy
from projections.projection import Projection

CASE_TOPIC_PREFIX = get_topic(Case) + "."


@dataclass(frozen=True)
class Touched:
    """A case the batch touched: how many of its events, and where it opened (0: earlier)."""

    case: Case
    events: int
    opened_at: int


class CaseProjection(Projection):
    def prepare(self, batch: Sequence[Notification]) -> Any:
        opened_at: dict[str, int] = {}
        touched: dict[str, int] = {}
        for notification in batch:
            if notification.topic.startswith(CASE_TOPIC_PREFIX):
                case_id = str(notification.originator_id)
                touched[case_id] = touched.get(case_id, 0) + 1
                if notification.originator_version == 1:
                    opened_at[case_id] = notification.id
        application = self.store.application
        policy = application.policy()
        return self.prepare_cases(
            [
                Touched(
                    application.repository.get(UUID(case_id)), events, opened_at.get(case_id, 0)
                )
                for case_id, events in touched.items()
            ],
            policy,
        )

    def prepare_cases(self, touched: list[Touched], policy: Policy) -> Any:
        """The rows to write for the touched cases (read nothing from the store in write)."""
        raise NotImplementedError
