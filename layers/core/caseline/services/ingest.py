"""Ingest a signed force event: authenticate, validate, write once, answer.

Nothing slow or fallible beyond the one conditional write happens here: journeys and notifications
run behind the table's stream.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ValidationError

from caseline.domain import signing
from caseline.domain.case_state import fold
from caseline.domain.errors import (
    MalformedBodyError,
    PayloadTooLargeError,
    SignatureInvalidError,
    StorageUnavailableError,
    UnsupportedEventTypeError,
    UnsupportedMediaTypeError,
    ValidationFailedError,
    VictimNotKnownYetError,
)
from caseline.domain.event_types import ABOUT_A_KNOWN_VICTIM, CRIME_RECORDED, REPORT_EVENTS, VICTIM_CONTACT_CHANGED
from caseline.domain.events import (
    INBOUND_EVENT_DATA_MODELS,
    CloudEvent,
    CrimeRecordedData,
    NeedsAssessedData,
    VictimContactChangedData,
)
from caseline.domain.json_body import read_json
from caseline.domain.ports import CaseRepository, Clock, ReportStore, SecretProvider
from caseline.domain.records import CaseAggregate, EventWrite, StoredEvent, VictimContact, WebhookReceipt, WriteOutcome
from caseline.domain.requests import ANSWERS, answers_a_raised_request
from caseline.services import reports as report_service

MAX_BODY_BYTES = 256 * 1024
# Senders retry for days with the same webhook-id: remember receipts well past the 96 hours promised.
RECEIPT_RETENTION = timedelta(days=7)
JSON_MEDIA_TYPES = frozenset({"application/json", "application/cloudevents+json"})
# Reads and conditional writes of one delivery before a retryable 503: a force's burst may put several
# deliveries of one case in flight at once (the e2e burst, 4 at a time, once lost 3 races in a row).
_MAX_ATTEMPTS = 5


@dataclass(frozen=True)
class WebhookRequest:
    force_id: str
    headers: Mapping[str, str]
    body: bytes


@dataclass(frozen=True)
class IngestResult:
    status: IngestStatus
    force_id: str
    case_id: str
    event_id: str
    sequence: int


class IngestStatus(StrEnum):
    ACCEPTED = "accepted"
    DUPLICATE = "duplicate"
    STALE = "stale"


def _field_of(error: ValidationError, prefix: str = "") -> str:
    location = error.errors()[0]["loc"] if error.errors() else ()
    return prefix + ".".join(str(part) for part in location) if location else prefix.rstrip(".") or "body"


def authenticate(request: WebhookRequest, secrets: SecretProvider, *, now: float) -> signing.SignedHeaders:
    """Verify the signature with the path's force's secrets (unknown forces look like bad signatures)."""
    headers = signing.parse_headers(request.headers)
    document = secrets.webhook_secrets(request.force_id)
    # Evaluated per request, not when the document was cached: an expired previous secret stops at once.
    force_secrets = document.valid_at(datetime.fromtimestamp(now, UTC)) if document else ()
    if not force_secrets:
        raise SignatureInvalidError()
    signing.verify(force_secrets, headers, request.body, now=now)
    return headers


def parse_event(request: WebhookRequest) -> tuple[CloudEvent, BaseModel]:
    content_type = ""
    for name, value in request.headers.items():
        if name.lower() == "content-type":
            content_type = value.split(";", 1)[0].strip().lower()
    if content_type not in JSON_MEDIA_TYPES:
        raise UnsupportedMediaTypeError()
    payload = read_json(request.body, max_bytes=MAX_BODY_BYTES)
    if not isinstance(payload, dict):
        raise MalformedBodyError("the body must be a JSON object", field="body")
    # Strict JSON-mode validation: the types the published schema says, no coercion ("3" or true is not a
    # sequence number), while ISO dates, times and enum values are read from their JSON strings.
    try:
        envelope = CloudEvent.model_validate_json(request.body, strict=True)
    except ValidationError as exc:
        raise ValidationFailedError("the CloudEvents envelope is not valid", field=_field_of(exc)) from exc
    model = INBOUND_EVENT_DATA_MODELS.get(envelope.type)
    if model is None:
        raise UnsupportedEventTypeError(f"unsupported event type {envelope.type}", field="type")
    try:
        data = model.model_validate_json(json.dumps(envelope.data), strict=True)
    except ValidationError as exc:
        raise ValidationFailedError("the event data is not valid", field=_field_of(exc, "data.")) from exc
    return envelope, data


def _check_what_it_names(envelope: CloudEvent, loaded: CaseAggregate) -> None:
    """Before anything is written: the victim a case event is about must be on the case
    (``event_types.ABOUT_A_KNOWN_VICTIM``), and an answer to a victim's request must name one raised on the
    case for her (``domain.requests``)."""
    data = envelope.data
    if envelope.type in ABOUT_A_KNOWN_VICTIM and all(v.victim_id != data["victim_id"] for v in loaded.victims):
        # Nothing is stored: the sender retries, and by then crime.recorded has usually arrived.
        raise VictimNotKnownYetError(f"victim {data['victim_id']} is not on this case yet; retry later")
    if envelope.type in ANSWERS and not answers_a_raised_request(
        envelope.type, str(data["request_id"]), str(data["victim_id"]), loaded.requests
    ):
        # A retry cannot make the request exist, and its victim must not hear of one she never made.
        raise ValidationFailedError(
            f"no request {data['request_id']} of victim {data['victim_id']} on this case to answer",
            field="data.request_id",
        )


def _victim_changes(
    force_id: str, envelope: CloudEvent, data: BaseModel, victims: list[VictimContact]
) -> list[VictimContact]:
    """Victim details an event sets. Each victim keeps the details of the newest event that set them."""
    current = {v.victim_id: v for v in victims}
    if isinstance(data, CrimeRecordedData):
        victim = data.victim
        existing = current.get(victim.victim_id)
        if existing is not None and existing.sequence >= envelope.sequence:
            return []
        return [
            VictimContact(
                force_id=force_id,
                case_id=envelope.subject,
                victim_id=victim.victim_id,
                name=victim.name,
                email=victim.email,
                mobile=victim.mobile,
                language=victim.preferred_language,
                tier=victim.tier.value,
                under_18=victim.under_18,
                safe_contact=victim.safe_contact,
                sequence=envelope.sequence,
            )
        ]
    if isinstance(data, VictimContactChangedData | NeedsAssessedData):
        existing = current[data.victim_id]  # on the case: _check_what_it_names refused the event otherwise
        if existing.sequence >= envelope.sequence:
            return []
        if isinstance(data, NeedsAssessedData):
            return [replace(existing, tier=data.tier.value, sequence=envelope.sequence)]
        changed = data.model_dump(exclude_unset=True, exclude={"victim_id"})
        return [
            replace(
                existing,
                email=changed.get("email", existing.email),
                mobile=changed.get("mobile", existing.mobile),
                language=changed.get("preferred_language") or existing.language,
                safe_contact=data.safe_contact if data.safe_contact is not None else existing.safe_contact,
                sequence=envelope.sequence,
            )
        ]
    return []


def ingest_webhook(
    request: WebhookRequest,
    *,
    secrets: SecretProvider,
    cases: CaseRepository,
    clock: Clock,
    reports: ReportStore | None = None,
) -> IngestResult:
    if len(request.body) > MAX_BODY_BYTES:
        raise PayloadTooLargeError()
    now = clock.now()
    # The force is the one whose secret verified the signature, never anything in the body.
    signed = authenticate(request, secrets, now=now.timestamp())
    force_id = request.force_id
    envelope, data = parse_event(request)
    receipt = WebhookReceipt(
        force_id=force_id,
        webhook_id=signed.webhook_id,
        received_at=now,
        expires_at=now + RECEIPT_RETENTION,
    )
    if envelope.type in REPORT_EVENTS:
        return _ingest_report_event(force_id, envelope, data, receipt, reports=reports, now=now)
    for _ in range(_MAX_ATTEMPTS):
        loaded = cases.load(force_id, envelope.subject)
        _check_what_it_names(envelope, loaded)
        previous = loaded.case
        newest = envelope.sequence > (previous.sequence if previous else 0) or (
            envelope.type == CRIME_RECORDED and not (previous and previous.is_recorded)
        )
        event = StoredEvent(
            force_id=force_id,
            case_id=envelope.subject,
            sequence=envelope.sequence,
            event_id=envelope.id,
            event_type=envelope.type,
            occurred_at=envelope.time,
            received_at=now,
            applied=False,
            data=_timeline_data(envelope),
        )
        revision = previous.revision if previous else None
        case = fold(force_id, envelope.subject, [*loaded.events, event], revision=(revision or 0) + 1)
        # Only the newest news about a recorded crime may start journeys (and so notify anyone).
        event = replace(event, applied=newest and case.is_recorded)
        outcome = cases.save_event(
            EventWrite(
                receipt,
                event,
                case=case,
                expected_revision=revision,
                victims=_victim_changes(force_id, envelope, data, loaded.victims),
                linked_users=loaded.linked_users,
                followers=loaded.followers,
            )
        )
        recorded_now = envelope.type == CRIME_RECORDED and outcome is not WriteOutcome.CONFLICT
        if recorded_now and reports is not None:  # a signed-in reporter whose report.recorded came first
            report_service.link_waiting_reporters(force_id, envelope.subject, store=reports, now=now)
        if outcome is WriteOutcome.WRITTEN:
            status = IngestStatus.ACCEPTED if newest else IngestStatus.STALE
            return IngestResult(status, force_id, envelope.subject, envelope.id, envelope.sequence)
        if outcome is WriteOutcome.DUPLICATE:
            return IngestResult(IngestStatus.DUPLICATE, force_id, envelope.subject, envelope.id, envelope.sequence)
    raise StorageUnavailableError("the case changed concurrently; retry the delivery")


def _ingest_report_event(
    force_id: str,
    envelope: CloudEvent,
    data: BaseModel,
    receipt: WebhookReceipt,
    *,
    reports: ReportStore | None,
    now: datetime,
) -> IngestResult:
    """The force's news about an online report (subject: the report reference); no case, no journey."""
    if reports is None:
        raise UnsupportedEventTypeError(f"unsupported event type {envelope.type}", field="type")
    result = report_service.apply_force_event(
        force_id, envelope.subject, envelope.type, envelope.sequence, data, receipt, store=reports, now=now
    )
    if result.outcome is WriteOutcome.DUPLICATE:
        status = IngestStatus.DUPLICATE
    else:
        status = IngestStatus.ACCEPTED if result.newest else IngestStatus.STALE
    return IngestResult(status, force_id, envelope.subject, envelope.id, envelope.sequence)


_CONTACT_FIELDS = ("email", "mobile", "preferred_language", "safe_contact")


def _timeline_data(envelope: CloudEvent) -> dict[str, Any]:
    """Timeline copy of the event data. Victim contact details live only on the victim item."""
    data = {key: value for key, value in envelope.data.items() if key != "victim"}
    victim = envelope.data.get("victim")
    if isinstance(victim, dict) and "victim_id" in victim:
        data["victim_id"] = victim["victim_id"]  # journeys confirm this victim only, not every victim again
    if envelope.type == VICTIM_CONTACT_CHANGED:
        data = {"victim_id": data["victim_id"], "changed": [f for f in _CONTACT_FIELDS if f in envelope.data]}
    return data
