"""Demo data: fictional "crime recorded" events for both forces, posted through the signed webhook by the
force simulator's client (``caseline_local.force_sim``).

Names are invented, phone numbers are Ofcom drama numbers (07700 900xxx) and addresses are example.org.
"""

from __future__ import annotations

import json
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from caseline_local.force_sim import client

DEMO_DIR = Path(__file__).resolve().parent.parent / "demo"


def demo_events() -> list[tuple[str, dict[str, Any]]]:
    """(force id, CloudEvent) for every demo file, in a stable order."""
    events = []
    for path in sorted(DEMO_DIR.glob("*.json")):
        document = json.loads(path.read_text(encoding="utf-8"))
        events.append((document["force_id"], document["event"]))
    return events


def fresh_crime_recorded(force_id: str, serial: int | None = None) -> dict[str, Any]:
    """A new demo case with a unique case id, so it can be posted again and again."""
    serial = serial if serial is not None else int(time.time() * 1000) % 1_000_000
    base = next(event for force, event in demo_events() if force == force_id)
    event: dict[str, Any] = json.loads(json.dumps(base))
    now = datetime.now(UTC).replace(microsecond=0).isoformat()
    event.update({"id": str(uuid.uuid4()), "subject": f"DEMO-{serial:06d}", "time": now, "sequence": 1})
    event["data"]["crime_reference"] = f"{base['data']['crime_reference'].split('/')[0]}/{serial:06d}/26"
    event["data"]["recorded_at"] = now
    event["data"]["victim"]["victim_id"] = f"V-{serial:06d}"
    return event


def post_event(gateway_url: str, force_id: str, event: dict[str, Any], secret: str) -> tuple[int, dict[str, Any]]:
    """Sign and post one event as the force simulator does; (HTTP status, JSON body)."""
    response = client.post_event(gateway_url, force_id, event, secret)
    return response.status, response.body
