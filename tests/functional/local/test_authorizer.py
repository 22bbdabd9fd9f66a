"""The local gateway's Cognito check behaves like API Gateway's authorizer: only a valid, unexpired ID
token for one of the pool's app clients, signed by the pool's key, gets through."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from caseline_local.auth import CognitoVerifier, Unauthorized

POOL, CLIENT, REGION = "eu-west-2_TESTPOOL", "client-123", "eu-west-2"
ISSUER = f"https://cognito-idp.{REGION}.amazonaws.com/{POOL}"


@pytest.fixture(scope="module")
def keys() -> dict[str, Any]:
    return {
        "pool": rsa.generate_private_key(public_exponent=65537, key_size=2048),
        "other": rsa.generate_private_key(public_exponent=65537, key_size=2048),
    }


@pytest.fixture
def verifier(keys: dict[str, Any], tmp_path: Path) -> CognitoVerifier:
    jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(keys["pool"].public_key()))
    (tmp_path / POOL / ".well-known").mkdir(parents=True)
    (tmp_path / POOL / ".well-known" / "jwks.json").write_text(json.dumps({"keys": [{**jwk, "kid": "k1"}]}))
    return CognitoVerifier(endpoint=tmp_path.as_uri(), region=REGION, user_pool_id=POOL, client_ids=[CLIENT])


def token(keys: dict[str, Any], *, key: str = "pool", kid: str = "k1", **claims: Any) -> str:
    now = int(time.time())
    body = {"sub": "user-1", "iss": ISSUER, "aud": CLIENT, "token_use": "id", "iat": now, "exp": now + 900, **claims}
    return jwt.encode(body, keys[key], algorithm="RS256", headers={"kid": kid})


def test_a_valid_id_token_passes_with_or_without_bearer(keys: dict[str, Any], verifier: CognitoVerifier) -> None:
    assert verifier.claims(token(keys))["sub"] == "user-1"
    assert verifier.claims("Bearer " + token(keys))["sub"] == "user-1"


@pytest.mark.parametrize(
    "make",
    [
        lambda k: token(k, exp=int(time.time()) - 1),
        lambda k: token(k, token_use="access"),
        lambda k: token(k, aud="another-client"),
        lambda k: token(k, iss="https://cognito-idp.eu-west-2.amazonaws.com/another-pool"),
        lambda k: token(k, key="other"),
        lambda k: token(k, kid="unknown"),
        lambda k: jwt.encode({"sub": "user-1", "token_use": "id"}, None, algorithm="none"),
        lambda k: "",
        lambda k: "not.a.token",
    ],
    ids=[
        "expired",
        "access-token",
        "wrong-audience",
        "wrong-issuer",
        "forged-key",
        "unknown-kid",
        "alg-none",
        "empty",
        "garbage",
    ],
)
def test_anything_else_is_unauthorised(keys: dict[str, Any], verifier: CognitoVerifier, make: Any) -> None:
    with pytest.raises(Unauthorized):
        verifier.claims(make(keys))
