"""The limit on people per victim record holds when invitations race: an invitation is written only while
the record's delegates allowance is the version read with its delegations; otherwise the case is read
again (domain/allowances.py). The force's own delegations are not limited but are counted."""

from __future__ import annotations

import pytest

from caseline.domain.allowances import WRITE_ATTEMPTS
from caseline.domain.delegation import MAX_DELEGATES, Delegation, Invitation, Scope, code_hash, new_code
from caseline.domain.errors import StorageUnavailableError, ValidationFailedError
from caseline.domain.records import CasePartition, WriteOutcome
from caseline.services import delegation as service
from tests.unit.builders import CASE_ID, FORCE, NOW, VICTIM_ID, case_record, stored_event, victim_contact
from tests.unit.fakes import FakeLimitedCase, FixedClock

CLOCK = FixedClock(NOW)


def _invited(n: int) -> Delegation:
    return Delegation.invited(FORCE, CASE_ID, VICTIM_ID, f"d{n:019d}", f"Person {n}", "family", Scope.VIEW, NOW)


def _case(people: int) -> FakeLimitedCase:
    partition = CasePartition(case_record(), [], [victim_contact()], {"alex": VICTIM_ID}, [], [])
    case = FakeLimitedCase(partition)
    case.partition.delegations.extend(_invited(n) for n in range(people))
    return case


def _invite(case: FakeLimitedCase, name: str = "Sam") -> service.NewInvitation:
    return service.invite(
        "alex", FORCE, CASE_ID, name, "friend", Scope.VIEW, reader=case, store=case, audit=case, clock=CLOCK
    )


def test_an_invitation_that_lost_the_race_for_the_last_place_is_refused_on_reading_again() -> None:
    case = _case(MAX_DELEGATES - 1)
    case.meanwhile.append(lambda: _invite(case, "Jo"))
    with pytest.raises(ValidationFailedError, match="up to 5 people"):
        _invite(case)
    assert len(case.partition.delegations) == MAX_DELEGATES


def test_the_forces_delegation_between_the_read_and_the_write_is_counted() -> None:
    case = _case(MAX_DELEGATES - 1)
    forces = Invitation(_invited(99), code_hash(new_code()))  # no allowance read: the force's
    case.meanwhile.append(lambda: case.invite(forces))
    with pytest.raises(ValidationFailedError):
        _invite(case)
    assert len(case.partition.delegations) == MAX_DELEGATES


def test_an_invitation_that_lost_a_race_with_room_left_is_written_with_a_new_id_and_code() -> None:
    case = _case(1)
    case.meanwhile.append(lambda: _invite(case, "Jo"))
    new = _invite(case)
    assert len(case.partition.delegations) == 3 and case.reads == 3
    assert case.partition.delegations[-1].delegation_id == new.delegation.delegation_id
    assert case.codes[-1] == code_hash(new.code)  # the code answered is the one stored


def test_an_invitation_that_keeps_losing_races_writes_nothing_and_is_retryable() -> None:
    case = _case(0)
    case.meanwhile.extend(lambda n=n: _invite(case, f"Other {n}") for n in range(WRITE_ATTEMPTS))
    with pytest.raises(StorageUnavailableError):
        _invite(case)
    assert [d.name for d in case.partition.delegations] == [f"Other {n}" for n in range(WRITE_ATTEMPTS)]


def test_the_forces_delegation_that_met_a_concurrent_write_is_retried_by_the_stream() -> None:
    class Busy:
        def invite(self, *args: object, **kwargs: object) -> WriteOutcome:
            return WriteOutcome.CONFLICT

    event = stored_event(
        event_type="org.caseline.access.delegated.v1",
        data={"victim_id": VICTIM_ID, "delegation_id": "f" * 20, "name": "Pat", "relationship": "parent-guardian"},
    )
    with pytest.raises(StorageUnavailableError):
        service.apply_force_event(event, Busy())  # type: ignore[arg-type]
