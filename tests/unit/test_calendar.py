"""Counting Poortwachter days and weeks (art. 7:629 BW, Werkwijzer Poortwachter)."""

from datetime import date

import pytest

from domain.calendar import SickPeriod, date_of_sick_day, end_of_week, sick_days, week_of_day

FIRST = date(2026, 1, 5)  # a Monday


@pytest.mark.parametrize(
    ("day", "week"), [(0, 0), (1, 1), (7, 1), (8, 2), (42, 6), (43, 7), (294, 42), (728, 104)]
)
def test_week_n_covers_sick_days_7n_minus_6_to_7n(day: int, week: int) -> None:
    assert week_of_day(day) == week


def test_day_1_is_the_first_sick_day() -> None:
    periods = [SickPeriod(FIRST)]
    assert sick_days(periods, FIRST) == 1
    assert sick_days(periods, date(2026, 1, 4)) == 0
    assert end_of_week(periods, 6) == date(2026, 2, 15)


def test_recovery_gaps_do_not_count_and_move_later_dates() -> None:
    periods = [SickPeriod(FIRST, date(2026, 1, 14)), SickPeriod(date(2026, 1, 25))]  # 10-day gap
    assert sick_days(periods, date(2026, 1, 20)) == 10
    assert sick_days(periods, date(2026, 1, 25)) == 11
    assert date_of_sick_day(periods, 11) == date(2026, 1, 25)
    assert end_of_week(periods, 6) == date(2026, 2, 15).replace(day=25)


def test_after_a_recovery_the_count_runs_on_as_if_sickness_continued() -> None:
    periods = [SickPeriod(FIRST, date(2026, 1, 7))]
    assert date_of_sick_day(periods, 4) == date(2026, 1, 8)
