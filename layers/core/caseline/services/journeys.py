"""Journeys: turn an applied case event into outbox messages, duties and officer tasks.

Every write is keyed on business identity (force, case, event sequence, template, channel, victim),
so stream redelivery, retries and replays never plan a message twice.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta
from enum import StrEnum
from typing import Protocol

from caseline.domain import access_code
from caseline.domain.calendar import add_working_days, uk_date
from caseline.domain.events import ACCESS_CODE_REISSUED, CRIME_RECORDED
from caseline.domain.ports import CaseRepository, Clock, OutboxRepository
from caseline.domain.records import (
    AccessCodeRecord,
    CaseRecord,
    Duty,
    OfficerTask,
    OutboxMessage,
    OutboxStatus,
    StoredEvent,
    VictimContact,
    WriteOutcome,
)
from caseline.domain.safe_contact import allowed_channels, is_content_free
from caseline.domain.vocabulary import CRIME_CATEGORIES, Channel

RIGHT3_TEMPLATE = "right3-confirmation"
RIGHT3_CONTENT_FREE_TEMPLATE = "right3-confirmation-content-free"
REISSUE_TEMPLATE = "access-code-reissued"
# Right 3 asks for written confirmation without unnecessary delay; Caseline tracks it as 1 working day.
RIGHT3_DUE_WORKING_DAYS = 1


class JourneyOutcome(StrEnum):
    PLANNED = "planned"
    ALREADY_PLANNED = "already-planned"
    NOT_APPLICABLE = "not-applicable"


class LinkLocks(Protocol):
    def clear(self, crime_reference: str) -> None:
        """Lift the lock on guessing this crime reference (the force re-issued a code)."""
        ...


def run_journeys(
    event: StoredEvent,
    *,
    cases: CaseRepository,
    outbox: OutboxRepository,
    clock: Clock,
    portal_url: str,
    locks: LinkLocks | None = None,
) -> JourneyOutcome:
    if not event.applied or event.event_type not in {CRIME_RECORDED, ACCESS_CODE_REISSUED}:
        return JourneyOutcome.NOT_APPLICABLE
    case = cases.get_case(event.force_id, event.case_id)
    if case is None or case.recorded_at is None:
        return JourneyOutcome.NOT_APPLICABLE
    if event.event_type == ACCESS_CODE_REISSUED:
        return _reissue(event, case, cases=cases, outbox=outbox, clock=clock, portal_url=portal_url, locks=locks)
    now = clock.now()
    outcomes = []
    # One transaction per victim: a victim added by a later event gets their confirmation even though
    # the first victim's was planned already (which stays planned once).
    for victim in cases.get_victims(event.force_id, event.case_id):
        code = access_code.new_code()
        duty = Duty(
            force_id=case.force_id,
            case_id=case.case_id,
            duty_id=f"right3#{victim.victim_id}",
            right="right-3-written-confirmation",
            due_on=add_working_days(uk_date(case.recorded_at), RIGHT3_DUE_WORKING_DAYS),
        )
        stored_code = AccessCodeRecord(
            force_id=case.force_id,
            case_id=case.case_id,
            victim_id=victim.victim_id,
            code_hash=access_code.hash_code(code),
            expires_at=now + timedelta(days=access_code.VALID_DAYS),
        )
        planned, blocked = _confirmation(event, case, victim, code, duty.duty_id, portal_url)
        outcomes.append(outbox.create_messages(planned, duties=[duty], access_codes=[stored_code], tasks=blocked))
    if not outcomes:
        return JourneyOutcome.NOT_APPLICABLE
    if all(outcome is WriteOutcome.DUPLICATE for outcome in outcomes):
        return JourneyOutcome.ALREADY_PLANNED
    return JourneyOutcome.PLANNED


def _reissue(
    event: StoredEvent,
    case: CaseRecord,
    *,
    cases: CaseRepository,
    outbox: OutboxRepository,
    clock: Clock,
    portal_url: str,
    locks: LinkLocks | None,
) -> JourneyOutcome:
    """A new code replaces the old one (same key), goes by every safe channel, and lifts the lock."""
    victim = next(
        (v for v in cases.get_victims(case.force_id, case.case_id) if v.victim_id == event.data["victim_id"]), None
    )
    if victim is None:
        return JourneyOutcome.NOT_APPLICABLE
    code = access_code.new_code()
    stored = AccessCodeRecord(
        force_id=case.force_id,
        case_id=case.case_id,
        victim_id=victim.victim_id,
        code_hash=access_code.hash_code(code),
        expires_at=clock.now() + timedelta(days=access_code.VALID_DAYS),
    )
    allowed, _ = allowed_channels(victim.safe_contact, has_email=bool(victim.email), has_mobile=bool(victim.mobile))
    personalisation = {
        "name": victim.name,
        "crime_reference": case.crime_reference or "",
        "portal_url": portal_url,
        "access_code": access_code.display(code),
    }
    messages = _messages(event, victim, REISSUE_TEMPLATE, allowed, personalisation)
    tasks = (
        []
        if messages
        else [
            OfficerTask(
                force_id=case.force_id,
                case_id=case.case_id,
                task_id=f"{event.sequence:012d}#code-needs-another-way#{victim.victim_id}",
                reason="access-code-needs-another-way",
                created_at=event.received_at,
                detail={"victim_id": victim.victim_id},
            )
        ]
    )
    outcome = outbox.create_messages(messages, access_codes=[stored], tasks=tasks)
    if outcome is WriteOutcome.DUPLICATE:
        return JourneyOutcome.ALREADY_PLANNED
    if locks is not None and case.crime_reference:
        locks.clear(case.crime_reference)
    return JourneyOutcome.PLANNED


def _messages(
    event: StoredEvent,
    victim: VictimContact,
    template: str,
    channels: Sequence[Channel],
    personalisation: dict[str, str],
    *,
    duty_id: str | None = None,
) -> list[OutboxMessage]:
    """One pending message per channel, keyed on (event sequence, template, channel, victim)."""
    return [
        OutboxMessage(
            force_id=event.force_id,
            case_id=event.case_id,
            key=f"{event.sequence:012d}#{template}#{channel.value}#{victim.victim_id}",
            victim_id=victim.victim_id,
            channel=channel.value,
            template_id=template,
            personalisation=personalisation,
            status=OutboxStatus.PENDING,
            created_at=event.received_at,
            duty_id=duty_id,
        )
        for channel in channels
    ]


def _confirmation(
    event: StoredEvent,
    case: CaseRecord,
    victim: VictimContact,
    code: str,
    duty_id: str,
    portal_url: str,
) -> tuple[list[OutboxMessage], list[OfficerTask]]:
    profile = victim.safe_contact
    allowed, blocked = allowed_channels(profile, has_email=bool(victim.email), has_mobile=bool(victim.mobile))
    template = RIGHT3_CONTENT_FREE_TEMPLATE if is_content_free(case.flags, profile) else RIGHT3_TEMPLATE
    officer = case.officer or {}
    personalisation = {
        "name": victim.name,
        "crime_reference": case.crime_reference or "",
        "crime_category": CRIME_CATEGORIES.get(case.category or "", "Crime"),
        "officer_name": officer.get("name", ""),
        "collar_number": officer.get("collar_number", ""),
        "team_contact": officer.get("team_contact", ""),
        "has_officer": "yes" if officer else "",
        "portal_url": portal_url,
        "access_code": access_code.display(code),
    }
    messages = _messages(event, victim, template, allowed, personalisation, duty_id=duty_id)
    reasons: Sequence[tuple[str, str]] = [(f"channel-not-safe:{c.value}", c.value) for c in blocked]
    if not allowed:
        reasons = [*reasons, ("right-3-confirmation-needs-another-way", "none")]
    tasks = [
        OfficerTask(
            force_id=case.force_id,
            case_id=case.case_id,
            task_id=f"{event.sequence:012d}#{reason}#{victim.victim_id}",
            reason=reason.split(":", 1)[0],
            created_at=event.received_at,
            detail={"victim_id": victim.victim_id, "channel": channel, "template_id": template},
        )
        for reason, channel in reasons
    ]
    return messages, tasks
