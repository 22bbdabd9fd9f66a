"""Victims' Right to Review online: which decisions carry the right (``content/review_rights.json``, data
next to the outcome list), the window to ask, the two deadlines a request starts, and where a request
stands for the victim.

A request is one outbound event to the force (``victim.review-requested``) with two duties in working
days: the force acknowledges it, then decides. The force answers with ``review.acknowledged`` and
``review.decided``, which meet the duties (docs/journeys.md#right-to-review).
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from caseline.domain import event_types as ev
from caseline.domain.calendar import add_working_days, uk_date
from caseline.domain.outbound import REVIEW_REQUESTED, OutboundEvent
from caseline.domain.records import Duty, DutyStatus, StoredEvent

ACKNOWLEDGE_DUTY = "vrr-acknowledge"
DECIDE_DUTY = "vrr-decide"
DECISIONS = ("upheld", "not-upheld")  # the original decision stands / it does not: the case is looked at again
REQUESTED_ACTION = "requested-review"  # the audit entry's action


@dataclass(frozen=True)
class ReviewRules:
    window_months: int
    acknowledge_days: int
    decide_days: int
    max_reasons: int
    schemes: Mapping[int, str]  # outcome type -> "police" or "cps"

    @classmethod
    def of(cls, document: Mapping[str, Any]) -> ReviewRules:
        return cls(
            window_months=int(document["window_months"]),
            acknowledge_days=int(document["acknowledge_working_days"]),
            decide_days=int(document["decide_working_days"]),
            max_reasons=int(document["max_reasons_chars"]),
            schemes={int(k): str(v) for k, v in document["outcomes"].items()},
        )


@dataclass(frozen=True)
class ReviewOffer:
    """The decision the victim may ask to have reviewed, and the last day to ask."""

    decision_sequence: int
    scheme: str
    closes_on: date


@dataclass(frozen=True)
class ReviewStatus:
    request_id: str
    state: str  # requested, acknowledged, decided
    requested_at: datetime
    acknowledge_by: date | None
    decide_by: date | None
    acknowledged_at: datetime | None = None
    decided_at: datetime | None = None
    decision: str | None = None  # upheld / not-upheld


def add_months(day: date, months: int) -> date:
    """The same day ``months`` later (the month's last day when it has no such day)."""
    month0 = day.month - 1 + months
    year, month = day.year + month0 // 12, month0 % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def latest_decision(events: Iterable[StoredEvent]) -> StoredEvent | None:
    outcomes = [e for e in events if e.event_type == ev.OUTCOME_RECORDED and e.applied]
    return max(outcomes, key=lambda e: e.sequence, default=None)


def offer(events: Iterable[StoredEvent], rules: ReviewRules) -> ReviewOffer | None:
    """The case's latest outcome, if its type carries the right (a later outcome replaces an earlier one)."""
    decision = latest_decision(events)
    if decision is None:
        return None
    scheme = rules.schemes.get(int(decision.data.get("outcome_type", 0)))
    if scheme is None:
        return None
    closes_on = add_months(uk_date(decision.occurred_at), rules.window_months)
    return ReviewOffer(decision.sequence, scheme, closes_on)


def request_id(decision_sequence: int, victim_id: str) -> str:
    """One request per victim per decision: the key that makes asking twice harmless."""
    return f"vrr-{decision_sequence}-{victim_id}"


def review_event(
    force_id: str, case_id: str, victim_id: str, chosen: ReviewOffer, reasons: str | None, now: datetime
) -> OutboundEvent:
    rid = request_id(chosen.decision_sequence, victim_id)
    data = {"request_id": rid, "victim_id": victim_id, "scheme": chosen.scheme, "requested_at": now.isoformat()}
    data |= {"decision_sequence": str(chosen.decision_sequence)}
    if reasons:
        data["reasons"] = reasons
    return OutboundEvent(force_id, case_id, rid, REVIEW_REQUESTED, data, now)


def review_duties(event: OutboundEvent, tier: str, rules: ReviewRules) -> list[Duty]:
    """Acknowledge, then decide: both counted in working days from the day the victim asked."""
    started = uk_date(event.created_at)
    rid, victim_id = event.data["request_id"], event.data["victim_id"]
    return [
        Duty(
            force_id=event.force_id,
            case_id=event.case_id,
            duty_id=f"{right}#{rid}",
            right=right,
            due_on=add_working_days(started, days),
            victim_id=victim_id,
            tier=tier,
            started_on=started,
            working_days={"standard": days},
        )
        for right, days in ((ACKNOWLEDGE_DUTY, rules.acknowledge_days), (DECIDE_DUTY, rules.decide_days))
    ]


def met_duties(event: StoredEvent) -> list[str]:
    """The duties a force's answer meets: a decision also says the request arrived (none: no answer)."""
    rights = {ev.REVIEW_ACKNOWLEDGED: [ACKNOWLEDGE_DUTY], ev.REVIEW_DECIDED: [ACKNOWLEDGE_DUTY, DECIDE_DUTY]}
    return [f"{right}#{event.data.get('request_id')}" for right in rights.get(event.event_type, [])]


def status_of(request: OutboundEvent, events: Sequence[StoredEvent], duties: Sequence[Duty]) -> ReviewStatus:
    """Where one request stands: the force's answers about it, in order, and the days they are due by."""
    rid = str(request.data["request_id"])
    answers = {e.event_type: e for e in events if e.applied and e.data.get("request_id") == rid}
    due = {d.right: d.due_on for d in duties if d.duty_id.endswith(f"#{rid}") and d.status is not DutyStatus.MET}
    acknowledged, decided = answers.get(ev.REVIEW_ACKNOWLEDGED), answers.get(ev.REVIEW_DECIDED)
    state = "decided" if decided else "acknowledged" if acknowledged else "requested"
    return ReviewStatus(
        request_id=rid,
        state=state,
        requested_at=request.created_at,
        acknowledge_by=None if acknowledged or decided else due.get(ACKNOWLEDGE_DUTY),
        decide_by=None if decided else due.get(DECIDE_DUTY),
        acknowledged_at=acknowledged.occurred_at if acknowledged else None,
        decided_at=decided.occurred_at if decided else None,
        decision=str(decided.data.get("decision")) if decided else None,
    )


def victim_requests(outbound: Iterable[OutboundEvent], victim_id: str) -> list[OutboundEvent]:
    """The victim's own review requests on the case, oldest first."""
    mine = [o for o in outbound if o.event_type == REVIEW_REQUESTED and o.data.get("victim_id") == victim_id]
    return sorted(mine, key=lambda o: o.created_at)


@dataclass(frozen=True)
class ReviewView:
    """What the case page says about a review: an offer still open (``open_until``), or a request's state."""

    scheme: str | None = None
    open_until: date | None = None
    request: ReviewStatus | None = None


def review_view(
    events: Sequence[StoredEvent],
    outbound: Iterable[OutboundEvent],
    duties: Sequence[Duty],
    victim_id: str,
    today: date,
    rules: ReviewRules,
) -> ReviewView | None:
    """The request about the current decision if there is one, else the offer while its window is open,
    else the victim's latest request; None when there is nothing to say."""
    chosen = offer(events, rules)
    requests = victim_requests(outbound, victim_id)
    if chosen is not None:
        rid = request_id(chosen.decision_sequence, victim_id)
        current = next((r for r in requests if r.data.get("request_id") == rid), None)
        if current is not None:
            return ReviewView(chosen.scheme, None, status_of(current, events, duties))
        if today <= chosen.closes_on:
            return ReviewView(chosen.scheme, chosen.closes_on, None)
    if requests:
        latest = requests[-1]
        return ReviewView(str(latest.data.get("scheme")), None, status_of(latest, events, duties))
    return None
