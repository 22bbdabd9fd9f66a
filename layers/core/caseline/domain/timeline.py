"""The timeline in plain English: what each force event means for the victim reading it."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from caseline.domain import event_types as ev
from caseline.domain.vocabulary import CRIME_CATEGORIES, OUTCOME_TYPES

_SUSPECT = {
    ev.SUSPECT_ARRESTED: "A suspect has been arrested.",
    ev.SUSPECT_INTERVIEWED: "A suspect has been interviewed under caution.",
    ev.SUSPECT_RELEASED_WITHOUT_CHARGE: "A suspect has been released without charge.",
    ev.SUSPECT_BAILED: "A suspect has been released on bail.",
    ev.SUSPECT_RELEASED_UNDER_INVESTIGATION: "A suspect has been released while the investigation continues.",
    ev.SUSPECT_BAIL_CONDITIONS_CHANGED: "A suspect's bail conditions have changed.",
    ev.SUSPECT_CHARGED: "A suspect has been charged.",
}
_COURT_RESULTS = {
    "convicted": "The defendant was found guilty.",
    "acquitted": "The defendant was found not guilty.",
    "discontinued": "The case against the defendant was stopped.",
    "adjourned": "The hearing was adjourned to a later date.",
}


def describe(event_type: str, data: Mapping[str, Any]) -> tuple[str, str | None]:
    """(title, detail) for one timeline entry. Detail text written by officers is passed through as text."""
    if event_type == ev.CRIME_RECORDED:
        category = CRIME_CATEGORIES.get(str(data.get("category")), "crime")
        return f"Your report was recorded as {category.lower()}", f"Crime reference {data.get('crime_reference')}"
    if event_type == ev.OFFICER_ASSIGNED:
        officer = data.get("officer") or {}
        return f"{officer.get('name', 'An officer')} is now looking after your case", None
    if event_type == ev.NEEDS_ASSESSED:
        referral = data.get("support_referral")
        detail = f"We have referred you to {referral['service']}." if referral else None
        return "We talked about the support you need", detail
    if event_type == ev.INVESTIGATION_UPDATED:
        return "Update on the investigation", str(data.get("summary"))
    if event_type in _SUSPECT:
        detail = data.get("conditions_summary")
        if event_type == ev.SUSPECT_BAILED and data.get("bail_until"):
            detail = f"Bail until {data['bail_until']}." + (f" {detail}" if detail else "")
        return _SUSPECT[event_type], str(detail) if detail else None
    if event_type == ev.DECISION_NOT_TO_INVESTIGATE:
        return "We have decided not to investigate further", str(data.get("reason_summary"))
    if event_type == ev.OUTCOME_RECORDED:
        return "An outcome has been recorded", OUTCOME_TYPES.get(int(data.get("outcome_type", 0)))
    if event_type == ev.COURT_HEARING_SCHEDULED:
        return f"A court hearing has been arranged: {data.get('hearing_type')}", f"{data.get('court')}"
    if event_type == ev.COURT_OUTCOME:
        result = _COURT_RESULTS.get(str(data.get("result")), "The court has made a decision.")
        return result, str(data["sentence_summary"]) if data.get("sentence_summary") else None
    if event_type == ev.OFFICER_MESSAGE:
        return "You have a new message from your officer", None
    if event_type == ev.VICTIM_CONTACT_CHANGED:
        return "Your contact details were updated", None
    if event_type == ev.ACCESS_CODE_REISSUED:
        return "A new access code was sent to you", None
    if event_type == ev.ACCESS_REVOKED:
        return "The police removed access to this case from one or more accounts", None
    if event_type == ev.CASE_CLOSED:
        return "Your case has been closed", str(data["reason_summary"]) if data.get("reason_summary") else None
    return "Update on your case", None


# What happens next, by stage: plain English for the tracker.
NEXT_STEPS: dict[str, str] = {
    "reported": "We will look at what you told us and decide how to investigate. We will tell you when an "
    "officer is looking after your case.",
    "officer-assigned": "Your officer will review the evidence and may contact you for more information. "
    "You can message them here at any time.",
    "investigating": "Your officer is investigating. We will tell you when a suspect is arrested, interviewed, "
    "released or charged.",
    "outcome": "A decision has been made. Your officer will explain what it means and what happens next, "
    "including any court dates.",
    "closed": "Your case is closed. You can still read it here, and support services are still available to you.",
}

# How soon a victim can expect an answer to a message (shown next to the officer's details).
EXPECTED_REPLY = "Your officer aims to reply within 5 working days. If you are in danger, call 999."
