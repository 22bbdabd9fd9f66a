"""Pure builders: one function per event type, each returning a CloudEvent dict that Caseline accepts.

Every builder takes an ``EventContext`` (force, case, sequence, time) and keyword overrides with
realistic defaults. Summaries are written for the victim to read, in plain English, and say nothing
about other people beyond what the victim should know (never a suspect's name).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from caseline.domain import event_types as ev
from caseline.domain.vocabulary import OUTCOME_TYPES

from .people import CHARGES, case_facts, force

Event = dict[str, Any]
_UK = ZoneInfo("Europe/London")  # court sits at 10:00 UK time
_NAMESPACE = uuid.UUID("5d7c8f62-1b0e-4c1a-9a59-0f0ce5e1a7b1")


@dataclass(frozen=True)
class EventContext:
    force_id: str
    case_id: str
    sequence: int
    time: datetime
    event_id: str | None = None  # default: derived from force, case, sequence and type (stable)


def iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def envelope(ctx: EventContext, event_type: str, data: dict[str, Any]) -> Event:
    profile = force(ctx.force_id)
    event_id = ctx.event_id or str(uuid.uuid5(_NAMESPACE, f"{ctx.force_id}/{ctx.case_id}/{ctx.sequence}/{event_type}"))
    return {
        "specversion": "1.0",
        "id": event_id,
        "source": profile.source,
        "type": event_type,
        "time": iso(ctx.time),
        "subject": ctx.case_id,
        "sequence": ctx.sequence,
        "datacontenttype": "application/json",
        "data": data,
    }


def crime_recorded(
    ctx: EventContext,
    *,
    category: str | None = None,
    flags: tuple[str, ...] = (),
    tier: str = "standard",
    with_officer: bool = False,
    safe_contact: dict[str, Any] | None = None,
) -> Event:
    facts = case_facts(ctx.force_id, ctx.case_id)
    victim: dict[str, Any] = {
        "victim_id": facts.victim_id,
        "name": facts.victim_name,
        "email": facts.email,
        "mobile": facts.mobile,
        "preferred_language": "en",
        "tier": tier,
    }
    if safe_contact is not None:
        victim["safe_contact"] = safe_contact
    data: dict[str, Any] = {
        "crime_reference": facts.crime_reference,
        "category": category or facts.category,
        "flags": list(flags),
        "occurred_at": iso(ctx.time - timedelta(hours=14)),
        "recorded_at": iso(ctx.time),
        "area": facts.area,
        "victim": victim,
    }
    if with_officer:
        data["officer"] = facts.officer
    return envelope(ctx, ev.CRIME_RECORDED, data)


def officer_assigned(ctx: EventContext, *, officer: dict[str, str] | None = None) -> Event:
    return envelope(ctx, ev.OFFICER_ASSIGNED, {"officer": officer or case_facts(ctx.force_id, ctx.case_id).officer})


def needs_assessed(
    ctx: EventContext, *, tier: str = "standard", needs: tuple[str, ...] = ("Advice on home security",)
) -> Event:
    data = {
        "victim_id": case_facts(ctx.force_id, ctx.case_id).victim_id,
        "tier": tier,
        "needs": list(needs),
        "support_referral": {"service": "Local victim support service", "referred_at": iso(ctx.time)},
    }
    return envelope(ctx, ev.NEEDS_ASSESSED, data)


def investigation_updated(ctx: EventContext, *, summary: str | None = None) -> Event:
    text = summary or (
        "We have collected doorbell camera footage from your street and sent items for forensic tests. "
        "We expect the results in about two weeks and will tell you what they show."
    )
    return envelope(ctx, ev.INVESTIGATION_UPDATED, {"summary": text})


def _suspect(ctx: EventContext, event_type: str, **data: Any) -> Event:
    return envelope(ctx, event_type, {"occurred_at": iso(ctx.time), **data})


def suspect_arrested(ctx: EventContext) -> Event:
    return _suspect(ctx, ev.SUSPECT_ARRESTED)


def suspect_interviewed_under_caution(ctx: EventContext) -> Event:
    return _suspect(ctx, ev.SUSPECT_INTERVIEWED)


def suspect_released_without_charge(ctx: EventContext) -> Event:
    return _suspect(ctx, ev.SUSPECT_RELEASED_WITHOUT_CHARGE)


def suspect_bailed(ctx: EventContext, *, days: int = 28, conditions: str | None = None) -> Event:
    summary = conditions or "They must not contact you or go to your road while on bail."
    return _suspect(
        ctx,
        ev.SUSPECT_BAILED,
        bail_until=(ctx.time + timedelta(days=days)).date().isoformat(),
        conditions_summary=summary,
    )


def suspect_released_under_investigation(ctx: EventContext) -> Event:
    return _suspect(ctx, ev.SUSPECT_RELEASED_UNDER_INVESTIGATION)


def suspect_bail_conditions_changed(ctx: EventContext, *, conditions: str | None = None) -> Event:
    summary = conditions or "They must still not contact you. They may now go to the town centre, but not your road."
    return _suspect(ctx, ev.SUSPECT_BAIL_CONDITIONS_CHANGED, conditions_summary=summary)


def suspect_charged(ctx: EventContext, *, charges: tuple[str, ...] | None = None) -> Event:
    category = case_facts(ctx.force_id, ctx.case_id).category
    return _suspect(ctx, ev.SUSPECT_CHARGED, charges=list(charges or (CHARGES.get(category, "Theft"),)))


def investigation_not_pursued(ctx: EventContext, *, reason: str | None = None) -> Event:
    text = reason or (
        "We have looked carefully at what you told us and at the cameras nearby, but there is nothing more "
        "that could lead us to the person responsible. If you find new information, please tell us."
    )
    return envelope(ctx, ev.DECISION_NOT_TO_INVESTIGATE, {"reason_summary": text})


def outcome_recorded(ctx: EventContext, *, outcome_type: int = 1, summary: str | None = None) -> Event:
    return envelope(
        ctx, ev.OUTCOME_RECORDED, {"outcome_type": outcome_type, "summary": summary or OUTCOME_TYPES[outcome_type]}
    )


def court_hearing_scheduled(
    ctx: EventContext, *, starts_at: datetime | None = None, hearing_type: str = "First hearing"
) -> Event:
    when = starts_at or datetime.combine((ctx.time + timedelta(days=14)).date(), time(10, 0), tzinfo=_UK)
    court = case_facts(ctx.force_id, ctx.case_id).court
    return envelope(
        ctx, ev.COURT_HEARING_SCHEDULED, {"court": court, "starts_at": iso(when), "hearing_type": hearing_type}
    )


def court_outcome(
    ctx: EventContext, *, result: str = "convicted", custodial_months: int | None = 18, violent_or_sexual: bool = False
) -> Event:
    data: dict[str, Any] = {"result": result, "violent_or_sexual_offence": violent_or_sexual}
    if result == "convicted":
        data["sentence_summary"] = (
            f"The court sentenced them to {custodial_months} months in prison."
            if custodial_months
            else "The court gave them a community order with unpaid work."
        )
        data["custodial_months"] = custodial_months or 0
    return envelope(ctx, ev.COURT_OUTCOME, data)


def officer_message(ctx: EventContext, *, text: str | None = None) -> Event:
    body = text or (
        "Thank you for your patience while this case went through the courts. If you would like to talk "
        "about how it went, reply here or call the team number and ask for me."
    )
    return envelope(ctx, ev.OFFICER_MESSAGE, {"message_id": f"MSG-{ctx.case_id}-{ctx.sequence}"[:64], "text": body})


def victim_contact_changed(
    ctx: EventContext, *, mobile: str | None = None, safe_contact: dict[str, Any] | None = None
) -> Event:
    facts = case_facts(ctx.force_id, ctx.case_id)
    data: dict[str, Any] = {
        "victim_id": facts.victim_id,
        "mobile": mobile or f"+447700900{(ctx.sequence * 7) % 1000:03d}",
    }
    if safe_contact is not None:
        data["safe_contact"] = safe_contact
    return envelope(ctx, ev.VICTIM_CONTACT_CHANGED, data)


def case_closed(ctx: EventContext, *, reason: str | None = None) -> Event:
    text = reason or "We have finished our work on your case. Thank you for your help; you can still contact us."
    return envelope(ctx, ev.CASE_CLOSED, {"closed_at": iso(ctx.time), "reason_summary": text})


def access_code_reissued(ctx: EventContext, *, remove_linked_accounts: bool = True) -> Event:
    data = {
        "victim_id": case_facts(ctx.force_id, ctx.case_id).victim_id,
        "remove_linked_accounts": remove_linked_accounts,
    }
    return envelope(ctx, ev.ACCESS_CODE_REISSUED, data)


def access_revoked(ctx: EventContext, *, link_id: str | None = None) -> Event:
    """Remove every account linked to the case's victim, or only the one with ``link_id``."""
    data = {"victim_id": case_facts(ctx.force_id, ctx.case_id).victim_id}
    if link_id is not None:
        data["link_id"] = link_id
    return envelope(ctx, ev.ACCESS_REVOKED, data)


def _review(ctx: EventContext, event_type: str, request_id: str | None, **data: Any) -> Event:
    """The force's answer to a review request: ``request_id`` from ``victim.review-requested`` (by default,
    the case's victim asking about the event just before this one)."""
    victim_id = case_facts(ctx.force_id, ctx.case_id).victim_id
    rid = request_id or f"vrr-{ctx.sequence - 1}-{victim_id}"
    return envelope(ctx, event_type, {"request_id": rid, "victim_id": victim_id, **data})


def review_acknowledged(ctx: EventContext, *, request_id: str | None = None) -> Event:
    return _review(ctx, ev.REVIEW_ACKNOWLEDGED, request_id)


def review_decided(
    ctx: EventContext, *, request_id: str | None = None, decision: str = "upheld", summary: str | None = None
) -> Event:
    text = summary or "A senior officer who was not involved looked at the evidence again and agreed with the decision."
    return _review(ctx, ev.REVIEW_DECIDED, request_id, decision=decision, summary=text)


def statement_taken(ctx: EventContext, *, request_id: str | None = None) -> Event:
    """The officer took the statement the victim asked for (default: the victim's first request)."""
    victim_id = case_facts(ctx.force_id, ctx.case_id).victim_id
    return envelope(ctx, ev.STATEMENT_TAKEN, {"request_id": request_id or f"vps-1-{victim_id}", "victim_id": victim_id})


def officer_unavailable(ctx: EventContext, *, days: int = 14, cover_team: str | None = None) -> Event:
    """The officer is away from tomorrow for ``days`` days; their team's duty desk looks after the case."""
    start = (ctx.time + timedelta(days=1)).date()
    data = {"away_from": start.isoformat(), "away_until": (start + timedelta(days=days - 1)).isoformat()}
    cover = {"cover_team": cover_team or "Investigation hub duty desk", "cover_phone": "01632 960 123"}
    return envelope(ctx, ev.OFFICER_UNAVAILABLE, {**data, **cover})


def officer_available(ctx: EventContext) -> Event:
    return envelope(ctx, ev.OFFICER_AVAILABLE, {})


def access_delegated(ctx: EventContext, *, delegation_id: str = "DEL-1", scope: str = "message") -> Event:
    """A parent or guardian follows the case for the (child) victim: the code comes back to the force."""
    victim_id = case_facts(ctx.force_id, ctx.case_id).victim_id
    data = {"name": "Jordan Morgan", "relationship": "parent-guardian", "scope": scope}
    return envelope(ctx, ev.ACCESS_DELEGATED, {"victim_id": victim_id, "delegation_id": delegation_id, **data})


def access_delegation_ended(ctx: EventContext, *, delegation_id: str = "DEL-1") -> Event:
    return envelope(ctx, ev.ACCESS_DELEGATION_ENDED, {"delegation_id": delegation_id})


# A force's answers about an online report: ``ctx.case_id`` is the report reference, ``ctx.sequence`` counts
# per report. ``report_recorded`` names the case the force opened: send crime.recorded for it as usual.
def report_received(ctx: EventContext) -> Event:
    return envelope(ctx, ev.REPORT_RECEIVED, {})


def report_recorded(ctx: EventContext, *, case_id: str | None = None) -> Event:
    case = case_id or f"{force(ctx.force_id).case_prefix}-R{ctx.case_id[-4:]}"
    facts = case_facts(ctx.force_id, case)
    return envelope(
        ctx,
        ev.REPORT_RECORDED,
        {"crime_reference": facts.crime_reference, "case_id": case, "victim_id": facts.victim_id},
    )


def report_not_recorded(ctx: EventContext, *, reason: str | None = None, where_to_go: str | None = None) -> Event:
    return envelope(
        ctx,
        ev.REPORT_NOT_RECORDED,
        {
            "reason": reason or "What you told us is a disagreement between neighbours, not a crime.",
            "where_to_go": where_to_go or "Your local council's community mediation service can help.",
        },
    )


REPORT_BUILDERS: dict[str, Callable[[EventContext], Event]] = {
    ev.REPORT_RECEIVED: report_received,
    ev.REPORT_RECORDED: report_recorded,
    ev.REPORT_NOT_RECORDED: report_not_recorded,
}

BUILDERS: dict[str, Callable[[EventContext], Event]] = {
    ev.CRIME_RECORDED: crime_recorded,
    ev.OFFICER_ASSIGNED: officer_assigned,
    ev.NEEDS_ASSESSED: needs_assessed,
    ev.INVESTIGATION_UPDATED: investigation_updated,
    ev.SUSPECT_ARRESTED: suspect_arrested,
    ev.SUSPECT_INTERVIEWED: suspect_interviewed_under_caution,
    ev.SUSPECT_RELEASED_WITHOUT_CHARGE: suspect_released_without_charge,
    ev.SUSPECT_BAILED: suspect_bailed,
    ev.SUSPECT_RELEASED_UNDER_INVESTIGATION: suspect_released_under_investigation,
    ev.SUSPECT_BAIL_CONDITIONS_CHANGED: suspect_bail_conditions_changed,
    ev.SUSPECT_CHARGED: suspect_charged,
    ev.DECISION_NOT_TO_INVESTIGATE: investigation_not_pursued,
    ev.OUTCOME_RECORDED: outcome_recorded,
    ev.COURT_HEARING_SCHEDULED: court_hearing_scheduled,
    ev.COURT_OUTCOME: court_outcome,
    ev.OFFICER_MESSAGE: officer_message,
    ev.VICTIM_CONTACT_CHANGED: victim_contact_changed,
    ev.CASE_CLOSED: case_closed,
    ev.ACCESS_CODE_REISSUED: access_code_reissued,
    ev.ACCESS_REVOKED: access_revoked,
    ev.REVIEW_ACKNOWLEDGED: review_acknowledged,
    ev.REVIEW_DECIDED: review_decided,
    ev.STATEMENT_TAKEN: statement_taken,
    ev.OFFICER_UNAVAILABLE: officer_unavailable,
    ev.OFFICER_AVAILABLE: officer_available,
    ev.ACCESS_DELEGATED: access_delegated,
    ev.ACCESS_DELEGATION_ENDED: access_delegation_ended,
}


def full_type(name: str) -> str:
    """``officer.assigned`` or ``org.caseline.officer.assigned.v1`` → the full type name."""
    full = name if name.startswith("org.caseline.") else f"org.caseline.{name.removesuffix('.v1')}.v1"
    if full not in BUILDERS and full not in REPORT_BUILDERS:
        raise ValueError(f"unknown event type {name!r}")
    return full


def build(event_type: str, ctx: EventContext) -> Event:
    full = full_type(event_type)
    return (BUILDERS.get(full) or REPORT_BUILDERS[full])(ctx)
