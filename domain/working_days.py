"""Dutch working days: Monday to Friday, except the generally recognised holidays.

Which days count follows the Algemene termijnenwet (art. 3): Nieuwjaarsdag,
tweede Paasdag, Hemelvaartsdag, tweede Pinksterdag, both Christmas days,
Koningsdag and 5 mei. Easter and the days that move with it come from the
maintained ``holidays`` library. That library also lists Goede Vrijdag, which
the Algemene termijnenwet does not recognise, so it is left out here.
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import lru_cache

import holidays

_NOT_RECOGNISED = {"Good Friday"}
"""Holidays the library lists that the Algemene termijnenwet does not recognise."""


@lru_cache(maxsize=64)
def _holidays(year: int) -> frozenset[date]:
    listed = holidays.country_holidays(
        "NL",
        years=year,
        categories=(holidays.PUBLIC, holidays.OPTIONAL),
        language="en_US",
    )
    recognised = {day for day, name in listed.items() if name not in _NOT_RECOGNISED}
    recognised.add(date(year, 5, 5))  # Bevrijdingsdag, every year (Algemene termijnenwet art. 3)
    return frozenset(recognised)


def is_working_day(day: date) -> bool:
    return day.weekday() < 5 and day not in _holidays(day.year)


def first_working_day_after(day: date) -> date:
    """The first working day after ``day`` (the 42nd-week report, art. 38 ZW)."""
    candidate = day + timedelta(days=1)
    while not is_working_day(candidate):
        candidate += timedelta(days=1)
    return candidate
