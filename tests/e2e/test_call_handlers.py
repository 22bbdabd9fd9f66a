"""The call handler's view over HTTP against the running local stack: each force's demo call handler signs
in to the staff pool with this run's password, finds a demo case by its crime reference and records a call;
another force's case, an analyst and a victim are refused (docs/api.md#the-call-handlers-view)."""

from __future__ import annotations

import base64
import json
from typing import Any

import boto3

from caseline_local.cognito_srp import srp_sign_in
from caseline_local.stack import LocalStack

from .conftest import Client, eventually
from .test_local_stack import id_token

BURGLARY = "43260001234"  # infra/local/demo/01-thames-valley-burglary.json
HAMPSHIRE_VEHICLE_CRIME = "44260009876"  # infra/local/demo/03-hampshire-vehicle-crime.json
WHY = {"reason": "victim-called-for-update", "detail": "Asked what happens next"}


def staff_token(stack: LocalStack, email: str, password: str) -> str:
    """A staff member's ID token, signed in by SRP as the portal does (the staff pool's client's own flow)."""
    assert stack.template is not None
    cognito = boto3.client("cognito-idp", endpoint_url=stack.endpoint, region_name=stack.config.region)
    operations = {"InitiateAuth": cognito.initiate_auth, "RespondToAuthChallenge": cognito.respond_to_auth_challenge}
    client_id = stack.template.physical["StaffUserPoolClient"]["Ref"]
    pool_id = stack.template.physical["StaffUserPool"]["Ref"]
    answer = srp_sign_in(lambda name, body: operations[name](**body), client_id, pool_id, email, password)
    return str(answer["AuthenticationResult"]["IdToken"])


def call_handler_token(stack: LocalStack, force_id: str) -> str:
    [handler] = [h for h in stack.call_handlers if h["force_id"] == force_id]
    kept = stack.state_dir / "call-handlers.json"
    assert handler in json.loads(kept.read_text(encoding="utf-8")) and kept.stat().st_mode & 0o077 == 0
    return staff_token(stack, handler["email"], handler["password"])


def analyst_token(stack: LocalStack, force_id: str) -> str:
    [analyst] = [a for a in stack.analysts if a.force_id == force_id]
    return staff_token(stack, analyst.email, analyst.password)


def claims(token: str) -> dict[str, Any]:
    payload = token.split(".")[1]
    return dict(json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))))


def look_up(http: Client, token: str, reference: str) -> tuple[int, Any]:
    body = json.dumps({"crime_reference": reference, **WHY}).encode()
    answer = http.request(
        "POST",
        "/v1/staff/case-lookups",
        body=body,
        headers={"Authorization": token, "Content-Type": "application/json"},
    )
    return answer.status, answer.json()


def test_a_call_handler_finds_a_case_of_their_force_and_records_the_call(stack: LocalStack, http: Client) -> None:
    token = call_handler_token(stack, "thames-valley")

    def sent() -> list[dict[str, str]]:
        status, found = look_up(http, token, BURGLARY)
        assert status == 200
        return [m for v in found["victims"] for m in v["messages_sent"] if m["status"] == "sent"]

    eventually(lambda: len(sent()) >= 1)  # the demo confirmation, once dispatch has sent it
    _, found = look_up(http, token, BURGLARY)
    case_id = found["case_id"]
    calls = f"/v1/staff/cases/thames-valley/{case_id}/calls"
    recorded = http.request(
        "POST", calls, body=b"{}", headers={"Authorization": token, "Content-Type": "application/json"}
    )
    assert recorded.status == 201 and recorded.json()["status"] == "recorded"
    # The force's analyst sees who looked the case up and why
    lookups = http.request(
        "GET",
        f"/v1/staff/cases/thames-valley/{case_id}/lookups",
        headers={"Authorization": analyst_token(stack, "thames-valley")},
    )
    assert lookups.status == 200
    entries = lookups.json()["entries"]
    assert {e["action"] for e in entries} == {"staff-viewed-case", "victim-called"}
    who = claims(token)  # signed in to moto directly, its email claim is the user id (the page: the address)
    assert {e["staff_sub"] for e in entries} == {who["sub"]}  # the one demo call handler (the page's test too)
    assert (who["sub"], who["email"]) in {(e["staff_sub"], e["staff_email"]) for e in entries}
    assert any(e["reason"] == "victim-called-for-update: Asked what happens next" for e in entries)


def test_other_forces_analysts_and_victims_cannot_look_cases_up(stack: LocalStack, http: Client) -> None:
    token = call_handler_token(stack, "thames-valley")
    assert look_up(http, token, HAMPSHIRE_VEHICLE_CRIME) == look_up(http, token, "49990000001")  # the same 404
    assert look_up(http, token, HAMPSHIRE_VEHICLE_CRIME)[0] == 404
    assert look_up(http, analyst_token(stack, "thames-valley"), BURGLARY)[0] == 403
    assert look_up(http, id_token(stack), BURGLARY)[0] == 401  # a victim's token: the staff authorizer refuses it
