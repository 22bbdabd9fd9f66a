"""The outbound event an unconfirmed safety alert sends the force: its published schema, its example, and
what the code builds agree, and the force simulator's receiver says what to act on."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

from jsonschema import Draft202012Validator, FormatChecker

from caseline.domain.alerts import SafetyAlert, alert_id
from caseline.domain.outbound import ALERT_UNACKNOWLEDGED, OUTBOUND_TYPES, envelope, task_event
from caseline.services.alert_timers import alert_task
from caseline_local.force_sim.receiver import summary

OUTBOUND = Path(__file__).resolve().parents[3] / "docs" / "events" / "outbound"
SCHEMA = json.loads((OUTBOUND / "alert.unacknowledged.v1.schema.json").read_text(encoding="utf-8"))
EXAMPLE = json.loads((OUTBOUND / "alert.unacknowledged.v1.json").read_text(encoding="utf-8"))
VALIDATOR = Draft202012Validator(SCHEMA, format_checker=FormatChecker())


def built(*, repeated: bool = True) -> dict[str, object]:
    """The example's event as the sweep builds it (the committed example is this, byte for byte)."""
    raised = datetime(2026, 9, 23, 16, 20, tzinfo=UTC)
    alert = SafetyAlert(
        "thames-valley",
        "TVP-260914",
        alert_id("thames-valley", "TVP-260914", "V-TVP-260914", 7),
        "V-TVP-260914",
        "org.caseline.suspect.bailed.v1",
        7,
        raised,
        ("email", "sms"),
    )
    task = alert_task(alert, datetime(2026, 9, 24, 0, 20, tzinfo=UTC), repeated=repeated)
    event = task_event(task.force_id, task.case_id, task.task_id, task.reason, task.detail, task.created_at)
    document: dict[str, object] = json.loads(envelope(event, source="urn:caseline:prod"))
    return document


def test_the_committed_example_is_what_the_code_builds_and_the_schema_accepts_it() -> None:
    Draft202012Validator.check_schema(SCHEMA)
    assert built() == EXAMPLE
    assert list(VALIDATOR.iter_errors(EXAMPLE)) == []
    assert list(VALIDATOR.iter_errors(built(repeated=False))) == []
    assert EXAMPLE["type"] == ALERT_UNACKNOWLEDGED and ALERT_UNACKNOWLEDGED in OUTBOUND_TYPES


def test_the_schema_refuses_a_missing_or_unknown_field() -> None:
    data = dict(EXAMPLE["data"])
    del data["alert_id"]
    assert list(VALIDATOR.iter_errors({**EXAMPLE, "data": data}))
    assert list(VALIDATOR.iter_errors({**EXAMPLE, "data": {**EXAMPLE["data"], "name": "Alex"}}))


def test_the_simulators_receiver_names_the_victim_and_the_event_to_act_on() -> None:
    line = summary("task-1", EXAMPLE)
    assert "alert.unacknowledged.v1 case=TVP-260914" in line
    assert "victim=V-TVP-260914 after=org.caseline.suspect.bailed.v1" in line
