"""Link a victim's account to their case with the crime reference and the one-time access code.

Every refusal looks the same and costs the same, whether the crime reference exists or not, the code is
wrong, used or expired, or guessing is locked: two atomic counter writes that count the attempt before
anything is compared (it is allowed only while the account's and the reference's counts for the day are
within their limits), one Query for the reference's cases, one Query of access codes per case (of an
empty partition when there is none), and one scrypt per stored code, at least ``MIN_HASHES`` (decoys make
up the rest). The limits, their window and
the odds they leave a guesser are in ``domain/access_code.py``.
"""

from __future__ import annotations

from dataclasses import dataclass

from caseline.domain import access_code
from caseline.domain.account_ports import LinkRepository, RecoveryAdmin
from caseline.domain.errors import LinkRefusedError
from caseline.domain.ports import Clock
from caseline.domain.records import AccessCodeRecord, WriteOutcome
from caseline.services.account_recovery import protect_account

MIN_HASHES = 1
# Checking a code against a throw-away hash when there is nothing to compare keeps refusals equally slow. Its
# digest never needs to match anything, so it is not computed (one scrypt fewer at every cold start).
_DECOY_HASH = b"caseline-decoy!!".hex() + "$" + "0" * 64
# No case has this key: an unknown reference reads an empty partition, as a case without codes would.
_DECOY_CASE = ("-", "-", "")


@dataclass(frozen=True)
class LinkedCase:
    force_id: str
    case_id: str
    crime_reference: str


def link_case(
    user_id: str, crime_reference: str, code: str, *, links: LinkRepository, identity: RecoveryAdmin, clock: Clock
) -> LinkedCase:
    now = clock.now()
    window = access_code.attempt_window(now)
    allowed = links.reserve_attempt(
        crime_reference,
        user_id,
        window,
        account_limit=access_code.ACCOUNT_ATTEMPTS,
        reference_limit=access_code.REFERENCE_ATTEMPTS,
    )
    # Allowed or not, the same reads and the same hashes: every stored code is compared, expired or not.
    stored_codes = [
        (stored, reference)
        for force_id, case_id, reference in links.candidates(crime_reference) or [_DECOY_CASE]
        for stored in links.access_codes(force_id, case_id)
    ]
    match: tuple[AccessCodeRecord, str] | None = None
    for stored, reference in stored_codes:
        right = access_code.matches(code, stored.code_hash)
        if right and allowed and stored.expires_at > now and match is None:
            match = (stored, reference)
    for _ in range(MIN_HASHES - len(stored_codes)):
        access_code.matches(code, _DECOY_HASH)
    if match is not None and links.link(user_id, match[0], match[1], now) is WriteOutcome.WRITTEN:
        links.release_attempt(crime_reference, user_id, window)
        stored = match[0]
        protect_account(user_id, stored.force_id, stored.case_id, stored.victim_id, victims=links, identity=identity)
        return LinkedCase(stored.force_id, stored.case_id, match[1])
    raise LinkRefusedError(
        "Check the crime reference and the access code in the message we sent you. If the code has "
        "expired or you have tried several times, contact the officer or the force to get a new one."
    )
