"""The published event schemas are generated from the models ingest validates with, and agree with them."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from caseline.domain.errors import ValidationFailedError
from caseline.domain.events import INBOUND_EVENT_DATA_MODELS
from caseline.services.ingest import WebhookRequest, parse_event
from caseline_local.contract import schema_for

ROOT = Path(__file__).resolve().parents[2]
SCHEMAS = ROOT / "docs" / "events" / "schemas"


@pytest.mark.parametrize("event_type", sorted(INBOUND_EVENT_DATA_MODELS))
def test_each_committed_schema_is_current_and_valid(event_type: str) -> None:
    path = SCHEMAS / f"{event_type.removeprefix('org.caseline.')}.schema.json"
    committed = json.loads(path.read_text(encoding="utf-8"))
    assert committed == schema_for(event_type), "run `make event-schemas` and commit docs/events/schemas/"
    jsonschema.Draft202012Validator.check_schema(committed)


def test_no_stray_schema_files() -> None:
    expected = {f"{t.removeprefix('org.caseline.')}.schema.json" for t in INBOUND_EVENT_DATA_MODELS}
    assert {p.name for p in SCHEMAS.glob("*.json")} == expected


def test_the_demo_events_validate_against_the_published_schema() -> None:
    schema = json.loads((SCHEMAS / "crime.recorded.v1.schema.json").read_text(encoding="utf-8"))
    validator = jsonschema.Draft202012Validator(schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)
    for path in sorted((ROOT / "infra" / "local" / "demo").glob("*.json")):
        event = json.loads(path.read_text(encoding="utf-8"))["event"]
        assert [error.message for error in validator.iter_errors(event)] == [], path.name


def test_the_schema_rejects_what_the_models_reject() -> None:
    schema = json.loads((SCHEMAS / "crime.recorded.v1.schema.json").read_text(encoding="utf-8"))
    event = json.loads((ROOT / "infra" / "local" / "demo" / "01-thames-valley-burglary.json").read_text())["event"]
    for broken in (
        {**event, "data": {**event["data"], "category": "piracy"}},
        {**event, "data": {**event["data"], "victim": {**event["data"]["victim"], "fax": "1"}}},
        {**event, "type": "org.caseline.officer.assigned.v1"},
        _with_safe_hours(event, {"start": "06:00:00Z", "end": "20:00"}),
        _with_safe_hours(event, {"start": "06:00", "end": "20:00+01:00"}),
    ):
        with pytest.raises(jsonschema.ValidationError):
            jsonschema.validate(broken, schema)


def _with_safe_hours(event: dict[str, Any], hours: dict[str, str]) -> dict[str, Any]:
    victim = event["data"]["victim"]
    safe_contact = {**victim.get("safe_contact", {}), "safe_hours": hours}
    return {**event, "data": {**event["data"], "victim": {**victim, "safe_contact": safe_contact}}}


@pytest.mark.parametrize("event_type", ["org.caseline.crime.recorded.v1", "org.caseline.victim.contact-changed.v1"])
def test_the_schema_describes_safe_hours_as_the_models_read_them(event_type: str) -> None:
    # Given the published schema of an event that carries safe hours, with formats checked
    schema = json.loads((SCHEMAS / f"{event_type.removeprefix('org.caseline.')}.schema.json").read_text())
    hours = schema["$defs"]["SafeHours"]
    validator = jsonschema.Draft202012Validator(hours, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)
    # When UK wall-clock times, and times with an offset, are checked against it
    # Then it says what the models accept: HH:MM (or HH:MM:SS) with no offset, and no RFC 3339 "time"
    assert validator.is_valid({"start": "20:00", "end": "06:00:00"})
    for refused in ("06:00:00Z", "06:00+01:00", "24:00", "6:00"):
        assert not validator.is_valid({"start": refused, "end": "20:00"}), refused
    assert "format" not in hours["properties"]["start"] and "format" not in hours["properties"]["end"]


_ASSIGNED: dict[str, Any] = {
    "specversion": "1.0",
    "id": "7d0c1a52-4f1e-4b7a-9c3e-2a6f5d8e1b90",
    "source": "urn:force:thames-valley:niche",
    "type": "org.caseline.officer.assigned.v1",
    "time": "2026-11-30T10:00:00Z",
    "subject": "TVP-260914",
    "sequence": 2,
    "data": {"officer": {"name": "DC Hannah Okafor", "collar_number": "5120", "team_contact": "Reading hub"}},
}
_AWAY: dict[str, Any] = {
    **_ASSIGNED,
    "type": "org.caseline.officer.unavailable.v1",
    "data": {"away_from": "2026-12-10", "away_until": "2026-12-01"},
}
# (what is sent, does the schema take it, does ingest take it, what events/README.md says of it)
DIFFERENCES = [
    ({**_ASSIGNED, "time": "2026-11-30T10:00:00"}, False, True, "one without an offset is taken, and read as UTC"),
    ({**_ASSIGNED, "time": "2026-11-30T10:00:00+0100"}, False, True, "an offset without its colon (`+0100`)"),
    ({**_ASSIGNED, "sequence": 7.0}, True, False, "`7.0`, which a JSON Schema validator takes as an integer, is a 422"),
    (
        {**_ASSIGNED, "data": {"officer": {**_ASSIGNED["data"]["officer"], "name": "   "}}},
        True,
        False,
        "one of spaces only is a 422",
    ),
    (
        {**_ASSIGNED, "data": {"officer": {**_ASSIGNED["data"]["officer"], "name": "DC\u0007Okafor"}}},
        True,
        False,
        "400 `malformed-body`, `field` `body`",
    ),
    (_AWAY, True, False, "`away_until` before its `away_from` is a\n  422 with `field` `data`"),
]


@pytest.mark.parametrize(("event", "schema_takes", "ingest_takes", "documented"), DIFFERENCES)
def test_where_ingest_and_the_schema_differ_is_what_the_docs_say(
    event: dict[str, Any], schema_takes: bool, ingest_takes: bool, documented: str
) -> None:
    schema = schema_for(event["type"])
    validator = jsonschema.Draft202012Validator(schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)
    assert validator.is_valid(event) is schema_takes
    request = WebhookRequest("thames-valley", {"Content-Type": "application/json"}, json.dumps(event).encode())
    try:
        parse_event(request)  # what ingest does with the body once the signature holds
        taken = True
    except ValidationFailedError:  # a MalformedBodyError (400) is one too
        taken = False
    assert taken is ingest_takes
    assert documented in (ROOT / "docs" / "events" / "README.md").read_text(encoding="utf-8")
