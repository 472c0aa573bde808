"""A case's facts: each event as the case understands it now, corrections applied.

The obligation rules, the risk, the trail and the case file read facts, never
events: a fact carries the values as they stand after every correctie, and
the list of corrections that made them so.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import cached_property
from typing import Any
from zoneinfo import ZoneInfo

from domain.calendar import SickPeriod

LEGAL_TIMEZONE = ZoneInfo("Europe/Amsterdam")
"""Legal dates are Dutch calendar dates, whatever the server's clock zone."""


def legal_date(instant: datetime) -> date:
    return instant.astimezone(LEGAL_TIMEZONE).date()


@dataclass
class Fact:
    """One event as the case understands it now: corrections applied."""

    event_id: str
    type: str
    version: int
    occurred_on: date
    recorded_at: datetime
    actor: str
    role: str
    data: dict[str, Any]
    corrected_by: list[str] = field(default_factory=list)
    corrections: list[Correction] = field(default_factory=list)
    """What each correctie changed, oldest first (``data`` holds the values as they stand)."""

    def copy(self) -> Fact:
        """A copy a correctie can change without touching this one (data is replaced,
        never edited in place)."""
        copied = object.__new__(Fact)
        copied.__dict__.update(self.__dict__)
        copied.corrected_by = list(self.corrected_by)
        return copied

    @cached_property
    def recorded_on(self) -> date:
        """The legal date it was recorded on (kept: the recording instant never changes)."""
        return legal_date(self.recorded_at)

    def date_field(self, name: str) -> date | None:
        value = self.data.get(name)
        return date.fromisoformat(value) if value else None


@dataclass(frozen=True)
class Correction:
    """One correctie of a fact: what it changed, from what to what."""

    event_id: str
    reason: str
    recorded_at: datetime
    changes: dict[str, dict[str, Any]]
    """``{field: {"from": old, "to": new}}``; ``occurred_on`` for the legal date."""


def in_legal_order(facts: list[Fact], *types: str) -> list[Fact]:
    """Facts (of the given types, if named) in legal order: occurred_on, then recording."""
    chosen = [f for f in facts if f.type in types] if types else list(facts)
    return sorted(chosen, key=lambda f: (f.occurred_on, f.version))


def sick_periods_of(facts: list[Fact]) -> list[SickPeriod]:
    """Sickness as consecutive periods; a herstelmelding at 100 % ends one, and so does a
    pregnancy or childbirth leave (its days are no sick days, art. 3:1 Wazo).

    A relapse within 28 days starts the next period of the same case
    (samentelregel, art. 7:629 lid 10 BW).
    """
    first = facts[0].date_field("first_sick_day")
    periods: list[SickPeriod] = []
    start: date | None = first
    for fact in in_legal_order(facts, "herstelmelding", "ziekmelding", "verlof"):
        if fact.type == "herstelmelding" and start is not None:
            if fact.data.get("percentage", 0) >= 100:
                periods.append(SickPeriod(start, fact.occurred_on - timedelta(days=1)))
                start = None
        elif fact.type == "verlof" and start is not None:
            leave = fact.date_field("from") or fact.occurred_on
            if leave > start:
                periods.append(SickPeriod(start, leave - timedelta(days=1)))
                start = None
        elif fact.type == "ziekmelding" and fact.version > 1 and start is None:
            start = fact.date_field("first_sick_day")
    if start is not None:
        periods.append(SickPeriod(start))
    return periods


def leave_days(facts: list[Fact], first: date, until: date) -> int:
    """Days of pregnancy or childbirth leave from ``first`` up to (not including) ``until``:
    left out when the samentelregel measures a gap (7:629 lid 10 BW)."""
    days = 0
    for fact in facts:
        if fact.type != "verlof":
            continue
        start, end = fact.date_field("from"), fact.date_field("until")
        if start is None or end is None:
            continue
        overlap = (min(end, until - timedelta(days=1)) - max(start, first)).days + 1
        days += max(0, overlap)
    return days


def interrupted_by_leave(facts: list[Fact], since: date) -> bool:
    """Whether the sickness stopped on ``since`` because a leave began, not by recovery."""
    return any(f.type == "verlof" and f.date_field("from") == since for f in facts)


def closing_of(facts: list[Fact]) -> Fact | None:
    closings = in_legal_order(facts, "afsluiting")
    return closings[-1] if closings else None
