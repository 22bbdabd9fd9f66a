"""The running local stack serves what the portal needs on one origin: its configuration at /config.json
(as a deployment does), Cognito through /_local/cognito, and the API with the portal's headers."""

from __future__ import annotations

import json
import uuid

from caseline.domain.vocabulary import FORCE_NAMES
from caseline_local.cognito_srp import srp_sign_in
from caseline_local.stack import LocalStack

from .conftest import Client

COGNITO = {"Content-Type": "application/x-amz-json-1.1"}


def _cognito(http: Client, operation: str, body: dict[str, object]) -> dict[str, object]:
    response = http.request(
        "POST",
        "/_local/cognito",
        body=json.dumps(body).encode(),
        headers={**COGNITO, "X-Amz-Target": f"AWSCognitoIdentityProviderService.{operation}"},
    )
    assert response.status == 200, response.body
    answer: dict[str, object] = response.json()
    return answer


def test_the_portal_finds_the_same_configuration_at_the_site_root(stack: LocalStack, http: Client) -> None:
    assert stack.gateway is not None
    root, local = http.request("GET", "/config.json"), http.request("GET", "/_local/config.json")
    assert root.status == local.status == 200
    assert root.json() == local.json() == stack.public_config()
    config = root.json()
    assert config["cognitoEndpoint"] == stack.gateway.url + "/_local/cognito"  # same origin: CSP connect-src 'self'
    assert {force: details["name"] for force, details in config["forces"].items()} == FORCE_NAMES
    assert all(details["phone"] == "101" and details["colour"].startswith("#") for details in config["forces"].values())
    assert root.headers["Cache-Control"] == "no-store"
    assert "frame-ancestors 'none'" in root.headers["Content-Security-Policy"]


def test_a_victim_who_signed_in_through_the_proxy_reaches_the_api(stack: LocalStack, http: Client) -> None:
    # Given a new account made and signed in the way the portal does it, through the gateway only
    client_id = stack.public_config()["userPoolClientId"]
    email, password = f"victim-{uuid.uuid4().hex[:8]}@example.org", f"correct horse {uuid.uuid4().hex}"
    created = http.request(  # Cognito's SignUp and ConfirmSignUp only through the API (ADR 0014)
        "POST",
        "/v1/accounts",
        body=json.dumps({"email": email, "password": password}).encode(),
        headers={"Content-Type": "application/json"},
    )
    assert created.status == 202, created.body
    confirmed = http.request(
        "POST",
        "/v1/accounts/confirmation",
        body=json.dumps({"email": email, "code": "000000"}).encode(),
        headers={"Content-Type": "application/json"},
    )
    assert confirmed.status == 200, confirmed.body
    pool_id = stack.public_config()["userPoolId"]
    signed_in = srp_sign_in(lambda op, body: _cognito(http, op, body), client_id, pool_id, email, password)
    tokens = signed_in["AuthenticationResult"]
    assert isinstance(tokens, dict)
    # When the portal asks for their cases with the ID token
    cases = http.request("GET", "/v1/me/cases", headers={"Authorization": tokens["IdToken"]})
    # Then the authorizer lets them in and the answer is never stored by the browser
    assert cases.status == 200
    assert cases.json() == {"cases": []}
    assert cases.headers["Cache-Control"] == "no-store"
    assert cases.headers["Referrer-Policy"] == "no-referrer"
