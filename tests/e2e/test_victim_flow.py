"""Over HTTP, with real Cognito tokens from the local user pool: a victim signs up, links the case with
the code from the text message the stack sent, reads it and asks for an update."""

from __future__ import annotations

import json
import uuid

import boto3

from caseline_local import demo
from caseline_local.stack import LocalStack

from .conftest import Client, access_code, eventually, fresh_mobile
from .test_local_stack import id_token


def test_a_victim_links_and_reads_their_case_through_the_gateway(stack: LocalStack, http: Client) -> None:
    # Given a new Thames Valley case whose confirmation text carries the access code
    event = demo.fresh_crime_recorded("thames-valley", serial=int(uuid.uuid4().int % 1_000_000))
    mobile = fresh_mobile()
    event["data"]["victim"]["mobile"] = mobile
    assert stack.gateway is not None
    assert demo.post_event(stack.gateway.url, "thames-valley", event, stack.webhook_secret("thames-valley"))[0] == 202
    code = access_code(http, mobile, event["data"]["crime_reference"])
    token = {"Authorization": id_token(stack), "Content-Type": "application/json"}
    # When they link it with the crime reference and that code
    linked = http.request(
        "POST",
        "/v1/me/links",
        headers=token,
        body=json.dumps({"crime_reference": event["data"]["crime_reference"], "access_code": code}).encode(),
    )
    assert linked.status == 201, linked.body
    case_path = f"/v1/cases/thames-valley/{event['subject']}"
    # Then they can read it, and ask the officer for an update
    view = http.request("GET", case_path, headers=token)
    assert view.status == 200
    assert view.json()["crime_reference"] == event["data"]["crime_reference"]
    assert http.request("POST", case_path + "/update-requests", headers=token).json() == {"status": "requested"}
    # And nobody else can
    stranger = {"Authorization": id_token(stack)}
    assert http.request("GET", case_path, headers=stranger).status == 404
    # The request goes to the outbound queue...
    table = boto3.session.Session(region_name="eu-west-2").client("dynamodb")

    def outbound_status() -> str | None:
        items = table.query(
            TableName="caseline-local",
            KeyConditionExpression="pk = :pk AND begins_with(sk, :o)",
            ExpressionAttributeValues={
                ":pk": {"S": f"CASE#thames-valley#{event['subject']}"},
                ":o": {"S": "OUTBOUND#"},
            },
        )["Items"]
        return items[0]["status"]["S"] if items and items[0]["status"]["S"] != "pending" else None

    # ...and is delivered, signed, to the force's endpoint (the local stack runs one receiver per force)
    assert eventually(lambda: outbound_status() == "delivered")
    inbox = http.request("GET", "/_local/force-inbox.json").json()["thames-valley"]
    received = [e for e in inbox if e["subject"] == event["subject"]]
    assert [e["type"] for e in received] == ["org.caseline.victim.update-requested.v1"]
