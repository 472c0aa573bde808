"""The AOW date: when the state pension starts, which ends the Poortwachter duties.

AOW age as set by law (SVB; art. 7a AOW): 67 for those born on or before
1960-12-31, 67 years and 3 months for those born 1961-01-01 up to 1964-09-30
(AOW dates in 2028 to 2031). For later births the law has not yet set it: there
is no AOW date, and no rule may lean on one.
"""

from __future__ import annotations

from datetime import date


def aow_date(date_of_birth: date | None) -> date | None:
    """The day the AOW starts for someone born on ``date_of_birth``, when the law has set it."""
    if date_of_birth is None or date_of_birth > date(1964, 9, 30):
        return None
    months = 67 * 12 + (3 if date_of_birth >= date(1961, 1, 1) else 0)
    year, month = divmod(date_of_birth.month - 1 + months, 12)
    return _clamped(date_of_birth.year + year, month + 1, date_of_birth.day)


def _clamped(year: int, month: int, day: int) -> date:
    """A date, moved back to the month's last day when it has no such day (29 February)."""
    while True:
        try:
            return date(year, month, day)
        except ValueError:
            day -= 1
