"""Every builder makes an event the contract accepts, with fictional people only."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest

from caseline.domain import event_types as et
from caseline.domain import events as ev
from caseline.domain.case import CaseStage
from caseline.domain.case_state import fold
from caseline.domain.records import StoredEvent
from caseline_local.force_sim.events import BUILDERS, EventContext, build, crime_recorded, full_type, needs_assessed
from caseline_local.force_sim.people import FORCES
from caseline_local.force_sim.scenarios import LIFECYCLE, lifecycle

START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def validate(event: dict[str, Any]) -> None:
    envelope = ev.CloudEvent.model_validate(event)
    ev.EVENT_DATA_MODELS[envelope.type].model_validate(envelope.data)


def strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from strings(item)


def test_there_is_one_builder_per_event_type_of_the_contract() -> None:
    assert set(BUILDERS) == set(ev.EVENT_DATA_MODELS)


@pytest.mark.parametrize("force_id", sorted(FORCES))
@pytest.mark.parametrize("event_type", sorted(ev.EVENT_DATA_MODELS))
def test_each_builder_makes_a_valid_envelope_and_data(force_id: str, event_type: str) -> None:
    event = BUILDERS[event_type](EventContext(force_id, "CASE-0042", 7, START))
    validate(event)
    assert (event["type"], event["subject"], event["sequence"]) == (event_type, "CASE-0042", 7)
    assert event["time"] == "2026-03-02T09:00:00Z"
    assert event["source"] == FORCES[force_id].source


def test_people_and_contacts_are_fictional() -> None:
    texts = [text for force_id in FORCES for event in lifecycle(force_id, "X-1", START) for text in strings(event)]
    texts += [
        text
        for t in BUILDERS
        for n in range(40)
        for text in strings(build(t, EventContext("hampshire", f"H-{n}", 2, START)))
    ]
    mobiles = [t for t in texts if t.startswith("+44")]
    emails = [t for t in texts if "@" in t]
    phones = [m.group(0) for t in texts for m in re.finditer(r"\b0\d{3,4} ?\d{6,7}\b", t)]
    assert mobiles and all(re.fullmatch(r"\+447700900\d{3}", m) for m in mobiles)
    assert emails and all(e.endswith("@example.org") for e in emails)
    assert phones and all(re.fullmatch(r"01632 960\d{3}", p) for p in phones)


def test_the_same_case_always_has_the_same_victim() -> None:
    first = crime_recorded(EventContext("thames-valley", "TVP-1", 1, START))
    again = crime_recorded(EventContext("thames-valley", "TVP-1", 1, START))
    needs = needs_assessed(EventContext("thames-valley", "TVP-1", 3, START))
    assert first == again
    assert needs["data"]["victim_id"] == first["data"]["victim"]["victim_id"]
    other = crime_recorded(EventContext("thames-valley", "TVP-2", 1, START))
    assert other["id"] != first["id"]


def test_an_explicit_event_id_is_kept() -> None:
    assert build("officer.assigned", EventContext("hampshire", "H-1", 2, START, "evt-1"))["id"] == "evt-1"


@pytest.mark.parametrize("name", ["officer.assigned", "officer.assigned.v1", "org.caseline.officer.assigned.v1"])
def test_short_and_full_type_names_are_accepted(name: str) -> None:
    assert full_type(name) == et.OFFICER_ASSIGNED


@pytest.mark.parametrize("name", ["officer.sacked", "org.caseline.officer.assigned.v2", ""])
def test_unknown_types_are_refused(name: str) -> None:
    with pytest.raises(ValueError, match="unknown event type"):
        full_type(name)


def test_unknown_forces_are_refused() -> None:
    with pytest.raises(ValueError, match="unknown force"):
        crime_recorded(EventContext("atlantis", "A-1", 1, START))


@pytest.mark.parametrize("force_id", sorted(FORCES))
def test_the_lifecycle_runs_from_recorded_to_closed_in_order(force_id: str) -> None:
    events = lifecycle(force_id, "LC-1", START)
    for event in events:
        validate(event)
    assert [e["type"] for e in events] == [t for _, t in LIFECYCLE]
    assert [e["type"].removeprefix("org.caseline.").removesuffix(".v1") for e in events] == [
        "crime.recorded", "officer.assigned", "needs.assessed", "investigation.updated", "suspect.arrested",
        "suspect.interviewed-under-caution", "suspect.bailed", "suspect.charged", "court.hearing-scheduled",
        "court.outcome", "outcome.recorded", "officer.message", "case.closed",
    ]  # fmt: skip
    assert [e["sequence"] for e in events] == list(range(1, 14))
    times = [datetime.fromisoformat(e["time"]) for e in events]
    assert times == sorted(times) and len(set(times)) == len(times)
    assert events[10]["data"]["outcome_type"] == 1
    assert len({e["id"] for e in events}) == len(events)


def test_the_lifecycle_folds_to_a_closed_case_whatever_the_arrival_order() -> None:
    events = lifecycle("hampshire", "LC-2", START)
    stored = [
        StoredEvent(
            force_id="hampshire",
            case_id="LC-2",
            sequence=e["sequence"],
            event_id=e["id"],
            event_type=e["type"],
            occurred_at=datetime.fromisoformat(e["time"]),
            received_at=START,
            applied=True,
            data=e["data"],
        )
        for e in events
    ]
    case = fold("hampshire", "LC-2", reversed(stored), revision=1)
    assert (case.stage, case.sequence, case.is_recorded) == (CaseStage.CLOSED, 13, True)
    assert case.officer == events[1]["data"]["officer"]


def test_there_is_one_report_builder_per_report_event_type_and_each_is_valid() -> None:
    from caseline_local.force_sim.events import REPORT_BUILDERS

    # Given the builders for a force's answers about an online report
    assert set(REPORT_BUILDERS) == set(ev.REPORT_EVENT_DATA_MODELS)
    for event_type, builder in REPORT_BUILDERS.items():
        # When each builds an event about report TV-7K3M-Q9PX
        event = builder(EventContext("thames-valley", "TV-7K3M-Q9PX", 2, START))
        # Then it is a valid envelope whose subject is the reference
        envelope = ev.CloudEvent.model_validate(event)
        ev.REPORT_EVENT_DATA_MODELS[envelope.type].model_validate(envelope.data)
        assert envelope.subject == "TV-7K3M-Q9PX"
        assert (
            build(
                event_type.removeprefix("org.caseline.").removesuffix(".v1"),
                EventContext("thames-valley", "TV-7K3M-Q9PX", 2, START),
            )["type"]
            == event_type
        )


def test_drama_mobiles_are_never_ones_moto_treats_as_opted_out() -> None:
    from caseline_local.force_sim.people import drama_mobile

    numbers = {drama_mobile(n) for n in range(2000)}
    assert all(re.fullmatch(r"\+447700900\d{3}", m) for m in numbers)
    assert not [m for m in numbers if m.endswith("99")]  # moto's SNS: every number ending 99 opted out
    assert len(numbers) == 990  # every other drama number is still drawn
