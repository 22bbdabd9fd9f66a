"""Force insights: count table changes into daily rollups (a step of the dispatch stream consumer's batch,
docs/adr/0015), and read one force's figures for a force's staff."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import replace
from datetime import date, datetime
from typing import Any

from caseline.domain.errors import NotFoundError
from caseline.domain.insights import MONTHLY, PROFILED, Change, day_range, summarise, tallies
from caseline.domain.insights_derived import ContactModel, derived
from caseline.domain.ports import InsightsStore

STAFF_GROUP_PREFIX = "force-"  # the staff user pool's group for a force's analysts: force-{force id}


def count_change(change: Change | None, store: InsightsStore, now: datetime) -> str:
    """Count one change once: ``counted``, ``replayed`` (already counted) or ``ignored``."""
    if change is None:
        return "ignored"
    profile = None
    if change.kind in PROFILED and change.event == "INSERT":  # by its case: one or two reads
        profile = store.profile(change.force_id, str(change.new.get("case_id")), str(change.new.get("victim_id")))
    counted = tallies(change if change.at else replace(change, at=now), profile)
    if counted is None:
        return "ignored"
    return "counted" if store.add(counted, now) else "replayed"


def staff_forces(groups: Collection[str]) -> set[str]:
    """The forces whose figures the caller may read: one per ``force-{id}`` group."""
    return {g.removeprefix(STAFF_GROUP_PREFIX) for g in groups if g.startswith(STAFF_GROUP_PREFIX)}


def force_figures(
    force_id: str,
    groups: Collection[str],
    start: str | None,
    end: str | None,
    period: str,
    store: InsightsStore,
    today: date,
    model: ContactModel | None = None,
) -> dict[str, Any]:
    """One force's figures for its own staff, with those derived from them (rates, the contact estimate on
    the force's ``model``). Another force's, or an unknown force's, are not found (404): the answer never
    says whether a force exists. Raises ``RangeInvalidError`` for a bad range."""
    if force_id not in staff_forces(groups):
        raise NotFoundError("no figures for this force")
    first, last = day_range(start, end, today)
    # the month's visitors are on its first day: read from there (the same Query), keep other days in range
    rows = [r for r in store.days(force_id, first.replace(day=1), last) if r.day >= first or r.family == MONTHLY]
    summary = summarise(rows, period)
    answer = {"force_id": force_id, "from": first.isoformat(), "to": last.isoformat(), "period": period} | summary
    return answer | {"derived": derived(summary["totals"], model or ContactModel())}
