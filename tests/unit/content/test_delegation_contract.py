"""The outbound events of delegated access: the code of a delegation the force set up, and the victim
ending one. Their published schemas, their examples and what the code builds agree; the force's own
events are in the inbound contract; the simulator's receiver says what to act on."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator, FormatChecker

from caseline.domain import event_types as ev
from caseline.domain.events import INBOUND_EVENT_DATA_MODELS
from caseline.domain.outbound import DELEGATE_INVITATION, DELEGATE_REMOVED, OUTBOUND_TYPES
from caseline_local.force_sim.receiver import summary
from tools.event_examples import all_examples, example_events

OUTBOUND = Path(__file__).resolve().parents[3] / "docs" / "events" / "outbound"


def built(name: str) -> dict[str, object]:
    """The example's event as the code builds it in the worked examples' story (the committed example is
    this, byte for byte): the invitation of the force's ``access.delegated``, the victim ending her own."""
    document: dict[str, object] = next(e.document for e in all_examples() if e.name == name)
    return document


@pytest.mark.parametrize(
    ("name", "event_type"),
    [("access.delegate-invitation.v1", DELEGATE_INVITATION), ("victim.delegate-removed.v1", DELEGATE_REMOVED)],
)
def test_the_committed_example_is_what_the_code_builds_and_the_schema_holds_it_exactly(
    name: str, event_type: str
) -> None:
    schema = json.loads((OUTBOUND / f"{name}.schema.json").read_text(encoding="utf-8"))
    example = json.loads((OUTBOUND / f"{name}.json").read_text(encoding="utf-8"))
    validator = Draft202012Validator(schema, format_checker=FormatChecker())
    Draft202012Validator.check_schema(schema)
    assert built(name) == example
    assert list(validator.iter_errors(example)) == []
    assert example["type"] == event_type and event_type in OUTBOUND_TYPES
    # a missing or an unknown member is refused
    data = dict(example["data"])
    del data["delegation_id"]
    assert list(validator.iter_errors({**example, "data": data}))
    assert list(validator.iter_errors({**example, "data": {**example["data"], "email": "a@example.org"}}))


def test_the_forces_events_name_a_delegation_it_can_end() -> None:
    examples = example_events()
    granted = INBOUND_EVENT_DATA_MODELS[ev.ACCESS_DELEGATED].model_validate(examples[ev.ACCESS_DELEGATED]["data"])
    ended = INBOUND_EVENT_DATA_MODELS[ev.ACCESS_DELEGATION_ENDED].model_validate(
        examples[ev.ACCESS_DELEGATION_ENDED]["data"]
    )
    assert granted.delegation_id == ended.delegation_id  # type: ignore[attr-defined]
    with pytest.raises(ValueError, match="relationship"):  # a victim-only relationship is not the force's
        INBOUND_EVENT_DATA_MODELS[ev.ACCESS_DELEGATED].model_validate(
            {**examples[ev.ACCESS_DELEGATED]["data"], "relationship": "friend"}
        )


def test_the_simulators_receiver_shows_the_code_to_hand_over() -> None:
    example = json.loads((OUTBOUND / "access.delegate-invitation.v1.json").read_text(encoding="utf-8"))
    line = summary("delegated-1", example)
    assert "access.delegate-invitation.v1 case=TVP-260915" in line
    assert "delegation=DEL-1 code=7KQ4-M2XD-9HBT-RW3C" in line
