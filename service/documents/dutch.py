"""Dates and instants as a Dutch reader expects them on paper: ``25 november 2026, 10:15``.

The API speaks ISO; documents are read by an arbeidsdeskundige, a judge or
the employee, so they print Dutch month names and Dutch clock time (Europe/
Amsterdam, summer time included), through Babel's CLDR data.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from functools import lru_cache

from babel.dates import format_date

from domain.facts import LEGAL_TIMEZONE


def dutch_date(value: date | str | None) -> str:
    """``3 maart 2026``; empty for no date."""
    if value is None or value == "":
        return ""
    day = date.fromisoformat(value[:10]) if isinstance(value, str) else value
    return _dutch_day(day)


@lru_cache(maxsize=4096)
def _dutch_day(day: date) -> str:
    return format_date(day, "d MMMM y", locale="nl")


_ISO_DATE = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")


def dutch_dates_in(text: str) -> str:
    """A sentence with its ISO dates (``2026-03-01``) written as a Dutch reader reads them."""
    return _ISO_DATE.sub(_replaced, text)


def _replaced(found: re.Match[str]) -> str:
    try:
        return _dutch_day(date(*(int(part) for part in found.groups())))
    except ValueError:
        return found.group(0)  # not a date after all


def dutch_instant(value: datetime | str | None) -> str:
    """``25 november 2026, 10:15`` in Dutch clock time; empty for no instant."""
    if value is None or value == "":
        return ""
    instant = datetime.fromisoformat(value) if isinstance(value, str) else value
    local = instant.astimezone(LEGAL_TIMEZONE)
    return f"{_dutch_day(local.date())}, {local:%H:%M}"
