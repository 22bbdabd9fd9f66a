"""The officer in charge is away: what the case page says, and how a victim's message is marked for the cover.

The case keeps the newest ``officer.unavailable`` (``CaseRecord.officer_absence``) until an
``officer.available`` or a new ``officer.assigned`` clears it. It only counts on the days it covers
(UK dates, both ends included): before ``away_from`` and after ``away_until`` the page is as usual, so
nothing is said that is no longer true, whether or not the force sends ``officer.available``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from caseline.domain.calendar import uk_date
from caseline.domain.timeline import NO_COVER_TEAM, long_date

if TYPE_CHECKING:
    from caseline.domain.records import CaseRecord


@dataclass(frozen=True)
class OfficerAbsence:
    away_from: date
    away_until: date  # the last day away
    cover_team: str | None = None
    cover_phone: str | None = None

    @property
    def cover(self) -> str:
        return self.cover_team or NO_COVER_TEAM


def current_absence(stored: Mapping[str, str] | None, today: date) -> OfficerAbsence | None:
    """The absence the case records, if ``today`` (a UK date) is one of its days."""
    if not stored:
        return None
    absence = OfficerAbsence(
        date.fromisoformat(stored["away_from"]),
        date.fromisoformat(stored["away_until"]),
        stored.get("cover_team"),
        stored.get("cover_phone"),
    )
    return absence if absence.away_from <= today <= absence.away_until else None


def officer_away(absence: OfficerAbsence | None) -> str | None:
    """The case page's sentence: who is looking after the case, and until when."""
    if absence is None:
        return None
    return f"Your officer is away until {long_date(absence.away_until)}. {absence.cover} is looking after your case."


def expected_reply_while_away(absence: OfficerAbsence) -> str:
    """Who answers a message while the officer is away (the same 5 working days), and how to call them."""
    call = f" You can also call them on {absence.cover_phone}." if absence.cover_phone else ""
    who = absence.cover_team or "Another officer in your officer's team"
    return f"While your officer is away, {who} aims to reply to messages within 5 working days.{call}"


def for_cover(absence: OfficerAbsence | None) -> dict[str, Any]:
    """What a victim's outbound message or update request adds so the force routes it to the cover."""
    if absence is None:
        return {}
    team = {"cover_team": absence.cover_team} if absence.cover_team else {}
    return {"for_cover_team": True, **team, "officer_away_until": absence.away_until.isoformat()}


def absence_now(case: CaseRecord, now: datetime) -> OfficerAbsence | None:
    """The officer's absence, on the days it covers and only while there is an officer."""
    return current_absence(case.officer_absence, uk_date(now)) if case.officer else None
