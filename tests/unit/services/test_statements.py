"""Asking to make or update a Victim Personal Statement from the case page: the request reaches the officer
as an outbound event, one waiting at a time; the officer's ``statement.taken`` moves it on; a stranger's
answer is the same 404; a closed case or an unknown choice is refused."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

import pytest

from caseline.domain import event_types as ev
from caseline.domain.case import CaseStage
from caseline.domain.errors import ConflictError, NotFoundError, ValidationFailedError
from caseline.domain.outbound import STATEMENT_REQUESTED, OutboundEvent
from caseline.domain.records import AuditEntry, CasePartition, Duty, StoredEvent, WriteOutcome
from caseline.domain.statements import REQUESTED_ACTION, USES, latest
from caseline.services.statements import request_statement
from caseline.services.victim_cases import view_case
from tests.unit.builders import CASE_ID, FORCE, case_record, stored_event, victim_contact
from tests.unit.fakes import FixedClock

ASKED = datetime(2026, 12, 1, 15, 0, tzinfo=UTC)


class Case:
    """Alex (V-1) on an open case; the store writes each request once."""

    def __init__(self, *, closed: bool = False) -> None:
        record = case_record(stage=CaseStage.CLOSED) if closed else case_record()
        self.partition = CasePartition(record, [], [victim_contact()], {"alex": "V-1"}, [], [])
        self.outbound: list[OutboundEvent] = []
        self.events: list[StoredEvent] = []
        self.audit: list[AuditEntry] = []

    def read(self, force_id: str, case_id: str) -> CasePartition:
        if (force_id, case_id) != (FORCE, CASE_ID):
            return CasePartition(None, [], [], {}, [], [])
        return dataclasses.replace(self.partition, outbound=list(self.outbound), events=list(self.events))

    def create(self, event: OutboundEvent, duties: Sequence[Duty]) -> WriteOutcome:
        assert not duties  # a statement request starts no deadline
        if any(o.outbound_id == event.outbound_id for o in self.outbound):
            return WriteOutcome.DUPLICATE
        self.outbound.append(event)
        return WriteOutcome.WRITTEN

    def record(self, entry: AuditEntry) -> None:
        self.audit.append(entry)

    def ask(self, user: str = "alex", kind: str = "make", use: str = "read-by-me", at: datetime = ASKED):  # type: ignore[no-untyped-def]
        return request_statement(
            user, FORCE, CASE_ID, kind, use, reader=self, store=self, audit=self, clock=FixedClock(at)
        )

    def taken(self, request_id: str, sequence: int) -> None:
        data = {"request_id": request_id, "victim_id": "V-1"}
        self.events.append(stored_event(sequence=sequence, event_type=ev.STATEMENT_TAKEN, data=data))


def test_a_request_reaches_the_officer_and_asking_again_while_it_waits_answers_with_it() -> None:
    case = Case()
    request, new = case.ask(use="read-by-prosecutor")
    assert new and (request.state, request.kind, request.use) == ("requested", "make", "read-by-prosecutor")
    [event] = case.outbound
    assert event.event_type == STATEMENT_REQUESTED and event.data["use"] == "read-by-prosecutor"
    assert event.data["victim_id"] == "V-1" and event.data["request_id"] == request.request_id
    again, new_again = case.ask(kind="update", at=ASKED + timedelta(days=1))
    assert not new_again and again == request and len(case.outbound) == 1
    assert [(a.user_id, a.action) for a in case.audit] == [("alex", REQUESTED_ACTION)]


def test_once_taken_the_victim_can_ask_to_update_it() -> None:
    case = Case()
    first, _ = case.ask()
    case.taken(first.request_id, 4)
    shown = latest(case.outbound, case.events, "V-1")
    assert shown is not None and shown.state == "taken" and shown.taken_at is not None
    second, new = case.ask(kind="update", use="considered-only", at=ASKED + timedelta(days=30))
    assert new and second.request_id != first.request_id and second.kind == "update"
    view = view_case("alex", FORCE, CASE_ID, reader=case, audit=case, clock=FixedClock(ASKED + timedelta(days=30)))
    assert view.statement is not None and (view.statement.state, view.statement.use) == ("requested", "considered-only")


@pytest.mark.parametrize(("kind", "use", "field"), [("redo", "read-by-me", "kind"), ("make", "read-by-judge", "use")])
def test_an_unknown_choice_is_refused_naming_its_field(kind: str, use: str, field: str) -> None:
    with pytest.raises(ValidationFailedError) as refused:
        Case().ask(kind=kind, use=use)
    assert refused.value.field == field
    assert len(USES) == 4


def test_a_closed_case_is_a_conflict_and_a_stranger_is_not_found() -> None:
    with pytest.raises(ConflictError):
        Case(closed=True).ask()
    with pytest.raises(NotFoundError):
        Case().ask(user="stranger")
