"""One example envelope per event type, built by the simulator's builders, for docs/events/examples/.

``python -m caseline_local.force_sim examples docs/events/examples`` writes them; a unit test fails
when the committed files are not what this module builds.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

from . import events as build
from .events import Event, EventContext
from .scenarios import lifecycle

FORCE = "thames-valley"
START = datetime(2026, 9, 14, 9, 15, tzinfo=UTC)
SAFE_CONTACT = {
    "safe_channels": ["email", "sms"],
    "safe_hours": {"start": "08:00", "end": "20:00"},
    "may_name_police": True,
    "may_name_crime": True,
}


def _other_path(case_id: str) -> list[Event]:
    """The types the scripted lifecycle does not use, as a second case would carry them."""

    def at(sequence: int, days: int) -> EventContext:
        return EventContext(FORCE, case_id, sequence, START + timedelta(days=days, hours=2))

    acknowledged = build.review_acknowledged(at(11, 66))
    return [
        build.victim_contact_changed(at(3, 2), safe_contact={**SAFE_CONTACT, "safe_channels": ["email"]}),
        build.suspect_bail_conditions_changed(at(5, 12)),
        build.suspect_released_under_investigation(at(6, 30)),
        build.suspect_released_without_charge(at(7, 60)),
        build.investigation_not_pursued(at(8, 61)),
        build.access_code_reissued(at(9, 62)),
        build.access_revoked(at(10, 63), link_id="3f9c2a7b1e4d8c6a0b5f"),
        acknowledged,
        build.review_decided(at(12, 80), request_id=acknowledged["data"]["request_id"]),
        build.statement_taken(at(13, 81)),
        build.officer_unavailable(at(14, 82)),
        build.officer_available(at(15, 90)),
        build.access_delegated(at(16, 91)),
        build.access_delegation_ended(at(17, 120)),
    ]


def example_events() -> dict[str, Event]:
    """Event type → example event. Every type in ``INBOUND_EVENT_DATA_MODELS`` has one."""
    scripted = lifecycle(FORCE, "TVP-260914", START)
    scripted[0] = build.crime_recorded(
        EventContext(FORCE, "TVP-260914", 1, START), category="burglary", safe_contact=SAFE_CONTACT
    )
    report = EventContext(FORCE, "TV-7K3M-Q9PX", 1, START)
    reports = [
        build.report_received(report),
        build.report_recorded(EventContext(FORCE, report.case_id, 2, START), case_id="TVP-260916"),
        build.report_not_recorded(EventContext(FORCE, "TV-2H8C-W4RD", 2, START)),
    ]
    return {event["type"]: event for event in [*scripted, *_other_path("TVP-260915"), *reports]}


def file_name(event_type: str) -> str:
    return f"{event_type.removeprefix('org.caseline.')}.json"


def render(event: Event) -> str:
    return json.dumps(event, indent=2, ensure_ascii=False) + "\n"


def write_examples(folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for event_type, event in sorted(example_events().items()):
        path = folder / file_name(event_type)
        path.write_text(render(event), encoding="utf-8")
        written.append(path)
    return written
