"""Working days for statutory deadlines: weekends and England & Wales bank holidays excluded."""

from __future__ import annotations

from datetime import date, timedelta

import holidays
import pytest
from hypothesis import given
from hypothesis import strategies as st

from caseline.domain.calendar import add_working_days, is_working_day

ENGLAND = holidays.country_holidays("GB", subdiv="ENG", years=range(2025, 2029))


def test_the_holiday_data_agrees_with_the_dates_these_tests_rely_on() -> None:
    """Checks the oracle: 2026 Boxing Day falls on a Saturday, so Monday 28 Dec is the substitute day."""
    assert date(2026, 12, 25) in ENGLAND
    assert date(2026, 12, 28) in ENGLAND
    assert "Boxing Day" in ENGLAND[date(2026, 12, 28)]
    assert ENGLAND[date(2027, 3, 29)] == "Easter Monday"


def test_friday_plus_one_working_day_is_monday() -> None:
    # Given Friday 6 March 2026 (no holidays nearby)
    # When one working day is added
    # Then the weekend is skipped
    assert add_working_days(date(2026, 3, 6), 1) == date(2026, 3, 9)


def test_weekdays_are_working_days_and_weekends_are_not() -> None:
    week = [date(2026, 3, 2) + timedelta(days=n) for n in range(7)]  # Monday..Sunday
    assert [is_working_day(d) for d in week] == [True] * 5 + [False] * 2


def test_christmas_2026_skips_christmas_the_weekend_and_the_boxing_day_substitute() -> None:
    # Given Thursday 24 December 2026
    # When one working day is added
    # Then Fri 25 (Christmas), Sat/Sun and Mon 28 (Boxing Day substitute) are all skipped
    assert add_working_days(date(2026, 12, 24), 1) == date(2026, 12, 29)
    assert not is_working_day(date(2026, 12, 28))


def test_easter_2027_skips_good_friday_and_easter_monday() -> None:
    assert add_working_days(date(2027, 3, 25), 1) == date(2027, 3, 30)
    assert not is_working_day(date(2027, 3, 26))
    assert not is_working_day(date(2027, 3, 29))


def test_counting_across_the_new_year_uses_next_years_holidays() -> None:
    # Given Thursday 31 December 2026; Friday 1 January 2027 is New Year's Day
    assert add_working_days(date(2026, 12, 31), 1) == date(2027, 1, 4)


@pytest.mark.parametrize(
    "day",
    [
        pytest.param(date(2026, 8, 3), id="scottish-summer-bank-holiday"),
        pytest.param(date(2026, 11, 30), id="st-andrews-day"),
    ],
)
def test_bank_holidays_of_other_nations_are_working_days_in_england(day: date) -> None:
    assert is_working_day(day)


def test_several_working_days_span_a_bank_holiday_weekend() -> None:
    # Given Thursday 2 April 2026, before Good Friday (3 Apr) and Easter Monday (6 Apr)
    # Then 3 working days later is Thursday 9 April
    assert add_working_days(date(2026, 4, 2), 3) == date(2026, 4, 9)


@pytest.mark.parametrize("start", [date(2026, 3, 4), date(2026, 3, 7), date(2026, 12, 25)])
def test_adding_zero_days_is_the_identity_even_on_a_non_working_day(start: date) -> None:
    assert add_working_days(start, 0) == start


def test_negative_days_raise() -> None:
    with pytest.raises(ValueError, match="negative"):
        add_working_days(date(2026, 3, 4), -1)


@given(
    start=st.dates(min_value=date(2020, 1, 1), max_value=date(2035, 12, 31)),
    days=st.integers(min_value=1, max_value=30),
)
def test_property_result_is_the_nth_working_day_after_start(start: date, days: int) -> None:
    # When working days are added
    result = add_working_days(start, days)
    # Then the result is a later working day with exactly `days` working days in (start, result]
    assert result > start
    assert is_working_day(result)
    between = [start + timedelta(days=n) for n in range(1, (result - start).days + 1)]
    assert sum(is_working_day(d) for d in between) == days
    # And is_working_day agrees with an independent reading of the holiday data
    reference = holidays.country_holidays("GB", subdiv="ENG", years=result.year)
    assert result.weekday() < 5
    assert result not in reference
