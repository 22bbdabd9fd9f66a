"""Ingest a signed force event: authenticate, validate, write once, answer.

Nothing slow or fallible beyond the one conditional write happens here: journeys and notifications
run behind the table's stream.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ValidationError

from caseline.domain import signing
from caseline.domain.case import CaseStage, is_newer, next_stage
from caseline.domain.errors import (
    MalformedBodyError,
    PayloadTooLargeError,
    SignatureInvalidError,
    StorageUnavailableError,
    UnsupportedEventTypeError,
    UnsupportedMediaTypeError,
    ValidationFailedError,
)
from caseline.domain.events import CRIME_RECORDED, EVENT_DATA_MODELS, CloudEvent, CrimeRecordedData
from caseline.domain.ports import CaseRepository, Clock, SecretProvider
from caseline.domain.records import CaseRecord, StoredEvent, VictimContact, WebhookReceipt, WriteOutcome

MAX_BODY_BYTES = 256 * 1024
# Senders retry for days with the same webhook-id: remember receipts well past the 96 hours promised.
RECEIPT_RETENTION = timedelta(days=7)
JSON_MEDIA_TYPES = frozenset({"application/json", "application/cloudevents+json"})
_MAX_ATTEMPTS = 3


class IngestStatus(StrEnum):
    ACCEPTED = "accepted"
    DUPLICATE = "duplicate"
    STALE = "stale"


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


def _field_of(error: ValidationError, prefix: str = "") -> str:
    location = error.errors()[0]["loc"] if error.errors() else ()
    return prefix + ".".join(str(part) for part in location) if location else prefix.rstrip(".") or "body"


def authenticate(request: WebhookRequest, secrets: SecretProvider, *, now: float) -> str:
    """Return the force whose secret verified the signature. Unknown forces look like bad signatures."""
    headers = signing.parse_headers(request.headers)
    force_secrets = secrets.webhook_secrets(request.force_id)
    if not force_secrets:
        raise SignatureInvalidError()
    signing.verify(force_secrets, headers, request.body, now=now)
    return request.force_id


def parse_event(request: WebhookRequest) -> tuple[CloudEvent, BaseModel]:
    content_type = ""
    for name, value in request.headers.items():
        if name.lower() == "content-type":
            content_type = value.split(";", 1)[0].strip().lower()
    if content_type not in JSON_MEDIA_TYPES:
        raise UnsupportedMediaTypeError()
    try:
        payload = json.loads(request.body.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise MalformedBodyError("the body must be UTF-8 JSON", field="body") from exc
    if not isinstance(payload, dict):
        raise MalformedBodyError("the body must be a JSON object", field="body")
    try:
        envelope = CloudEvent.model_validate(payload)
    except ValidationError as exc:
        raise ValidationFailedError("the CloudEvents envelope is not valid", field=_field_of(exc)) from exc
    model = EVENT_DATA_MODELS.get(envelope.type)
    if model is None:
        raise UnsupportedEventTypeError(f"unsupported event type {envelope.type}", field="type")
    try:
        data = model.model_validate(envelope.data)
    except ValidationError as exc:
        raise ValidationFailedError("the event data is not valid", field=_field_of(exc, "data.")) from exc
    return envelope, data


Planner = Callable[[str, CloudEvent, BaseModel, "CaseRecord | None"], "tuple[CaseRecord, VictimContact | None]"]


def _plan_crime_recorded(
    force_id: str, envelope: CloudEvent, data: BaseModel, current: CaseRecord | None
) -> tuple[CaseRecord, VictimContact | None]:
    assert isinstance(data, CrimeRecordedData)
    proposed = CaseStage.OFFICER_ASSIGNED if data.officer else CaseStage.REPORTED
    officer = data.officer.model_dump() if data.officer else (current.officer if current else None)
    case = CaseRecord(
        force_id=force_id,
        case_id=envelope.subject,
        crime_reference=data.crime_reference,
        category=data.category,
        flags=tuple(flag.value for flag in data.flags),
        stage=next_stage(current.stage if current else None, proposed),
        sequence=envelope.sequence,
        officer=officer,
        recorded_at=data.recorded_at,
        updated_at=envelope.time,
    )
    victim = data.victim
    contact = VictimContact(
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
    )
    return case, contact


PLANNERS: dict[str, Planner] = {CRIME_RECORDED: _plan_crime_recorded}


def ingest_webhook(
    request: WebhookRequest, *, secrets: SecretProvider, cases: CaseRepository, clock: Clock
) -> IngestResult:
    if len(request.body) > MAX_BODY_BYTES:
        raise PayloadTooLargeError()
    now = clock.now()
    force_id = authenticate(request, secrets, now=now.timestamp())
    envelope, data = parse_event(request)
    receipt = WebhookReceipt(
        force_id=force_id,
        webhook_id=signing.parse_headers(request.headers).webhook_id,
        received_at=now,
        expires_at=now + RECEIPT_RETENTION,
    )
    planner = PLANNERS[envelope.type]
    for _ in range(_MAX_ATTEMPTS):
        current = cases.get_case(force_id, envelope.subject)
        newer = is_newer(current.sequence if current else None, envelope.sequence)
        case, victim = planner(force_id, envelope, data, current) if newer else (None, None)
        event = StoredEvent(
            force_id=force_id,
            case_id=envelope.subject,
            sequence=envelope.sequence,
            event_id=envelope.id,
            event_type=envelope.type,
            occurred_at=envelope.time,
            received_at=now,
            applied=newer,
            data=_as_json(envelope.data),
        )
        outcome = cases.save_event(
            receipt, event, case=case, expected_sequence=current.sequence if current else None, victim=victim
        )
        if outcome is WriteOutcome.WRITTEN:
            status = IngestStatus.ACCEPTED if newer else IngestStatus.STALE
            return IngestResult(status, force_id, envelope.subject, envelope.id, envelope.sequence)
        if outcome is WriteOutcome.DUPLICATE:
            return IngestResult(IngestStatus.DUPLICATE, force_id, envelope.subject, envelope.id, envelope.sequence)
    raise StorageUnavailableError("the case changed concurrently; retry the delivery")


def _as_json(data: dict[str, Any]) -> dict[str, Any]:
    """Timeline copy of the event data. Victim contact details live only on the victim item."""
    return {key: value for key, value in data.items() if key != "victim"}
