"""Sign out everywhere, quick exit and closing the account end access at once, on every victim route,
through the real handler against moto (tables and Cognito); data download and closure need a recent
sign-in. API Gateway's authorizer still accepts the old ID token until it expires: the API refuses it."""

from __future__ import annotations

import json
import time
from typing import Any

import boto3
import jwt
import pytest

from caseline_local.template import Template

from .conftest import REGION, Context, api_event
from .test_victim_journey import CallCounter, Victims

CASE = ("thames-valley", "TVP-J-1")
PREFERENCES = {
    "channels": ["sms"],
    "name_police": True,
    "name_crime": False,
    "safe_hours": None,
    "no_news_days": None,
    "non_statutory": True,
}
# Every route behind the Cognito authorizer: (method, resource, body). The test below checks this table
# against template.yaml, so a new victim route cannot be left out.
ROUTES: list[tuple[str, str, Any]] = [
    ("GET", "/v1/me/cases", None),
    ("POST", "/v1/me/links", {"crime_reference": "43260001234", "access_code": "ABCDE-FGHJK"}),
    ("GET", "/v1/cases/{force_id}/{case_id}", None),
    ("POST", "/v1/cases/{force_id}/{case_id}/messages", {"text": "Is anyone there?"}),
    ("POST", "/v1/cases/{force_id}/{case_id}/update-requests", None),
    ("POST", "/v1/cases/{force_id}/{case_id}/survey", {"satisfaction": 1, "kept_informed": 1, "easy_to_use": 1}),
    ("GET", "/v1/cases/{force_id}/{case_id}/preferences", None),
    ("PUT", "/v1/cases/{force_id}/{case_id}/preferences", PREFERENCES),
    ("GET", "/v1/cases/{force_id}/{case_id}/accounts", None),
    ("DELETE", "/v1/cases/{force_id}/{case_id}/accounts/{link_id}", None),
    ("POST", "/v1/cases/{force_id}/{case_id}/alerts/{alert_id}/acknowledgement", None),
    ("POST", "/v1/cases/{force_id}/{case_id}/review-request", {"reasons": "Please look again."}),
    ("POST", "/v1/cases/{force_id}/{case_id}/statement-request", {"kind": "make", "use": "read-by-me"}),
    ("GET", "/v1/cases/{force_id}/{case_id}/delegates", None),
    ("POST", "/v1/cases/{force_id}/{case_id}/delegates", {"name": "Sam", "relationship": "family", "scope": "view"}),
    ("DELETE", "/v1/cases/{force_id}/{case_id}/delegates/{delegation_id}", None),
    ("POST", "/v1/me/delegations", {"code": "ABCD-EFGH-JKMN-PQRS"}),
    ("GET", "/v1/me/data", None),
    ("DELETE", "/v1/me", None),
    ("POST", "/v1/me/sign-out-everywhere", None),
]


def _victim_routes(template: Template) -> set[tuple[str, str]]:
    """The victim API's routes that have the Cognito authorizer (the public ones say Authorizer: NONE)."""
    events = template.of_type("AWS::Serverless::Function")["VictimApiFunction"]["Properties"]["Events"]
    return {
        (e["Properties"]["Method"].upper(), e["Properties"]["Path"])
        for e in events.values()
        if e["Type"] == "Api" and e["Properties"].get("Auth", {}).get("Authorizer") != "NONE"
    }


def _route(victims: Victims, user: str, method: str, resource: str, body: Any) -> tuple[int, Any]:
    params = {"force_id": CASE[0], "case_id": CASE[1]} if "{case_id}" in resource else None
    for name in ("link_id", "alert_id", "delegation_id"):  # none such: the old token must be refused before that
        if params is not None and f"{{{name}}}" in resource:
            params[name] = "0" * 20
    path = resource.format(**params) if params else resource
    return victims.call(method, path, user, body, resource, params)


def _sign_out_everywhere(victims: Victims, user: str) -> None:
    assert victims.call("POST", "/v1/me/sign-out-everywhere", user) == (200, {"status": "signed-out"})


def _quick_exit(victims: Victims, user: str) -> None:
    """What the portal's quick exit sends (fetch with keepalive): the same route, no body, no content type."""
    event = api_event(
        "POST", "/v1/me/sign-out-everywhere", resource="/v1/me/sign-out-everywhere", claims=victims.claims(user)
    )
    assert victims.api.lambda_handler(event, Context())["statusCode"] == 200


def _close_account(victims: Victims, user: str) -> None:
    status, closed = victims.call("DELETE", "/v1/me", user)
    assert status == 200 and closed["cases_unlinked"] == 1


ENDINGS = {"sign out everywhere": _sign_out_everywhere, "quick exit": _quick_exit, "closure": _close_account}


class Accounts:
    """Stands in for the Cognito calls (Cognito itself: the last test)."""

    def __init__(self) -> None:
        self.signed_out: list[str] = []
        self.deleted: list[str] = []

    def global_sign_out(self, user_id: str) -> None:
        self.signed_out.append(user_id)

    def delete(self, user_id: str) -> None:
        self.deleted.append(user_id)

    def disable_self_service_recovery(self, user_id: str) -> None:
        pass


@pytest.fixture
def linked(aws: Template) -> Victims:
    victims = Victims(aws)
    victims.api.dependencies.identity = Accounts()
    assert victims.link("alex", "43260001234", victims.codes["+447700900101"])[0] == 201
    assert victims.link("casey", "44260009876", victims.codes["+447700900103"])[0] == 201
    return victims


def test_the_route_table_is_every_victim_route(aws: Template) -> None:
    assert {(m, r) for m, r, _ in ROUTES} == _victim_routes(aws)


@pytest.mark.parametrize("ending", list(ENDINGS))
def test_after_an_ending_every_route_refuses_the_old_token(linked: Victims, ending: str) -> None:
    # Given Alex signed in a minute ago and can use the case
    linked.sign_in("alex", time.time() - 60)
    assert _route(linked, "alex", "GET", "/v1/cases/{force_id}/{case_id}", None)[0] == 200
    # When Alex ends their sessions
    ENDINGS[ending](linked, "alex")
    # Then that same token gets 401 problem details on every victim route, and nothing is changed
    answers = {(m, r): _route(linked, "alex", m, r, body) for m, r, body in ROUTES}
    assert {key: status for key, (status, _) in answers.items()} == {(m, r): 401 for m, r, _ in ROUTES}
    assert {problem["type"] for _, problem in answers.values()} == {"urn:caseline:problem:unauthenticated"}
    assert linked.api.dependencies.identity.signed_out == ["alex"]  # Cognito revokes the refresh tokens too
    # And another victim is not affected
    assert _route(linked, "casey", "GET", "/v1/me/cases", None)[0] == 200
    assert linked.case("casey", "hampshire", "HAM-J-1")[0] == 200


def test_the_signed_in_report_routes_refuse_the_old_token_too(linked: Victims) -> None:
    from .conftest import load_handler

    reports = load_handler("reports")
    linked.sign_in("alex", time.time() - 60)
    old = linked.claims("alex")

    def my_reports(claims: dict[str, str]) -> int:
        event = api_event("GET", "/v1/me/reports", resource="/v1/me/reports", claims=claims)
        return int(reports.lambda_handler(event, Context())["statusCode"])

    assert my_reports(old) == 200
    _sign_out_everywhere(linked, "alex")
    assert my_reports(old) == 401
    event = api_event(
        "POST",
        "/v1/me/reports",
        resource="/v1/me/reports",
        headers={"Content-Type": "application/json"},
        body="{}",
        claims=old,
    )
    assert reports.lambda_handler(event, Context())["statusCode"] == 401  # refused before the body is read
    linked.sign_in("alex", time.time() + 2)
    assert my_reports(linked.claims("alex")) == 200


@pytest.mark.parametrize("ending", ["sign out everywhere", "quick exit"])
def test_a_token_from_a_sign_in_after_the_sign_out_works(linked: Victims, ending: str) -> None:
    linked.sign_in("alex", time.time() - 60)
    linked.case("alex", *CASE, "/messages", "POST", {"text": "Before I signed out"})
    ENDINGS[ending](linked, "alex")
    # When Alex signs in again (after the sign-out's whole second)
    linked.sign_in("alex", time.time() + 2)
    # Then everything works again, on the account and on the case
    assert [c["case_id"] for c in linked.call("GET", "/v1/me/cases", "alex")[1]["cases"]] == ["TVP-J-1"]
    status, view = linked.case("alex", *CASE)
    assert status == 200 and [m["text"] for m in view["messages"]] == ["Before I signed out"]
    assert linked.case("alex", *CASE, "/preferences")[0] == 200
    status, document = linked.call("GET", "/v1/me/data", "alex")
    assert status == 200 and [c["case_id"] for c in document["cases"]] == ["TVP-J-1"]


def test_after_closure_a_later_token_finds_nothing(linked: Victims) -> None:
    _close_account(linked, "alex")
    linked.sign_in("alex", time.time() + 2)
    assert linked.call("GET", "/v1/me/cases", "alex") == (200, {"cases": []})
    assert linked.case("alex", *CASE)[0] == 404


def test_a_case_linked_after_a_sign_out_is_closed_to_the_old_token(aws: Template) -> None:
    victims = Victims(aws)
    victims.api.dependencies.identity = Accounts()
    victims.sign_in("alex", time.time() - 60)
    old = victims.claims("alex")
    _sign_out_everywhere(victims, "alex")
    # When Alex signs in again and links a case
    victims.sign_in("alex", time.time() + 2)
    assert victims.link("alex", "43260001234", victims.codes["+447700900101"])[0] == 201
    assert victims.case("alex", *CASE)[0] == 200
    # Then a token from before the sign-out cannot read it
    victims.signed_in["alex"] = int(old["auth_time"])
    assert victims.case("alex", *CASE)[0] == 401
    assert victims.call("GET", "/v1/me/cases", "alex")[0] == 401


def test_a_slower_earlier_sign_out_never_moves_the_mark_back(aws: Template) -> None:
    from datetime import UTC, datetime, timedelta

    from caseline.adapters.dynamodb.sessions import DynamoSessionStore

    store, later = DynamoSessionStore(), datetime(2026, 12, 6, 9, 0, 5, tzinfo=UTC)
    store.end_sessions("alex", later, [CASE])
    store.end_sessions("alex", later - timedelta(seconds=3), [CASE])
    assert store.account_ended("alex") == later
    store.end_sessions("alex", later + timedelta(seconds=1), [CASE])
    assert store.account_ended("alex") == later + timedelta(seconds=1)
    assert store.account_ended("blake") is None


def test_the_case_view_checks_the_session_with_the_query_it_already_makes(linked: Victims) -> None:
    from caseline.adapters.dynamodb.models import CaselineItem

    linked.sign_in("alex", time.time() - 60)
    _sign_out_everywhere(linked, "alex")
    old = linked.signed_in["alex"]
    client = CaselineItem._get_connection().connection.client
    counter = CallCounter()
    client.meta.events.register("before-call.dynamodb", counter)
    measured = {}
    try:
        for name, signed_in in (("old token", old), ("new token", int(time.time()) + 2)):
            linked.signed_in["alex"] = signed_in
            counter.calls.clear()
            linked.case("alex", *CASE)
            measured[name] = list(counter.calls)
    finally:
        client.meta.events.unregister("before-call.dynamodb", counter)
    assert measured == {
        "old token": ["Query"],  # refused from the partition's own Query; no consultation-log entry
        "new token": ["Query", "PutItem", "TransactWriteItems"],  # as before: no extra call
    }


@pytest.mark.parametrize(("method", "path"), [("GET", "/v1/me/data"), ("DELETE", "/v1/me")])
def test_download_and_closure_need_a_sign_in_in_the_last_15_minutes(linked: Victims, method: str, path: str) -> None:
    # A token refreshed a moment ago, from a sign-in 16 minutes ago
    linked.sign_in("alex", time.time() - 16 * 60)
    status, problem = linked.call(method, path, "alex")
    assert status == 401
    assert problem["type"] == "urn:caseline:problem:recent-sign-in-required"
    assert problem["title"] == "Sign in again to continue"
    assert linked.case("alex", *CASE)[0] == 200  # nothing was closed; other routes still work
    # After signing in again, it is allowed
    linked.sign_in("alex", time.time() - 14 * 60)
    assert linked.call(method, path, "alex")[0] == 200


def test_a_token_without_auth_time_cannot_download(linked: Victims) -> None:
    claims = {"sub": "alex", "iat": str(int(time.time()))}
    event = api_event("GET", "/v1/me/data", resource="/v1/me/data", claims=claims)
    response = linked.api.lambda_handler(event, Context())
    assert response["statusCode"] == 401
    assert json.loads(response["body"])["type"] == "urn:caseline:problem:recent-sign-in-required"


def test_sign_out_everywhere_revokes_the_cognito_refresh_token(aws: Template, monkeypatch: pytest.MonkeyPatch) -> None:
    from moto.cognitoidp.models import CognitoIdpUserPool

    from caseline.adapters.identity import CognitoIdentityAdmin
    from caseline_local.moto_fixes import sign_out_every_name

    # As Cognito does (and the local stack): signing out by sub revokes tokens issued to the email too
    monkeypatch.setattr(CognitoIdpUserPool, "sign_out", sign_out_every_name(CognitoIdpUserPool.sign_out))

    idp = boto3.client("cognito-idp", region_name=REGION)
    pool, client_id = aws.physical["VictimUserPool"]["Ref"], aws.physical["VictimUserPoolClient"]["Ref"]
    idp.sign_up(ClientId=client_id, Username="jordan.blake@example.org", Password="a long pass phrase")
    idp.admin_confirm_sign_up(UserPoolId=pool, Username="jordan.blake@example.org")
    tokens = idp.initiate_auth(
        ClientId=client_id,
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": "jordan.blake@example.org", "PASSWORD": "a long pass phrase"},
    )["AuthenticationResult"]
    claims = jwt.decode(tokens["IdToken"], options={"verify_signature": False})  # as the authorizer passes them
    victims = Victims(aws)
    victims.api.dependencies.identity = CognitoIdentityAdmin(idp, user_pool_id=pool)
    victims.sign_in(claims["sub"], claims["auth_time"])
    assert victims.call("GET", "/v1/me/cases", claims["sub"]) == (200, {"cases": []})
    # When Jordan signs out everywhere
    _sign_out_everywhere(victims, claims["sub"])
    # Then the ID token is refused by the API and the refresh token by Cognito
    assert victims.call("GET", "/v1/me/cases", claims["sub"])[0] == 401
    with pytest.raises(idp.exceptions.NotAuthorizedException):
        idp.initiate_auth(
            ClientId=client_id,
            AuthFlow="REFRESH_TOKEN_AUTH",
            AuthParameters={"REFRESH_TOKEN": tokens["RefreshToken"]},
        )
