"""Canary: a known access code and known contact details through a whole case life cycle, then a search of
everything Caseline kept or emitted.

Crime recorded → confirmation by email and SMS → the victim links with the code → updates, an officer's
message, a message and an update request back to the force → case closed → the victim downloads their
data. Every table item, every stream record, every log line, every message sent, every event delivered to
the force and the data download are then searched. The access code (raw, with its dash, lower case) must be
in the two messages that carry it and nowhere else; the name, email address and mobile number only in the
places docs/data-rights.md lists under "Where a victim's contact details are kept".
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from typing import Any

import boto3
import pytest
from moto.core import DEFAULT_ACCOUNT_ID
from moto.ses.models import ses_backends
from moto.sns.models import sns_backends

from caseline.domain import access_code
from caseline_local.template import Template

from .builders import crime_recorded
from .conftest import REGION, Context, LogCapture, StreamReader, api_event, load_handler, webhook_request
from .test_outbound import FakeForce, _queue_records

CODE = "CZ7QMX4TD9"  # what access_code.new_code returns in this test (50 bits of Crockford base32)
NAME, EMAIL, MOBILE = "Morwenna Quillfeather", "morwenna.quillfeather@example.org", "+447700900555"
FORCE, CASE, REFERENCE, VICTIM, USER = "thames-valley", "TVP-CANARY-1", "43260001234", "TVP-V-0001", "canary-user"
VICTIM_BLOCK = {
    "victim_id": VICTIM,
    "name": NAME,
    "email": EMAIL,
    "mobile": MOBILE,
    "preferred_language": "en",
    "tier": "standard",
}


def code_forms() -> set[str]:
    dashed = access_code.display(CODE)
    return {CODE, dashed, CODE.lower(), dashed.lower(), dashed.replace("-", " ")}


@dataclass
class LifeCycle:
    """Drives the real handlers against moto, keeping everything that left Caseline."""

    template: Template
    stream_records: list[dict[str, Any]] = field(default_factory=list)
    queued: list[str] = field(default_factory=list)
    answers: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.ingest, self.journeys, self.dispatch = (
            load_handler("webhook_ingest"),
            load_handler("journeys"),
            load_handler("dispatch"),
        )
        self.api, self.outbound, self.sweep = (
            load_handler("victim_api"),
            load_handler("outbound"),
            load_handler("duty_sweep"),
        )
        secrets = boto3.client("secretsmanager", region_name=REGION)
        secret = json.loads(secrets.get_secret_value(SecretId=f"caseline/test/outbound/{FORCE}")["SecretString"])
        self.force = FakeForce(secret["current"])
        self.outbound.endpoint._open = self.force
        self.sqs = boto3.client("sqs", region_name=REGION)
        self.journey_stream = StreamReader(self.template, "JourneysFunction")
        self.dispatch_stream = StreamReader(self.template, "DispatchFunction")
        self.whole_stream = StreamReader(self.template, "JourneysFunction")
        self.whole_stream.filters = None  # every record, as any reader of the stream sees it

    def post(self, event: dict[str, Any]) -> None:
        assert self.ingest.lambda_handler(webhook_request(FORCE, event), Context())["statusCode"] == 202
        self.settle()

    def event(self, sequence: int, kind: str, data: dict[str, Any]) -> None:
        self.post({**crime_recorded(CASE, sequence=sequence), "type": f"org.caseline.{kind}.v1", "data": data})

    def settle(self) -> None:
        """Run journeys, dispatch and the outbound function until nothing new is on the stream or queue."""
        for _ in range(10):
            journeys, outbox = self.journey_stream.new_records(), self.dispatch_stream.new_records()
            if journeys:
                assert self.journeys.lambda_handler({"Records": journeys}, Context()) == {"batchItemFailures": []}
            if outbox:
                assert self.dispatch.lambda_handler({"Records": outbox}, Context()) == {"batchItemFailures": []}
            queue_url = self.template.physical["OutboundQueue"]["QueueUrl"]
            queued = _queue_records(queue_url)
            if queued:
                self.queued.extend(r["body"] for r in queued)
                assert self.outbound.lambda_handler({"Records": queued}, Context()) == {"batchItemFailures": []}
                for record in queued:  # the event source mapping's part: a handled message leaves the queue
                    self.sqs.delete_message(QueueUrl=queue_url, ReceiptHandle=record["receiptHandle"])
            if not (journeys or outbox or queued):
                return
        raise AssertionError("the life cycle did not settle")

    def call(self, method: str, path: str, body: Any = None, *, case: bool = True) -> dict[str, Any]:
        resource = "/v1/cases/{force_id}/{case_id}" + path if case else path
        event = api_event(
            method,
            f"/v1/cases/{FORCE}/{CASE}{path}" if case else path,
            resource=resource,
            path_parameters={"force_id": FORCE, "case_id": CASE} if case else None,
            headers={"Content-Type": "application/json"},
            body=json.dumps(body) if body is not None else None,
            claims={"sub": USER, "email": EMAIL, "auth_time": str(int(time.time()))},  # signed in just now
        )
        response = self.api.lambda_handler(event, Context())
        assert response["statusCode"] < 300, (method, path, response.get("body"))
        self.answers.append(response.get("body") or "")
        self.settle()
        return json.loads(response["body"]) if response.get("body") else {}

    def every_stream_record(self) -> list[dict[str, Any]]:
        self.stream_records.extend(self.whole_stream.new_records())
        return self.stream_records


def table_items() -> list[dict[str, Any]]:
    client = boto3.client("dynamodb", region_name=REGION)
    pages = client.get_paginator("scan").paginate(TableName="caseline-test")
    return [item for page in pages for item in page["Items"]]


def emails() -> list[Any]:
    return [m for m in ses_backends[DEFAULT_ACCOUNT_ID][REGION].sent_messages if EMAIL in m.destinations["ToAddresses"]]


def texts() -> list[tuple[str, str]]:
    return [(n, t) for _, (n, t, *_) in sns_backends[DEFAULT_ACCOUNT_ID][REGION].sms_messages.items()]


def holds(value: Any, needles: set[str]) -> bool:
    text = (value if isinstance(value, str) else json.dumps(value, default=str)).lower()
    return any(needle.lower() in text for needle in needles)


def _image_entity(record: dict[str, Any]) -> str:
    image = record["dynamodb"].get("NewImage") or record["dynamodb"].get("OldImage") or {}
    return str(image.get("entity", {}).get("S", "?"))


@pytest.fixture
def life_cycle(aws: Template, captured_logs: LogCapture, monkeypatch: pytest.MonkeyPatch) -> LifeCycle:
    monkeypatch.setattr(access_code, "new_code", lambda: CODE)
    return LifeCycle(aws)


def test_the_access_code_is_only_in_the_messages_that_carry_it(
    life_cycle: LifeCycle, captured_logs: LogCapture
) -> None:
    flow = life_cycle
    # Given a case recorded for a victim with a known name, email address and mobile number
    flow.post(crime_recorded(CASE, victim=VICTIM_BLOCK))
    # Then the confirmation carries the code by email and by SMS (the canary is really there to be found)
    [email] = emails()
    [sms] = [t for n, t in texts() if n == MOBILE]
    assert access_code.display(CODE) in email.body and access_code.display(CODE) in sms
    # And the outbox held it only sealed, while the message waited
    pending = [r for r in flow.every_stream_record() if r["eventName"] == "INSERT" and _image_entity(r) == "outbox"]
    assert len(pending) == 2 and all("sealed_code" in r["dynamodb"]["NewImage"] for r in pending)
    # When the victim links their account with it, and the case runs its course
    flow.call("POST", "/v1/me/links", {"crime_reference": REFERENCE, "access_code": CODE.lower()}, case=False)
    flow.event(2, "investigation.updated", {"summary": "We have collected the doorbell footage."})
    flow.event(3, "officer.message", {"message_id": "M-1", "text": "I will call you on Friday."})
    flow.call("GET", "")
    flow.call("POST", "/messages", {"text": "Thank you, Friday suits me."})
    flow.call("POST", "/update-requests")
    flow.event(4, "case.closed", {"closed_at": "2026-12-01T09:00:00Z", "reason_summary": "We have finished."})
    flow.sweep.lambda_handler({}, Context())
    flow.settle()
    export = flow.call("GET", "/v1/me/data", case=False)
    assert export["cases"][0]["case_id"] == CASE and len(flow.force.received) >= 2
    assert len(emails()) >= 3  # the updates and the closure reached the victim too
    # Then the code is in no table item, stream record, log line, event to the force, queue message or
    # answer; and in no message but the two confirmations
    forms = code_forms()
    assert [i["sk"]["S"] for i in table_items() if holds(i, forms)] == []
    assert [r["dynamodb"].get("Keys") for r in flow.every_stream_record() if holds(r, forms)] == []
    assert any('"Outbox message handled"' in line for line in captured_logs.lines)  # the capture works
    assert [line for line in captured_logs.lines if holds(line, forms)] == []
    assert [e for e in flow.force.received if holds(e, forms)] == []
    assert [b for b in flow.queued + flow.answers if holds(b, forms)] == []
    carrying = [m.body for m in emails() if holds(m.body, forms) or holds(m.subject, forms)]
    carrying += [t for _, t in texts() if holds(t, forms)]
    assert carrying == [email.body, sms]
    # And the access-code record that linked the account is gone; a sent message keeps no seal
    assert [i for i in table_items() if i["entity"]["S"] == "access-code"] == []
    assert all("sealed_code" not in i for i in table_items() if i["entity"]["S"] == "outbox")


# What docs/data-rights.md lists ("Where a victim's contact details are kept"): items, by entity.
CONTACT_DETAILS_IN_ITEMS = {"victim": {NAME, EMAIL, MOBILE}, "outbox": {NAME}}


def test_contact_details_are_only_where_data_rights_says(life_cycle: LifeCycle, captured_logs: LogCapture) -> None:
    flow = life_cycle
    flow.post(crime_recorded(CASE, victim=VICTIM_BLOCK))
    flow.call("POST", "/v1/me/links", {"crime_reference": REFERENCE, "access_code": CODE}, case=False)
    flow.event(2, "investigation.updated", {"summary": "We have collected the doorbell footage."})
    flow.call("POST", "/messages", {"text": "Thank you."})
    flow.event(3, "case.closed", {"closed_at": "2026-12-01T09:00:00Z", "reason_summary": "We have finished."})
    export = flow.call("GET", "/v1/me/data", case=False)
    details = {NAME, EMAIL, MOBILE}
    # Table items: the victim item holds all three; outbox messages the name (their personalisation)
    found: dict[str, set[str]] = {}
    for item in table_items():
        for detail in details:
            if holds(item, {detail}):
                found.setdefault(item["entity"]["S"], set()).add(detail)
    assert found == CONTACT_DETAILS_IN_ITEMS
    # Stream records: only the images of those same items
    in_stream: dict[str, set[str]] = {}
    for record in flow.every_stream_record():
        for detail in details:
            if holds(record, {detail}):
                in_stream.setdefault(_image_entity(record), set()).add(detail)
    assert in_stream == CONTACT_DETAILS_IN_ITEMS
    # Logs, events delivered to the force and queue messages: none
    assert [line for line in captured_logs.lines if holds(line, details)] == []
    assert [e for e in flow.force.received if holds(e, details)] == []
    assert flow.force.received and [b for b in flow.queued if holds(b, details)] == []
    # Messages sent: to the address and number, with the name in the text
    assert {m.destinations["ToAddresses"][0] for m in emails()} == {EMAIL}
    assert any(NAME in m.body for m in emails()) and {n for n, _ in texts()} == {MOBILE}
    # The data download: the victim's own details, and the account's sign-in email
    assert export["account"]["email"] == EMAIL
    assert {k: export["cases"][0]["your_details"][k] for k in ("name", "email", "mobile")} == {
        "name": NAME,
        "email": EMAIL,
        "mobile": MOBILE,
    }


def test_a_sealed_code_opens_only_for_its_message_and_that_messages_fallbacks(aws: Template) -> None:
    from caseline.adapters.sealing import KmsCodeSealer
    from caseline.domain.errors import StorageUnavailableError

    kms = boto3.client("kms", region_name=REGION)
    sealer = KmsCodeSealer(lambda: kms, key_id=aws.physical["DataKey"]["Arn"])
    key = f"once#confirmation-violent-crime#email#{VICTIM}"
    sealed = sealer.seal_code(FORCE, CASE, key, access_code.display(CODE))
    # The seal holds no form of the code, and opens for the message and its SMS fallback
    assert not holds(sealed, code_forms())
    assert sealer.open_code(FORCE, CASE, key, sealed) == access_code.display(CODE)
    assert sealer.open_code(FORCE, CASE, f"{key}#fallback-sms", sealed) == access_code.display(CODE)
    # But not for another message, case or force
    for force, case, other in (
        (FORCE, CASE, f"once#confirmation-violent-crime#sms#{VICTIM}"),
        (FORCE, "TVP-OTHER", key),
        ("hampshire", CASE, key),
    ):
        with pytest.raises(StorageUnavailableError):
            sealer.open_code(force, case, other, sealed)
    # And the context KMS (and so CloudTrail) sees names no template, crime or victim
    context = KmsCodeSealer._context(FORCE, CASE, key)
    assert set(context) == {"force", "case", "message"} and "violent" not in json.dumps(context)
    assert VICTIM not in json.dumps(context)
