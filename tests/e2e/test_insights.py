"""Force insights over HTTP against the running local stack: the demo analysts sign in to the staff pool
and read their own force's figures, counted from the demo cases as they were sent (docs/adr/0015)."""

from __future__ import annotations

import json
from typing import Any

from caseline_local import staff
from caseline_local.stack import LocalStack

from .conftest import Client, eventually
from .test_local_stack import id_token


def stack_state(stack: LocalStack) -> dict[str, Any]:
    """What the running stack wrote for its commands: this run's analysts and passwords among it."""
    return dict(json.loads((stack.state_dir / "state.json").read_text(encoding="utf-8")))


def analyst_token(stack: LocalStack, force_id: str) -> str:
    assert stack.gateway is not None
    return staff.id_token(stack.gateway.url, stack_state(stack), force_id)


def test_each_run_makes_its_own_analyst_passwords_and_keeps_them_private(stack: LocalStack) -> None:
    state = stack_state(stack)
    passwords = {force: analyst["password"] for force, analyst in state["analysts"].items()}
    assert sorted(passwords) == ["hampshire", "thames-valley"]
    assert len(set(passwords.values())) == 2 and all(len(p) >= 14 for p in passwords.values())
    assert {a.force_id: a.password for a in stack.analysts} == passwords
    assert (stack.state_dir / "state.json").stat().st_mode & 0o077 == 0


def test_a_force_s_analyst_reads_its_figures_and_no_one_else_s(stack: LocalStack, http: Client) -> None:
    assert sorted(a.force_id for a in stack.analysts) == ["hampshire", "thames-valley"]
    headers = {"Authorization": analyst_token(stack, "thames-valley")}

    def sent_email() -> int:
        answer = http.request("GET", "/v1/insights/thames-valley", headers=headers)
        assert answer.status == 200
        return int(answer.json()["totals"].get("messages", {}).get("sent_email", 0))

    # The demo's Thames Valley cases send their confirmation emails, and the figures count them
    eventually(lambda: sent_email() >= 2)
    as_csv = http.request("GET", "/v1/insights/thames-valley?period=week", headers=headers | {"Accept": "text/csv"})
    assert as_csv.status == 200 and as_csv.body.startswith(b"period_start,family,figure,value")
    # Not Hampshire's, not with a victim's token, not without one
    other = http.request("GET", "/v1/insights/hampshire", headers=headers)
    assert other.status == 404 and other.json()["type"] == "urn:caseline:problem:not-found"
    victim = http.request("GET", "/v1/insights/thames-valley", headers={"Authorization": id_token(stack)})
    assert victim.status == 401
    assert http.request("GET", "/v1/insights/thames-valley").status == 401
    # A bad range is a problem
    bad = http.request("GET", "/v1/insights/thames-valley?from=2026-12-06&to=2026-12-01", headers=headers)
    assert bad.status == 422 and bad.json()["type"] == "urn:caseline:problem:validation"


def test_the_staff_client_takes_no_password_flow(stack: LocalStack, http: Client) -> None:
    analyst = staff.from_state(stack_state(stack), "hampshire")
    body = {
        "ClientId": stack_state(stack)["staff_client_id"],
        "AuthFlow": "USER_PASSWORD_AUTH",
        "AuthParameters": {"USERNAME": analyst.email, "PASSWORD": analyst.password},
    }
    target = {"X-Amz-Target": "AWSCognitoIdentityProviderService.InitiateAuth"}
    refused = http.request(
        "POST",
        "/_local/cognito",
        body=json.dumps(body).encode(),
        headers={"Content-Type": "application/x-amz-json-1.1"} | target,
    )
    assert refused.status == 400 and refused.json()["__type"] == "InvalidParameterException"
