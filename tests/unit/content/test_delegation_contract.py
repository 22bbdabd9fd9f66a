"""The outbound events of delegated access: the code of a delegation the force set up, and the victim
ending one. Their published schemas, their examples and what the code builds agree; the force's own
events are in the inbound contract; the simulator's receiver says what to act on."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator, FormatChecker

from caseline.domain import event_types as ev
from caseline.domain.delegation import (
    INVITATION_VALID,
    Delegation,
    GrantedBy,
    Scope,
    invitation_event,
    removed_event,
)
from caseline.domain.events import INBOUND_EVENT_DATA_MODELS
from caseline.domain.outbound import DELEGATE_INVITATION, DELEGATE_REMOVED, OUTBOUND_TYPES, envelope
from caseline_local.force_sim.examples import example_events
from caseline_local.force_sim.receiver import summary

OUTBOUND = Path(__file__).resolve().parents[3] / "docs" / "events" / "outbound"
AT = datetime(2026, 11, 23, 14, 10, tzinfo=UTC)


def _delegation(granted_by: GrantedBy) -> Delegation:
    return Delegation(
        "thames-valley", "TVP-260915", "V-TVP-260915", "DEL-1", "Jordan Morgan", "parent-guardian",
        Scope.MESSAGE, granted_by, AT, AT + INVITATION_VALID,
    )  # fmt: skip


def built(name: str) -> dict[str, object]:
    """The example's event as the code builds it (the committed example is this, byte for byte)."""
    if name == "access.delegate-invitation.v1":
        event = invitation_event(_delegation(GrantedBy.FORCE), "7KQ4-M2XD-9HBT-RW3C")
    else:
        event = removed_event(_delegation(GrantedBy.FORCE), datetime(2026, 12, 2, 8, 0, tzinfo=UTC))
    document: dict[str, object] = json.loads(envelope(event, source="urn:caseline:prod"))
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
