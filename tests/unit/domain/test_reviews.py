"""The Victims' Right to Review as data and dates: which decisions carry it, the window to ask, the two
deadlines in working days (checked against the ``holidays`` package), and where a request stands."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import holidays
import pytest

from caseline.content import review_rights
from caseline.domain import event_types as ev
from caseline.domain.outbound import REVIEW_REQUESTED
from caseline.domain.records import DutyStatus, StoredEvent
from caseline.domain.reviews import (
    ACKNOWLEDGE_DUTY,
    DECIDE_DUTY,
    ReviewRules,
    add_months,
    met_duties,
    offer,
    review_duties,
    review_event,
    review_view,
    status_of,
)
from tests.unit.builders import stored_event, working_days_after

RULES = ReviewRules.of(review_rights())
JOURNEYS = Path(__file__).resolve().parents[3] / "layers" / "core" / "caseline" / "content" / "journeys"
DECIDED_AT = datetime(2026, 12, 1, 15, 0, tzinfo=UTC)


def outcome(outcome_type: int, sequence: int = 5, at: datetime = DECIDED_AT) -> StoredEvent:
    return stored_event(
        sequence=sequence, event_type=ev.OUTCOME_RECORDED, occurred_at=at, data={"outcome_type": outcome_type}
    )


def test_the_review_data_names_the_outcomes_the_outcome_journey_offers_the_right_for() -> None:
    document = json.loads((JOURNEYS / "outcome.json").read_text(encoding="utf-8"))
    reviewable = document["steps"]["reviewable"]["when"]["data_in"]["outcome_type"]
    assert set(RULES.schemes) == set(reviewable)
    assert RULES.schemes[9] == "cps" and RULES.schemes[15] == "police"


@pytest.mark.parametrize(
    ("start", "months", "end"),
    [
        (date(2026, 12, 1), 3, date(2027, 3, 1)),
        (date(2026, 11, 30), 3, date(2027, 2, 28)),  # no 30 February: the month's last day
        (date(2027, 11, 30), 3, date(2028, 2, 29)),  # a leap year
    ],
)
def test_add_months_keeps_the_day_or_takes_the_months_last(start: date, months: int, end: date) -> None:
    assert add_months(start, months) == end


def test_a_decision_not_to_prosecute_carries_the_right_for_three_months() -> None:
    chosen = offer([outcome(15)], RULES)
    assert chosen is not None
    assert (chosen.decision_sequence, chosen.scheme, chosen.closes_on) == (5, "police", date(2027, 3, 1))


def test_a_charge_or_a_caution_carries_no_right_and_a_later_decision_replaces_an_earlier_one() -> None:
    assert offer([outcome(1)], RULES) is None
    assert offer([outcome(3)], RULES) is None
    assert offer([outcome(15, sequence=5), outcome(1, sequence=6)], RULES) is None
    later = offer([outcome(1, sequence=5), outcome(9, sequence=6)], RULES)
    assert later is not None and (later.decision_sequence, later.scheme) == (6, "cps")


def test_both_deadlines_count_working_days_across_christmas_bank_holidays() -> None:
    asked = datetime(2026, 12, 18, 11, 0, tzinfo=UTC)  # a Friday; 25, 28 December and 1 January are holidays
    chosen = offer([outcome(15)], RULES)
    assert chosen is not None
    duties = review_duties(review_event("f", "c", "V-1", chosen, None, asked), "standard", RULES)
    by_right = {d.right: d for d in duties}
    bank = holidays.country_holidays("GB", subdiv="ENG", years=[2026, 2027])
    window = [date(2026, 12, 18) + timedelta(days=n) for n in range(1, 20)]
    assert sum(1 for day in window if day in bank) >= 2  # the test means something: holidays fall inside
    assert by_right[ACKNOWLEDGE_DUTY].due_on == working_days_after(date(2026, 12, 18), 10)
    assert by_right[DECIDE_DUTY].due_on == working_days_after(date(2026, 12, 18), 30)
    assert by_right[ACKNOWLEDGE_DUTY].due_on > date(2026, 12, 18) + timedelta(days=14)  # not 10 plain weekdays
    assert {d.status for d in duties} == {DutyStatus.OPEN} and {d.victim_id for d in duties} == {"V-1"}


def test_a_request_moves_from_requested_to_acknowledged_to_decided() -> None:
    chosen = offer([outcome(10)], RULES)
    assert chosen is not None
    asked = DECIDED_AT + timedelta(days=2)
    request = review_event("f", "c", "V-1", chosen, "I have new evidence", asked)
    assert request.event_type == REVIEW_REQUESTED and request.data["reasons"] == "I have new evidence"
    duties = review_duties(request, "standard", RULES)
    rid = request.data["request_id"]
    events: list[StoredEvent] = [outcome(10)]
    first = status_of(request, events, duties)
    assert (first.state, first.acknowledge_by, first.decide_by) == ("requested", duties[0].due_on, duties[1].due_on)
    ack = stored_event(sequence=6, event_type=ev.REVIEW_ACKNOWLEDGED, data={"request_id": rid, "victim_id": "V-1"})
    assert met_duties(ack) == [duties[0].duty_id]
    second = status_of(request, [*events, ack], duties)
    assert (second.state, second.acknowledge_by, second.decide_by) == ("acknowledged", None, duties[1].due_on)
    decided = stored_event(
        sequence=7,
        event_type=ev.REVIEW_DECIDED,
        data={"request_id": rid, "victim_id": "V-1", "decision": "not-upheld"},
    )
    assert met_duties(decided) == [duties[0].duty_id, duties[1].duty_id]  # decided: arrived too
    third = status_of(request, [*events, ack, decided], duties)
    assert (third.state, third.decision, third.decide_by) == ("decided", "not-upheld", None)
    assert met_duties(outcome(10)) == []


def test_the_page_offers_the_review_until_the_window_closes_then_shows_the_request() -> None:
    events = [outcome(16)]
    open_view = review_view(events, [], [], "V-1", date(2027, 3, 1), RULES)
    assert open_view is not None and open_view.open_until == date(2027, 3, 1) and open_view.request is None
    assert review_view(events, [], [], "V-1", date(2027, 3, 2), RULES) is None
    chosen = offer(events, RULES)
    assert chosen is not None
    request = review_event("f", "c", "V-1", chosen, None, DECIDED_AT)
    asked = review_view(events, [request], [], "V-1", date(2027, 6, 1), RULES)
    assert asked is not None and asked.open_until is None and asked.request is not None
    assert asked.request.state == "requested"
    assert review_view(events, [request], [], "V-2", date(2027, 6, 1), RULES) is None  # another victim's request
