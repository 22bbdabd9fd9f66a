"""Over HTTP through the local gateway, with real tokens from the local user pool: after "sign out
everywhere" the gateway still accepts the ID token (as API Gateway would), but the API refuses it at
once, Cognito refuses the refresh token, and a new sign-in works."""

from __future__ import annotations

import uuid
from typing import Any

import boto3
import pytest

from caseline_local.stack import LocalStack

from .conftest import Client, eventually


def _sign_in(idp: Any, client_id: str, email: str, password: str) -> dict[str, Any]:
    answer = idp.initiate_auth(
        ClientId=client_id, AuthFlow="USER_PASSWORD_AUTH", AuthParameters={"USERNAME": email, "PASSWORD": password}
    )
    return dict(answer["AuthenticationResult"])


def test_sign_out_everywhere_ends_the_tokens_the_gateway_still_accepts(stack: LocalStack, http: Client) -> None:
    config = stack.public_config()
    idp = boto3.session.Session(region_name="eu-west-2").client("cognito-idp")
    client_id = config["userPoolClientId"]
    email, password = f"victim-{uuid.uuid4().hex[:8]}@example.org", f"correct horse {uuid.uuid4().hex[:12]}"
    idp.sign_up(ClientId=client_id, Username=email, Password=password)
    idp.admin_confirm_sign_up(UserPoolId=config["userPoolId"], Username=email)
    tokens = _sign_in(idp, client_id, email, password)
    old = {"Authorization": tokens["IdToken"]}
    assert http.request("GET", "/v1/me/cases", headers=old).status == 200
    # When the victim signs out everywhere
    answer = http.request("POST", "/v1/me/sign-out-everywhere", headers=old)
    assert (answer.status, answer.json()) == (200, {"status": "signed-out"})
    # Then the same ID token, still unexpired, is refused on the account's routes
    for method, path in (("GET", "/v1/me/cases"), ("GET", "/v1/me/data"), ("POST", "/v1/me/sign-out-everywhere")):
        refused = http.request(method, path, headers=old)
        assert refused.status == 401, (method, path, refused.body)
        assert refused.json()["type"] == "urn:caseline:problem:unauthenticated"
    # And the refresh token no longer gets new tokens
    with pytest.raises(idp.exceptions.NotAuthorizedException):
        idp.initiate_auth(
            ClientId=client_id,
            AuthFlow="REFRESH_TOKEN_AUTH",
            AuthParameters={"REFRESH_TOKEN": tokens["RefreshToken"]},
        )

    # And signing in again (in a later second than the sign-out) works
    def signed_in_again() -> bool:
        fresh = {"Authorization": _sign_in(idp, client_id, email, password)["IdToken"]}
        return http.request("GET", "/v1/me/cases", headers=fresh).status == 200

    assert eventually(signed_in_again)
