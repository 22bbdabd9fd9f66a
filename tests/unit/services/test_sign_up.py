"""Creating an account (docs/adr/0014): the same outcome for the caller whatever the pool holds, the owner's
email, the code sent again, and an answer that never comes sooner than the floor, whichever way it went."""

from __future__ import annotations

import re
from typing import Any

import pytest

from caseline.domain.errors import DeliveryFailedError, StorageUnavailableError, ValidationFailedError
from caseline.domain.sign_up import (
    ANSWER_FLOOR_SECONDS,
    OWNER_NOTICES_PER_DAY,
    PASSWORD_MIN_LENGTH,
    CodeRefusedError,
    Existing,
    SignUpRequest,
    sign_up_request,
    someone_tried_email,
)
from caseline.services.sign_up import AnswerFloor, confirm, sign_up

PASSWORD = "correct horse battery staple"


class Pool:
    """A user pool holding ``accounts`` (address -> what it holds); each call takes ``cost`` seconds."""

    def __init__(self, clock: Clock, accounts: dict[str, Existing] | None = None, *, fail: Exception | None = None):
        self.clock, self.accounts, self.fail = clock, dict(accounts or {}), fail
        self.resent: list[str] = []

    def sign_up(self, email: str, password: str) -> Existing:
        self.clock.now += 0.3
        if self.fail:
            raise self.fail
        found = self.accounts.get(email, Existing.NONE)
        if found is Existing.NONE:
            self.accounts[email] = Existing.UNCONFIRMED
        else:
            self.clock.now += 0.2  # AdminGetUser: a known address costs one more call
        return found

    def resend_code(self, email: str) -> None:
        self.clock.now += 0.2
        self.resent.append(email)

    def status(self, email: str) -> Existing:
        self.clock.now += 0.1
        return self.accounts.get(email, Existing.NONE)

    def confirm(self, email: str, code: str) -> bool:
        self.clock.now += 0.3
        if code != "246810":
            return False
        self.accounts[email] = Existing.CONFIRMED
        return True


class Notices:
    def __init__(self, clock: Clock, fail: Exception | None = None) -> None:
        self.clock, self.fail = clock, fail
        self.sent: list[dict[str, str]] = []

    def send(self, *, to: str, subject: str, text: str) -> None:
        self.clock.now += 0.4
        if self.fail:
            raise self.fail
        self.sent.append({"to": to, "subject": subject, "text": text})


class Cap:
    """``OWNER_NOTICES_PER_DAY`` emails per address, counted; the count itself takes time too."""

    def __init__(self, clock: Clock) -> None:
        self.clock = clock
        self.counted: dict[str, int] = {}

    def allow(self, email: str) -> bool:
        self.clock.now += 0.1
        self.counted[email] = self.counted.get(email, 0) + 1
        return self.counted[email] <= OWNER_NOTICES_PER_DAY


class Clock:
    """A monotonic clock that moves only when the work or the function's pause moves it."""

    def __init__(self) -> None:
        self.now = 50.0
        self.paused: list[float] = []
        self.answered_at: list[float] = []

    def monotonic(self) -> float:
        return self.now

    def pause(self, seconds: float) -> None:
        self.now += seconds
        self.paused.append(seconds)
        self.answered_at.append(self.now)


def run(pool: Pool, notices: Notices, email: str = "riley.jones@example.org", cap: Cap | None = None) -> Any:
    started = pool.clock.now
    outcome = sign_up(
        {"email": email, "password": PASSWORD},
        identity=pool,
        notices=notices,
        cap=Cap(pool.clock) if cap is None else cap,
        portal_url="https://caseline.example.org/",
        floor=AnswerFloor(pool.clock.monotonic, pool.clock.pause),
    )
    return outcome, pool.clock.answered_at[-1] - started


def test_new_known_and_unconfirmed_addresses_answer_after_the_same_time() -> None:
    clock = Clock()
    pool = Pool(clock, {"known@example.org": Existing.CONFIRMED, "pending@example.org": Existing.UNCONFIRMED})
    notices = Notices(clock)
    outcomes = {email: run(pool, notices, email) for email in ("new@example.org", "known@example.org")}
    outcomes["pending@example.org"] = run(pool, notices, "pending@example.org")
    assert {email: o.existing for email, (o, _) in outcomes.items()} == {
        "new@example.org": Existing.NONE,
        "known@example.org": Existing.CONFIRMED,
        "pending@example.org": Existing.UNCONFIRMED,
    }
    # each took different work, but every answer came exactly at the floor
    assert {took for _, took in outcomes.values()} == {ANSWER_FLOOR_SECONDS}
    assert [n["to"] for n in notices.sent] == ["known@example.org"]
    assert pool.resent == ["pending@example.org"]


def test_the_owner_is_told_where_to_sign_in_and_reset_and_nothing_about_a_case() -> None:
    clock = Clock()
    notices = Notices(clock)
    run(Pool(clock, {"riley.jones@example.org": Existing.CONFIRMED}), notices)
    [sent] = notices.sent
    assert (sent["subject"], sent["text"]) == someone_tried_email("https://caseline.example.org/")
    assert "https://caseline.example.org/sign-in.html" in sent["text"]
    assert "https://caseline.example.org/reset-password.html" in sent["text"]
    assert not re.search(r"\b(case|crime|police|force)\b", sent["text"], flags=re.IGNORECASE)


def test_a_failed_follow_up_changes_neither_the_answer_nor_its_time() -> None:
    clock = Clock()
    notices = Notices(clock, fail=DeliveryFailedError())
    outcome, took = run(Pool(clock, {"riley.jones@example.org": Existing.CONFIRMED}), notices)
    assert (outcome.existing, outcome.follow_up_error, took) == (
        Existing.CONFIRMED,
        "DeliveryFailedError",
        ANSWER_FLOOR_SECONDS,
    )


def test_cognito_unavailable_is_an_error_after_the_floor_too() -> None:
    clock = Clock()
    with pytest.raises(StorageUnavailableError):
        run(Pool(clock, fail=StorageUnavailableError()), Notices(clock))
    assert clock.answered_at == [50.0 + ANSWER_FLOOR_SECONDS]


def test_slow_work_is_never_cut_short() -> None:
    clock = Clock()
    pool = Pool(clock)
    original = pool.sign_up

    def slow(email: str, password: str) -> Existing:
        clock.now += 5.0
        return original(email, password)

    pool.sign_up = slow  # type: ignore[method-assign]
    _, took = run(pool, Notices(clock))
    assert took == pytest.approx(5.3)


@pytest.mark.parametrize(
    ("document", "field"),
    [
        ([], "body"),
        ({"email": "riley.jones@example.org"}, "password"),
        ({"email": "riley.jones@example.org", "password": "x" * (PASSWORD_MIN_LENGTH - 1)}, "password"),
        ({"email": "riley.jones@example.org", "password": "x" * 257}, "password"),
        ({"email": "riley.jones@example.org", "password": 123456789012}, "password"),
        ({"email": "riley.jones", "password": PASSWORD}, "email"),
        ({"email": ["riley.jones@example.org"], "password": PASSWORD}, "email"),
        ({"email": "riley.jones@example.org", "password": PASSWORD, "admin": True}, "admin"),
        # what the user pool's SignUp would refuse only for a new address: refused first, for every address
        ({"email": "riley.jones@example.org", "password": " " + PASSWORD}, "password"),
        ({"email": "riley.jones@example.org", "password": PASSWORD + "\t"}, "password"),
        ({"email": "riley.jones@example.org", "password": "correct horse\nbattery"}, "password"),
    ],
)
def test_bad_bodies_name_the_field_at_fault(document: Any, field: str) -> None:
    with pytest.raises(ValidationFailedError) as refused:
        sign_up_request(document)
    assert refused.value.field == field


def test_the_address_is_trimmed_and_the_request_never_shows_itself() -> None:
    request = sign_up_request({"email": "  riley.jones@example.org ", "password": PASSWORD})
    assert request == SignUpRequest("riley.jones@example.org", PASSWORD)  # spaces inside a password stay
    assert "riley" not in repr(request) and PASSWORD not in repr(request)


def test_an_owner_gets_at_most_the_days_cap_of_emails_and_the_answer_never_changes() -> None:
    clock = Clock()
    notices = Notices(clock)
    pool = Pool(clock, {"riley.jones@example.org": Existing.CONFIRMED})
    cap = Cap(clock)
    outcomes = [run(pool, notices, cap=cap) for _ in range(OWNER_NOTICES_PER_DAY + 2)]
    assert len(notices.sent) == OWNER_NOTICES_PER_DAY
    assert [o.capped for o, _ in outcomes] == [False] * OWNER_NOTICES_PER_DAY + [True, True]
    assert {took for _, took in outcomes} == {ANSWER_FLOOR_SECONDS}


@pytest.mark.parametrize(
    ("email", "code"),
    [
        ("known@example.org", "246810"),  # confirmed already: Cognito would say so
        ("nobody@example.org", "246810"),  # no sign-up at all
        ("pending@example.org", "135790"),  # a waiting sign-up, a wrong code
    ],
)
def test_every_refused_confirmation_is_the_same_refusal_after_the_floor(email: str, code: str) -> None:
    clock = Clock()
    pool = Pool(clock, {"known@example.org": Existing.CONFIRMED, "pending@example.org": Existing.UNCONFIRMED})
    with pytest.raises(CodeRefusedError) as refused:
        confirm({"email": email, "code": code}, identity=pool, floor=AnswerFloor(clock.monotonic, clock.pause))
    assert (refused.value.field, refused.value.title) == ("code", "The code is not right or has expired")
    assert clock.answered_at == [50.0 + ANSWER_FLOOR_SECONDS]


def test_the_right_code_confirms_a_waiting_sign_up() -> None:
    clock = Clock()
    pool = Pool(clock, {"pending@example.org": Existing.UNCONFIRMED})
    body = {"email": "pending@example.org", "code": "246810"}
    confirm(body, identity=pool, floor=AnswerFloor(clock.monotonic, clock.pause))
    assert pool.accounts["pending@example.org"] is Existing.CONFIRMED
    assert clock.answered_at == [50.0 + ANSWER_FLOOR_SECONDS]
