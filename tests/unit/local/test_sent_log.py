"""The local stack's sent log: read-backs that cost what they return, and a bounded size."""

from __future__ import annotations

from caseline_local.mailbox import SentLog, query


def given_log(*recipients: str, keep: int = 100) -> SentLog:
    log = SentLog(keep=keep)
    for n, to in enumerate(recipients, start=1):
        channel = "sms" if to.startswith("+") else "email"
        log.record(channel=channel, to=to, subject=None, body=f"m{n}", message_id=str(n))
    return log


def test_since_returns_only_the_messages_after_that_number() -> None:
    # Given five messages
    log = given_log("a@example.org", "+447700900001", "b@example.org", "a@example.org", "+447700900001")
    # When reading after the third
    later = log.read(since=3)
    # Then only the fourth and fifth come back, in order
    assert [(m.seq, m.body) for m in later] == [(4, "m4"), (5, "m5")]
    assert log.read(since=5) == []
    assert [m.seq for m in log.read()] == [1, 2, 3, 4, 5]


def test_to_selects_one_recipient_whatever_the_case_of_an_email_address() -> None:
    log = given_log("Alex@Example.org", "+447700900001", "alex@example.org", "sam@example.org")
    assert [m.seq for m in log.read(to="alex@example.org")] == [1, 3]
    assert [m.seq for m in log.read(to="+447700900001")] == [2]
    assert [m.seq for m in log.read(to="alex@example.org", since=1)] == [3]
    assert log.read(to="nobody@example.org") == []


def test_the_log_forgets_its_oldest_messages_past_its_size_and_numbers_carry_on() -> None:
    # Given a log that keeps three messages, and five sent
    log = given_log("a@example.org", "b@example.org", "a@example.org", "c@example.org", "d@example.org", keep=3)
    # Then the newest three are kept with their own numbers, and the forgotten ones leave no index behind
    assert [m.seq for m in log.read()] == [3, 4, 5]
    assert [m.seq for m in log.read(to="a@example.org")] == [3]
    assert log.read(to="b@example.org") == []
    assert [m.seq for m in log.read(since=1)] == [3, 4, 5]
    assert log.last_seq == 5


def test_clear_empties_the_log_without_reusing_numbers() -> None:
    log = given_log("a@example.org", "b@example.org")
    log.clear()
    assert log.read() == []
    log.record(channel="email", to="a@example.org", subject="s", body="b", message_id="x")
    assert [m.seq for m in log.read()] == [3]


def test_the_query_string_gives_since_and_to_and_ignores_nonsense() -> None:
    assert query({"since": ["12"], "to": ["+447700900001"]}) == {"since": 12, "to": "+447700900001"}
    assert query({"since": ["-1"]}) == {"since": 0, "to": None}
    assert query({}) == {"since": 0, "to": None}
