"""What each journey trigger can put into a message, and the values it puts there.

The template linter checks every template against ``provided(trigger)``; ``SAMPLE_VALUES`` are
realistic values used to measure SMS length (a long-ish name, a real-looking reference and URL).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from caseline.domain import event_types as ev
from caseline.domain.calendar import UK
from caseline.domain.records import CaseRecord, VictimContact
from caseline.domain.sms_fit import KEEP_FLAGS
from caseline.domain.timeline import NO_COVER_TEAM, long_date, victim_label
from caseline.domain.vocabulary import OUTCOME_TYPES, VictimTier

ACCOUNT_LINKED = "caseline.account.linked"
NO_NEWS_TIMER = "caseline.timer.no-news"
PREFERENCES_CHANGED = "caseline.preferences.changed"  # data: {"change": "opted-out" | "opted-in" | "updated"}
ACCOUNT_SIGNED_IN = "caseline.account.signed-in"  # a linked victim signed in (at most once per case per UK day)
REPORT_STORED = "caseline.report.stored"  # no journey: the reports service sends report-received itself
ACCOUNT_ADDED = "caseline.account.added"  # another account linked to a victim record that already had one
CONTACT_REDUCED = "caseline.contact.reduced"  # a linked account cut back contact (channels, updates, hours)
ACCOUNT_REMOVED = "caseline.account.removed"  # an account of the victim removed another's access
ALERT_TIMER = "caseline.timer.alert-unacknowledged"  # no journey: the alerts service repeats the alert itself
ALERT_URL = "alert_url"  # the case page at a safety alert, named by an opaque id in the fragment
INTERNAL_TRIGGERS = (
    ACCOUNT_LINKED,
    NO_NEWS_TIMER,
    PREFERENCES_CHANGED,
    ACCOUNT_SIGNED_IN,
    ACCOUNT_ADDED,
    CONTACT_REDUCED,
    ACCOUNT_REMOVED,
)

COMMON = frozenset(
    {
        "name",
        "force_name",
        "force_phone",
        "portal_url",
        "crime_reference",
        "crime_category",
        "officer_name",
        "collar_number",
        "team_contact",
        "has_officer",
        "is_enhanced",
        "is_under_18",
    }
)
_CODE = frozenset({"access_code", "access_code_expires"})
_SUSPECT = frozenset(
    {
        "event_date",
        "bail_until",
        "has_bail_until",
        "conditions_summary",
        "has_conditions",
        "charges",
        "has_charges",
        ALERT_URL,
    }
)
_EXTRA: dict[str, frozenset[str]] = {
    ev.CRIME_RECORDED: _CODE,
    ev.ACCESS_CODE_REISSUED: _CODE,
    ev.ACCESS_REVOKED: frozenset(),
    ev.OFFICER_ASSIGNED: frozenset(),
    ev.NEEDS_ASSESSED: frozenset({"support_service", "has_support_service"}),
    ev.INVESTIGATION_UPDATED: frozenset({"update_summary"}),
    **dict.fromkeys(ev.SUSPECT_EVENTS, _SUSPECT),
    ev.DECISION_NOT_TO_INVESTIGATE: frozenset({"reason_summary"}),
    ev.OUTCOME_RECORDED: frozenset({"outcome_type", "outcome_explanation", "outcome_summary", "has_outcome_summary"}),
    ev.COURT_HEARING_SCHEDULED: frozenset({"court", "hearing_date", "hearing_time", "hearing_type"}),
    ev.COURT_OUTCOME: frozenset({"court_result", "sentence_summary", "has_sentence_summary"}),
    ev.OFFICER_MESSAGE: frozenset(),
    ev.VICTIM_CONTACT_CHANGED: frozenset(),
    ev.CASE_CLOSED: frozenset({"reason_summary", "has_reason_summary", "survey_url"}),
    ev.REVIEW_ACKNOWLEDGED: frozenset(),
    ev.REVIEW_DECIDED: frozenset(),  # the result is read after signing in
    ev.STATEMENT_TAKEN: frozenset(),
    ev.OFFICER_UNAVAILABLE: frozenset({"away_until", "cover_team", "cover_phone", "has_cover_phone"}),
    ev.OFFICER_AVAILABLE: frozenset(),
    ev.ACCESS_DELEGATED: frozenset(),
    ev.ACCESS_DELEGATION_ENDED: frozenset(),
    ACCOUNT_LINKED: frozenset(),
    ACCOUNT_SIGNED_IN: frozenset({"sign_in_date"}),
    PREFERENCES_CHANGED: frozenset(),
    ACCOUNT_ADDED: frozenset({"linked_date"}),
    CONTACT_REDUCED: frozenset({"changed_date"}),
    ACCOUNT_REMOVED: frozenset({"removed_date"}),
    NO_NEWS_TIMER: frozenset({"last_update_date", "weeks_since_update", "away_until", "cover_team"}),
    REPORT_STORED: frozenset({"report_reference"}),
    ALERT_TIMER: frozenset({ALERT_URL}),
}
TRIGGERS = frozenset(_EXTRA)

SAMPLE_VALUES: dict[str, str] = {
    "name": "Alexandra Okafor",
    "force_name": "Hampshire and Isle of Wight Constabulary",
    "force_phone": "101",
    "portal_url": "https://victims.hampshire.example.org",
    "crime_reference": "44260012345",
    "crime_category": "Theft from the person",
    "officer_name": "PC Jordan Ellis",
    "collar_number": "4471",
    "team_contact": "01962 000000",
    "has_officer": "yes",
    "is_enhanced": "yes",
    "is_under_18": "yes",
    "access_code": "KQ7M-4TXD-9P2C",
    "access_code_expires": "Wednesday 30 December 2026",
    "support_service": "Victim Support",
    "has_support_service": "yes",
    "update_summary": "We have collected the CCTV from the shop and are looking at it this week.",
    "event_date": "Monday 7 December 2026",
    "bail_until": "Thursday 7 January 2027",
    "has_bail_until": "yes",
    "conditions_summary": "Not to contact you or go to your street.",
    "has_conditions": "yes",
    "charges": "Burglary of a dwelling",
    "has_charges": "yes",
    "reason_summary": "There were no witnesses and no CCTV, so we cannot find who did this.",
    "outcome_type": "18",
    "outcome_explanation": OUTCOME_TYPES[18],
    "outcome_summary": "We checked CCTV and spoke to neighbours but could not identify anyone.",
    "has_outcome_summary": "yes",
    "court": "Reading Magistrates' Court",
    "hearing_date": "Tuesday 12 January 2027",
    "hearing_time": "10:00am",
    "hearing_type": "trial",
    "court_result": "convicted",
    "sentence_summary": "18 months in prison.",
    "has_sentence_summary": "yes",
    "survey_url": "https://victims.hampshire.example.org/cases.html",
    "last_update_date": "Monday 7 December 2026",
    "weeks_since_update": "4",
    "sign_in_date": "Wednesday 30 December 2026",
    "linked_date": "Wednesday 30 December 2026",
    "changed_date": "Wednesday 30 December 2026",
    "removed_date": "Wednesday 30 December 2026",
    "away_until": "Friday 18 December 2026",
    "cover_team": "Winchester Investigation Hub duty desk",
    "cover_phone": "01962 000001",
    "has_cover_phone": "yes",
    "report_reference": "HIOW-7K3M-Q9PX",
    ALERT_URL: "https://victims.hampshire.example.org/case.html#alert=3f9c2a7d41e08b65c1d2",
}


def provided(trigger: str) -> frozenset[str]:
    """Every placeholder a template sent for ``trigger`` may use (an SMS's keep flags are set when it is
    rendered: ``caseline.domain.sms_fit``)."""
    return COMMON | KEEP_FLAGS | _EXTRA.get(trigger, frozenset())


def _uk(moment: datetime) -> datetime:
    return moment.astimezone(UK)


def _flag(value: object) -> str:
    return "yes" if value else ""


def _moment(value: Any) -> datetime | None:
    if isinstance(value, datetime):
        return value
    if isinstance(value, str):
        try:
            return datetime.fromisoformat(value)
        except ValueError:
            return None
    return None


def common_values(
    case: CaseRecord, victim: VictimContact, *, portal_url: str, force_name: str, force_phone: str = "101"
) -> dict[str, str]:
    officer = case.officer or {}
    return {
        "name": victim.name,
        "force_name": force_name,
        "force_phone": force_phone,
        "portal_url": portal_url,
        "crime_reference": case.crime_reference or "",
        "crime_category": victim_label(case.category, case.flags),  # never the offence class (content-style.md)
        "officer_name": officer.get("name", ""),
        "collar_number": officer.get("collar_number", ""),
        "team_contact": officer.get("team_contact", ""),
        "has_officer": _flag(officer),
        "is_enhanced": _flag(victim.tier == VictimTier.ENHANCED.value),
        "is_under_18": _flag(victim.under_18),
    }


def event_values(trigger: str, data: Mapping[str, Any]) -> dict[str, str]:
    """The trigger's own placeholders from the event data (codes and timers are added by the caller)."""
    if trigger in ev.SUSPECT_EVENTS:
        occurred = _moment(data.get("occurred_at"))
        bail_until = data.get("bail_until")
        charges = data.get("charges") or ()
        return {
            "event_date": long_date(_uk(occurred).date()) if occurred else "",
            "bail_until": long_date(date.fromisoformat(bail_until)) if bail_until else "",
            "has_bail_until": _flag(bail_until),
            "conditions_summary": data.get("conditions_summary") or "",
            "has_conditions": _flag(data.get("conditions_summary")),
            "charges": ", ".join(charges),
            "has_charges": _flag(charges),
        }
    if trigger == ev.NEEDS_ASSESSED:
        referral = data.get("support_referral") or {}
        return {"support_service": referral.get("service", ""), "has_support_service": _flag(referral)}
    if trigger == ev.INVESTIGATION_UPDATED:
        return {"update_summary": data.get("summary", "")}
    if trigger == ev.DECISION_NOT_TO_INVESTIGATE:
        return {"reason_summary": data.get("reason_summary", "")}
    if trigger == ev.OUTCOME_RECORDED:
        outcome = int(data.get("outcome_type", 0))
        return {
            "outcome_type": str(outcome),
            "outcome_explanation": OUTCOME_TYPES.get(outcome, ""),
            "outcome_summary": data.get("summary") or "",
            "has_outcome_summary": _flag(data.get("summary")),
        }
    if trigger == ev.COURT_HEARING_SCHEDULED:
        starts = _moment(data.get("starts_at"))
        local = _uk(starts) if starts else None
        return {
            "court": data.get("court", ""),
            "hearing_date": long_date(local.date()) if local else "",
            "hearing_time": local.strftime("%I:%M%p").lstrip("0").lower() if local else "",
            "hearing_type": data.get("hearing_type", ""),
        }
    if trigger == ev.COURT_OUTCOME:
        return {
            "court_result": data.get("result", ""),
            "sentence_summary": data.get("sentence_summary") or "",
            "has_sentence_summary": _flag(data.get("sentence_summary")),
        }
    if trigger == ev.OFFICER_UNAVAILABLE:
        until = data.get("away_until")
        return {
            "away_until": long_date(date.fromisoformat(str(until))) if until else "",
            "cover_team": data.get("cover_team") or NO_COVER_TEAM,
            "cover_phone": data.get("cover_phone") or "",
            "has_cover_phone": _flag(data.get("cover_phone")),
        }
    if trigger == ev.CASE_CLOSED:
        return {
            "reason_summary": data.get("reason_summary") or "",
            "has_reason_summary": _flag(data.get("reason_summary")),
        }
    return {}
