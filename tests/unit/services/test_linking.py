"""Linking with in-memory fakes: every refusal is alike in answer and in work, guessing is limited per
account and per reference without letting anyone who knows the reference lock the victim out, and codes
are single-use."""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from caseline.domain import access_code
from caseline.domain.access_code import ACCOUNT_ATTEMPTS, REFERENCE_ATTEMPTS, attempt_window
from caseline.domain.errors import LinkRefusedError
from caseline.domain.records import AccessCodeRecord, WriteOutcome
from caseline.services.linking import MIN_HASHES, link_case
from tests.unit.fakes import FixedClock

NOW = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)
CODE = "ABCDE23456"
WRONG = "ZZZZZ99999"


def _normal(reference: str) -> str:
    return "".join(c for c in reference.upper() if c.isalnum())


class FakeLinks:
    """Keeps the adapter's semantics and records each call as the DynamoDB call the adapter makes."""

    def __init__(self, *, high_risk: bool = False, expires: datetime = NOW + timedelta(days=30)) -> None:
        self.codes = {
            ("north-shire", "C-1"): [
                AccessCodeRecord("north-shire", "C-1", "V-1", access_code.hash_code(CODE), expires)
            ]
        }
        self.refs = {"NS0001": [("north-shire", "C-1", "NS/0001")]}
        self.counters: Counter[tuple[str, datetime]] = Counter()
        self.calls: list[str] = []
        self.linked: list[tuple[str, str]] = []
        self.high_risk = high_risk

    def reserve_attempt(
        self, crime_reference: str, user_id: str, window: datetime, *, account_limit: int, reference_limit: int
    ) -> bool:
        self.calls += ["UpdateItem", "UpdateItem"]
        account, reference = (f"USER#{user_id}", window), (f"REF#{_normal(crime_reference)}", window)
        self.counters[account] += 1
        self.counters[reference] += 1 if self.counters[account] <= account_limit else 0
        return self.counters[account] <= account_limit and self.counters[reference] <= reference_limit

    def release_attempt(self, crime_reference: str, user_id: str, window: datetime) -> None:
        self.calls.append("release")
        self.counters[(f"USER#{user_id}", window)] -= 1
        self.counters[(f"REF#{_normal(crime_reference)}", window)] -= 1

    def candidates(self, crime_reference: str) -> list[tuple[str, str, str]]:
        self.calls.append("Query")
        return self.refs.get(_normal(crime_reference), [])

    def access_codes(self, force_id: str, case_id: str) -> list[AccessCodeRecord]:
        self.calls.append("Query")
        return list(self.codes.get((force_id, case_id), []))

    def link(self, user_id: str, code: AccessCodeRecord, crime_reference: str, now: datetime) -> WriteOutcome:
        self.calls.append("link")
        if code not in self.codes.get((code.force_id, code.case_id), []):
            return WriteOutcome.DUPLICATE
        self.codes[(code.force_id, code.case_id)].remove(code)  # single use
        self.linked.append((user_id, code.case_id))
        return WriteOutcome.WRITTEN

    def is_high_risk(self, force_id: str, case_id: str, victim_id: str) -> bool:
        return self.high_risk

    def failures(self, who: str, at: datetime = NOW) -> int:
        return self.counters[(who, attempt_window(at))]


class FakeIdentity:
    def __init__(self) -> None:
        self.restricted: list[str] = []

    def disable_self_service_recovery(self, user_id: str) -> None:
        self.restricted.append(user_id)


def attempt(
    links: FakeLinks, user: str, reference: str, code: str, identity: FakeIdentity | None = None, at: datetime = NOW
) -> object:
    try:
        return link_case(user, reference, code, links=links, identity=identity or FakeIdentity(), clock=FixedClock(at))
    except LinkRefusedError as error:
        return (type(error), error.title, error.detail)


@pytest.fixture
def scrypts(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Counts every scrypt computed (the real one still runs)."""
    count = [0]
    real = hashlib.scrypt

    def counting(*args: Any, **kwargs: Any) -> bytes:
        count[0] += 1
        return real(*args, **kwargs)

    monkeypatch.setattr(hashlib, "scrypt", counting)
    return count


def test_the_right_code_links_once_ignoring_case_and_separators() -> None:
    links = FakeLinks()
    linked = attempt(links, "u1", "ns/0001", "abcde-23456")
    assert (linked.force_id, linked.case_id, linked.crime_reference) == ("north-shire", "C-1", "NS/0001")  # type: ignore[attr-defined]
    assert attempt(links, "u2", "NS/0001", CODE) == attempt(links, "u3", "NO/SUCH", CODE)


def _expired() -> FakeLinks:
    return FakeLinks(expires=NOW - timedelta(seconds=1))


def _used() -> FakeLinks:
    links = FakeLinks()
    attempt(links, "someone-else", "NS/0001", CODE)
    return links


def _locked() -> FakeLinks:
    links = FakeLinks()
    for _ in range(ACCOUNT_ATTEMPTS):
        attempt(links, "u", "NS/0001", WRONG)
    return links


# Each refusal kind: the fakes' state, then the attempt made by account "u".
REFUSALS: dict[str, tuple[Callable[[], FakeLinks], str, str]] = {
    "unknown reference": (FakeLinks, "XX/9999", CODE),
    "wrong code": (FakeLinks, "NS/0001", WRONG),
    "expired code": (_expired, "NS/0001", CODE),
    "used code": (_used, "NS/0001", CODE),
    "locked": (_locked, "NS/0001", CODE),
    "not a code at all": (FakeLinks, "NS/0001", "\u2013\u2014\u2019\u201c"),
}


def _refusal(kind: str, scrypts: list[int]) -> tuple[object, list[str], int]:
    prepare, reference, code = REFUSALS[kind]
    links = prepare()
    links.calls.clear()
    scrypts[0] = 0
    answer = attempt(links, "u", reference, code)
    return answer, list(links.calls), scrypts[0]


def test_every_refusal_gives_the_same_answer_after_the_same_calls_and_hashes(scrypts: list[int]) -> None:
    results = {kind: _refusal(kind, scrypts) for kind in REFUSALS}
    answers = {kind: answer for kind, (answer, _, _) in results.items()}
    assert set(answers.values()) == {answers["wrong code"]}
    assert isinstance(answers["wrong code"], tuple) and answers["wrong code"][0] is LinkRefusedError
    # Two atomic counter writes, the reference's Query, one Query of access codes; one scrypt
    for kind, (_, calls, _) in results.items():
        assert (kind, calls) == (kind, ["UpdateItem", "UpdateItem", "Query", "Query"])
    assert {kind: hashes for kind, (_, _, hashes) in results.items()} == dict.fromkeys(REFUSALS, MIN_HASHES)


def test_a_case_with_several_codes_compares_each_one(scrypts: list[int]) -> None:
    links = FakeLinks()
    links.codes[("north-shire", "C-1")].append(
        AccessCodeRecord("north-shire", "C-1", "V-2", access_code.hash_code("QRSTV23456"), NOW + timedelta(days=1))
    )
    scrypts[0] = 0
    linked = attempt(links, "u", "NS/0001", "QRSTV-23456")
    assert scrypts[0] == 2 and links.linked == [("u", "C-1")] and not isinstance(linked, tuple)


def test_an_account_is_limited_however_it_spreads_its_guesses() -> None:
    links = FakeLinks()
    links.refs.update({f"XX{n}": [] for n in range(ACCOUNT_ATTEMPTS)})
    for n in range(ACCOUNT_ATTEMPTS):
        attempt(links, "eve", f"XX/{n}", WRONG)
    # Its next attempt is refused even with a right code, and uses none of that reference's allowance
    assert isinstance(attempt(links, "eve", "NS/0001", CODE), tuple)
    assert links.linked == [] and links.failures("USER#eve") == ACCOUNT_ATTEMPTS + 1
    assert links.failures("REF#NS0001") == 0
    # The next UTC day it may try again
    next_day = attempt_window(NOW) + access_code.ATTEMPT_WINDOW
    assert not isinstance(attempt(links, "eve", "NS/0001", CODE, at=next_day), tuple)


def test_someone_who_knows_the_reference_cannot_lock_the_victim_out() -> None:
    links = FakeLinks()
    # A suspect with twenty accounts spends every one of their attempts on the victim's reference
    for account in range(20):
        for _ in range(ACCOUNT_ATTEMPTS + 2):
            attempt(links, f"suspect-{account}", "NS/0001", WRONG)
    assert links.failures("REF#NS0001") == 20 * ACCOUNT_ATTEMPTS
    # The victim's own account still links with the right code
    assert not isinstance(attempt(links, "victim", "NS/0001", CODE), tuple)
    assert links.linked == [("victim", "C-1")]


def test_the_reference_backstop_refuses_everyone_until_the_next_day() -> None:
    links = FakeLinks()
    links.counters[("REF#NS0001", attempt_window(NOW))] = REFERENCE_ATTEMPTS
    assert isinstance(attempt(links, "victim", "NS/0001", CODE), tuple)
    assert links.failures("USER#victim") == 1  # a refusal counts on the account, whatever the reason
    later = NOW + access_code.ATTEMPT_WINDOW
    assert not isinstance(attempt(links, "victim", "NS/0001", CODE, at=later), tuple)


def test_a_successful_link_gives_its_attempt_back() -> None:
    links = FakeLinks()
    attempt(links, "victim", "NS/0001", WRONG)
    attempt(links, "victim", "NS/0001", CODE)
    assert links.failures("USER#victim") == 1 and links.failures("REF#NS0001") == 1
    assert links.calls[-6:] == ["UpdateItem", "UpdateItem", "Query", "Query", "link", "release"]


@pytest.mark.parametrize("high_risk", [True, False])
def test_high_risk_victims_lose_self_service_recovery(high_risk: bool) -> None:
    identity = FakeIdentity()
    attempt(FakeLinks(high_risk=high_risk), "u1", "NS/0001", CODE, identity)
    assert identity.restricted == (["u1"] if high_risk else [])
