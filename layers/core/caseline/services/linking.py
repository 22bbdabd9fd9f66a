"""Link a victim's account to their case with the crime reference and the one-time access code.

Every refusal looks the same (same error, same work done, one scrypt either way), whether the crime
reference exists or not, the code is wrong, used or expired, or guessing is locked: at most
``MAX_FAILURES`` failed attempts per crime reference and per account in ``WINDOW``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from caseline.domain import access_code
from caseline.domain.errors import LinkRefusedError
from caseline.domain.ports import Clock
from caseline.domain.records import AccessCodeRecord, WriteOutcome
from caseline.services.account_recovery import protect_account

MAX_FAILURES = 5
WINDOW = timedelta(hours=24)
# Hashing a throw-away code when there is nothing to compare keeps refusals equally slow.
_DECOY_HASH = access_code.hash_code("0000000000", salt=b"caseline-decoy!!")


@dataclass(frozen=True)
class LinkedCase:
    force_id: str
    case_id: str
    crime_reference: str


class LinkRepository(Protocol):
    def candidates(self, crime_reference: str) -> list[tuple[str, str, str]]:
        """(force, case, the case's crime reference) for every case with this reference."""
        ...

    def access_codes(self, force_id: str, case_id: str) -> list[AccessCodeRecord]: ...

    def failures(self, crime_reference: str, user_id: str, since: datetime) -> tuple[int, int]:
        """Failed attempts since ``since`` for (the crime reference, the account)."""
        ...

    def record_failure(self, crime_reference: str, user_id: str, now: datetime) -> None: ...

    def link(self, user_id: str, code: AccessCodeRecord, crime_reference: str, now: datetime) -> WriteOutcome:
        """Link the account and use the code up, in one transaction. DUPLICATE if the code is gone."""
        ...

    def is_high_risk(self, force_id: str, case_id: str, victim_id: str) -> bool:
        """Enhanced-tier victim of domestic abuse: account recovery must go through the force."""
        ...


class IdentityAdmin(Protocol):
    def disable_self_service_recovery(self, user_id: str) -> None:
        """No password reset by email or SMS for this account (recovery goes through the force)."""
        ...


def link_case(
    user_id: str, crime_reference: str, code: str, *, links: LinkRepository, identity: IdentityAdmin, clock: Clock
) -> LinkedCase:
    now = clock.now()
    by_reference, by_account = links.failures(crime_reference, user_id, now - WINDOW)
    locked = by_reference >= MAX_FAILURES or by_account >= MAX_FAILURES
    match: tuple[AccessCodeRecord, str] | None = None
    hashes = 0
    if not locked:
        for force_id, case_id, reference in links.candidates(crime_reference):
            for stored in links.access_codes(force_id, case_id):
                hashes += 1
                if stored.expires_at > now and access_code.matches(code, stored.code_hash) and match is None:
                    match = (stored, reference)
    if hashes == 0:
        access_code.matches(code, _DECOY_HASH)
    if match is not None and links.link(user_id, match[0], match[1], now) is WriteOutcome.WRITTEN:
        stored = match[0]
        protect_account(user_id, stored.force_id, stored.case_id, stored.victim_id, victims=links, identity=identity)
        return LinkedCase(stored.force_id, stored.case_id, match[1])
    if not locked:
        links.record_failure(crime_reference, user_id, now)
    raise LinkRefusedError(
        "Check the crime reference and the access code in the message we sent you. If the code has "
        "expired or you have tried several times, contact the officer or the force to get a new one."
    )
