"""The local Cognito proxy's SRP check (caseline_local/cognito_srp.py): the right password's proof passes once,
a wrong password's or a replayed one does not. The browser's library is checked against it end to end
(tests/e2e/test_sign_up.py)."""

from __future__ import annotations

import json
from typing import Any

from caseline_local.cognito_srp import SrpChecker, pad_hex, srp_sign_in

POOL = "eu-west-2_AbCdEf"
PASSWORD = "correct horse battery staple"


class FakeCognito:
    """moto's answers to the two calls, with the checker in between as the proxy puts it."""

    def __init__(self) -> None:
        self.checker = SrpChecker()
        self.forwarded: list[dict[str, Any]] = []

    def call(self, operation: str, body: dict[str, Any]) -> dict[str, Any]:
        if operation == "InitiateAuth":
            answer = {
                "ChallengeName": "PASSWORD_VERIFIER",
                "Session": "moto-session",
                "ChallengeParameters": {"USER_ID_FOR_SRP": "sub-1", "SECRET_BLOCK": "moto-session", "SALT": "0"},
            }
            self.checker.challenge(json.loads(json.dumps(body)), answer, PASSWORD, POOL)
            return answer
        proven = self.checker.proof_is_right(body["ChallengeResponses"])
        if proven is None:
            return {"__type": "NotAuthorizedException"}
        self.forwarded.append(body)
        return {"AuthenticationResult": {"IdToken": "token"}, "proven": list(proven)}


def sign_in(cognito: FakeCognito, password: str) -> dict[str, Any]:
    return srp_sign_in(cognito.call, "client-1", POOL, "riley.jones@example.org", password)


def test_the_right_password_passes_and_hands_moto_its_own_session_and_the_email() -> None:
    cognito = FakeCognito()
    answer = sign_in(cognito, PASSWORD)
    assert answer["AuthenticationResult"] == {"IdToken": "token"}
    assert answer["proven"] == ["moto-session", "riley.jones@example.org"]


def test_a_wrong_password_is_refused() -> None:
    cognito = FakeCognito()
    assert sign_in(cognito, PASSWORD + " ") == {"__type": "NotAuthorizedException"}
    assert cognito.forwarded == []


def test_a_proof_counts_once() -> None:
    cognito = FakeCognito()
    sign_in(cognito, PASSWORD)
    replayed = cognito.call("RespondToAuthChallenge", cognito.forwarded[0])
    assert replayed == {"__type": "NotAuthorizedException"}


def test_hex_is_padded_as_the_browsers_library_pads_it() -> None:
    assert [pad_hex(v) for v in (0x14, 0xEC, 0xC8, 0x1, 0x123)] == ["14", "00ec", "00c8", "01", "0123"]


def test_challenges_never_answered_are_not_kept_for_ever(monkeypatch: Any) -> None:
    from caseline_local import cognito_srp

    monkeypatch.setattr(cognito_srp, "PENDING_KEPT", 2)
    cognito = FakeCognito()
    first: list[dict[str, Any]] = []

    def abandon(operation: str, body: dict[str, Any]) -> dict[str, Any]:
        answer = cognito.call(operation, body)
        if operation == "InitiateAuth":
            first.append(answer)
            return {}  # the client goes away without answering
        return answer

    for _ in range(3):
        srp_sign_in(abandon, "client-1", POOL, "riley.jones@example.org", PASSWORD)
    # Then only the newest two are kept, and the oldest is the one forgotten
    kept = set(cognito.checker._pending)
    assert len(kept) == 2
    assert first[0]["ChallengeParameters"]["SECRET_BLOCK"] not in kept
    assert first[2]["ChallengeParameters"]["SECRET_BLOCK"] in kept
