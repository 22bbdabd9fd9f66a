"""The case page in plain English: what each force event means for the victim reading it, what is
happening now, what happens next and by when. The rules these words follow are in docs/content-style.md:
short sentences, "we" for the police, nothing said twice, nothing promised that cannot be true yet, and
never the police.uk offence class ("violence and sexual offences") as a name for what happened."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

from caseline.domain import event_types as ev
from caseline.domain.vocabulary import CRIME_CATEGORIES, OUTCOME_TYPES

_SUSPECT = {
    ev.SUSPECT_ARRESTED: "A suspect has been arrested",
    ev.SUSPECT_INTERVIEWED: "A suspect has been interviewed under caution",
    ev.SUSPECT_RELEASED_WITHOUT_CHARGE: "A suspect has been released without charge",
    ev.SUSPECT_BAILED: "A suspect has been released on bail",
    ev.SUSPECT_RELEASED_UNDER_INVESTIGATION: "A suspect has been released while the investigation continues",
    ev.SUSPECT_BAIL_CONDITIONS_CHANGED: "A suspect's bail conditions have changed",
    ev.SUSPECT_CHARGED: "A suspect has been charged",
}
_COURT_RESULTS = {
    "convicted": "The defendant was found guilty",
    "acquitted": "The defendant was found not guilty",
    "discontinued": "The case against the defendant was stopped",
    "adjourned": "The hearing was moved to a later date",
}
NO_COVER_TEAM = "Another officer in their team"  # who looks after the case while the officer is away
# Events that say the same thing whatever they carry
_PLAIN = {
    ev.OFFICER_MESSAGE: "Your officer sent you a message",
    ev.VICTIM_CONTACT_CHANGED: "Your contact details were updated",
    ev.ACCESS_CODE_REISSUED: "We sent you a new access code",
    ev.ACCESS_REVOKED: "We removed access to this case from one or more accounts",
    ev.REVIEW_ACKNOWLEDGED: "We received your request for a review of our decision",
    ev.STATEMENT_TAKEN: "Your officer took your personal statement",
    ev.OFFICER_AVAILABLE: "Your officer is back",
    ev.ACCESS_DELEGATED: "We gave someone access to follow your case for you",
    ev.ACCESS_DELEGATION_ENDED: "We ended someone's access to your case",
}
_REVIEW_DECISIONS = {
    "upheld": "The review is done: the decision stays the same",
    "not-upheld": "The review is done: we will look at your case again",
}

# What the victim's case is called on their page. A flag the force set names what happened in the
# victim's words; the police.uk class is only a fallback ("violent-crime" is never shown as the class).
_FLAG_LABELS = {
    "domestic-abuse": "Domestic abuse",
    "sexual-offence": "Sexual offence",
    "stalking-harassment": "Stalking or harassment",
    "hate-crime": "Hate crime",
    "fraud": "Fraud",
}
_CATEGORY_LABELS = {**CRIME_CATEGORIES, "violent-crime": "Violence against you", "other-crime": "Crime"}


def victim_label(category: str | None, flags: Iterable[str] = ()) -> str:
    """The name of the case for the victim: their flag's words first, never an offence class."""
    chosen = next((_FLAG_LABELS[flag] for flag in _FLAG_LABELS if flag in set(flags)), None)
    return chosen or _CATEGORY_LABELS.get(str(category), "Crime")


def _day(value: str) -> str:
    """A force's ISO date as the victim reads dates ("Sunday 3 January 2027"); anything else as sent."""
    try:
        return long_date(date.fromisoformat(value[:10]))
    except ValueError:
        return value


def _officer_entry(data: Mapping[str, Any]) -> tuple[str, str | None]:
    officer = data.get("officer") or {}
    return f"{officer.get('name') or 'An officer'} is now looking after your case", None


def entries(event_type: str, data: Mapping[str, Any]) -> list[tuple[str, str | None]]:
    """(title, detail) of each timeline entry one event makes: a crime recorded with its officer is two
    steps for the victim. Detail text written by officers is passed through as text."""
    if event_type == ev.CRIME_RECORDED:
        recorded = ("We recorded your report", f"Your crime reference is {data.get('crime_reference')}.")
        return [recorded, _officer_entry(data)] if data.get("officer") else [recorded]
    return [describe(event_type, data)]


def describe(event_type: str, data: Mapping[str, Any]) -> tuple[str, str | None]:
    """(title, detail) for the main timeline entry of one event."""
    if event_type == ev.CRIME_RECORDED:
        return entries(event_type, data)[0]
    if event_type == ev.OFFICER_ASSIGNED:
        return _officer_entry(data)
    if event_type == ev.NEEDS_ASSESSED:
        referral = data.get("support_referral")
        detail = f"We have referred you to {referral['service']}." if referral else None
        return "We talked about the support you need", detail
    if event_type == ev.INVESTIGATION_UPDATED:
        return "News about the investigation", str(data.get("summary"))
    if event_type in _SUSPECT:
        detail = data.get("conditions_summary")
        if event_type == ev.SUSPECT_BAILED and data.get("bail_until"):
            detail = f"Bail until {_day(str(data['bail_until']))}." + (f" {detail}" if detail else "")
        return _SUSPECT[event_type], str(detail) if detail else None
    if event_type == ev.DECISION_NOT_TO_INVESTIGATE:
        return "We decided not to investigate further", str(data.get("reason_summary"))
    if event_type == ev.OUTCOME_RECORDED:
        return "A decision was made on your case", OUTCOME_TYPES.get(int(data.get("outcome_type", 0)))
    if event_type == ev.COURT_HEARING_SCHEDULED:
        return f"A court hearing was arranged: {data.get('hearing_type')}", f"{data.get('court')}"
    if event_type == ev.COURT_OUTCOME:
        result = _COURT_RESULTS.get(str(data.get("result")), "The court made a decision")
        return result, str(data["sentence_summary"]) if data.get("sentence_summary") else None
    if event_type == ev.OFFICER_UNAVAILABLE:
        # Not the case page's "… is looking after your case": a page says nothing twice
        cover = data.get("cover_team") or NO_COVER_TEAM.lower()
        away = f"From {_day(str(data.get('away_from')))} to {_day(str(data.get('away_until')))}"
        return "Your officer is away", f"{away}, with {cover} covering."
    if event_type in _PLAIN:
        return _PLAIN[event_type], None
    if event_type == ev.REVIEW_DECIDED:
        title = _REVIEW_DECISIONS.get(str(data.get("decision")), "The review of our decision is done")
        return title, str(data["summary"]) if data.get("summary") else None
    if event_type == ev.CASE_CLOSED:
        return "We closed your case", str(data["reason_summary"]) if data.get("reason_summary") else None
    return "An update on your case", None


# What is happening now, by stage: the page's main heading.
NOW: dict[str, str] = {
    "reported": "We are looking at your report",
    "officer-assigned": "An officer is looking after your case",
    "investigating": "Your case is being investigated",
    "outcome": "A decision has been made on your case",
    "closed": "Your case is closed",
}

# What happens next, by stage: one or two sentences that say something the heading does not.
NEXT_STEPS: dict[str, str] = {
    "reported": "We will decide how to investigate. We will tell you when an officer is looking after your case.",
    "officer-assigned": "Your officer will review the evidence and may contact you for more information.",
    "investigating": "We will tell you when a suspect is arrested, interviewed, released or charged.",
    "outcome": "Your officer will explain what the decision means for you, including any court dates.",
    "closed": "You can still read your case here, and support services are still there for you.",
}

# How soon an officer aims to answer a message. Only said when there is an officer to answer.
EXPECTED_REPLY = "Your officer aims to reply to messages within 5 working days."

# What each Victims' Code duty still open on the case means for the victim, by the day it is due.
DUTY_STEPS: dict[str, str] = {
    "right-3-written-confirmation": "We will send you written confirmation of your report by {day}.",
    "right-4-support-referral": "We will pass your details to a support service by {day}, if you want us to.",
    "right-6-suspect-information": "We will explain the latest news about the suspect by {day}.",
    "right-9-court-outcome": "We will tell you the court's decision and what it means by {day}.",
    "right-11-victim-contact-scheme": "We will tell you about the Victim Contact Scheme by {day}.",
    "vrr-acknowledge": "We will confirm we have your request for a review by {day}.",
    "vrr-decide": "We will tell you the result of the review by {day}.",
}
NO_NEWS_STEP = "We will send you an update by {day}, even if there is no news."


def long_date(day: date) -> str:
    return f"{day:%A} {day.day} {day:%B %Y}"


def expected_reply(officer: Mapping[str, str] | None) -> str | None:
    """No officer, no promise of a reply time."""
    return EXPECTED_REPLY if officer else None
