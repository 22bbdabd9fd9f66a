"""The acceptance flows of the foundation, over HTTP against the running local stack."""

from __future__ import annotations

import json
import time
import uuid
from typing import Any

import boto3
import pytest

from caseline_local import demo
from caseline_local.stack import LocalStack

from .conftest import Client, eventually, sent


def test_demo_data_for_both_forces_is_loaded_through_the_webhook(stack: LocalStack, http: Client) -> None:
    assert [(force, status) for force, status, _ in stack.demo_results] == [
        ("thames-valley", 202),
        ("thames-valley", 202),
        ("hampshire", 202),
        ("hampshire", 202),
    ]
    # Standard victims get email + SMS; the domestic-abuse victim email only; the hate-crime victim SMS only.
    messages = eventually(lambda: (m := sent(http)) and len(m) >= 6 and m)
    recipients = sorted((m["channel"], m["to"]) for m in messages if "DEMO" not in m["to"])
    assert ("email", "alex.morgan@example.org") in recipients
    assert ("email", "jordan.blake@example.org") in recipients
    assert ("sms", "+447700900102") not in recipients  # SMS is not safe for that victim
    assert ("sms", "+447700900104") in recipients


def _new_crime(stack: LocalStack, force_id: str) -> tuple[dict[str, Any], str]:
    """A fresh signed "crime recorded" event, posted and accepted, and its victim's own email address."""
    event = demo.fresh_crime_recorded(force_id, serial=int(uuid.uuid4().int % 1_000_000))
    address = f"e2e-{uuid.uuid4().hex[:8]}@example.org"
    event["data"]["victim"]["email"] = address
    assert stack.gateway is not None
    status, body = demo.post_event(stack.gateway.url, force_id, event, stack.webhook_secret(force_id))
    assert (status, body["status"]) == (202, "accepted")
    return event, address


def test_a_new_crime_recorded_event_produces_a_confirmation_email_and_sms(stack: LocalStack, http: Client) -> None:
    # Given a fresh signed "crime recorded" event for Hampshire with a unique address
    event, address = _new_crime(stack, "hampshire")
    # Then the confirmation email (with the crime reference) and the SMS show in the sent view
    email = eventually(lambda: next(iter(sent(http, address)), None))
    assert event["data"]["crime_reference"] in email["subject"]
    mobile = event["data"]["victim"]["mobile"]
    eventually(lambda: [m for m in sent(http, mobile) if event["data"]["crime_reference"] in m["body"]])


def test_idle_answers_once_the_stack_has_handled_what_came_before(stack: LocalStack, http: Client) -> None:
    # Given a new crime recorded, posted and accepted
    _, address = _new_crime(stack, "thames-valley")
    # When a tester asks the stack to finish what it is doing
    answer = http.request("GET", "/_local/idle.json")
    # Then once it answers, the journey has run and dispatch has sent the confirmation: no polling needed
    assert (answer.status, answer.json()) == (200, {"idle": True})
    assert [m["channel"] for m in sent(http, address)] == ["email"]


def test_the_sent_view_is_a_page_too(http: Client) -> None:
    page = http.request("GET", "/_local/sent")
    assert page.status == 200
    assert b"Sent messages" in page.body
    assert page.headers["Content-Type"].startswith("text/html")


def _signed(stack: LocalStack, force_id: str, body: bytes, **overrides: str) -> dict[str, str]:
    from caseline.domain.signing import sign

    webhook_id, timestamp = f"msg_{uuid.uuid4().hex}", int(time.time())
    headers = {
        "Content-Type": "application/json",
        "webhook-id": webhook_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": sign(stack.webhook_secret(force_id), webhook_id, timestamp, body),
    }
    headers.update(overrides)
    return headers


def test_tampered_webhooks_are_refused_with_401_and_write_nothing(stack: LocalStack, http: Client) -> None:
    event = demo.fresh_crime_recorded("thames-valley", serial=999_001)
    body = json.dumps(event).encode()
    headers = _signed(stack, "thames-valley", body)
    tampered = http.request(
        "POST", "/v1/webhooks/thames-valley", body=body.replace(b"burglary", b"robbery"), headers=headers
    )
    unsigned = http.request(
        "POST", "/v1/webhooks/thames-valley", body=body, headers={"Content-Type": "application/json"}
    )
    for response in (tampered, unsigned):
        assert response.status == 401
        assert response.json()["type"] == "urn:caseline:problem:unauthenticated"
    table = boto3.session.Session(region_name="eu-west-2").client("dynamodb")
    item = table.get_item(
        TableName="caseline-local", Key={"pk": {"S": "CASE#thames-valley#DEMO-999001"}, "sk": {"S": "CASE"}}
    )
    assert "Item" not in item


@pytest.mark.parametrize(
    ("body", "content_type", "status"),
    [
        (b'{"specversion": "1.0"}', "application/json", 422),
        (b"\xff\xfe", "application/json", 400),
        (b"{}", "text/plain", 415),
    ],
    ids=["schema", "not-utf8", "content-type"],
)
def test_malformed_webhooks_get_problem_details(
    stack: LocalStack, http: Client, body: bytes, content_type: str, status: int
) -> None:
    response = http.request(
        "POST",
        "/v1/webhooks/hampshire",
        body=body,
        headers=_signed(stack, "hampshire", body, **{"Content-Type": content_type}),
    )
    assert response.status == status
    assert response.headers["Content-Type"] == "application/problem+json"
    assert response.json()["status"] == status


def id_token(stack: LocalStack) -> str:
    """A fresh victim account's Cognito ID token (sign-up, confirmation and sign-in in the local pool)."""
    return _tokens(stack)["IdToken"]


def _tokens(stack: LocalStack) -> dict[str, str]:
    config = stack.public_config()
    idp = boto3.session.Session(region_name="eu-west-2").client("cognito-idp")
    email, password = f"victim-{uuid.uuid4().hex[:8]}@example.org", f"correct horse {uuid.uuid4().hex}"
    idp.sign_up(ClientId=config["userPoolClientId"], Username=email, Password=password)
    idp.admin_confirm_sign_up(UserPoolId=config["userPoolId"], Username=email)
    result = idp.initiate_auth(
        ClientId=config["userPoolClientId"],
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": email, "PASSWORD": password},
    )
    return dict(result["AuthenticationResult"])


def test_victim_routes_need_a_valid_id_token_like_the_authorizer(stack: LocalStack, http: Client) -> None:
    tokens = _tokens(stack)
    no_token = http.request("GET", "/v1/me/cases")
    garbage = http.request("GET", "/v1/me/cases", headers={"Authorization": "not-a-jwt"})
    access = http.request("GET", "/v1/me/cases", headers={"Authorization": tokens["AccessToken"]})
    forged = tokens["IdToken"][:-4] + ("AAAA" if not tokens["IdToken"].endswith("AAAA") else "BBBB")
    tampered = http.request("GET", "/v1/me/cases", headers={"Authorization": forged})
    for response in (no_token, garbage, access, tampered):
        assert response.status == 401
        assert response.json()["type"] == "urn:caseline:problem:unauthenticated"
    ok = http.request("GET", "/v1/me/cases", headers={"Authorization": tokens["IdToken"]})
    assert ok.status == 200
    assert ok.json() == {"cases": []}  # linking arrives with the victim API


def test_unknown_paths_and_methods_answer_like_api_gateway(http: Client) -> None:
    # A method a path does not declare: API Gateway's 403, rendered by the template's DEFAULT_4XX response
    # and a path no resource matches: the distribution sends all of /v1/* to the API
    for method, path in (
        ("GET", "/v1/webhooks/hampshire"),
        ("PATCH", "/v1/me/cases"),
        ("TRACE", "/v1/reports"),
        ("GET", "/v1/no-such-route"),
        ("GET", "/v1/me/cases/"),
    ):
        refused = http.request(method, path)
        assert refused.status == 403
        assert refused.headers["Content-Type"] == "application/problem+json"
        assert refused.json() == {
            "type": "urn:caseline:problem:gateway",
            "title": "Missing Authentication Token",
            "status": 403,
        }
    assert http.request("GET", "/no/such/page").status == 404


def test_the_duty_sweep_runs_on_its_schedule(stack: LocalStack) -> None:
    from caseline_local.pollers import SchedulePoller

    [sweep] = [p for p in stack.pollers if isinstance(p, SchedulePoller)]
    before = sweep.invocations
    eventually(lambda: sweep.invocations > before, timeout=60)
