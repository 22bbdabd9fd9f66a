"""USER_SRP_AUTH checked as Cognito checks it, for the gateway's Cognito proxy.

moto answers ``InitiateAuth`` with ``USER_SRP_AUTH`` with a random salt and B, and takes any
``PASSWORD_VERIFIER`` proof: through the proxy, any password would sign in. So the proxy plays Cognito's
SRP server (RFC 5054's 3072-bit group, Cognito's hashing and key derivation, as amazon-cognito-identity-js
computes the client's side): it answers with a salt and B made from the account's password (moto keeps it),
and passes the proof on to moto only if it is right; a wrong one gets Cognito's NotAuthorizedException.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

N = int(
    "FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD129024E088A67CC74020BBEA63B139B22514A08798E3404DD"
    "EF9519B3CD3A431B302B0A6DF25F14374FE1356D6D51C245E485B576625E7EC6F44C42E9A637ED6B0BFF5CB6F406B7ED"
    "EE386BFB5A899FA5AE9F24117C4B1FE649286651ECE45B3DC2007CB8A163BF0598DA48361C55D39A69163FA8FD24CF5F"
    "83655D23DCA3AD961C62F356208552BB9ED529077096966D670C354E4ABC9804F1746C08CA18217C32905E462E36CE3B"
    "E39E772C180E86039B2783A2EC07A28FB5C55DF06F4C52C9DE2BCBF6955817183995497CEA956AE515D2261898FA0510"
    "15728E5A8AAAC42DAD33170D04507A33A85521ABDF1CBA64ECFB850458DBEF0A8AEA71575D060C7DB3970F85A6E1E4C7"
    "ABF5AE8CDB0933D71E8C94E04A25619DCEE3D2261AD2EE6BF12FFA06D98A0864D87602733EC86A64521F2B18177B200C"
    "BBE117577A615D6C770988C0BAD946E208E24FA074E5AB3143DB5BFCE0FD108E4B82D120A93AD2CAFFFFFFFFFFFFFFFF",
    16,
)
G = 2
PENDING_KEPT = 1000
WRONG = b'{"__type":"NotAuthorizedException","message":"Incorrect username or password."}'
FLOW_OFF = b'{"__type":"InvalidParameterException","message":"Auth flow not enabled for this client"}'


def pad_hex(value: int) -> str:
    """Even-length hex, with 00 in front when the top bit is set (a positive two's-complement number)."""
    text = format(value, "x")
    text = "0" + text if len(text) % 2 else text
    return "00" + text if text[0] in "89abcdef" else text


def _hex_hash(hex_text: str) -> str:
    return hashlib.sha256(bytes.fromhex(hex_text)).hexdigest()


K = int(_hex_hash(pad_hex(N) + pad_hex(G)), 16)


def _x(pool_name: str, user_id: str, password: str, salt: int) -> int:
    inner = hashlib.sha256(f"{pool_name}{user_id}:{password}".encode()).hexdigest()
    return int(_hex_hash(pad_hex(salt) + inner), 16)


def _hkdf(s: int, u: int) -> bytes:
    prk = hmac.new(bytes.fromhex(pad_hex(u)), bytes.fromhex(pad_hex(s)), hashlib.sha256).digest()
    return hmac.new(prk, b"Caldera Derived Key\x01", hashlib.sha256).digest()[:16]


@dataclass(frozen=True)
class _Pending:
    pool_name: str
    user_id: str
    password: str
    salt: int
    small_b: int
    large_a: int
    large_b: int
    sign_in_name: str  # the USERNAME InitiateAuth gave (the email)


class SrpChecker:
    """``challenge`` rewrites moto's PASSWORD_VERIFIER challenge; ``proof_is_right`` checks the answer."""

    def __init__(self) -> None:
        self._pending: dict[str, _Pending] = {}  # by SECRET_BLOCK (moto's session)
        self._lock = threading.Lock()

    def challenge(self, request: dict[str, Any], answer: dict[str, Any], password: str, pool_id: str) -> None:
        parameters = answer["ChallengeParameters"]
        large_a = int(request["AuthParameters"]["SRP_A"], 16)
        salt = secrets.randbits(128)
        small_b = secrets.randbits(1024)
        pool_name = pool_id.split("_", 1)[1]
        verifier = pow(G, _x(pool_name, parameters["USER_ID_FOR_SRP"], password, salt), N)
        large_b = (K * verifier + pow(G, small_b, N)) % N
        secret_block = base64.b64encode(secrets.token_bytes(32) + parameters["SECRET_BLOCK"].encode()).decode()
        name = str(request["AuthParameters"]["USERNAME"])
        pending = _Pending(pool_name, parameters["USER_ID_FOR_SRP"], password, salt, small_b, large_a, large_b, name)
        with self._lock:
            self._pending[secret_block] = pending
            while len(self._pending) > PENDING_KEPT:  # challenges never answered (the soak bench): oldest first
                del self._pending[next(iter(self._pending))]
        parameters.update({"SALT": format(salt, "x"), "SRP_B": format(large_b, "x"), "SECRET_BLOCK": secret_block})

    def proof_is_right(self, responses: dict[str, Any]) -> tuple[str, str] | None:
        """moto's session and the sign-in name for a right proof (then forgotten); None for a wrong or unknown
        one. moto issues tokens for the name it is given: the email, as Cognito's tokens carry it."""
        secret_block = str(responses.get("PASSWORD_CLAIM_SECRET_BLOCK", ""))
        with self._lock:
            pending = self._pending.pop(secret_block, None)
        if pending is None or pending.large_a % N == 0:
            return None
        u = int(_hex_hash(pad_hex(pending.large_a) + pad_hex(pending.large_b)), 16)
        verifier = pow(G, _x(pending.pool_name, pending.user_id, pending.password, pending.salt), N)
        s = pow(pending.large_a * pow(verifier, u, N), pending.small_b, N)
        message = (
            pending.pool_name.encode()
            + pending.user_id.encode()
            + base64.b64decode(secret_block)
            + str(responses.get("TIMESTAMP", "")).encode()
        )
        expected = base64.b64encode(hmac.new(_hkdf(s, u), message, hashlib.sha256).digest()).decode()
        if not hmac.compare_digest(expected, str(responses.get("PASSWORD_CLAIM_SIGNATURE", ""))):
            return None
        return base64.b64decode(secret_block)[32:].decode(), pending.sign_in_name


def _pool(client_id: str) -> Any:
    """moto's user pool that has ``client_id`` (the local stack runs moto in this process)."""
    from moto.cognitoidp.models import cognitoidp_backends

    for account in list(cognitoidp_backends.keys()):
        for backend in list(cognitoidp_backends[account].values()):
            for pool in list(backend.user_pools.values()):
                if client_id in pool.clients:
                    return pool
    return None


def _account(client_id: str, username: str) -> tuple[str, str] | None:
    """The password moto keeps for ``username`` in the pool of ``client_id``, and the pool's id."""
    pool = _pool(client_id)
    user = pool._get_user(username) if pool is not None else None
    return (str(user.password), str(pool.id)) if user is not None else None


def _hides_unknown_accounts(client_id: str) -> bool:
    """The app client's PreventUserExistenceErrors is ENABLED (moto stores it and ignores it)."""
    pool = _pool(client_id)
    client = pool.clients.get(client_id) if pool is not None else None
    return client is not None and client.extended_config.get("PreventUserExistenceErrors") == "ENABLED"


def _flow_allowed(client_id: str, flow: str) -> bool:
    """As Cognito: an InitiateAuth flow the app client's ExplicitAuthFlows do not allow is refused (moto
    allows every flow)."""
    pool = _pool(client_id)
    client = pool.clients.get(client_id) if pool is not None else None
    flows = (client.extended_config.get("ExplicitAuthFlows") if client is not None else None) or []
    allowed = {name.removeprefix("ALLOW_") for name in flows} | ({"REFRESH_TOKEN"} if flows else set())
    return not flows or flow in allowed


class SrpProxy:
    """The proxy's two hooks: ``before`` a call goes to moto, ``after`` its answer comes back."""

    def __init__(self) -> None:
        self.checker = SrpChecker()

    def before(self, operation: str, body: bytes) -> tuple[bytes, bytes | None]:
        """The body to pass to moto, or Cognito's refusal to send back instead (a wrong proof)."""
        if operation == "InitiateAuth":
            started = _json(body) or {}
            allowed = _flow_allowed(str(started.get("ClientId")), str(started.get("AuthFlow")))
            return body, None if allowed else FLOW_OFF
        request = _json(body) if operation == "RespondToAuthChallenge" else None
        if not request or request.get("ChallengeName") != "PASSWORD_VERIFIER":
            return body, None
        responses = request.get("ChallengeResponses") or {}
        proven = self.checker.proof_is_right(responses)
        if proven is None:
            return body, WRONG
        request["ChallengeResponses"] = {**responses, "PASSWORD_CLAIM_SECRET_BLOCK": proven[0], "USERNAME": proven[1]}
        return json.dumps(request).encode(), None

    def stand_in(self, operation: str, body: bytes) -> bytes | None:
        """Cognito's answer to USER_SRP_AUTH for an account that does not exist, when the app client hides
        which exist: a challenge like any other, whose proof never verifies (then NotAuthorizedException, as
        for a wrong password). moto would say UserNotFoundException. None: pass the call on to moto."""
        started = (_json(body) if operation == "InitiateAuth" else None) or {}
        client_id, name = str(started.get("ClientId")), str((started.get("AuthParameters") or {}).get("USERNAME"))
        if started.get("AuthFlow") != "USER_SRP_AUTH" or not _hides_unknown_accounts(client_id):
            return None
        if _account(client_id, name) is not None:
            return None
        nobody = str(uuid.uuid4())
        parameters = {
            "SALT": format(secrets.randbits(128), "x"),
            "SRP_B": format(pow(G, secrets.randbits(1024), N), "x"),
            "USERNAME": nobody,
            "USER_ID_FOR_SRP": nobody,
            "SECRET_BLOCK": base64.b64encode(secrets.token_bytes(68)).decode(),  # as long as a real one
        }
        challenge = {
            "ChallengeName": "PASSWORD_VERIFIER",
            "Session": str(uuid.uuid4()),
            "ChallengeParameters": parameters,
        }
        return json.dumps(challenge).encode()

    def after(self, operation: str, body: bytes, status: int, answer: bytes) -> bytes:
        request = (_json(body) if operation == "InitiateAuth" and status == 200 else None) or {}
        reply = (_json(answer) if request.get("AuthFlow") == "USER_SRP_AUTH" else None) or {}
        if reply.get("ChallengeName") != "PASSWORD_VERIFIER":
            return answer
        found = _account(str(request.get("ClientId")), str((request.get("AuthParameters") or {}).get("USERNAME")))
        if found is None:
            return answer
        self.checker.challenge(request, reply, *found)
        return json.dumps(reply).encode()


def _json(data: bytes) -> dict[str, Any] | None:
    try:
        found = json.loads(data or b"{}")
    except ValueError:
        return None
    return found if isinstance(found, dict) else None


def srp_sign_in(
    call: Callable[[str, dict[str, Any]], dict[str, Any]], client_id: str, pool_id: str, email: str, password: str
) -> dict[str, Any]:
    """Sign in by USER_SRP_AUTH as the portal does (amazon-cognito-identity-js's sums), through ``call``
    (operation, body) -> Cognito's answer: for tests and the soak bench. Returns the last answer."""
    pool_name = pool_id.split("_", 1)[1]
    small_a = secrets.randbits(1024)
    large_a = pow(G, small_a, N)
    parameters = {"USERNAME": email, "SRP_A": format(large_a, "x")}
    started = call("InitiateAuth", {"ClientId": client_id, "AuthFlow": "USER_SRP_AUTH", "AuthParameters": parameters})
    if started.get("ChallengeName") != "PASSWORD_VERIFIER":
        return started
    challenge = started["ChallengeParameters"]
    user_id, salt, large_b = challenge["USER_ID_FOR_SRP"], int(challenge["SALT"], 16), int(challenge["SRP_B"], 16)
    u = int(_hex_hash(pad_hex(large_a) + pad_hex(large_b)), 16)
    x = _x(pool_name, user_id, password, salt)
    s = pow(large_b - K * pow(G, x, N), small_a + u * x, N)
    timestamp = time.strftime("%a %b %-d %H:%M:%S UTC %Y", time.gmtime())
    message = pool_name.encode() + user_id.encode() + base64.b64decode(challenge["SECRET_BLOCK"]) + timestamp.encode()
    responses = {
        "USERNAME": user_id,
        "PASSWORD_CLAIM_SECRET_BLOCK": challenge["SECRET_BLOCK"],
        "TIMESTAMP": timestamp,
        "PASSWORD_CLAIM_SIGNATURE": base64.b64encode(hmac.new(_hkdf(s, u), message, hashlib.sha256).digest()).decode(),
    }
    body = {"ClientId": client_id, "ChallengeName": "PASSWORD_VERIFIER", "ChallengeResponses": responses}
    return call("RespondToAuthChallenge", {**body, "Session": started.get("Session")})
