"""The outbound events a review request and a personal statement request send the force: their published
schemas, their examples and what the code builds agree; the force's answers are in the inbound contract;
the simulator's receiver names the request."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

from jsonschema import Draft202012Validator, FormatChecker

from caseline.domain import event_types as ev
from caseline.domain.events import INBOUND_EVENT_DATA_MODELS
from caseline.domain.outbound import OUTBOUND_TYPES, REVIEW_REQUESTED, STATEMENT_REQUESTED, envelope
from caseline.domain.reviews import ReviewOffer, review_event
from caseline.domain.statements import KINDS, USES, statement_event
from caseline_local.force_sim.receiver import summary
from tools.event_examples import example_events, stories

OUTBOUND = Path(__file__).resolve().parents[3] / "docs" / "events" / "outbound"
SCHEMA = json.loads((OUTBOUND / "victim.review-requested.v1.schema.json").read_text(encoding="utf-8"))
EXAMPLE = json.loads((OUTBOUND / "victim.review-requested.v1.json").read_text(encoding="utf-8"))
VALIDATOR = Draft202012Validator(SCHEMA, format_checker=FormatChecker())


def built(reasons: str | None = "The suspect was seen on a doorbell camera that nobody asked me about.") -> dict:
    """The example's event as the victim API builds it (the committed example is this, byte for byte)."""
    asked = datetime(2026, 11, 16, 19, 5, tzinfo=UTC)
    decision = next(e for e in stories()["TVP-260915"] if e.document["type"] == ev.OUTCOME_RECORDED).document
    chosen = ReviewOffer(decision_sequence=decision["sequence"], scheme="police", closes_on=asked.date())
    event = review_event("thames-valley", "TVP-260915", "V-TVP-260915", chosen, reasons, asked)
    document: dict = json.loads(envelope(event, source="urn:caseline:prod"))
    return document


def test_the_committed_example_is_what_the_code_builds_and_the_schema_accepts_it() -> None:
    Draft202012Validator.check_schema(SCHEMA)
    assert built() == EXAMPLE
    assert list(VALIDATOR.iter_errors(EXAMPLE)) == []
    assert list(VALIDATOR.iter_errors(built(reasons=None))) == []  # reasons are optional
    assert EXAMPLE["type"] == REVIEW_REQUESTED and REVIEW_REQUESTED in OUTBOUND_TYPES


def test_the_schema_refuses_a_missing_or_unknown_field() -> None:
    data = dict(EXAMPLE["data"])
    del data["request_id"]
    assert list(VALIDATOR.iter_errors({**EXAMPLE, "data": data}))
    assert list(VALIDATOR.iter_errors({**EXAMPLE, "data": {**EXAMPLE["data"], "name": "Alex"}}))


def test_the_forces_answers_name_the_request_and_validate() -> None:
    examples = example_events()
    request_id = examples[ev.REVIEW_ACKNOWLEDGED]["data"]["request_id"]
    assert examples[ev.REVIEW_DECIDED]["data"]["request_id"] == request_id
    for kind in (ev.REVIEW_ACKNOWLEDGED, ev.REVIEW_DECIDED):
        INBOUND_EVENT_DATA_MODELS[kind].model_validate(examples[kind]["data"])
    # the request id in the outbound example has the shape the inbound models accept
    INBOUND_EVENT_DATA_MODELS[ev.REVIEW_ACKNOWLEDGED].model_validate(
        {"request_id": EXAMPLE["data"]["request_id"], "victim_id": "V-TVP-260915"}
    )


def test_the_simulators_receiver_names_the_request_to_answer() -> None:
    line = summary("review-1", EXAMPLE)
    assert "victim.review-requested.v1 case=TVP-260915" in line
    assert f"request={EXAMPLE['data']['request_id']} scheme=police" in line


STATEMENT_SCHEMA = json.loads((OUTBOUND / "victim.statement-requested.v1.schema.json").read_text(encoding="utf-8"))
STATEMENT_EXAMPLE = json.loads((OUTBOUND / "victim.statement-requested.v1.json").read_text(encoding="utf-8"))


def built_statement(kind: str = "update", use: str = "read-by-someone-else") -> dict:
    """The statement example's event as the victim API builds it."""
    event = statement_event(
        "thames-valley", "TVP-260915", "V-TVP-260915", 1, kind, use, datetime(2026, 11, 20, 9, 30, tzinfo=UTC)
    )
    document: dict = json.loads(envelope(event, source="urn:caseline:prod"))
    return document


def test_the_statement_example_is_what_the_code_builds_and_every_use_validates() -> None:
    Draft202012Validator.check_schema(STATEMENT_SCHEMA)
    validator = Draft202012Validator(STATEMENT_SCHEMA, format_checker=FormatChecker())
    assert built_statement() == STATEMENT_EXAMPLE
    for kind in KINDS:
        for use in USES:
            assert list(validator.iter_errors(built_statement(kind, use))) == []
    assert list(validator.iter_errors(built_statement(use="read-by-the-judge")))
    taken = example_events()[ev.STATEMENT_TAKEN]
    INBOUND_EVENT_DATA_MODELS[ev.STATEMENT_TAKEN].model_validate(taken["data"])
    assert STATEMENT_REQUESTED in OUTBOUND_TYPES
    assert "use=read-by-someone-else" in summary("vps-1", STATEMENT_EXAMPLE)
