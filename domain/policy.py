"""A bureau's own thresholds for the obligation engine.

Where a rule is configurable, the default is what UWV
practice expects and a tenant may tighten it, never loosen it silently. So
each setting has a default and a maximum, and the maximum is the default.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate

from domain.errors import DomainError

RECORDED_LATE_DAYS = 14
"""An action recorded more than 14 days after it happened is recorded late (UWV practice)."""

MELDING_ARBODIENST_DAYS = 7
"""The report to the arbodienst is due by the end of week 1 (practice under art. 7:658a BW)."""


@dataclass(frozen=True)
class Policy:
    recorded_late_days: int = RECORDED_LATE_DAYS
    melding_arbodienst_days: int = MELDING_ARBODIENST_DAYS

    def __post_init__(self) -> None:
        _check("recorded_late_days", self.recorded_late_days, RECORDED_LATE_DAYS)
        _check("melding_arbodienst_days", self.melding_arbodienst_days, MELDING_ARBODIENST_DAYS)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def _check(name: str, value: int, maximum: int) -> None:
    if not 1 <= value <= maximum:
        raise DomainError(
            f"{name} must lie between 1 and {maximum}: a bureau may tighten UWV practice, "
            "never loosen it",
            name,
        )


LONGEST_EXTRA_RETENTION_YEARS = 30
"""An input bound on a bureau's lengthening of the retention terms: beyond it a term is none."""


@dataclass(frozen=True)
class RetentionPolicy:
    """A bureau's own lengthening of the retention terms (``domain.retention``): extra
    years, and why. Never shorter than the law's; longer only for a stated reason (the
    AVG's accountability, art. 5 lid 2 AVG)."""

    extra_years: int = 0
    reason: str | None = None

    def __post_init__(self) -> None:
        if not 0 <= self.extra_years <= LONGEST_EXTRA_RETENTION_YEARS:
            raise DomainError(
                f"extra_years must lie between 0 and {LONGEST_EXTRA_RETENTION_YEARS}: a bureau "
                "may lengthen the retention term, never shorten it",
                "extra_years",
            )
        if self.extra_years and not (self.reason or "").strip():
            raise DomainError("a longer retention term needs a stated reason", "reason")


POLICY_ID = UUID("5b0d1c1e-2d8e-5b8c-9a53-706f6c696379")
"""Each tenant has its own store, so its one policy can have a fixed id."""


class TenantPolicy(Aggregate):
    """The bureau's thresholds and when each was in force, so ``as_of`` judges by the
    policy of the day and an auditor sees who changed it."""

    class Changed(Aggregate.Event):
        recorded_late_days: int
        melding_arbodienst_days: int
        actor: str
        role: str

        def apply(self, aggregate: TenantPolicy) -> None:
            aggregate.history.append(
                (self.timestamp, Policy(self.recorded_late_days, self.melding_arbodienst_days))
            )

    class RetentionChanged(Aggregate.Event):
        """The bureau's lengthening of the retention terms: an event of its own, so the
        thresholds' events keep their format."""

        extra_years: int
        reason: str | None
        actor: str
        role: str

        def apply(self, aggregate: TenantPolicy) -> None:
            aggregate.retention_changes = [*aggregate.retention_history, self]

        @property
        def policy(self) -> RetentionPolicy:
            return RetentionPolicy(self.extra_years, self.reason)

    class Set(Changed, Aggregate.Created):
        def apply(self, aggregate: TenantPolicy) -> None:
            aggregate.history = []
            super().apply(aggregate)

    @classmethod
    def set(cls, policy: Policy, actor: str, role: str) -> TenantPolicy:
        return cls._create(cls.Set, id=POLICY_ID, **_fields(policy, actor, role))

    def change(self, policy: Policy, actor: str, role: str) -> None:
        self.trigger_event(self.Changed, **_fields(policy, actor, role))

    def change_retention(self, retention: RetentionPolicy, actor: str, role: str) -> None:
        self.trigger_event(
            self.RetentionChanged,
            extra_years=retention.extra_years,
            reason=retention.reason,
            actor=actor,
            role=role,
        )

    @property
    def retention_history(self) -> list[TenantPolicy.RetentionChanged]:
        """Every change of the retention lengthening, oldest first."""
        return list(getattr(self, "retention_changes", []))

    def retention_at(self, instant: datetime | None = None) -> RetentionPolicy:
        """The retention lengthening in force at ``instant``; none before any."""
        known = [
            e.policy for e in self.retention_history if instant is None or e.timestamp <= instant
        ]
        return known[-1] if known else RetentionPolicy()

    def at(self, instant: datetime | None = None) -> Policy:
        """The policy in force at ``instant`` (now when None); the defaults before any."""
        known = [p for changed, p in self.history if instant is None or changed <= instant]
        return known[-1] if known else Policy()


def _fields(policy: Policy, actor: str, role: str) -> dict[str, Any]:
    return {**policy.as_dict(), "actor": actor, "role": role}
