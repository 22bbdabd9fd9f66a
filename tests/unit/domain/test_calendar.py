"""Working days for statutory deadlines: weekends and England & Wales bank holidays excluded."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import holidays
import pytest
from hypothesis import given
from hypothesis import strategies as st

from caseline.domain.calendar import EARLIEST, LATEST, add_working_days, is_working_day, uk_date, within_calendar

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


# Expected dates below were worked out by hand from the published England and Wales bank holidays
# and a calendar, not from the holidays package: 1 Jan 2026 is a Thursday, 1 Jan 2027 a Friday;
# Easter Sunday 2027 is 28 March; the summer bank holiday is the last Monday of August (30 Aug 2027).


def test_the_august_bank_holiday_2027_is_skipped() -> None:
    # Given Friday 27 August 2027, before Monday 30 August (summer bank holiday)
    # When one working day is added
    # Then the weekend and the bank holiday are skipped
    assert add_working_days(date(2027, 8, 27), 1) == date(2027, 8, 31)
    assert not is_working_day(date(2027, 8, 30))
    assert is_working_day(date(2027, 8, 31))


def test_the_day_after_each_bank_holiday_is_a_working_day_again() -> None:
    # Guards against an off-by-one that would treat the following day as a holiday too
    for day in (date(2026, 12, 29), date(2027, 1, 4), date(2027, 3, 30), date(2027, 8, 31)):
        assert is_working_day(day), day


@pytest.mark.parametrize(
    ("start", "standard", "enhanced"),
    [
        # Fri 6 Mar 2026: Mon 9 (1st) .. Fri 13 (5th)
        pytest.param(date(2026, 3, 6), date(2026, 3, 13), date(2026, 3, 9), id="ordinary-weekend"),
        # Thu 24 Dec 2026: skip Fri 25, Sat-Sun, Mon 28; Tue 29, Wed 30, Thu 31; skip Fri 1 Jan; Mon 4, Tue 5
        pytest.param(date(2026, 12, 24), date(2027, 1, 5), date(2026, 12, 29), id="christmas-2026"),
        # Thu 31 Dec 2026: skip Fri 1 Jan 2027 and the weekend; Mon 4 .. Fri 8
        pytest.param(date(2026, 12, 31), date(2027, 1, 8), date(2027, 1, 4), id="new-year-2027"),
        # Thu 25 Mar 2027: skip Good Friday 26, the weekend, Easter Monday 29; Tue 30, Wed 31, Thu 1, Fri 2, Mon 5 Apr
        pytest.param(date(2027, 3, 25), date(2027, 4, 5), date(2027, 3, 30), id="easter-2027"),
        # Fri 27 Aug 2027: skip the weekend and Mon 30; Tue 31, Wed 1 Sep, Thu 2, Fri 3, Mon 6
        pytest.param(date(2027, 8, 27), date(2027, 9, 6), date(2027, 8, 31), id="august-2027"),
    ],
)
def test_right_6_deadlines_five_standard_and_one_enhanced_working_day(
    start: date, standard: date, enhanced: date
) -> None:
    # Given a suspect event on `start`
    # When the Right 6 deadline is worked out for each tier
    # Then standard victims are told within 5 working days and enhanced victims within 1
    assert add_working_days(start, 5) == standard
    assert add_working_days(start, 1) == enhanced


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        # British Summer Time (UTC+1): 23:30 UTC is already 00:30 the next day in the UK
        pytest.param(datetime(2026, 7, 1, 23, 30, tzinfo=UTC), date(2026, 7, 2), id="bst-late-evening"),
        pytest.param(datetime(2026, 7, 1, 22, 59, tzinfo=UTC), date(2026, 7, 1), id="bst-before-midnight"),
        # Greenwich Mean Time (UTC+0): 23:30 UTC is the same day
        pytest.param(datetime(2026, 1, 15, 23, 30, tzinfo=UTC), date(2026, 1, 15), id="gmt-late-evening"),
        # Clocks go forward at 01:00 UTC on Sunday 29 March 2026 and back at 01:00 UTC on Sunday 25 October
        pytest.param(datetime(2026, 3, 28, 23, 30, tzinfo=UTC), date(2026, 3, 28), id="night-before-bst-starts"),
        pytest.param(datetime(2026, 3, 29, 23, 30, tzinfo=UTC), date(2026, 3, 30), id="first-bst-night"),
        pytest.param(datetime(2026, 10, 24, 23, 30, tzinfo=UTC), date(2026, 10, 25), id="last-bst-night"),
        pytest.param(datetime(2026, 10, 25, 23, 30, tzinfo=UTC), date(2026, 10, 25), id="first-gmt-night"),
    ],
)
def test_uk_date_is_the_date_on_a_clock_in_england(moment: datetime, expected: date) -> None:
    assert uk_date(moment) == expected


def test_a_deadline_starting_late_on_a_summer_friday_evening_counts_from_saturday() -> None:
    # Given an event at 23:30 UTC on Friday 27 August 2027: 00:30 on Saturday 28 August in the UK
    started_on = uk_date(datetime(2027, 8, 27, 23, 30, tzinfo=UTC))
    assert started_on == date(2027, 8, 28)
    # Then one working day later skips Sunday and the bank holiday Monday: Tuesday 31 August
    assert add_working_days(started_on, 1) == date(2027, 8, 31)
    # And from Thursday 23:30 UTC (Friday in the UK) it is also Tuesday, not Friday as a UTC date would give
    assert add_working_days(uk_date(datetime(2027, 8, 26, 23, 30, tzinfo=UTC)), 1) == date(2027, 8, 31)


@given(st.datetimes(timezones=st.timezones()) | st.datetimes())
def test_property_a_date_time_within_the_calendar_has_a_date_in_utc_and_in_the_uk(moment: datetime) -> None:
    # Given any date-time, with any offset or none
    try:
        kept = within_calendar(moment)
    except ValueError:
        # Then one outside the calendar is refused, and only one outside it
        aware = moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
        assert not EARLIEST <= aware < LATEST
        return
    # And one within it is kept as it was and has a date in UTC and in England
    assert kept is moment
    aware = kept if kept.tzinfo is not None else kept.replace(tzinfo=UTC)
    assert aware.astimezone(UTC).year >= 1900
    assert uk_date(aware).year >= 1899
