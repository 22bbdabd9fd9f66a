"""Working days for statutory deadlines: weekends and England & Wales bank holidays excluded."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

if TYPE_CHECKING:
    import holidays

UK = ZoneInfo("Europe/London")
# Date-times Caseline takes in (events, report forms): far enough from the ends of Python's calendar that
# every one has a date in UTC and in the UK (a year-1 time with an offset has none), and none is older
# than any police record.
EARLIEST = datetime(1900, 1, 1, tzinfo=UTC)
LATEST = datetime(9999, 1, 1, tzinfo=UTC)


def within_calendar(moment: datetime) -> datetime:
    """``moment`` unchanged if it lies from ``EARLIEST`` up to ``LATEST`` (a time with no offset read as
    UTC), else ValueError: one rule for every date-time a force or a victim sends."""
    aware = moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
    if not EARLIEST <= aware < LATEST:
        raise ValueError("must be a date and time from the year 1900 up to the year 9999")
    return moment


@lru_cache(maxsize=8)
def _bank_holidays(year: int) -> holidays.HolidayBase:
    # Imported on first use: the package loads every calendar it has (~0.15 s), and most functions only
    # need ``uk_date`` from this module, never a working day.
    import holidays

    return holidays.country_holidays("GB", subdiv="ENG", years=[year - 1, year, year + 1])


def uk_date(moment: datetime) -> date:
    """The calendar date in England and Wales at ``moment`` (deadlines run on UK days, not UTC days)."""
    return moment.astimezone(UK).date()


def is_working_day(day: date) -> bool:
    return day.weekday() < 5 and day not in _bank_holidays(day.year)


def add_working_days(start: date, days: int) -> date:
    """The date ``days`` working days after ``start`` (``start`` itself is not counted)."""
    if days < 0:
        raise ValueError("days must not be negative")
    current = start
    remaining = days
    while remaining:
        current += timedelta(days=1)
        if is_working_day(current):
            remaining -= 1
    return current
