"""Working days for statutory deadlines: weekends and England & Wales bank holidays excluded."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from functools import lru_cache
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

if TYPE_CHECKING:
    import holidays

UK = ZoneInfo("Europe/London")


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
