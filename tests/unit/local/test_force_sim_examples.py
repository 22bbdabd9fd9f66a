"""docs/events/examples/ holds one valid example per event type (and a case's second example of a type its
story needs), exactly as the simulator builds them; with docs/events/outbound/ they tell one consistent
story per case."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from caseline.domain import event_types as ev
from caseline.domain.events import INBOUND_EVENT_DATA_MODELS, CloudEvent
from caseline.domain.outbound import (
    ALERT_UNACKNOWLEDGED,
    DELEGATE_INVITATION,
    DELEGATE_REMOVED,
    REVIEW_REQUESTED,
    STATEMENT_REQUESTED,
)
from caseline_local.contract import schema_for
from tools.event_examples import (
    Example,
    all_examples,
    example_events,
    file_name,
    main,
    render,
    render_outbound,
    stories,
    write_examples,
)

ROOT = Path(__file__).resolve().parents[3]
EXAMPLES = ROOT / "docs" / "events" / "examples"
OUTBOUND = ROOT / "docs" / "events" / "outbound"
INBOUND_FILES = sorted(p.name for p in EXAMPLES.glob("*.json"))
REPORT_TYPES = {ev.REPORT_RECEIVED, ev.REPORT_RECORDED, ev.REPORT_NOT_RECORDED}


def test_there_is_one_example_per_event_type_and_no_file_the_stories_do_not_build() -> None:
    built = {f"{e.name}.json" for e in all_examples() if e.inbound}
    assert {file_name(t) for t in INBOUND_EVENT_DATA_MODELS} <= built
    assert set(INBOUND_FILES) == built
    assert set(example_events()) == set(INBOUND_EVENT_DATA_MODELS)


@pytest.mark.parametrize("name", INBOUND_FILES)
def test_each_example_validates_against_the_models_and_the_schema(name: str) -> None:
    event = json.loads((EXAMPLES / name).read_text(encoding="utf-8"))
    envelope = CloudEvent.model_validate(event)
    assert name.startswith(envelope.type.removeprefix("org.caseline."))
    INBOUND_EVENT_DATA_MODELS[envelope.type].model_validate(envelope.data)
    # formats checked too: what the schema says of a field's text (a date-time, a time of day) holds
    validator = Draft202012Validator(schema_for(envelope.type), format_checker=Draft202012Validator.FORMAT_CHECKER)
    assert [error.message for error in validator.iter_errors(event)] == []


def test_the_committed_examples_are_what_the_simulator_builds() -> None:
    for example in all_examples():
        if example.inbound:
            committed, built = (EXAMPLES / f"{example.name}.json").read_text(encoding="utf-8"), render(example.document)
        else:
            committed = (OUTBOUND / f"{example.name}.json").read_text(encoding="utf-8")
            built = render_outbound(example.document)
        assert committed == built, "run `make event-examples`"


def test_writing_the_examples_makes_one_file_per_example(tmp_path: Path) -> None:
    written = write_examples(tmp_path / "examples", tmp_path / "outbound")
    assert sorted(p.name for p in written if p.parent.name == "examples") == INBOUND_FILES
    assert {p.name for p in written if p.parent.name == "outbound"} == {
        p.name for p in OUTBOUND.glob("*.json") if not p.name.endswith(".schema.json")
    }


def _moment(document: dict[str, Any]) -> datetime:
    return datetime.fromisoformat(document["time"].replace("Z", "+00:00"))


def _order_faults(story: dict[str, list[Example]], crimes: dict[str, dict[str, Any]]) -> list[str]:
    """Per subject: sequences increase, time runs forward, and a case (not a report) has its crime.recorded."""
    faults = []
    for subject, examples in story.items():
        sequences = [e.document["sequence"] for e in examples if e.inbound]
        if sequences != sorted(set(sequences)):
            faults.append(f"{subject}: sequences {sequences} do not increase")
        times = [_moment(e.document) for e in examples]
        if times != sorted(times):
            faults.append(f"{subject}: times are not in story order")
        if any(e.document["subject"] != subject for e in examples):
            faults.append(f"{subject}: an example of another subject")
        if not {e.document["type"] for e in examples if e.inbound} <= REPORT_TYPES and subject not in crimes:
            faults.append(f"{subject}: no crime.recorded")
    return faults


def _reference_faults(story: dict[str, list[Example]], crimes: dict[str, dict[str, Any]]) -> list[str]:
    """In time order: every id an example names was made before, on the same case, for the same victim."""
    faults: list[str] = []
    raised: dict[str, tuple[str, str]] = {}  # request id -> (case, victim)
    delegated: set[tuple[str, str]] = set()  # (case, delegation id)
    everything = sorted((e for examples in story.values() for e in examples), key=lambda e: _moment(e.document))
    for example in everything:
        document, data = example.document, example.document["data"]
        case, kind = document["subject"], document["type"]
        victims = {crimes[case]["data"]["victim"]["victim_id"]} if case in crimes else set()
        if "victim_id" in data and kind != ev.REPORT_RECORDED and data["victim_id"] not in victims:
            faults.append(f"{example.name}: victim {data['victim_id']} is not a victim of {case}")
        if kind == REVIEW_REQUESTED:
            decision = [
                e.document
                for e in story[case]
                if e.inbound and e.document["sequence"] == int(data["decision_sequence"])
            ]
            if [d["type"] for d in decision] != [ev.OUTCOME_RECORDED] or _moment(decision[0]) > _moment(document):
                pointed = data["decision_sequence"]
                faults.append(f"{example.name}: decision_sequence {pointed} is no earlier outcome.recorded of {case}")
        if kind in (REVIEW_REQUESTED, STATEMENT_REQUESTED):
            raised[data["request_id"]] = (case, data["victim_id"])
        if kind in (ev.REVIEW_ACKNOWLEDGED, ev.REVIEW_DECIDED, ev.STATEMENT_TAKEN) and raised.get(
            data["request_id"]
        ) != (case, data["victim_id"]):
            faults.append(f"{example.name}: answers {data['request_id']}, which was not raised before on {case}")
        if kind == ev.ACCESS_DELEGATED:
            delegated.add((case, data["delegation_id"]))
        names_the_forces = kind in (ev.ACCESS_DELEGATION_ENDED, DELEGATE_INVITATION) or (
            kind == DELEGATE_REMOVED and data["granted_by"] == "force"
        )
        if names_the_forces and (case, data["delegation_id"]) not in delegated:
            faults.append(f"{example.name}: delegation {data['delegation_id']} was not set up before on {case}")
        if kind == ALERT_UNACKNOWLEDGED:
            alerted = [e.document for e in story[case] if e.inbound and e.document["type"] == data["event_type"]]
            if not alerted or _moment(alerted[0]) > datetime.fromisoformat(data["raised_at"]):
                faults.append(f"{example.name}: no {data['event_type']} on {case} before the alert")
        if kind == ev.REPORT_RECORDED:
            crime = crimes.get(data["case_id"], {"data": {"crime_reference": None, "victim": {}}, "time": "9999-01-01"})
            facts = (crime["data"]["crime_reference"], crime["data"]["victim"].get("victim_id"))
            if facts != (data["crime_reference"], data["victim_id"]) or _moment(crime) < _moment(document):
                faults.append(
                    f"{example.name}: case {data['case_id']} has no later crime.recorded of that reference and victim"
                )
    return faults


def _cross_reference_faults(story: dict[str, list[Example]]) -> list[str]:
    """What a developer following the worked examples would trip on: a reference that does not resolve,
    a sequence that does not increase, time running backwards."""
    crimes = {
        e.document["subject"]: e.document
        for examples in story.values()
        for e in examples
        if e.inbound and e.document["type"] == ev.CRIME_RECORDED
    }
    return _order_faults(story, crimes) + _reference_faults(story, crimes)


def test_the_examples_tell_one_consistent_story_per_case() -> None:
    assert _cross_reference_faults(stories()) == []


def test_the_cross_reference_check_finds_what_drifted_before() -> None:
    """The faults of the examples as they were: an answer to a request never raised, a decision_sequence
    naming no outcome, a case with no crime.recorded."""
    story = stories()
    drifted = {subject: list(examples) for subject, examples in story.items()}
    drifted["TVP-260915"] = [
        e
        for e in drifted["TVP-260915"]
        if e.document["type"] not in (ev.CRIME_RECORDED, ev.OUTCOME_RECORDED, REVIEW_REQUESTED)
    ]
    faults = _cross_reference_faults(drifted)
    assert any("no crime.recorded" in f for f in faults)
    assert any("review.acknowledged" in f and "not raised" in f for f in faults)
    renumbered = [
        Example(e.name, {**e.document, "data": {**e.document["data"], "decision_sequence": "8"}}, e.inbound)
        if e.document["type"] == REVIEW_REQUESTED
        else e
        for e in story["TVP-260915"]
    ]
    assert any(
        "is no earlier outcome.recorded" in f for f in _cross_reference_faults({**story, "TVP-260915": renumbered})
    )
    backwards = list(reversed(story["TVP-260914"]))
    assert any("do not increase" in f for f in _cross_reference_faults({**story, "TVP-260914": backwards}))


def test_the_tool_writes_one_file_per_type(tmp_path: Path) -> None:
    assert main([str(tmp_path / "in"), "--outbound", str(tmp_path / "out")]) == 0
    written = {p.name.split(".v1")[0] for p in (tmp_path / "in").glob("*.json")}
    assert written == {t.removeprefix("org.caseline.").removesuffix(".v1") for t in INBOUND_EVENT_DATA_MODELS}
    assert len(list((tmp_path / "out").glob("*.json"))) == 5  # the outbound events with a schema
