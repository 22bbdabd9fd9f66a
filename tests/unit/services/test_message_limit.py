"""The daily message limit holds when requests race: each account's write holds only while its allowance is
the version it read with its messages; otherwise the case is read again (domain/allowances.py)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from caseline.domain.allowances import WRITE_ATTEMPTS
from caseline.domain.errors import StorageUnavailableError, TooManyRequestsError
from caseline.domain.records import CasePartition, VictimMessage
from caseline.services.officer_messages import MAX_MESSAGES_PER_DAY, send_message
from tests.unit.builders import CASE_ID, FORCE, NOW, VICTIM_ID, case_record, victim_contact
from tests.unit.fakes import FakeLimitedCase, FixedClock

CLOCK = FixedClock(NOW)


def _case(sent: dict[str, int]) -> FakeLimitedCase:
    """Alex and Mallory, two accounts of the victim, with ``sent`` messages each in the last hours."""
    messages = [
        VictimMessage(FORCE, CASE_ID, f"{user}-{n}", user, "Any news?", NOW - timedelta(hours=1))
        for user, count in sent.items()
        for n in range(count)
    ]
    members = {"alex": VICTIM_ID, "mallory": VICTIM_ID}
    return FakeLimitedCase(CasePartition(case_record(), [], [victim_contact()], members, messages, []))


def _send(case: FakeLimitedCase, user: str = "alex", key: str | None = None) -> VictimMessage:
    return send_message(user, FORCE, CASE_ID, "Any news?", reader=case, store=case, clock=CLOCK, key=key)


def _sent_by(case: FakeLimitedCase, user: str) -> int:
    return sum(1 for m in case.partition.messages if m.user_id == user)


def test_a_message_that_lost_the_race_for_the_last_place_is_refused_on_reading_again() -> None:
    # Alex has 9; another of her requests sends the 10th between this one's read and its write
    case = _case({"alex": MAX_MESSAGES_PER_DAY - 1})
    case.meanwhile.append(lambda: _send(case))
    with pytest.raises(TooManyRequestsError):
        _send(case)
    assert _sent_by(case, "alex") == MAX_MESSAGES_PER_DAY and case.reads == 3  # the other's read, ours twice


def test_a_message_that_keeps_losing_races_writes_nothing_and_is_retryable() -> None:
    case = _case({"alex": 0})
    case.meanwhile.extend(lambda: _send(case) for _ in range(WRITE_ATTEMPTS))
    with pytest.raises(StorageUnavailableError):
        _send(case)
    assert _sent_by(case, "alex") == WRITE_ATTEMPTS  # only the others' messages


def test_a_message_that_lost_a_race_with_room_left_is_sent_on_the_next_try() -> None:
    case = _case({"alex": 3})
    case.meanwhile.append(lambda: _send(case))
    _send(case)
    assert _sent_by(case, "alex") == 5 and len(case.sent) == 2


def test_each_account_has_its_own_limit_and_allowance() -> None:
    # Mallory (the victim's second account) has used her 10: Alex's allowance is untouched
    case = _case({"mallory": MAX_MESSAGES_PER_DAY})
    with pytest.raises(TooManyRequestsError):
        _send(case, "mallory")
    # And Mallory's write between Alex's read and write is no conflict for Alex
    case.meanwhile.append(lambda: case.partition.allowances.update({"MESSAGES#mallory": 99}))
    _send(case)
    assert _sent_by(case, "alex") == 1 and case.reads == 2


def test_a_retry_of_a_sent_message_is_answered_as_sent_even_at_the_limit() -> None:
    case = _case({"alex": MAX_MESSAGES_PER_DAY - 1})
    first = _send(case, key="0f9b1c62-5b8e-4a55-9a0b-3f1d2e4c5a6b")
    # The answer was lost; the same key again: the same message, not written or counted again
    again = _send(case, key="0f9b1c62-5b8e-4a55-9a0b-3f1d2e4c5a6b")
    assert again == first and _sent_by(case, "alex") == MAX_MESSAGES_PER_DAY and len(case.sent) == 1
