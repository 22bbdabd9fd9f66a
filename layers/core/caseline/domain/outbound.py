"""Outbound events: what a victim sends back to the force (a message, an update request, a preference
change), delivered to the force's endpoint as a signed CloudEvent, idempotent on its id.

Two ids, on purpose. ``outbound_id`` is the item's key on its case's partition (``OUTBOUND#{outbound_id}``):
built from what makes asking twice harmless (``update-{victim}-{date}``, ``vps-{n}-{victim}``,
``delegated-{delegation}``), so it is unique only within the case, and it stays what Caseline is
idempotent on. ``OutboundEvent.event_id`` is what the force receives, as the CloudEvents ``id`` and the
``webhook-id`` it dedupes on: unique across every case and force (docs/force-integration.md).
"""

from __future__ import annotations

import hashlib
import json
import uuid
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

MESSAGE_SENT = "org.caseline.victim.message-sent.v1"
UPDATE_REQUESTED = "org.caseline.victim.update-requested.v1"
PREFERENCES_CHANGED = "org.caseline.victim.preferences-changed.v1"
SURVEY_ANSWERED = "org.caseline.victim.survey-answered.v1"
REVIEW_REQUESTED = "org.caseline.victim.review-requested.v1"  # the Victims' Right to Review (domain.reviews)
STATEMENT_REQUESTED = "org.caseline.victim.statement-requested.v1"  # a personal statement (domain.statements)
LINKED_ACCOUNT_REMOVED = "org.caseline.victim.linked-account-removed.v1"  # by an account of the same victim
DELEGATE_REMOVED = "org.caseline.victim.delegate-removed.v1"  # the victim ended a delegation
DELEGATE_INVITATION = "org.caseline.access.delegate-invitation.v1"  # the code for a delegation the force set up
OFFICER_TASK_CREATED = "org.caseline.officer.task-created.v1"
DEADLINE_AT_RISK = "org.caseline.duty.at-risk.v1"
ALERT_UNACKNOWLEDGED = "org.caseline.alert.unacknowledged.v1"  # a safety alert the victim has not confirmed
# An online report: the outbound item holds only what is not personal; delivery adds the sealed fields.
REPORT_SUBMITTED = "org.caseline.report.submitted.v1"
OUTBOUND_TYPES = frozenset(
    {
        MESSAGE_SENT,
        UPDATE_REQUESTED,
        PREFERENCES_CHANGED,
        SURVEY_ANSWERED,
        REVIEW_REQUESTED,
        STATEMENT_REQUESTED,
        LINKED_ACCOUNT_REMOVED,
        DELEGATE_REMOVED,
        DELEGATE_INVITATION,
        OFFICER_TASK_CREATED,
        DEADLINE_AT_RISK,
        ALERT_UNACKNOWLEDGED,
        REPORT_SUBMITTED,
    }
)
# Officer tasks whose reason has an outbound type of its own; every other reason is ``task-created``.
TASK_TYPES = {"duty-at-risk": DEADLINE_AT_RISK, "alert-unacknowledged": ALERT_UNACKNOWLEDGED}

# After this many failed attempts the victim's view says the force has not received it yet.
DELAYED_AFTER_ATTEMPTS = 3
MAX_BACKOFF_SECONDS = 900

# The namespace of delivered event ids: uuid5(NAMESPACE_URL, "urn:caseline:outbound-event"). Fixed for
# ever: another value would give every event a new id, retries of ones already sent included.
EVENT_ID_NAMESPACE = uuid.UUID("0b8253a9-660c-532f-970d-b60c4f620895")


class OutboundStatus(StrEnum):
    PENDING = "pending"  # stored with the victim's action, not yet queued
    QUEUED = "queued"
    DELIVERED = "delivered"
    DELAYED = "delayed"  # still being retried, for long enough that the victim should know


@dataclass(frozen=True)
class OutboundEvent:
    force_id: str
    case_id: str
    outbound_id: str
    event_type: str
    data: dict[str, Any]
    created_at: datetime
    status: OutboundStatus = OutboundStatus.PENDING
    attempts: int = 0

    @property
    def event_id(self) -> str:
        """The id the force receives, as the CloudEvents ``id`` and the ``webhook-id``: ``outbound_event_id``."""
        return outbound_event_id(self.force_id, self.case_id, self.outbound_id)


def outbound_event_id(force_id: str, case_id: str, outbound_id: str) -> str:
    """The one rule for the id an outbound item is delivered with: a UUIDv5 of
    ``{force_id}/{case_id}/{outbound_id}`` (neither a force id nor a case id has a ``/``).

    ``outbound_id`` alone is unique only within its case (two cases may share a victim id or a delegation
    id), and one ``source`` serves every force, which CloudEvents asks to be unique with the id. Derived,
    never stored: every attempt of an item, one stored before the rule included, has the same id; 36
    characters whatever the ids in it, and no victim id in a header.
    """
    return str(uuid.uuid5(EVENT_ID_NAMESPACE, f"{force_id}/{case_id}/{outbound_id}"))


def envelope(event: OutboundEvent, *, source: str) -> bytes:
    """The CloudEvents body posted to the force; its id doubles as the webhook-id for dedupe."""
    document = {
        "specversion": "1.0",
        "id": event.event_id,
        "source": source,
        "type": event.event_type,
        "time": event.created_at.isoformat(),
        "subject": event.case_id,
        "datacontenttype": "application/json",
        "data": event.data,
    }
    return json.dumps(document, separators=(",", ":"), sort_keys=True).encode("utf-8")


def backoff_seconds(attempt: int) -> int:
    """30 s, 60 s, 120 s ... capped at 15 minutes (the queue's redrive limit ends it)."""
    return min(MAX_BACKOFF_SECONDS, 30 * (1 << max(0, attempt - 1)))


def to_message(event: OutboundEvent) -> str:
    return json.dumps(
        {
            "force_id": event.force_id,
            "case_id": event.case_id,
            "outbound_id": event.outbound_id,
            "event_type": event.event_type,
            "data": event.data,
            "created_at": event.created_at.isoformat(),
        }
    )


def from_message(body: str) -> OutboundEvent:
    document = json.loads(body)
    return OutboundEvent(
        force_id=document["force_id"],
        case_id=document["case_id"],
        outbound_id=document["outbound_id"],
        event_type=document["event_type"],
        data=dict(document["data"]),
        created_at=datetime.fromisoformat(document["created_at"]),
        status=OutboundStatus.QUEUED,
    )


def task_event(
    force_id: str, case_id: str, task_id: str, reason: str, detail: dict[str, str], created_at: datetime
) -> OutboundEvent:
    """An officer task goes to the force as an outbound event (a deadline at risk and an unconfirmed safety
    alert have their own types).

    The id is derived from the task's id, so writing the same task twice never tells the force twice.
    """
    digest = hashlib.sha256(f"{force_id}#{case_id}#{task_id}".encode()).hexdigest()[:32]
    return OutboundEvent(
        force_id=force_id,
        case_id=case_id,
        outbound_id=f"task-{digest}",
        event_type=TASK_TYPES.get(reason, OFFICER_TASK_CREATED),
        data={"reason": reason, **detail},
        created_at=created_at,
    )
