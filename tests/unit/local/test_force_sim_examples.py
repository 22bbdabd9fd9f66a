"""docs/events/examples/ holds one valid example per event type, exactly as the simulator builds them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator

from caseline.domain.events import INBOUND_EVENT_DATA_MODELS, CloudEvent
from caseline_local.contract import schema_for
from caseline_local.force_sim.examples import example_events, file_name, render, write_examples

ROOT = Path(__file__).resolve().parents[3]
EXAMPLES = ROOT / "docs" / "events" / "examples"


def test_there_is_one_example_per_event_type_and_no_other_file() -> None:
    assert {p.name for p in EXAMPLES.glob("*.json")} == {file_name(t) for t in INBOUND_EVENT_DATA_MODELS}


@pytest.mark.parametrize("event_type", sorted(INBOUND_EVENT_DATA_MODELS))
def test_each_example_validates_against_the_models_and_the_schema(event_type: str) -> None:
    event = json.loads((EXAMPLES / file_name(event_type)).read_text(encoding="utf-8"))
    envelope = CloudEvent.model_validate(event)
    assert envelope.type == event_type
    INBOUND_EVENT_DATA_MODELS[event_type].model_validate(envelope.data)
    # formats checked too: what the schema says of a field's text (a date-time, a time of day) holds
    validator = Draft202012Validator(schema_for(event_type), format_checker=Draft202012Validator.FORMAT_CHECKER)
    assert [error.message for error in validator.iter_errors(event)] == []


def test_the_committed_examples_are_what_the_simulator_builds() -> None:
    built = example_events()
    for event_type, event in built.items():
        committed = (EXAMPLES / file_name(event_type)).read_text(encoding="utf-8")
        assert committed == render(event), "run `python -m caseline_local.force_sim examples docs/events/examples`"


def test_writing_the_examples_makes_one_file_per_type(tmp_path: Path) -> None:
    written = write_examples(tmp_path / "examples")
    assert sorted(p.name for p in written) == sorted(file_name(t) for t in INBOUND_EVENT_DATA_MODELS)
