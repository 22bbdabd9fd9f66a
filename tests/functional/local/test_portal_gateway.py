"""The local gateway serves the portal as CloudFront would (the headers policy of infra/portal.yaml, read
from the template), keeps API answers and /_local/* out of the browser's cache, and passes the portal's
Cognito calls to moto's user pool on the same origin."""

from __future__ import annotations

import json
import threading
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import boto3
import pytest
from moto.server import ThreadedMotoServer

from caseline_local.auth import CognitoVerifier
from caseline_local.cognito_srp import srp_sign_in
from caseline_local.gateway import COGNITO_PROXY_PATH, Gateway, Route, json_page
from caseline_local.portal import deployed_config, policy_headers, portal_stack, response_headers
from caseline_local.provision import provision_stack
from caseline_local.template import Template
from tools.portal_config import config_from_stack

ROOT = Path(__file__).resolve().parents[3]
REGION = "eu-west-2"
EXPECTED_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
        "connect-src 'self' https://cognito-idp.eu-west-2.amazonaws.com; frame-ancestors 'none'; "
        "base-uri 'none'; form-action 'self'; object-src 'none'"
    ),
    "Strict-Transport-Security": "max-age=63072000; includeSubDomains; preload",
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
}


@dataclass
class Response:
    status: int
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


@dataclass
class FakeApiFunction:
    """Answers like a function that would let the browser cache its answer."""

    spec: Any = None
    events: list[dict[str, Any]] = field(default_factory=list)

    def invoke(self, event: dict[str, Any]) -> dict[str, Any]:
        self.events.append(event)
        headers = {"Content-Type": "application/json", "cache-control": "public, max-age=300"}
        return {"statusCode": 200, "headers": headers, "body": '{"articles": []}'}


@dataclass
class LocalPortal:
    gateway: Gateway
    template: Template
    portal_dir: Path

    def request(self, method: str, path: str, body: bytes | None = None, **headers: str) -> Response:
        request = urllib.request.Request(self.gateway.url + path, data=body, method=method, headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=15) as answer:
                return Response(answer.status, dict(answer.headers), answer.read())
        except urllib.error.HTTPError as error:
            return Response(error.code, dict(error.headers), error.read())

    def cognito(self, operation: str, body: dict[str, Any]) -> Response:
        return self.request(
            "POST",
            COGNITO_PROXY_PATH,
            json.dumps(body).encode(),
            **{
                "Content-Type": "application/x-amz-json-1.1",
                "X-Amz-Target": f"AWSCognitoIdentityProviderService.{operation}",
            },
        )


@pytest.fixture(scope="module")
def local(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalPortal]:
    """moto over HTTP with template.yaml's resources, and a gateway wired as the local stack wires it."""
    moto = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    moto.start()
    host, port = moto.get_host_and_port()
    portal_dir = tmp_path_factory.mktemp("portal")
    (portal_dir / "index.html").write_text("<!doctype html><title>source</title>", encoding="utf-8")
    gateway = Gateway(portal_dir=portal_dir, port=0)
    with pytest.MonkeyPatch.context() as env:
        env.setenv("AWS_ENDPOINT_URL", f"http://{host}:{port}")
        template, _ = provision_stack(
            ROOT,
            boto3.session.Session(region_name=REGION),
            region=REGION,
            parameters={"Environment": "test", "PortalUrl": gateway.url},
        )
        gateway.response_headers = response_headers(template)
        gateway.cognito_endpoint = f"http://{host}:{port}"
        gateway.routes = [Route.build("GET", "/v1/articles", FakeApiFunction(), authorized=False)]  # type: ignore[arg-type]
        gateway.local_pages = {"/_local/config.json": lambda query: json_page({"local": True})}
        threading.Thread(target=gateway.server.serve_forever, daemon=True).start()
        try:
            yield LocalPortal(gateway, template, portal_dir)
        finally:
            gateway.server.shutdown()
            gateway.server.server_close()
            moto.stop()


def test_the_portal_is_served_with_every_header_of_the_deployed_policy(local: LocalPortal) -> None:
    # When the browser asks for the start page
    response = local.request("GET", "/")
    # Then it gets the page with each security header the distribution sends, nothing relaxed
    assert response.status == 200
    for name, value in EXPECTED_HEADERS.items():
        assert response.headers[name] == value, name
    assert "camera=()" in response.headers["Permissions-Policy"]
    # and every custom header of the template's policy, whatever it is called
    (policy,) = portal_stack(local.template).of_type("AWS::CloudFront::ResponseHeadersPolicy").values()
    for item in policy["Properties"]["ResponseHeadersPolicyConfig"]["CustomHeadersConfig"]["Items"]:
        assert response.headers[item["Header"]] == item["Value"]
    assert list(response.headers).count("X-Content-Type-Options") == 1


def test_the_built_portal_is_served_once_it_exists_and_nothing_outside_it(local: LocalPortal) -> None:
    # Given only the source page: it is served
    assert local.request("GET", "/").body == b"<!doctype html><title>source</title>"
    # When the build writes portal/dist/
    built = local.portal_dir / "dist"
    built.mkdir()
    (built / "index.html").write_text("<!doctype html><title>built</title>", encoding="utf-8")
    try:
        # Then the built page is served, with the same headers, and the source folder is out of reach
        response = local.request("GET", "/")
        assert response.body == b"<!doctype html><title>built</title>"
        assert response.headers["Content-Security-Policy"] == EXPECTED_HEADERS["Content-Security-Policy"]
        assert local.request("GET", "/../index.html").status == 404
        assert local.request("GET", "/missing.html").status == 404
    finally:
        (built / "index.html").unlink()
        built.rmdir()


def test_api_answers_are_never_stored_by_the_browser(local: LocalPortal) -> None:
    # Given a function that says its answer may be cached for five minutes
    response = local.request("GET", "/v1/articles")
    # Then the policy's no-store replaces it, as CloudFront's override would, and the other headers are there
    assert response.status == 200
    assert response.headers["Cache-Control"] == "no-store"
    assert "cache-control" not in response.headers  # replaced, not sent twice
    assert response.headers["Referrer-Policy"] == "no-referrer"


def test_an_api_path_no_route_matches_is_refused_as_api_gateway_refuses_it(local: LocalPortal) -> None:
    # The distribution sends every /v1/* path to the API: one it has no resource for, or a known one with a
    # trailing slash, is API Gateway's 403 "Missing Authentication Token", never the portal's 404.
    for method, path in (("GET", "/v1/nothing"), ("GET", "/v1/articles/"), ("POST", "/v1/me/cases%2F")):
        refused = local.request(method, path)
        assert refused.status == 403, path
        assert refused.json() == {"message": "Missing Authentication Token"}  # DEFAULT_4XX as API Gateway's own
    assert local.request("GET", "/no/such/page").status == 404


def test_the_viewer_address_is_the_connections_as_cloudfront_sets_it(local: LocalPortal) -> None:
    # Given a caller that names a made-up address, as one might to get a new per-network allowance
    local.request("GET", "/v1/articles", **{"cloudfront-viewer-address": "192.0.2.7:1234"})
    # Then the function sees the connection's address and port, as the distribution would send it
    event = local.gateway.routes[0].worker.events[-1]  # type: ignore[attr-defined]
    address, _, port = event["headers"]["CloudFront-Viewer-Address"].rpartition(":")
    assert address == "127.0.0.1" and port.isdigit()
    assert event["multiValueHeaders"]["CloudFront-Viewer-Address"] == [f"{address}:{port}"]
    assert [name for name in event["headers"] if name.lower() == "cloudfront-viewer-address"] == [
        "CloudFront-Viewer-Address"
    ]


def test_local_pages_are_no_store(local: LocalPortal) -> None:
    response = local.request("GET", "/_local/config.json")
    assert response.status == 200
    assert response.headers["Cache-Control"] == "no-store"


def sign_up_as_the_accounts_function(local: LocalPortal, client_id: str, email: str, password: str) -> None:
    """Cognito's SignUp and ConfirmSignUp, called as POST /v1/accounts... call them (the browser may not:
    ADR 0014); moto takes any code."""
    idp = boto3.client("cognito-idp", region_name=REGION, endpoint_url=local.gateway.cognito_endpoint)
    idp.sign_up(ClientId=client_id, Username=email, Password=password)
    idp.confirm_sign_up(ClientId=client_id, Username=email, ConfirmationCode="123456")


def sign_in_by_srp(local: LocalPortal, email: str, password: str) -> Response:
    """USER_SRP_AUTH through /_local/cognito, as the portal signs in; the last answer."""
    answers: list[Response] = []

    def call(operation: str, body: dict[str, Any]) -> dict[str, Any]:
        answers.append(local.cognito(operation, body))
        found: dict[str, Any] = answers[-1].json()
        return found

    pool = local.template.physical["VictimUserPool"]
    srp_sign_in(call, _client(local), pool["Ref"], email, password)
    return answers[-1]


def _client(local: LocalPortal) -> str:
    return str(local.template.physical["VictimUserPoolClient"]["Ref"])


def test_a_victim_signs_in_through_the_same_origin_proxy(local: LocalPortal) -> None:
    # Given the portal's user pool client, and an account made through the accounts function
    client_id = local.template.physical["VictimUserPoolClient"]["Ref"]
    pool_id = local.template.physical["VictimUserPool"]["Ref"]
    email, password = f"victim-{uuid.uuid4().hex[:8]}@example.org", f"correct horse {uuid.uuid4().hex}"
    sign_up_as_the_accounts_function(local, client_id, email, password)
    # When the browser signs in through /_local/cognito
    signed_in = sign_in_by_srp(local, email, password)
    # Then each answer is Cognito's, kept out of the cache, and the ID token passes the local authorizer
    assert signed_in.status == 200
    assert signed_in.headers["Cache-Control"] == "no-store"
    assert signed_in.headers["Content-Type"] == "application/x-amz-json-1.1"
    id_token = signed_in.json()["AuthenticationResult"]["IdToken"]
    verifier = CognitoVerifier(
        endpoint=str(local.gateway.cognito_endpoint), region=REGION, user_pool_id=pool_id, client_ids=[client_id]
    )
    assert verifier.claims(id_token)["email"] == email


def test_cognito_errors_come_back_as_cognito_sends_them(local: LocalPortal) -> None:
    response = local.cognito("InitiateAuth", {"ClientId": "no-such-client", "AuthFlow": "USER_SRP_AUTH"})
    assert response.status == 400
    assert response.json()["__type"].endswith("Exception")
    assert response.headers["X-Amzn-ErrorType"] == response.json()["__type"]


def test_an_unknown_address_is_refused_as_a_wrong_password_is(local: LocalPortal) -> None:
    # Given an account, and an address that has none (the pool's client hides which exist, as deployed)
    email, password = f"victim-{uuid.uuid4().hex[:8]}@example.org", f"correct horse {uuid.uuid4().hex}"
    sign_up_as_the_accounts_function(local, _client(local), email, password)
    # When someone signs in with each, and a wrong password
    answers = {}
    for address in (email, f"nobody-{uuid.uuid4().hex[:8]}@example.org"):
        started = local.cognito(
            "InitiateAuth",
            {
                "ClientId": _client(local),
                "AuthFlow": "USER_SRP_AUTH",
                "AuthParameters": {"USERNAME": address, "SRP_A": "2a"},
            },
        )
        challenge = started.json()
        answers[address] = (
            started.status,
            challenge["ChallengeName"],
            sorted(challenge["ChallengeParameters"]),
            len(challenge["ChallengeParameters"]["SECRET_BLOCK"]),
            sign_in_by_srp(local, address, "wrong password").json()["__type"],
        )
    # Then both are a challenge of the same shape, and the same refusal after it
    known, unknown = answers.values()
    assert known == unknown == (200, "PASSWORD_VERIFIER", known[2], known[3], "NotAuthorizedException")


def test_srp_only_and_a_wrong_proof_is_refused_as_cognito_refuses_it(local: LocalPortal) -> None:
    # Given an account (moto itself would take any SRP proof, and any flow)
    email, password = f"victim-{uuid.uuid4().hex[:8]}@example.org", f"correct horse {uuid.uuid4().hex}"
    sign_up_as_the_accounts_function(local, _client(local), email, password)
    # When someone signs in with the password itself, or with SRP and a wrong password, or the right one
    auth = {"USERNAME": email, "PASSWORD": password}
    by_password = local.cognito(
        "InitiateAuth", {"ClientId": _client(local), "AuthFlow": "USER_PASSWORD_AUTH", "AuthParameters": auth}
    )
    wrong = sign_in_by_srp(local, email, password + "x")
    right = sign_in_by_srp(local, email, password)
    # Then only SRP with the right password gets tokens, as the pool's client allows
    assert (by_password.status, by_password.headers["X-Amzn-ErrorType"]) == (400, "InvalidParameterException")
    assert (wrong.status, wrong.headers["X-Amzn-ErrorType"]) == (400, "NotAuthorizedException")
    assert by_password.json()["__type"] == "InvalidParameterException"
    assert wrong.json()["__type"] == "NotAuthorizedException"
    assert right.status == 200 and "IdToken" in right.json()["AuthenticationResult"]


@pytest.mark.parametrize(
    "target",
    [
        "AWSCognitoIdentityProviderService.AdminConfirmSignUp",
        "AWSCognitoIdentityProviderService.ListUsers",
        # the user pool's web ACL refuses these without the accounts function's header (ADR 0014)
        "AWSCognitoIdentityProviderService.SignUp",
        "AWSCognitoIdentityProviderService.ConfirmSignUp",
        "AWSCognitoIdentityProviderService.ResendConfirmationCode",
        "DynamoDB_20120810.ListTables",
        "",
    ],
)
def test_the_proxy_refuses_what_needs_aws_credentials(local: LocalPortal, target: str) -> None:
    # When the browser tries an operation Cognito only accepts signed (or another service)
    response = local.request(
        "POST", COGNITO_PROXY_PATH, b"{}", **{"Content-Type": "application/x-amz-json-1.1", "X-Amz-Target": target}
    )
    # Then it gets Cognito's answer to an unsigned request, and moto is never asked
    assert response.status == 400
    assert response.json()["__type"] == "MissingAuthenticationTokenException"


def test_a_policy_setting_the_gateway_does_not_know_is_refused_not_skipped() -> None:
    with pytest.raises(RuntimeError, match="XSSProtection"):
        policy_headers({"SecurityHeadersConfig": {"XSSProtection": {"Protection": True, "Override": True}}})
    with pytest.raises(RuntimeError, match="CorsConfig"):
        policy_headers({"CorsConfig": {}})


def test_the_deployed_config_names_cognito_and_the_forces_and_the_api_is_same_origin() -> None:
    # Given a deployed main stack's description
    stack = {
        "Outputs": [
            {"OutputKey": "UserPoolId", "OutputValue": "eu-west-2_pool"},
            {"OutputKey": "UserPoolClientId", "OutputValue": "client-1"},
            {"OutputKey": "StaffUserPoolId", "OutputValue": "eu-west-2_staff"},
            {"OutputKey": "StaffUserPoolClientId", "OutputValue": "client-2"},
        ],
        "Parameters": [{"ParameterKey": "Forces", "ParameterValue": "thames-valley,hampshire"}],
    }
    # When the deploy makes config.json
    config = config_from_stack(stack, REGION, ROOT)
    # Then the portal finds Cognito's regional endpoint, the API on its own origin and each force's branding
    assert config["cognitoEndpoint"] == "https://cognito-idp.eu-west-2.amazonaws.com/"
    assert config["apiUrl"] == ""
    assert config["forces"]["thames-valley"]["name"] == "Thames Valley Police"
    assert set(config["forces"]) == {"thames-valley", "hampshire"}
    assert (config["staffUserPoolId"], config["staffUserPoolClientId"]) == ("eu-west-2_staff", "client-2")
    pools = {"UserPoolId": "eu-west-2_pool", "UserPoolClientId": "client-1"}
    pools |= {"StaffUserPoolId": "eu-west-2_staff", "StaffUserPoolClientId": "client-2"}
    assert config == deployed_config(region=REGION, pools=pools, forces=config["forces"])
    assert "staffFederation" not in config  # no identity provider of the force's own: passwords only
    # With one (ADR 0019), the staff sign-in page learns the hosted UI's address and the provider's name
    stack["Outputs"] += [
        {"OutputKey": "StaffSignInUrl", "OutputValue": "https://c-staff.auth.eu-west-2.amazoncognito.com"},
        {"OutputKey": "StaffIdentityProviderName", "OutputValue": "ForceAccount"},
    ]
    federated = config_from_stack(stack, REGION, ROOT)["staffFederation"]
    assert federated == {"url": "https://c-staff.auth.eu-west-2.amazoncognito.com", "provider": "ForceAccount"}


def test_a_force_without_branding_stops_the_deploy_config() -> None:
    stack = {
        "Outputs": [
            {"OutputKey": "UserPoolId", "OutputValue": "p"},
            {"OutputKey": "UserPoolClientId", "OutputValue": "c"},
        ],
        "Parameters": [{"ParameterKey": "Forces", "ParameterValue": "thames-valley,kent"}],
    }
    with pytest.raises(SystemExit, match="kent"):
        config_from_stack(stack, REGION, ROOT)
