"""Force insights, read side (docs/adr/0015): the day range asked for, the rows an answer shows, and the
figures summed by day, week or month (weeks and months are never stored, only days)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from caseline.domain.calendar import EARLIEST, within_calendar
from caseline.domain.errors import ValidationFailedError
from caseline.domain.insights import MAX_RANGE_DAYS, VISITOR_FAMILIES, VISITORS, period_start


class RangeInvalidError(ValidationFailedError):
    """The requested day range is malformed, reversed or longer than ``MAX_RANGE_DAYS`` (422)."""

    title = "The day range is not valid"


_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")  # only what docs/api.md says: not 20261201, nor 2026-W49-1


def _day(value: str, field: str) -> date:
    try:
        if _DAY.fullmatch(value):
            return date.fromisoformat(value)
    except ValueError:
        pass
    raise RangeInvalidError("from and to are dates, YYYY-MM-DD", field=field)


def _within(day: date, field: str) -> date:
    """The calendar every date-time Caseline takes in keeps to: its weeks and months have a start and an end."""
    try:
        within_calendar(datetime.combine(day, time(), tzinfo=UTC))
    except ValueError as exc:
        raise RangeInvalidError("from and to are dates from 1900 up to 9999", field=field) from exc
    return day


def day_range(start: str | None, end: str | None, today: date) -> tuple[date, date]:
    """The inclusive range asked for; by default the last 7 days to ``today`` (none before the calendar's first)."""
    last = _within(_day(end, "to") if end else today, "to")
    first = _within(_day(start, "from"), "from") if start else max(last - timedelta(days=6), EARLIEST.date())
    if first > last:
        raise RangeInvalidError("from is after to", field="from")
    if (last - first).days + 1 > MAX_RANGE_DAYS:
        raise RangeInvalidError(f"at most {MAX_RANGE_DAYS} days at a time", field="to")
    return first, last


@dataclass(frozen=True)
class DayFigures:
    day: date
    family: str
    figures: dict[str, int]


def for_period(rows: Iterable[DayFigures], first: date, period: str) -> Iterator[DayFigures]:
    """The rows an answer by ``period`` from ``first`` shows, read from ``period_start(first, period)``: the
    days from ``first``, and the distinct visitors of that period (on its first day) as ``visitors``."""
    chosen = VISITOR_FAMILIES.get(period)
    for row in rows:
        if row.family == chosen:
            yield DayFigures(row.day, VISITORS, row.figures)
        elif row.family not in VISITOR_FAMILIES.values() and row.day >= first:
            yield row


def summarise(rows: Iterable[DayFigures], period: str = "day") -> dict[str, Any]:
    """Figures by period (sums of days: week and month are never stored) and totals, by family."""
    periods: dict[date, dict[str, dict[str, int]]] = {}
    totals: dict[str, dict[str, int]] = {}
    for row in rows:
        bucket = periods.setdefault(period_start(row.day, period), {}).setdefault(row.family, {})
        total = totals.setdefault(row.family, {})
        for name, value in row.figures.items():
            bucket[name] = bucket.get(name, 0) + value
            total[name] = total.get(name, 0) + value
    return {
        "periods": [{"start": start.isoformat(), "figures": periods[start]} for start in sorted(periods)],
        "totals": totals,
    }


def csv_rows(summary: Mapping[str, Any]) -> list[tuple[str, str, str, int]]:
    """(period start, family, figure, value) for each figure of each period, sorted."""
    rows = [
        (str(p["start"]), family, name, int(value))
        for p in summary["periods"]
        for family, figures in p["figures"].items()
        for name, value in figures.items()
    ]
    return sorted(rows)
