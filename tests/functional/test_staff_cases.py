"""The call handler's view in moto (issue 15, item 3): a force's contact centre finds a case by crime
reference (in the body), sees what the victim sees and every message sent, each look-up audited with its
reason; "victim called" is an audit item dispatch counts; other forces, analysts and victims are refused;
no crime reference reaches the logs."""

from __future__ import annotations

import json
from types import ModuleType
from typing import Any

import botocore.handlers
import pytest

from caseline_local.template import Template

from .conftest import REGION, Context, LogCapture, api_event, load_handler, share_one_connection
from .test_iam_coverage import allowed, record
from .test_insights import Stack, scan

__all__ = ["record"]  # a fixture: the AWS actions the function takes

TV_REFERENCE = "40260000000"  # Stack.post_cases: one case per force, these references
HAMPSHIRE_REFERENCE = "41260000000"
LOOKUP = "/v1/staff/case-lookups"
WHY = {"reason": "victim-called-for-update", "detail": "Asked when the officer will call back"}


@pytest.fixture
def stack(aws: Template) -> Stack:
    found = Stack(aws)
    found.post_cases(per_force=1)
    found.settle()
    return found


@pytest.fixture
def api(stack: Stack, monkeypatch: pytest.MonkeyPatch) -> ModuleType:
    from caseline.config import get_settings

    monkeypatch.setenv("STAFF_USER_POOL_ID", stack.template.physical["StaffUserPool"]["Ref"])
    get_settings.cache_clear()
    return load_handler("staff_cases")


def claims(template: Template, *groups: str, pool: str = "StaffUserPool", sub: str = "handler-7") -> dict[str, Any]:
    pool_id = template.physical[pool]["Ref"]
    return {
        "sub": sub,
        "email": f"{sub}@example.org",
        "token_use": "id",
        "iss": f"https://cognito-idp.{REGION}.amazonaws.com/{pool_id}",
        "cognito:groups": ",".join(groups),  # as API Gateway passes a list claim: one string
    }


def call(api: ModuleType, who: dict[str, Any], method: str, path: str, body: Any = None) -> tuple[int, Any]:
    resource, params = path, None
    if path.startswith("/v1/staff/cases/"):
        force_id, case_id, tail = path.split("/")[4:7]
        resource, params = (
            f"/v1/staff/cases/{{force_id}}/{{case_id}}/{tail}",
            {"force_id": force_id, "case_id": case_id},
        )
    event = api_event(
        method,
        path,
        resource=resource,
        path_parameters=params,
        headers={"Content-Type": "application/json"} if body is not None else None,
        body=json.dumps(body) if body is not None else None,
        claims=who,
    )
    response = api.lambda_handler(event, Context())
    return response["statusCode"], json.loads(response["body"])


def audit_items(action: str) -> list[dict[str, Any]]:
    return [i for i in scan("audit") if i["action"]["S"] == action]


def test_a_call_handler_sees_what_the_victim_sees_and_every_message_sent_after_an_audit(
    stack: Stack, api: ModuleType
) -> None:
    handler = claims(stack.template, "contact-thames-valley")
    status, found = call(api, handler, "POST", LOOKUP, {"crime_reference": TV_REFERENCE, **WHY})
    assert status == 200
    assert (found["force_id"], found["crime_reference"]) == ("thames-valley", TV_REFERENCE)
    [victim] = found["victims"]
    view = victim["view"]
    assert view["crime_reference"] == TV_REFERENCE and view["timeline"] and view["rights"]
    # Every outbox message of the victim, as dispatch left it (template, channel, status, time)
    outbox = [i for i in scan("outbox") if i["case_id"]["S"] == found["case_id"]]
    assert sorted((m["template_id"], m["channel"], m["status"]) for m in victim["messages_sent"]) == sorted(
        (i["template_id"]["S"], i["channel"]["S"], i["status"]["S"]) for i in outbox
    )
    assert all(m["sent_at"] for m in victim["messages_sent"] if m["status"] == "sent")
    # The victim's own contact details are nowhere in the answer
    [details] = [v for v in scan("victim") if v["case_id"]["S"] == found["case_id"]]
    text = json.dumps(found)
    assert details["email"]["S"] not in text and details["mobile"]["S"] not in text
    # Who, when, which case, why: one audit item in the case's consultation log
    [entry] = audit_items("staff-viewed-case")
    assert entry["pk"]["S"] == f"AUDIT#thames-valley#{found['case_id']}"
    assert (entry["user_id"]["S"], entry["staff_email"]["S"]) == ("handler-7", "handler-7@example.org")
    assert entry["reason"]["S"] == "victim-called-for-update: Asked when the officer will call back"
    assert entry["force_id"]["S"] == "thames-valley" and entry["at"]["S"]


def test_other_forces_unknown_references_analysts_and_victims_are_refused(stack: Stack, api: ModuleType) -> None:
    handler = claims(stack.template, "contact-thames-valley")
    other_force = call(api, handler, "POST", LOOKUP, {"crime_reference": HAMPSHIRE_REFERENCE, **WHY})
    unknown = call(api, handler, "POST", LOOKUP, {"crime_reference": "49990000000", **WHY})
    assert other_force == unknown and other_force[0] == 404  # the same answer: existence is not revealed
    analyst = claims(stack.template, "force-thames-valley")
    status, problem = call(api, analyst, "POST", LOOKUP, {"crime_reference": TV_REFERENCE, **WHY})
    assert (status, problem["type"]) == (403, "urn:caseline:problem:forbidden")
    victim = claims(stack.template, "contact-thames-valley", pool="VictimUserPool")
    assert call(api, victim, "POST", LOOKUP, {"crime_reference": TV_REFERENCE, **WHY})[0] == 401
    assert audit_items("staff-viewed-case") == []


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"crime_reference": TV_REFERENCE}, "reason"),
        ({"crime_reference": TV_REFERENCE, "reason": "just-curious"}, "reason"),
        ({"crime_reference": TV_REFERENCE, "reason": "other"}, "detail"),
    ],
)
def test_a_look_up_without_a_reason_from_the_list_is_a_422_problem(
    stack: Stack, api: ModuleType, body: dict[str, Any], field: str
) -> None:
    status, problem = call(api, claims(stack.template, "contact-thames-valley"), "POST", LOOKUP, body)
    assert (status, problem["type"], problem["field"]) == (422, "urn:caseline:problem:validation", field)
    assert audit_items("staff-viewed-case") == []


def test_a_recorded_call_is_an_audit_item_analysts_list_with_the_look_ups(stack: Stack, api: ModuleType) -> None:
    handler = claims(stack.template, "contact-thames-valley")
    case_id = call(api, handler, "POST", LOOKUP, {"crime_reference": TV_REFERENCE, **WHY})[1]["case_id"]
    calls = f"/v1/staff/cases/thames-valley/{case_id}/calls"
    status, recorded = call(api, handler, "POST", calls, {"note": "Wanted the court date"})
    assert (status, recorded["status"]) == (201, "recorded")
    [item] = audit_items("victim-called")  # what dispatch's INSERT filter on audit items counts
    assert (item["entity"]["S"], item["force_id"]["S"], item["case_id"]["S"]) == ("audit", "thames-valley", case_id)
    # It reaches dispatch through its stream filter (which counts it), and dispatch handles it without fault
    records = stack.dispatch_stream.new_records()
    actions = [r["dynamodb"]["NewImage"].get("action", {}).get("S") for r in records]
    assert "victim-called" in actions and "staff-viewed-case" in actions
    assert stack.dispatch.lambda_handler({"Records": records}, Context()) == {"batchItemFailures": []}
    # Another force's staff cannot record a call on it: the same 404 as a case that does not exist
    hampshire = claims(stack.template, "contact-hampshire")
    assert call(api, hampshire, "POST", calls, {})[0] == 404
    assert call(api, handler, "POST", "/v1/staff/cases/thames-valley/NO-SUCH/calls", {})[0] == 404
    # The force's analysts and its data protection officer list the look-ups and calls; nobody else
    lookups = f"/v1/staff/cases/thames-valley/{case_id}/lookups"
    for reader in ("force-thames-valley", "dpo-thames-valley"):
        status, listed = call(api, claims(stack.template, reader), "GET", lookups)
        assert status == 200
        assert [(e["action"], e["staff_email"]) for e in listed["entries"]] == [
            ("staff-viewed-case", "handler-7@example.org"),
            ("victim-called", "handler-7@example.org"),
        ]
    assert call(api, claims(stack.template, "force-hampshire"), "GET", lookups)[0] == 404
    assert call(api, handler, "GET", lookups)[0] == 403


def test_no_crime_reference_reaches_the_logs(stack: Stack, api: ModuleType, captured_logs: LogCapture) -> None:
    handler = claims(stack.template, "contact-thames-valley")
    for body in (
        {"crime_reference": TV_REFERENCE, **WHY},
        {"crime_reference": HAMPSHIRE_REFERENCE, **WHY},
        {"crime_reference": TV_REFERENCE, "reason": "nope"},
        {"crime_reference": TV_REFERENCE, **WHY, "unexpected": TV_REFERENCE},
    ):
        call(api, handler, "POST", LOOKUP, body)
    assert any("Request rejected" in line for line in captured_logs.lines)  # the function did log
    for reference in (TV_REFERENCE, HAMPSHIRE_REFERENCE):
        assert not [line for line in captured_logs.lines if reference in line]


def test_every_call_is_allowed_by_the_role_on_the_keys_it_names(stack: Stack, api: ModuleType, record: Any) -> None:
    """What the three routes really call (recorded against moto, which enforces no IAM) is in the function's
    policy, on partition keys its LeadingKeys conditions allow; it puts only AUDIT# items and never Scans."""
    calls: list[tuple[str, dict[str, Any]]] = []
    hook = ("before-call.dynamodb", lambda model, params, **_: calls.append((model.name, params)))
    botocore.handlers.BUILTIN_HANDLERS.append(hook)
    share_one_connection()
    try:
        handler = claims(stack.template, "contact-thames-valley", "force-thames-valley")

        def every_route() -> None:
            status, found = call(api, handler, "POST", LOOKUP, {"crime_reference": TV_REFERENCE, **WHY})
            cases = f"/v1/staff/cases/thames-valley/{found['case_id']}"
            assert (status, call(api, handler, "POST", cases + "/calls", {})[0]) == (200, 201)
            assert call(api, handler, "GET", cases + "/lookups")[0] == 200

        actions = record(every_route)
    finally:
        botocore.handlers.BUILTIN_HANDLERS.remove(hook)
        share_one_connection()
    policy = allowed("StaffCasesFunction")
    assert {"dynamodb:Query", "dynamodb:GetItem", "dynamodb:PutItem"} <= actions <= policy
    keys = [(name, _partition_key(params)) for name, params in calls]
    assert len(keys) == 6  # Query REF#, Query CASE#, PutItem; GetItem CASE, PutItem; Query AUDIT#
    assert {key.split("#", 1)[0] for _, key in keys} == {"REF", "CASE", "AUDIT"}
    assert {key.split("#", 1)[0] for name, key in keys if name == "PutItem"} == {"AUDIT"}


def _partition_key(request: dict[str, Any]) -> str:
    """The pk a DynamoDB call names: its Key's or Item's, or a Query's key condition value."""
    params = json.loads(request["body"])  # PynamoDB hands botocore the request it serialised itself
    if "Key" in params or "Item" in params:
        return str(params.get("Key", params.get("Item"))["pk"]["S"])
    values = [v["S"] for v in params["ExpressionAttributeValues"].values() if "S" in v]
    return str(next(v for v in values if "#" in v))  # the key condition's value comes first


def test_the_role_may_write_only_audit_items(aws: Template) -> None:
    """Least privilege: the function's policy puts only AUDIT# items and reads only references, cases, audits."""
    policy = aws.resources["StaffCasesFunction"]["Properties"]["Policies"][0]["Statement"]
    writes = [s for s in policy if "dynamodb:PutItem" in s["Action"]]
    assert [s["Condition"]["ForAllValues:StringLike"]["dynamodb:LeadingKeys"] for s in writes] == [["AUDIT#*"]]
    assert not any(a in json.dumps(policy) for a in ("UpdateItem", "DeleteItem", "Scan", "BatchWriteItem"))
