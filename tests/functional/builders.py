"""Signed force events for functional tests, built from the demo files the local stack loads."""

from __future__ import annotations

import copy
import json
import time
import uuid
from pathlib import Path
from typing import Any

from caseline.domain.signing import sign

DEMO = Path(__file__).resolve().parents[2] / "infra" / "local" / "demo"


def crime_recorded(
    case_id: str = "TVP-T-0001", *, sequence: int = 1, demo: str = "01-thames-valley-burglary", **data: Any
) -> dict[str, Any]:
    event = copy.deepcopy(json.loads((DEMO / f"{demo}.json").read_text(encoding="utf-8"))["event"])
    event.update({"id": str(uuid.uuid4()), "subject": case_id, "sequence": sequence})
    event["data"].update(data)
    return event


def signed(
    secret: str,
    body: bytes,
    *,
    webhook_id: str | None = None,
    timestamp: int | None = None,
    content_type: str = "application/cloudevents+json",
) -> dict[str, str]:
    webhook_id = webhook_id or f"msg_{uuid.uuid4().hex}"
    timestamp = timestamp if timestamp is not None else int(time.time())
    return {
        "Content-Type": content_type,
        "webhook-id": webhook_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": sign(secret, webhook_id, timestamp, body),
    }
