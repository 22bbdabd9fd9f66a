"""Builders for valid test data. Every builder returns something valid; tests override one thing."""

from __future__ import annotations

import dataclasses
import json
from datetime import UTC, date, datetime, timedelta
from typing import Any

from caseline.domain.case import CaseStage
from caseline.domain.event_types import CRIME_RECORDED
from caseline.domain.records import CaseRecord, OutboxMessage, OutboxStatus, StoredEvent, VictimContact
from caseline.domain.safe_contact import SafeContactProfile
from caseline.domain.signing import sign
from caseline.services.ingest import WebhookRequest

FORCE = "north-shire"
OTHER_FORCE = "south-shire"
SECRET = "force-signing-secret-0123456789"
CASE_ID = "CASE-0001"
VICTIM_ID = "V-1"
NOW = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)  # a Monday
RECORDED_AT = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)


def victim_block(**overrides: Any) -> dict[str, Any]:
    block: dict[str, Any] = {
        "victim_id": VICTIM_ID,
        "name": "Alex Example",
        "email": "alex@example.org",
        "mobile": "+447700900123",
    }
    return {**block, **overrides}


def officer_block(**overrides: Any) -> dict[str, Any]:
    return {"name": "PC Jo Smith", "collar_number": "AB123", "team_contact": "0300 123 4567", **overrides}


def crime_recorded_data(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "crime_reference": "NS/2026/0001",
        "category": "burglary",
        "recorded_at": RECORDED_AT.isoformat(),
        "victim": victim_block(),
    }
    return {**data, **overrides}


def cloud_event(*, sequence: int = 1, data: dict[str, Any] | None = None, **overrides: Any) -> dict[str, Any]:
    envelope: dict[str, Any] = {
        "specversion": "1.0",
        "id": f"evt-{sequence}",
        "source": "urn:force:north-shire",
        "type": CRIME_RECORDED,
        "time": NOW.isoformat(),
        "subject": CASE_ID,
        "sequence": sequence,
        "data": crime_recorded_data() if data is None else data,
    }
    return {**envelope, **overrides}


def signed_request(
    payload: Any = None,
    *,
    body: bytes | None = None,
    force_id: str = FORCE,
    secret: str = SECRET,
    webhook_id: str = "msg_1",
    timestamp: int | None = None,
    content_type: str | None = "application/json",
) -> WebhookRequest:
    """A request signed exactly as a force's system would sign it."""
    raw = body if body is not None else json.dumps(cloud_event() if payload is None else payload).encode()
    ts = int(NOW.timestamp()) if timestamp is None else timestamp
    headers = {
        "webhook-id": webhook_id,
        "webhook-timestamp": str(ts),
        "webhook-signature": sign(secret, webhook_id, ts, raw),
    }
    if content_type is not None:
        headers["content-type"] = content_type
    return WebhookRequest(force_id=force_id, headers=headers, body=raw)


def case_record(**overrides: Any) -> CaseRecord:
    case = CaseRecord(
        force_id=FORCE,
        case_id=CASE_ID,
        crime_reference="NS/2026/0001",
        category="burglary",
        flags=(),
        stage=CaseStage.OFFICER_ASSIGNED,
        sequence=1,
        officer=officer_block(),
        recorded_at=RECORDED_AT,
        updated_at=NOW,
    )
    return dataclasses.replace(case, **overrides)


def victim_contact(**overrides: Any) -> VictimContact:
    victim = VictimContact(
        force_id=FORCE,
        case_id=CASE_ID,
        victim_id=VICTIM_ID,
        name="Alex Example",
        email="alex@example.org",
        mobile="+447700900123",
        language="en",
        tier="standard",
        under_18=False,
        safe_contact=SafeContactProfile(),
    )
    return dataclasses.replace(victim, **overrides)


def stored_event(**overrides: Any) -> StoredEvent:
    event = StoredEvent(
        force_id=FORCE,
        case_id=CASE_ID,
        sequence=1,
        event_id="evt-1",
        event_type=CRIME_RECORDED,
        occurred_at=NOW,
        received_at=NOW,
        applied=True,
        data={},
    )
    return dataclasses.replace(event, **overrides)


def right3_personalisation(**overrides: str) -> dict[str, str]:
    values = {
        "name": "Alex Example",
        "crime_reference": "NS/2026/0001",
        "crime_category": "Burglary",
        "officer_name": "PC Jo Smith",
        "collar_number": "AB123",
        "team_contact": "0300 123 4567",
        "has_officer": "yes",
        "portal_url": "https://portal.example.org",
        "access_code": "ABCDE-FGHJK",
    }
    return {**values, **overrides}


def outbox_message(channel: str = "email", **overrides: Any) -> OutboxMessage:
    message = OutboxMessage(
        force_id=FORCE,
        case_id=CASE_ID,
        key=f"000000000001#right3-confirmation#{channel}#{VICTIM_ID}",
        victim_id=VICTIM_ID,
        channel=channel,
        template_id="right3-confirmation",
        personalisation=right3_personalisation(),
        status=OutboxStatus.PENDING,
        created_at=NOW,
        duty_id=f"right3#{VICTIM_ID}",
    )
    return dataclasses.replace(message, **overrides)


def working_days_after(start: date, days: int) -> date:
    """``days`` working days after ``start``, counted here with the ``holidays`` package itself (England and
    Wales), not with the code under test: what statutory due dates are checked against."""
    import holidays

    bank = holidays.country_holidays("GB", subdiv="ENG", years=[start.year, start.year + 1])
    day = start
    while days:
        day += timedelta(days=1)
        days -= day.weekday() < 5 and day not in bank
    return day
