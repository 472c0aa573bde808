"""The Poortwachter calendar: sick days and weeks counted from day 1.

Day 1 is the first sick day (eerste ziektedag). Week *n* covers sick days
7(n-1)+1 … 7n. Days between a full recovery and a relapse within 28 days do
not count (samentelregel, art. 7:629 lid 10 BW), so every later date moves by
the length of the gap.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

SAMENTEL_DAYS = 28
"""A relapse after fewer than 28 days of recovery continues the case (7:629 lid 10 BW)."""


@dataclass(frozen=True)
class SickPeriod:
    """Consecutive calendar days of sickness; ``last`` is None while it lasts."""

    first: date
    last: date | None = None

    def days_until(self, day: date) -> int:
        end = day if self.last is None else min(self.last, day)
        return max(0, (end - self.first).days + 1)


def sick_days(periods: list[SickPeriod], until: date) -> int:
    """How many days count as sick up to and including ``until``."""
    return sum(period.days_until(until) for period in periods)


def week_of_day(day_number: int) -> int:
    """The Poortwachter week that sick day ``day_number`` (1-based) falls in."""
    if day_number < 1:
        return 0
    return (day_number - 1) // 7 + 1


def date_of_sick_day(periods: list[SickPeriod], day_number: int) -> date:
    """The calendar date of sick day ``day_number``, gaps left out.

    Past the last recorded period the count runs on as if sickness continued,
    which is how every deadline of a running case is computed.
    """
    if not periods:
        raise ValueError("a case has at least one sick period")
    remaining = day_number
    for period in periods:
        if period.last is None:
            return period.first + timedelta(days=remaining - 1)
        length = (period.last - period.first).days + 1
        if remaining <= length:
            return period.first + timedelta(days=remaining - 1)
        remaining -= length
    last = periods[-1].last
    assert last is not None
    return last + timedelta(days=remaining)


def sick_days_later(periods: list[SickPeriod], day: date, days: int) -> date:
    """The date ``days`` sick days after ``day``.

    Terms counted from an event ("14 days after the probleemanalyse", "42 days
    after the plan") count days of the case: a recovery gap inside the span
    pushes the date out by the gap's length (samentelregel, art. 7:629 lid 10 BW).
    """
    return date_of_sick_day(periods, sick_days(periods, day) + days)


def end_of_week(periods: list[SickPeriod], week: int) -> date:
    """The last calendar day of Poortwachter week ``week`` ("by week n")."""
    return date_of_sick_day(periods, 7 * week)
