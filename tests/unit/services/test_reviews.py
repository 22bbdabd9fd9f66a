"""Asking for a review from the case page: one request per victim per decision, with its two duties in one
write; refused plainly out of window or without the right; a stranger's answer is the same 404. The
force's answers meet the duties through the journeys function."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

import pytest

from caseline.domain import event_types as ev
from caseline.domain.errors import ConflictError, NotFoundError, ValidationFailedError
from caseline.domain.outbound import REVIEW_REQUESTED, OutboundEvent
from caseline.domain.records import AuditEntry, CasePartition, Duty, DutyStatus, WriteOutcome
from caseline.domain.reviews import ACKNOWLEDGE_DUTY, DECIDE_DUTY, REQUESTED_ACTION
from caseline.services.journeys import JourneyEnvironment, run_journeys
from caseline.services.reviews import request_review, rules
from caseline.services.victim_cases import view_case
from tests.unit.builders import CASE_ID, FORCE, case_record, stored_event, victim_contact
from tests.unit.fakes import FakeJourneyStore, FixedClock

DECIDED_AT = datetime(2026, 12, 1, 15, 0, tzinfo=UTC)


class Case:
    """Alex (V-1) and Sam (V-2) on one case whose latest outcome is ``outcome_type``; the store writes once."""

    def __init__(self, outcome_type: int = 15) -> None:
        decision = stored_event(
            sequence=5, event_type=ev.OUTCOME_RECORDED, occurred_at=DECIDED_AT, data={"outcome_type": outcome_type}
        )
        victims = [victim_contact(), victim_contact(victim_id="V-2", tier="enhanced")]
        self.partition = CasePartition(case_record(), [decision], victims, {"alex": "V-1", "sam": "V-2"}, [], [])
        self.outbound: list[OutboundEvent] = []
        self.duties: list[Duty] = []
        self.audit: list[AuditEntry] = []

    def read(self, force_id: str, case_id: str) -> CasePartition:
        if (force_id, case_id) != (FORCE, CASE_ID):
            return CasePartition(None, [], [], {}, [], [])
        return dataclasses.replace(self.partition, outbound=list(self.outbound), duties=list(self.duties))

    def create(self, event: OutboundEvent, duties: Sequence[Duty]) -> WriteOutcome:
        if any(o.outbound_id == event.outbound_id for o in self.outbound):
            return WriteOutcome.DUPLICATE
        self.outbound.append(event)
        self.duties.extend(duties)
        return WriteOutcome.WRITTEN

    def record(self, entry: AuditEntry) -> None:
        self.audit.append(entry)

    def ask(self, user: str = "alex", reasons: str | None = None, at: datetime = DECIDED_AT, case_id: str = CASE_ID):  # type: ignore[no-untyped-def]
        return request_review(user, FORCE, case_id, reasons, reader=self, store=self, audit=self, clock=FixedClock(at))


def test_a_request_goes_to_the_force_with_its_two_duties_and_an_audit_entry() -> None:
    case = Case()
    status, new = case.ask(reasons="  The neighbour's camera saw it.  ")
    assert new and status.state == "requested"
    [event] = case.outbound
    assert event.event_type == REVIEW_REQUESTED
    assert event.data["reasons"] == "The neighbour's camera saw it." and event.data["scheme"] == "police"
    assert event.data["victim_id"] == "V-1" and event.data["request_id"] == status.request_id
    assert sorted(d.right for d in case.duties) == [ACKNOWLEDGE_DUTY, DECIDE_DUTY]
    assert status.acknowledge_by == next(d.due_on for d in case.duties if d.right == ACKNOWLEDGE_DUTY)
    assert [(a.user_id, a.action) for a in case.audit] == [("alex", REQUESTED_ACTION)]


def test_asking_again_answers_with_the_first_request_and_writes_nothing() -> None:
    case = Case()
    first, _ = case.ask()
    again, new = case.ask(reasons="more", at=DECIDED_AT + timedelta(days=3))
    assert not new and again == first
    assert len(case.outbound) == 1 and len(case.duties) == 2 and len(case.audit) == 1


def test_each_victim_on_the_case_asks_for_themselves() -> None:
    case = Case()
    alex, _ = case.ask("alex")
    sam, new = case.ask("sam")
    assert new and sam.request_id != alex.request_id
    assert {d.tier for d in case.duties if d.victim_id == "V-2"} == {"enhanced"}


def test_no_right_and_a_closed_window_are_conflicts_and_nothing_is_sent() -> None:
    with pytest.raises(ConflictError):
        Case(outcome_type=1).ask()
    case = Case()
    last_day = datetime(2027, 3, 1, 12, 0, tzinfo=UTC)
    with pytest.raises(ConflictError):
        case.ask(at=last_day + timedelta(days=1))
    assert case.outbound == []
    assert case.ask(at=last_day)[1]  # the last day of the window still counts


def test_reasons_too_long_are_refused_before_anything_is_read() -> None:
    case = Case()
    with pytest.raises(ValidationFailedError):
        case.ask(reasons="x" * (rules().max_reasons + 1))
    assert case.ask(reasons="x" * rules().max_reasons)[1]


@pytest.mark.parametrize(("user", "case_id"), [("stranger", CASE_ID), ("alex", "CASE-OTHER")])
def test_someone_else_or_another_case_is_not_found(user: str, case_id: str) -> None:
    with pytest.raises(NotFoundError):
        Case().ask(user, case_id=case_id)


def test_the_case_page_shows_the_offer_then_the_request() -> None:
    case = Case()
    clock = FixedClock(DECIDED_AT + timedelta(days=1))
    before = view_case("alex", FORCE, CASE_ID, reader=case, audit=case, clock=clock).review
    assert before is not None and before.open_until is not None and before.request is None
    case.ask()
    after = view_case("alex", FORCE, CASE_ID, reader=case, audit=case, clock=clock)
    assert after.review is not None and after.review.request is not None and after.review.request.state == "requested"
    assert after.next_date is not None and "confirm we have your request for a review" in after.next_date.text


def journeys_over(case: Case) -> tuple[FakeJourneyStore, JourneyEnvironment]:
    """The journeys function over the case's duties as the request wrote them."""
    store = FakeJourneyStore()
    store.put_case(case_record())
    store.put_victim(victim_contact())
    for duty in case.duties:
        store.duties[(duty.force_id, duty.case_id, duty.duty_id)] = duty
    clock = FixedClock(DECIDED_AT)
    return store, JourneyEnvironment(store=store, clock=clock, definitions={}, template_placeholders={}, portal_url="")


def answer(store: FakeJourneyStore, env: JourneyEnvironment, kind: str, sequence: int, data: dict[str, str]) -> None:
    event = stored_event(sequence=sequence, event_id=f"evt-{sequence}", event_type=kind, data=data)
    store.put_event(event)
    run_journeys(event, env)


def test_the_forces_answers_meet_the_duties_through_the_journeys_function() -> None:
    case = Case()
    status, _ = case.ask()
    store, env = journeys_over(case)
    assert {d.status for d in store.duties.values()} == {DutyStatus.OPEN}
    answer(store, env, ev.REVIEW_ACKNOWLEDGED, 6, {"request_id": status.request_id, "victim_id": "V-1"})
    assert {d.right: d.status for d in store.duties.values()} == {
        ACKNOWLEDGE_DUTY: DutyStatus.MET,
        DECIDE_DUTY: DutyStatus.OPEN,
    }
    decided = {"request_id": status.request_id, "victim_id": "V-1", "decision": "upheld"}
    answer(store, env, ev.REVIEW_DECIDED, 7, decided)
    assert {d.status for d in store.duties.values()} == {DutyStatus.MET}


def test_a_decision_with_no_acknowledgement_before_it_meets_both_duties() -> None:
    case = Case()
    status, _ = case.ask()
    store, env = journeys_over(case)
    answer(
        store, env, ev.REVIEW_DECIDED, 6, {"request_id": status.request_id, "victim_id": "V-1", "decision": "upheld"}
    )
    assert {d.right: d.status for d in store.duties.values()} == {
        ACKNOWLEDGE_DUTY: DutyStatus.MET,
        DECIDE_DUTY: DutyStatus.MET,
    }
