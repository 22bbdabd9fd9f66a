"""Records the services hand to and get from ports. Plain data, no storage details."""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from caseline.domain.case import CaseStage
from caseline.domain.safe_contact import SafeContactProfile
from caseline.domain.vocabulary import Channel

if TYPE_CHECKING:
    from caseline.domain.alerts import SafetyAlert


@dataclass(frozen=True)
class CaseRecord:
    """``crime_reference``, ``category`` and ``recorded_at`` are None until ``crime.recorded`` arrives.

    ``sequence`` is the newest event folded in; ``revision`` counts writes (optimistic concurrency).
    """

    force_id: str
    case_id: str
    crime_reference: str | None
    category: str | None
    flags: tuple[str, ...]
    stage: CaseStage
    sequence: int
    officer: dict[str, str] | None
    recorded_at: datetime | None
    updated_at: datetime | None
    revision: int = 0
    officer_absence: dict[str, str] | None = None  # the newest officer.unavailable, until cancelled

    @property
    def is_recorded(self) -> bool:
        return self.crime_reference is not None


@dataclass(frozen=True)
class VictimContact:
    force_id: str
    case_id: str
    victim_id: str
    name: str
    email: str | None
    mobile: str | None
    language: str
    tier: str
    under_18: bool
    safe_contact: SafeContactProfile
    sequence: int = 0  # the newest event that set these details


@dataclass(frozen=True)
class StoredEvent:
    force_id: str
    case_id: str
    sequence: int
    event_id: str
    event_type: str
    occurred_at: datetime
    received_at: datetime
    applied: bool
    data: dict[str, Any]


@dataclass(frozen=True)
class RaisedRequest:
    """A request Caseline raised to the force for a victim of the case (its outbound event, ADR 0020): the
    force's answers must name one (domain.requests)."""

    request_id: str
    event_type: str  # the outbound type: victim.review-requested or victim.statement-requested
    victim_id: str


@dataclass(frozen=True)
class CaseAggregate:
    """Everything ingest needs about one case, read with a single Query on the case's partition."""

    case: CaseRecord | None
    events: list[StoredEvent]
    victims: list[VictimContact]
    linked_users: list[str] = field(default_factory=list)  # accounts linked to the case
    followers: list[str] = field(default_factory=list)  # delegates' accounts following it (domain.delegation)
    requests: list[RaisedRequest] = field(default_factory=list)  # the victims' requests to the force


@dataclass(frozen=True)
class WebhookReceipt:
    force_id: str
    webhook_id: str
    received_at: datetime
    expires_at: datetime


@dataclass(frozen=True)
class EventWrite:
    """One force event and all it changes, written in one conditional transaction."""

    receipt: WebhookReceipt
    event: StoredEvent
    case: CaseRecord
    expected_revision: int | None  # None: the case must not exist yet
    victims: Sequence[VictimContact] = ()  # the victims whose details the event changed
    linked_users: Sequence[str] = ()  # accounts linked to the case (their summaries change)
    followers: Sequence[str] = ()  # delegates' accounts following it (summary without an unread count)


class OutboxStatus(StrEnum):
    PENDING = "pending"
    SENDING = "sending"
    DEFERRED = "deferred"
    SENT = "sent"
    BLOCKED = "blocked"
    FAILED = "failed"
    SKIPPED = "skipped"  # the victim opted out of it, or the address is suppressed (recorded with the reason)
    UNKNOWN = "unknown"  # claimed, then never recorded (a crash after sending?): not resent, the force is told


_FALLBACK_MARK = "#fallback-"


def fallback_key(key: str, channel: str) -> str:
    """The key of the same message sent again by another channel (dispatch's or delivery's fallback)."""
    return f"{key}{_FALLBACK_MARK}{channel}"


def original_key(key: str) -> str:
    """The message a fallback stands in for (itself if it is not a fallback)."""
    return key.split(_FALLBACK_MARK, 1)[0]


@dataclass(frozen=True)
class OutboxMessage:
    force_id: str
    case_id: str
    key: str
    victim_id: str
    channel: str
    template_id: str
    personalisation: dict[str, str]
    status: OutboxStatus
    created_at: datetime
    duty_id: str | None = None
    provider_message_id: str | None = None
    send_after: datetime | None = None
    statutory: bool = True  # the Victims' Code requires it: skips quiet hours and caps, never safe contact
    attempts: int = 0  # provider failures so far
    # The one-time access code, sealed for this message (never in ``personalisation``); removed once the
    # message reaches a final status.
    sealed_code: str | None = None
    # The profile this message obeys instead of the victim's current one: a safety notice about a change
    # to contact choices goes the ways that were safe before it (still within the force's assessment).
    safe_contact: SafeContactProfile | None = None


@dataclass(frozen=True)
class SendReceipt:
    """What the provider said when it took a message, and how it went."""

    provider_message_id: str
    sent_at: datetime | None = None  # None: the repository's clock, now
    rendered_template: str | None = None  # set when a content-free template went instead of the planned one
    segments: int | None = None  # an SMS's parts, as the provider bills them


def message_key(run_key: str, template_id: str, channel: str, victim_id: str) -> str:
    """A planned message's outbox key: what planned it (a journey run, an alert, a report), then its template,
    channel and victim."""
    return f"{run_key}#{template_id}#{channel}#{victim_id}"


def statutory_messages(
    case: tuple[str, str],
    victim_id: str,
    run_key: str,
    template_id: str,
    channels: Iterable[Channel],
    personalisation: dict[str, str],
    at: datetime,
) -> list[OutboxMessage]:
    """``template_id`` to one victim on a case (its force and id) by each of ``channels``: statutory, pending,
    keyed by ``message_key``."""
    force_id, case_id = case
    return [
        OutboxMessage(
            force_id=force_id,
            case_id=case_id,
            key=message_key(run_key, template_id, channel.value, victim_id),
            victim_id=victim_id,
            channel=channel.value,
            template_id=template_id,
            personalisation=dict(personalisation),
            status=OutboxStatus.PENDING,
            created_at=at,
            statutory=True,
        )
        for channel in channels
    ]


class DutyStatus(StrEnum):
    OPEN = "open"
    MET = "met"
    AT_RISK = "at-risk"  # due today and not met: the force has been told
    MISSED = "missed"


@dataclass(frozen=True)
class Duty:
    """A Victims' Code deadline. ``working_days`` per tier lets the due date follow a tier change."""

    force_id: str
    case_id: str
    duty_id: str
    right: str
    due_on: date
    status: DutyStatus = DutyStatus.OPEN
    victim_id: str | None = None
    tier: str = "standard"
    started_on: date | None = None
    working_days: dict[str, int] = field(default_factory=dict)
    met_at: datetime | None = None
    met_by: str | None = None  # the outbox key of the message that met it
    reason: str | None = None  # why it is at risk or was missed


@dataclass(frozen=True)
class JourneyTimer:
    """A run waiting to resume at ``step`` (or, with ``journey_id`` of the no-news trigger, a cadence)."""

    force_id: str
    case_id: str
    timer_id: str
    due_at: datetime
    journey_id: str
    version: int
    step: str
    victim_id: str
    run_key: str
    event_sequence: int


@dataclass(frozen=True)
class OfficerTask:
    force_id: str
    case_id: str
    task_id: str
    reason: str
    created_at: datetime
    detail: dict[str, str] = field(default_factory=dict)

    @classmethod
    def on(
        cls,
        source: CaseRecord | OutboxMessage | Duty | SafetyAlert,
        *id_parts: str,
        reason: str,
        at: datetime,
        detail: dict[str, str],
    ) -> OfficerTask:
        """The task ``reason`` on ``source``'s case. Its id joins ``id_parts`` with ``#``: one id per cause
        (a message and reason, an alert, a duty at risk, a journey step and reason)."""
        return cls(source.force_id, source.case_id, "#".join(id_parts), reason, at, detail)


def message_task(message: OutboxMessage, reason: str, at: datetime) -> OfficerTask:
    """The officer task for a message that could not go as planned (one per message and reason)."""
    detail = {"victim_id": message.victim_id, "channel": message.channel, "template_id": message.template_id}
    return OfficerTask.on(message, "dispatch", message.key, reason, reason=reason, at=at, detail=detail)


@dataclass(frozen=True)
class AccessCodeRecord:
    force_id: str
    case_id: str
    victim_id: str
    code_hash: str
    expires_at: datetime


@dataclass(frozen=True)
class CaseSummary:
    force_id: str
    case_id: str
    crime_reference: str
    category: str
    stage: CaseStage
    updated_at: datetime
    unread: int = 0


@dataclass(frozen=True)
class VictimMessage:
    force_id: str
    case_id: str
    message_id: str
    user_id: str
    text: str
    sent_at: datetime


def message_id(user_id: str, key: str | None) -> str:
    """A victim's new message's id: from its sender and the sender's idempotency key, so a retry with the
    key is the same message; a random one without a key."""
    return hashlib.sha256(f"{user_id}\n{key}".encode()).hexdigest()[:32] if key else uuid.uuid4().hex


@dataclass(frozen=True)
class AuditEntry:
    force_id: str
    case_id: str
    user_id: str
    action: str
    reason: str
    at: datetime
    victim_id: str | None = None  # the victim record a victim's own view was of (her visits, not her accounts)


@dataclass(frozen=True)
class CasePartition:
    """Everything on a case's partition that the victim view needs, from one Query."""

    case: CaseRecord | None
    events: list[StoredEvent]
    victims: list[VictimContact]
    members: dict[str, str]  # user id -> victim id
    messages: list[VictimMessage]
    outbound: list[Any]  # OutboundEvent (kept generic here to avoid a domain import cycle)
    read_at: dict[str, datetime] = field(default_factory=dict)  # user id -> when they last read the case
    surveys: dict[str, Any] = field(default_factory=dict)  # victim id -> SurveyResponse (closing survey)
    preferences: dict[str, Any] = field(default_factory=dict)  # victim id -> VictimPreferences (their own)
    sessions_end: dict[str, datetime] = field(default_factory=dict)  # user id -> sessions before this are over
    duties: list[Duty] = field(default_factory=list)  # the case's Victims' Code deadlines
    no_news_at: dict[str, datetime] = field(default_factory=dict)  # victim id -> next "no news yet" update
    alerts: list[Any] = field(default_factory=list)  # SafetyAlert: must-acknowledge safety alerts (domain.alerts)
    delegations: list[Any] = field(default_factory=list)  # Delegation: people following the case for a victim
    allowances: dict[str, int] = field(default_factory=dict)  # a limit's scope -> its version (domain.allowances)


class WriteOutcome(StrEnum):
    """What a conditional write through a port answers; each port says what DUPLICATE (made already) and
    CONFLICT (its condition failed otherwise) mean for it."""

    WRITTEN = "written"
    DUPLICATE = "duplicate"
    CONFLICT = "conflict"
