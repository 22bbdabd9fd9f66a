"""Linking with in-memory fakes: every refusal is alike, guessing locks, codes are single-use."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from caseline.domain import access_code
from caseline.domain.errors import LinkRefusedError
from caseline.domain.records import AccessCodeRecord, WriteOutcome
from caseline.services.linking import MAX_FAILURES, link_case
from tests.unit.fakes import FixedClock

NOW = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)
CODE = "ABCDE23456"


class FakeLinks:
    def __init__(self, *, high_risk: bool = False, expires: datetime = NOW + timedelta(days=30)) -> None:
        self.codes = {
            ("north-shire", "C-1"): [
                AccessCodeRecord("north-shire", "C-1", "V-1", access_code.hash_code(CODE), expires)
            ]
        }
        self.refs = {"NS0001": [("north-shire", "C-1", "NS/0001")]}
        self.failed: list[tuple[str, str, datetime]] = []
        self.linked: list[tuple[str, str]] = []
        self.high_risk = high_risk

    def candidates(self, crime_reference: str) -> list[tuple[str, str, str]]:
        return self.refs.get("".join(c for c in crime_reference.upper() if c.isalnum()), [])

    def access_codes(self, force_id: str, case_id: str) -> list[AccessCodeRecord]:
        return self.codes.get((force_id, case_id), [])

    def failures(self, crime_reference: str, user_id: str, since: datetime) -> tuple[int, int]:
        recent = [f for f in self.failed if f[2] >= since]
        return sum(1 for f in recent if f[0] == crime_reference), sum(1 for f in recent if f[1] == user_id)

    def record_failure(self, crime_reference: str, user_id: str, now: datetime) -> None:
        self.failed.append((crime_reference, user_id, now))

    def link(self, user_id: str, code: AccessCodeRecord, crime_reference: str, now: datetime) -> WriteOutcome:
        if code not in self.codes.get((code.force_id, code.case_id), []):
            return WriteOutcome.DUPLICATE
        self.codes[(code.force_id, code.case_id)].remove(code)  # single use
        self.linked.append((user_id, code.case_id))
        return WriteOutcome.WRITTEN

    def is_high_risk(self, force_id: str, case_id: str, victim_id: str) -> bool:
        return self.high_risk


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
        return (type(error), error.detail)


def test_the_right_code_links_once_ignoring_case_and_separators() -> None:
    links = FakeLinks()
    linked = attempt(links, "u1", "ns/0001", "abcde-23456")
    assert (linked.force_id, linked.case_id, linked.crime_reference) == ("north-shire", "C-1", "NS/0001")  # type: ignore[attr-defined]
    assert attempt(links, "u2", "NS/0001", CODE) == attempt(links, "u3", "NO/SUCH", CODE)


def test_refusals_are_identical_whatever_the_reason() -> None:
    wrong_code = attempt(FakeLinks(), "u", "NS/0001", "ZZZZZ99999")
    unknown_reference = attempt(FakeLinks(), "u", "XX/9999", CODE)
    expired = attempt(FakeLinks(expires=NOW - timedelta(seconds=1)), "u", "NS/0001", CODE)
    garbage = attempt(FakeLinks(), "u", "NS/0001", "\u2013\u2014\u2019\u201c")
    assert wrong_code == unknown_reference == expired == garbage


def test_five_failures_lock_the_reference_and_the_account_for_a_day() -> None:
    links = FakeLinks()
    for n in range(MAX_FAILURES):
        attempt(links, f"guesser-{n}", "NS/0001", "ZZZZZ99999")
    assert links.failed[-1][0] == "NS/0001"
    refused = attempt(links, "victim", "NS/0001", CODE)
    assert isinstance(refused, tuple) and links.linked == []
    assert len(links.failed) == MAX_FAILURES  # a locked attempt is not counted again
    # A day later the window has passed and the right code works
    assert not isinstance(attempt(links, "victim", "NS/0001", CODE, at=NOW + timedelta(hours=25)), tuple)


def test_an_account_that_keeps_guessing_is_locked_everywhere() -> None:
    links = FakeLinks()
    links.refs.update({f"XX{n}": [] for n in range(10)})
    for n in range(MAX_FAILURES):
        attempt(links, "eve", f"XX/{n}", "ZZZZZ99999")
    assert isinstance(attempt(links, "eve", "NS/0001", CODE), tuple)
    assert links.linked == []


@pytest.mark.parametrize("high_risk", [True, False])
def test_high_risk_victims_lose_self_service_recovery(high_risk: bool) -> None:
    identity = FakeIdentity()
    attempt(FakeLinks(high_risk=high_risk), "u1", "NS/0001", CODE, identity)
    assert identity.restricted == (["u1"] if high_risk else [])
