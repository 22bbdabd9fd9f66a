"""The published event schemas are generated from the models ingest validates with, and agree with them."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from caseline.domain.events import INBOUND_EVENT_DATA_MODELS
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
    for path in sorted((ROOT / "infra" / "local" / "demo").glob("*.json")):
        jsonschema.validate(json.loads(path.read_text(encoding="utf-8"))["event"], schema)


def test_the_schema_rejects_what_the_models_reject() -> None:
    schema = json.loads((SCHEMAS / "crime.recorded.v1.schema.json").read_text(encoding="utf-8"))
    event = json.loads((ROOT / "infra" / "local" / "demo" / "01-thames-valley-burglary.json").read_text())["event"]
    for broken in (
        {**event, "data": {**event["data"], "category": "piracy"}},
        {**event, "data": {**event["data"], "victim": {**event["data"]["victim"], "fax": "1"}}},
        {**event, "type": "org.caseline.officer.assigned.v1"},
    ):
        with pytest.raises(jsonschema.ValidationError):
            jsonschema.validate(broken, schema)
