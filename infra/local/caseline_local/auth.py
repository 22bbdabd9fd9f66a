"""Verify Cognito tokens the way an API Gateway Cognito user pool authorizer does.

ID tokens only (no authorization scopes on the routes): RS256 signature against the pool's JWKS,
expiry, issuer (the real AWS issuer URL that moto writes), ``token_use == "id"`` and an audience that
is one of the pool's app clients.
"""

from __future__ import annotations

import json
import urllib.request
from typing import Any

import jwt


class Unauthorized(Exception):
    pass


class CognitoVerifier:
    def __init__(self, *, endpoint: str, region: str, user_pool_id: str, client_ids: list[str]) -> None:
        self.issuer = f"https://cognito-idp.{region}.amazonaws.com/{user_pool_id}"
        self.jwks_url = f"{endpoint}/{user_pool_id}/.well-known/jwks.json"
        self.client_ids = client_ids
        self._keys: dict[str, Any] | None = None

    def _key_for(self, kid: str) -> Any:
        if self._keys is None or kid not in self._keys:
            with urllib.request.urlopen(self.jwks_url, timeout=5) as response:
                document = json.load(response)
            self._keys = {k["kid"]: jwt.PyJWK.from_dict(k).key for k in document["keys"]}
        if kid not in self._keys:
            raise Unauthorized("unknown signing key")
        return self._keys[kid]

    def claims(self, authorization: str | None) -> dict[str, Any]:
        if not authorization:
            raise Unauthorized("no token")
        token = authorization.removeprefix("Bearer ").strip()
        try:
            header = jwt.get_unverified_header(token)
            claims: dict[str, Any] = jwt.decode(
                token,
                self._key_for(str(header.get("kid", ""))),
                algorithms=["RS256"],
                audience=self.client_ids,
                issuer=self.issuer,
                options={"require": ["exp", "iat", "sub", "token_use"]},
            )
        except jwt.PyJWTError as exc:
            raise Unauthorized("invalid token") from exc
        if claims.get("token_use") != "id":
            raise Unauthorized("not an id token")
        return claims
