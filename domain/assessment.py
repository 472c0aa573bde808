"""A case judged on a day: its obligations, its loonsanctie risk, its result.

The one entry point the API and the read models use, so that the case, its
obligations, the case list's risk filter and the worklist never disagree.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from domain.employer import Regime
from domain.facts import Fact, legal_date
from domain.obligations import Obligation, Schedule, schedule
from domain.policy import Policy
from domain.reintegration import ReintegrationResult
from domain.risk import HIGH, LEVELS, MEDIUM, Risk, loonsanctie_level, loonsanctie_risk, standing
from domain.trajectories import ACTIVITY_HIGH_DAYS, ACTIVITY_MEDIUM_DAYS


@dataclass(frozen=True)
class Assessment:
    judged_on: date
    obligations: list[Obligation]
    risk: Risk
    reintegration: ReintegrationResult
    recorded_late: frozenset[str] = frozenset()
    """The ids of the events recorded late by the bureau's policy (UWV weighs them lighter)."""


def assess(
    facts: list[Fact], today: date, policy: Policy | None = None, regime: Regime | None = None
) -> Assessment:
    """Every obligation of the case judged on ``today``, with the risk it carries."""
    plan = schedule(facts, policy, regime)
    return _judge(plan, facts, today)


def _judge(plan: Schedule, facts: list[Fact], today: date) -> Assessment:
    obligations = plan.on(today)
    result = plan.reintegration
    return Assessment(
        judged_on=today,
        obligations=obligations,
        risk=loonsanctie_risk(obligations, plan.recorded_late_facts, result, standing(facts)),
        reintegration=result,
        recorded_late=frozenset(f.event_id for f in plan.recorded_late_facts),
    )


@dataclass(frozen=True)
class RiskOutlook:
    """From which day the case is at least medium, and at least high, if nothing
    more is recorded. The risk only grows with the calendar — an open obligation
    becomes overdue, a missed evaluation stays missed — so two dates say it all,
    and a read model can store them and judge any later day without the events.
    """

    medium_from: date | None
    high_from: date | None

    def level_on(self, day: date) -> str:
        if self.high_from is not None and day >= self.high_from:
            return HIGH
        if self.medium_from is not None and day >= self.medium_from:
            return MEDIUM
        return LEVELS[0]


def risk_outlook(
    facts: list[Fact], policy: Policy | None = None, regime: Regime | None = None
) -> RiskOutlook:
    """The risk's outlook from the day of the latest recording on.

    It changes only on the day after a pending due date, so judging the case
    on those days alone finds when it rises.
    """
    plan = schedule(facts, policy, regime)
    result = plan.reintegration
    reasons = standing(facts)
    start = max(legal_date(f.recorded_at) for f in facts)
    horizon = max(start, plan.einde_wachttijd) + timedelta(days=1)
    pending = [o for o in plan.pending(horizon) if o.due_on >= start]
    idle = timedelta(days=ACTIVITY_HIGH_DAYS - ACTIVITY_MEDIUM_DAYS + 1)
    days = sorted(
        {start}
        | {o.due_on + timedelta(days=1) for o in pending}
        | {o.due_on + idle for o in pending if o.code == "traject_activiteit"}
    )
    medium = high = None
    for day in days:
        level = loonsanctie_level(plan.on(day), plan.recorded_late_facts, result, reasons)
        if medium is None and level in (MEDIUM, HIGH):
            medium = day
        if level == HIGH:
            high = day
            break
    return RiskOutlook(medium, high)
