"""Which case events must name what the case already has: a victim it knows (or 409, retry), or, for an answer,
a request Caseline raised on the case for that victim (or 422). Every type whose data names a ``victim_id`` is
in one of the two lists."""

from __future__ import annotations

import pytest

from caseline.domain import event_types as ev
from caseline.domain.events import EVENT_DATA_MODELS, REPORT_EVENT_DATA_MODELS
from caseline.domain.outbound import REVIEW_REQUESTED, STATEMENT_REQUESTED
from caseline.domain.records import RaisedRequest
from caseline.domain.requests import ANSWERS, REQUEST_TYPES, answers_a_raised_request
from caseline.domain.reviews import ReviewOffer, request_id, review_event
from caseline.domain.statements import statement_event
from tests.unit.builders import CASE_ID, FORCE, NOW

RAISED = [
    RaisedRequest("vrr-11-V-1", REVIEW_REQUESTED, "V-1"),
    RaisedRequest("vps-1-V-1", STATEMENT_REQUESTED, "V-1"),
    RaisedRequest("vps-1-V-2", STATEMENT_REQUESTED, "V-2"),
]


@pytest.mark.parametrize(
    ("event_type", "rid", "victim_id"),
    [
        (ev.REVIEW_ACKNOWLEDGED, "vrr-11-V-1", "V-1"),
        (ev.REVIEW_DECIDED, "vrr-11-V-1", "V-1"),
        (ev.STATEMENT_TAKEN, "vps-1-V-1", "V-1"),
        (ev.STATEMENT_TAKEN, "vps-1-V-2", "V-2"),
    ],
)
def test_an_answer_to_a_request_raised_for_that_victim_counts(event_type: str, rid: str, victim_id: str) -> None:
    assert answers_a_raised_request(event_type, rid, victim_id, RAISED)


@pytest.mark.parametrize(
    ("event_type", "rid", "victim_id"),
    [
        (ev.REVIEW_ACKNOWLEDGED, "vrr-12-V-1", "V-1"),  # never raised (another decision)
        (ev.REVIEW_DECIDED, "vrr-11-V-TVP-260915", "V-TVP-260915"),  # never raised, for a victim never on the case
        (ev.STATEMENT_TAKEN, "vps-2-V-1", "V-1"),  # her second request: she made one only
        (ev.STATEMENT_TAKEN, "vps-1-V-1", "V-2"),  # raised, but for another victim of the case
        (ev.REVIEW_ACKNOWLEDGED, "vps-1-V-1", "V-1"),  # raised, but a statement request, not a review
        (ev.OFFICER_MESSAGE, "vrr-11-V-1", "V-1"),  # not an answer to anything
    ],
    ids=["unknown-review", "unknown-victim", "unknown-statement", "other-victim", "other-kind", "not-an-answer"],
)
def test_anything_else_is_not_an_answer(event_type: str, rid: str, victim_id: str) -> None:
    assert not answers_a_raised_request(event_type, rid, victim_id, RAISED)


def test_on_a_case_with_no_requests_nothing_is_an_answer() -> None:
    for event_type in ANSWERS:
        assert not answers_a_raised_request(event_type, "vrr-11-V-1", "V-1", [])


def test_the_requests_read_with_the_case_are_those_the_victim_raises() -> None:
    # Given V-1 asked for a review of decision 11 and to make a personal statement (the outbound events)
    review = review_event(FORCE, CASE_ID, "V-1", ReviewOffer(11, "police", NOW.date()), None, NOW)
    statement = statement_event(FORCE, CASE_ID, "V-1", 1, "make", "read-by-me", NOW)
    # When ingest reads them with the case (id, type, victim)
    raised = [RaisedRequest(e.outbound_id, e.event_type, e.data["victim_id"]) for e in (review, statement)]
    # Then they are the kinds answers answer, and the ids the force was sent are the ones its answers name
    assert {r.event_type for r in raised} == REQUEST_TYPES
    assert answers_a_raised_request(ev.REVIEW_DECIDED, request_id(11, "V-1"), "V-1", raised)
    assert answers_a_raised_request(ev.STATEMENT_TAKEN, "vps-1-V-1", "V-1", raised)


def test_every_case_event_that_names_a_victim_must_name_one_the_case_has_or_a_request_of_hers() -> None:
    # crime.recorded brings the victim (its ``victim`` block); no other case event may name one the case lacks
    naming = {t for t, model in EVENT_DATA_MODELS.items() if "victim_id" in model.model_fields}
    assert naming == set(ev.ABOUT_A_KNOWN_VICTIM) | set(ANSWERS)
    assert not set(ev.ABOUT_A_KNOWN_VICTIM) & set(ANSWERS)
    assert ev.ACCESS_DELEGATED in ev.ABOUT_A_KNOWN_VICTIM
    # report.recorded names the victim_id the force will give the reporter in its crime.recorded, which may
    # come later: it is about a report, not a case, and never needs that victim on a case
    assert {t for t, m in REPORT_EVENT_DATA_MODELS.items() if "victim_id" in m.model_fields} == {ev.REPORT_RECORDED}
