"""Ending every session of an account, and the readers that refuse an ended session's token."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from caseline.domain.case import CaseStage
from caseline.domain.errors import StorageUnavailableError, UnauthenticatedError
from caseline.domain.records import CasePartition, CaseSummary
from caseline.domain.sessions import SESSION_MARK_KEPT, Token
from caseline.services import sessions
from tests.unit.fakes import FakeSessionStore, FakeVictimCaseReader, FixedClock

NOW = datetime(2026, 12, 6, 9, 30, 15, 400000, tzinfo=UTC)
ENDED = datetime(2026, 12, 6, 9, 30, 16, tzinfo=UTC)


def _summary(case_id: str) -> CaseSummary:
    return CaseSummary("thames-valley", case_id, f"43-{case_id}", "burglary", CaseStage.REPORTED, NOW, 0)


class SignOuts:
    def __init__(self) -> None:
        self.users: list[str] = []

    def __call__(self, user_id: str) -> None:
        self.users.append(user_id)


def test_ending_every_session_marks_each_linked_case_and_the_account_then_signs_out() -> None:
    store, signed_out = FakeSessionStore(), SignOuts()
    links = FakeVictimCaseReader({"alex": [_summary("A1"), _summary("A2")], "blake": [_summary("B1")]})
    ended = sessions.end_every_session("alex", links=links, store=store, sign_out=signed_out, clock=FixedClock(NOW))
    assert ended == ENDED
    assert store.account == {"alex": ENDED}
    assert store.cases == {("alex", "thames-valley", "A1"): ENDED, ("alex", "thames-valley", "A2"): ENDED}
    assert signed_out.users == ["alex"]


def test_cognito_is_not_asked_if_the_marks_could_not_be_written() -> None:
    store, signed_out = FakeSessionStore(), SignOuts()
    store.fail = True
    with pytest.raises(StorageUnavailableError):
        sessions.end_every_session(
            "alex", links=FakeVictimCaseReader(), store=store, sign_out=signed_out, clock=FixedClock(NOW)
        )
    assert signed_out.users == []


def test_the_account_check_refuses_an_ended_session_and_returns_the_mark() -> None:
    store = FakeSessionStore()
    assert sessions.check_account(Token("alex", NOW, NOW), store=store) is None
    store.account["alex"] = ENDED
    with pytest.raises(UnauthenticatedError):
        sessions.check_account(Token("alex", NOW, NOW), store=store)
    assert sessions.check_account(Token("alex", ENDED, ENDED), store=store) == ENDED
    assert sessions.check_account(Token("blake", NOW, NOW), store=store) is None


def test_a_case_linked_after_a_sign_out_carries_the_mark_while_old_tokens_can_live() -> None:
    store, clock = FakeSessionStore(), FixedClock(ENDED + timedelta(minutes=5))
    sessions.carry_to_new_case("alex", "thames-valley", "A3", store=store, clock=clock)
    assert store.cases == {}  # never signed out: nothing to carry
    store.account["alex"] = ENDED
    sessions.carry_to_new_case("alex", "thames-valley", "A3", store=store, clock=clock)
    assert store.cases == {("alex", "thames-valley", "A3"): ENDED}
    clock.current = ENDED + SESSION_MARK_KEPT  # no token from before the sign-out can be presented now
    sessions.carry_to_new_case("alex", "thames-valley", "A4", store=store, clock=clock)
    assert ("alex", "thames-valley", "A4") not in store.cases


class OnePartition:
    def __init__(self, partition: CasePartition) -> None:
        self.partition = partition
        self.reads = 0

    def read(self, force_id: str, case_id: str) -> CasePartition:
        self.reads += 1
        return self.partition


def test_the_checked_case_reader_uses_the_mark_on_the_partition_it_read() -> None:
    partition = CasePartition(None, [], [], {"alex": "V1"}, [], [], sessions_end={"alex": ENDED})
    inner = OnePartition(partition)
    token = Token("alex", NOW, NOW)
    reader = sessions.CheckedCaseReader(inner, lambda: token)
    with pytest.raises(UnauthenticatedError):
        reader.read("thames-valley", "A1")
    token = Token("alex", ENDED, ENDED)
    assert reader.read("thames-valley", "A1") is partition
    token = Token("blake", NOW, NOW)  # another account's mark is not this one's
    assert reader.read("thames-valley", "A1") is partition
    assert inner.reads == 3


class Account:
    def __init__(self, ended: datetime | None) -> None:
        self.ended = ended

    def account(self, user_id: str) -> tuple[list[CaseSummary], datetime | None]:
        return [_summary("A1")], self.ended


def test_my_cases_refuses_an_ended_session_from_the_same_query() -> None:
    old = Token("alex", NOW, NOW)
    assert [c.case_id for c in sessions.CheckedLinkedCases(Account(None), lambda: old).linked_cases("alex")] == ["A1"]
    with pytest.raises(UnauthenticatedError):
        sessions.CheckedLinkedCases(Account(ENDED), lambda: old).linked_cases("alex")
    fresh = Token("alex", ENDED, ENDED)
    assert len(sessions.CheckedLinkedCases(Account(ENDED), lambda: fresh).linked_cases("alex")) == 1
