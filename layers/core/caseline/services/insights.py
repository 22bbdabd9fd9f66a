"""Force insights: count table changes into daily rollups (a step of the dispatch stream consumer's batch,
docs/adr/0015), and read one force's figures for a force's staff."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import replace
from datetime import date, datetime
from functools import cache
from typing import Any

from caseline.content import template_info
from caseline.domain.errors import NotFoundError
from caseline.domain.insights import PROFILED, Change, period_start, tallies
from caseline.domain.insights_derived import ContactModel, derived
from caseline.domain.insights_read import day_range, for_period, summarise
from caseline.domain.ports import InsightsStore

STAFF_GROUP_PREFIX = "force-"  # the staff user pool's group for a force's analysts: force-{force id}


def count_change(change: Change | None, store: InsightsStore, now: datetime) -> str:
    """Count one change once: ``counted``, ``replayed`` (already counted) or ``ignored``."""
    if change is None:
        return "ignored"
    profile = None
    if change.kind in PROFILED and change.event == "INSERT":  # by its case: a few reads
        ids = str(change.new.get("case_id")), str(change.new.get("victim_id"))
        invitations = invitation_templates() if change.kind == "member" else frozenset()  # a link's time to link
        profile = store.profile(change.force_id, *ids, invitations)
    counted = tallies(change if change.at else replace(change, at=now), profile)
    if counted is None:
        return "ignored"
    return "counted" if store.add(counted, now) else "replayed"


@cache
def invitation_templates() -> frozenset[str]:
    """The templates whose messages carry an access code: a victim's invitation to link the case."""
    return frozenset(t.template_id for t in template_info().values() if "access_code" in t.placeholders)


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
    # a period's visitors are on its first day: read from there (the same Query), keep other days in range
    summary = summarise(for_period(store.days(force_id, period_start(first, period), last), first, period), period)
    answer = {"force_id": force_id, "from": first.isoformat(), "to": last.isoformat(), "period": period} | summary
    return answer | {"derived": derived(summary["totals"], model or ContactModel())}
