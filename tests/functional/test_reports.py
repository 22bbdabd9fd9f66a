"""Reporting a crime online through the reports function, the stream, the outbound queue and the webhook
(moto, every resource from template.yaml)."""

from __future__ import annotations

import copy
import dataclasses
import json
import time
import types
import uuid
from datetime import UTC, datetime, timedelta
from types import ModuleType
from typing import Any

import boto3
import pytest

from caseline.adapters.address_keys import KmsAddressKeyer
from caseline.adapters.dynamodb.data_rights import DynamoDataRightsStore
from caseline.adapters.dynamodb.dispatch import DynamoDispatchReader
from caseline.adapters.dynamodb.reports import DynamoReportStore
from caseline.adapters.sealing import KmsFieldSealer
from caseline.domain.outbound import outbound_event_id
from caseline_local.template import Template

from .builders import crime_recorded
from .conftest import (
    REGION,
    Context,
    LogCapture,
    StreamReader,
    api_event,
    load_handler,
    share_one_connection,
    webhook_request,
)
from .test_outbound import FakeForce, _queue_records

NOW = datetime.now(UTC)
REPORT: dict[str, Any] = {
    "force_id": "thames-valley",
    "idempotency_key": "",
    "website": "",
    "category": "burglary",
    "what_happened": "Someone broke the back door and took my laptop.",
    "occurred": {"from": (NOW - timedelta(days=1)).isoformat(), "to": (NOW - timedelta(hours=12)).isoformat()},
    "location": {"description": "My flat, 4 Example Road", "postcode": "RG1 1AA"},
    "items": [{"description": "Laptop", "value_pounds": 650}],
    "damage": "Back door lock broken",
    "injured": False,
    "injury_details": None,
    "suspect": {"known": False, "name": None, "description": "Tall, dark jacket"},
    "witnesses": "My neighbour at number 6 heard a noise",
    "vehicle": None,
    "cctv": "not-sure",
    "reporter": {
        "name": "Alex Example",
        "email": "alex@example.org",
        "mobile": "+447700900123",
        "date_of_birth": "1990-05-01",
        "under_18": False,
        "preferred_language": "en",
        "needs": "I use a hearing aid",
        "wants_support": True,
    },
    "safe_contact": {
        "safe_channels": ["email", "sms"],
        "safe_hours": None,
        "may_name_police": True,
        "may_name_crime": True,
    },
}


def a_report(**changes: Any) -> dict[str, Any]:
    body = copy.deepcopy(REPORT)
    body["idempotency_key"] = str(uuid.uuid4())
    body.update(changes)
    return body


@pytest.fixture
def reports(aws: Template) -> ModuleType:
    handler = load_handler("reports")
    key = aws.physical["DataKey"]["Arn"]
    handler.store = DynamoReportStore(KmsFieldSealer(boto3.client("kms", region_name=REGION), key_id=key))
    return handler


def post(handler: ModuleType, body: Any, *, user: str | None = None, ip: str = "198.51.100.7") -> dict[str, Any]:
    path = "/v1/me/reports" if user else "/v1/reports"
    event = api_event(
        "POST",
        path,
        resource=path,
        headers={"Content-Type": "application/json"},
        body=body if isinstance(body, str) else json.dumps(body),
        claims={"sub": user} if user else None,
    )
    event["requestContext"]["identity"]["sourceIp"] = ip
    answer: dict[str, Any] = handler.lambda_handler(event, Context())
    return answer


def table_items() -> list[dict[str, Any]]:
    return boto3.client("dynamodb", region_name=REGION).scan(TableName="caseline-test")["Items"]


def test_a_report_is_stored_sealed_with_its_outbound_event_and_the_same_form_again_is_one_report(
    reports: ModuleType,
) -> None:
    # Given a signed-out reporter's burglary report
    body = a_report()
    # When it is sent twice (a double click)
    first, second = post(reports, body), post(reports, body)
    # Then the first is 201 with a reference, the second 200 with the same one
    assert first["statusCode"] == 201, first["body"]
    reference = json.loads(first["body"])["report_reference"]
    assert json.loads(first["body"])["status"] == "submitted"
    assert reference.startswith("TV-") and len(reference) == 12
    assert second["statusCode"] == 200 and json.loads(second["body"])["report_reference"] == reference
    # And one report, one key and one outbound event are stored, none holding the personal fields in plain
    items = table_items()
    entities = sorted(i["entity"]["S"] for i in items)
    # (three counters: the client address, and the email address and mobile the reference goes to)
    assert entities == ["outbound", "outbox", "outbox", "report", "report-key"] + ["report-rate"] * 3
    stored = json.dumps(items)
    for personal in ("Alex Example", "alex@example.org", "7700900123", "back door", "Example Road", "neighbour"):
        assert personal not in stored, personal


def test_every_invalid_field_gets_a_govuk_message_and_fraud_is_sent_elsewhere(reports: ModuleType) -> None:
    # Given a report with a bad email, a postcode that is not one, an end before its start and an unknown member
    body = a_report(extra="x")
    body["reporter"] = {**REPORT["reporter"], "email": "alex-at-example"}
    body["location"] = {"description": None, "postcode": "NOT A CODE"}
    body["occurred"] = {"from": REPORT["occurred"]["to"], "to": REPORT["occurred"]["from"]}
    # When it is sent
    answer = post(reports, body)
    # Then 422 lists one message per field, as the portal shows them
    assert answer["statusCode"] == 422
    problem = json.loads(answer["body"])
    assert problem["type"] == "urn:caseline:problem:validation"
    messages = {e["field"]: e["message"] for e in problem["errors"]}
    assert messages["reporter.email"] == "Enter an email address in the correct format, like name@example.com"
    assert messages["location.postcode"] == "Enter a real postcode, like RG1 1AA"
    assert messages["occurred.to"] == "When it ended must be the same as or after when it started"
    assert "extra" in messages
    # And fraud is refused with a pointer to Report Fraud
    fraud = post(reports, a_report(category="other-crime", fraud=True))
    assert fraud["statusCode"] == 422
    assert json.loads(fraud["body"])["type"] == "urn:caseline:problem:report-elsewhere"
    assert "reportfraud.police.uk" in json.loads(fraud["body"])["detail"]
    assert table_items() == []


def test_bad_bodies_are_4xx_never_5xx(reports: ModuleType) -> None:
    assert post(reports, "not json")["statusCode"] == 400
    assert post(reports, "[1, 2]")["statusCode"] == 422
    assert post(reports, json.dumps(a_report(what_happened="x" * 17000)))["statusCode"] == 413
    assert post(reports, json.dumps(a_report(items=[{"value_pounds": 1e309}])))["statusCode"] == 400  # Infinity
    assert post(reports, json.dumps(a_report(items=[{"value_pounds": 1e300}])))["statusCode"] == 422


def test_a_member_named_with_a_dot_or_with_personal_details_is_a_422_and_is_not_logged(
    reports: ModuleType, captured_logs: LogCapture
) -> None:
    # Given reports with an unknown member holding a dot, or named with personal details, beside a bad
    # email address and mobile
    named = "Ottoline Wrexhamvant +447700900417 ottoline@example.org"
    for unknown, user in (("utm.source", None), (named, "user-1")):
        body = a_report(**{unknown: 1})
        body["reporter"] = {**body["reporter"], "email": "marigold.victim@example", "mobile": "07700 900 4"}
        # When each is posted
        answer = post(reports, body, user=user)
        # Then it is refused with a message a field, the unknown member first
        assert answer["statusCode"] == 422
        fields = [e["field"] for e in json.loads(answer["body"])["errors"]]
        assert fields == [unknown, "reporter.email", "reporter.mobile"]
    # And nothing the reporter wrote reaches the logs
    assert sum('"Report refused"' in line for line in captured_logs.lines) == 2  # the capture works
    for written in ("Ottoline", "ottoline@", "900417", "marigold", "07700 900 4"):
        assert [line for line in captured_logs.lines if written in line] == []


def test_the_honeypot_answers_like_a_report_and_stores_nothing(reports: ModuleType) -> None:
    answer = post(reports, a_report(website="http://spam.example.org"))
    assert answer["statusCode"] == 201
    assert json.loads(answer["body"])["report_reference"].startswith("TV-")
    assert table_items() == []


def _quiet_report(**changes: Any) -> dict[str, Any]:
    """A report whose reporter said no channel is safe: no reference message, so only the client address
    is counted."""
    body = a_report(**changes)
    body["safe_contact"] = {**REPORT["safe_contact"], "safe_channels": []}
    return body


def _ip_counters() -> set[str]:
    return {i["pk"]["S"] for i in table_items() if i["pk"]["S"].startswith("REPORTRATE#IP#")}


def test_an_address_may_send_five_reports_an_hour(reports: ModuleType) -> None:
    answers = [post(reports, a_report(), ip="203.0.113.9") for _ in range(6)]
    assert [a["statusCode"] for a in answers] == [201] * 5 + [429]
    headers = answers[-1].get("headers") or {k: v[0] for k, v in answers[-1]["multiValueHeaders"].items()}
    assert 0 < int(headers["Retry-After"]) <= 3600
    assert post(reports, a_report(), ip="203.0.113.10")["statusCode"] == 201  # another address is counted apart
    assert "203.0.113.9" not in json.dumps(table_items())  # only a keyed hash of the address is kept


def test_addresses_in_one_ipv6_64_share_one_limit_and_another_64_has_its_own(reports: ModuleType) -> None:
    # Given five reports, each from another address of one /64 (a new address per request is free)
    same_64 = [f"2001:db8:1:2::{n:x}" for n in range(1, 6)] + ["2001:db8:1:2:ffff:ffff:ffff:ffff"]
    answers = [post(reports, _quiet_report(), ip=ip) for ip in same_64]
    # Then the sixth, from yet another address of that /64, is refused
    assert [a["statusCode"] for a in answers] == [201] * 5 + [429]
    # And an address of the next /64 is counted apart
    assert post(reports, _quiet_report(), ip="2001:db8:1:3::1")["statusCode"] == 201
    assert len(_ip_counters()) == 2


def test_the_stored_address_key_is_an_hmac_with_the_deployments_key(aws: Template, reports: ModuleType) -> None:
    import hashlib

    # Given a report from one address under this deployment's key
    ip = "198.51.100.23"
    assert post(reports, _quiet_report(), ip=ip)["statusCode"] == 201
    [first] = _ip_counters()
    stored = first.removeprefix("REPORTRATE#IP#")
    # Then the key is neither the address nor its plain SHA-256 (with or without the old prefix)
    for plain in (ip, f"caseline-report-ip:{ip}", f"report-ip:{ip}"):
        digest = hashlib.sha256(plain.encode()).hexdigest()
        assert stored not in digest and ip not in first
    # And it is the key's HMAC of the address, so another deployment's key gives another counter
    kms = boto3.client("kms", region_name=REGION)
    own = kms.generate_mac(
        KeyId=aws.physical["ReportRateKey"]["Arn"], Message=f"report-ip:{ip}".encode(), MacAlgorithm="HMAC_SHA_256"
    )
    assert own["Mac"].hex()[:32] == stored
    other = kms.create_key(KeySpec="HMAC_256", KeyUsage="GENERATE_VERIFY_MAC")["KeyMetadata"]["Arn"]
    reports.keyer = KmsAddressKeyer(kms, key_id=other)
    assert post(reports, _quiet_report(), ip=ip)["statusCode"] == 201
    [second] = _ip_counters() - {first}
    assert second != first


def test_one_address_gets_at_most_three_reference_messages_a_day(aws: Template, reports: ModuleType) -> None:
    # Given four reports a day from four client addresses, all naming one email address (upper case once)
    references = []
    for n, email in enumerate(["target@example.org"] * 3 + ["Target@Example.org"]):
        body = a_report()
        body["reporter"] = {**REPORT["reporter"], "email": email, "mobile": f"07700 90060{n}"}
        answer = post(reports, body, ip=f"192.0.2.{n + 1}")
        # Then each is accepted with its reference (the answer is the same over the cap)
        assert answer["statusCode"] == 201, answer["body"]
        references.append(json.loads(answer["body"])["report_reference"])
    # When everything is delivered
    force = _deliver(aws)
    # Then the force has all four reports, but the address got the reference only three times
    assert sorted(r["body"]["subject"] for r in force.received) == sorted(references)
    emails = _emails_to("target@example.org") + _emails_to("Target@Example.org")
    assert len(emails) == 3
    assert references[3] not in " ".join(e.body for e in emails)
    # And each mobile, under its own cap, got its text
    assert [len(_texts_to(f"+44770090060{n}")) for n in range(4)] == [1, 1, 1, 1]
    assert "target@example.org" not in json.dumps(table_items())


def _dispatch(aws: Template) -> ModuleType:
    """The dispatch function, opening reporters with the test stack's key (no DATA_KEY_ID in tests)."""
    dispatch = load_handler("dispatch")
    kms = boto3.client("kms", region_name=REGION)
    reader = DynamoDispatchReader(DynamoReportStore(KmsFieldSealer(kms, key_id=aws.physical["DataKey"]["Arn"])))
    dispatch.environment = dataclasses.replace(dispatch.environment, reader=reader)
    return dispatch


def _deliver(aws: Template) -> FakeForce:
    dispatch, outbound = _dispatch(aws), load_handler("outbound")
    outbound.reports = DynamoReportStore(
        KmsFieldSealer(boto3.client("kms", region_name=REGION), key_id=aws.physical["DataKey"]["Arn"])
    )
    secrets = boto3.client("secretsmanager", region_name=REGION)
    secret = json.loads(secrets.get_secret_value(SecretId="caseline/test/outbound/thames-valley")["SecretString"])
    force = FakeForce(secret["current"])
    outbound.endpoint._open = force
    records = StreamReader(aws, "DispatchFunction").new_records()
    dispatch.lambda_handler({"Records": records}, Context())
    queued = _queue_records(aws.physical["OutboundQueue"]["QueueUrl"])
    assert outbound.lambda_handler({"Records": queued}, Context()) == {"batchItemFailures": []}
    return force


def _force_event(reference: str, event_type: str, sequence: int, data: dict[str, Any]) -> dict[str, Any]:
    return {
        "specversion": "1.0",
        "id": str(uuid.uuid4()),
        "source": "urn:example:thames-valley:niche",
        "type": f"org.caseline.{event_type}.v1",
        "time": datetime.now(UTC).isoformat(),
        "subject": reference,
        "sequence": sequence,
        "datacontenttype": "application/json",
        "data": data,
    }


def _my_reports(reports: ModuleType, user: str) -> list[dict[str, Any]]:
    event = api_event("GET", "/v1/me/reports", resource="/v1/me/reports", claims={"sub": user})
    answer = reports.lambda_handler(event, Context())
    assert answer["statusCode"] == 200, answer["body"]
    found: list[dict[str, Any]] = json.loads(answer["body"])["reports"]
    return found


@pytest.mark.parametrize("crime_first", [False, True])
def test_the_force_receives_the_whole_report_and_recording_it_links_the_signed_in_reporter(
    aws: Template, reports: ModuleType, crime_first: bool
) -> None:
    # Given a signed-in reporter's report
    answer = post(reports, a_report(), user="reporter-1")
    reference = json.loads(answer["body"])["report_reference"]
    # When it is delivered
    force = _deliver(aws)
    # Then the force receives report.submitted, signed, with the report decrypted and no account id
    [received] = force.received
    assert received["id"] == outbound_event_id("thames-valley", reference, f"report-{reference}")
    assert received["body"]["type"] == "org.caseline.report.submitted.v1"
    assert received["body"]["subject"] == reference
    data = received["body"]["data"]
    assert data["report_reference"] == reference and data["account_linked"] is True
    assert data["reporter"]["email"] == "alex@example.org" and data["what_happened"].startswith("Someone")
    assert "reporter-1" not in json.dumps(received)
    assert _my_reports(reports, "reporter-1")[0]["status"] == "submitted"
    # When the force says received, then recorded (and sends crime.recorded for the case, in either order)
    ingest = load_handler("webhook_ingest")

    def send(event: dict[str, Any]) -> int:
        status: int = ingest.lambda_handler(webhook_request("thames-valley", event), Context())["statusCode"]
        return status

    assert send(_force_event(reference, "report.received", 1, {})) == 202
    crime = crime_recorded("TVP-R-0001")
    recorded = {
        "crime_reference": crime["data"]["crime_reference"],
        "case_id": "TVP-R-0001",
        "victim_id": crime["data"]["victim"]["victim_id"],
    }
    if crime_first:
        assert send(crime) == 202
    assert send(_force_event(reference, "report.recorded", 2, recorded)) == 202
    if not crime_first:
        assert send(crime) == 202
    # Then my reports says recorded with the crime reference and the case, and the case is linked to me
    [mine] = _my_reports(reports, "reporter-1")
    assert mine["status"] == "recorded"
    assert mine["crime_reference"] == recorded["crime_reference"]
    assert mine["case"] == {"force_id": "thames-valley", "case_id": "TVP-R-0001"}
    victim_api = load_handler("victim_api")
    cases = victim_api.lambda_handler(
        api_event("GET", "/v1/me/cases", resource="/v1/me/cases", claims={"sub": "reporter-1"}), Context()
    )
    assert [c["case_id"] for c in json.loads(cases["body"])["cases"]] == ["TVP-R-0001"]
    # And a late "received" does not move it back
    assert send(_force_event(reference, "report.received", 1, {})) in (200, 202)
    assert _my_reports(reports, "reporter-1")[0]["status"] == "recorded"
    # Nor does one numbered after the final answer, and the answer says it was not applied
    late = _force_event(reference, "report.received", 3, {})
    answer = ingest.lambda_handler(webhook_request("thames-valley", late), Context())
    assert (answer["statusCode"], json.loads(answer["body"])["status"]) == (202, "stale")
    assert _my_reports(reports, "reporter-1")[0]["status"] == "recorded"


def test_not_recorded_says_why_and_where_to_go(aws: Template, reports: ModuleType) -> None:
    reference = json.loads(post(reports, a_report(), user="reporter-2")["body"])["report_reference"]
    ingest = load_handler("webhook_ingest")
    reason = {"reason": "This is a civil matter between you and your landlord.", "where_to_go": "Citizens Advice"}
    event = _force_event(reference, "report.not-recorded", 1, reason)
    assert ingest.lambda_handler(webhook_request("thames-valley", event), Context())["statusCode"] == 202
    [mine] = _my_reports(reports, "reporter-2")
    assert (mine["status"], mine["reason"], mine["where_to_go"], mine["case"]) == (
        "not-recorded",
        reason["reason"],
        "Citizens Advice",
        None,
    )


def test_an_event_about_an_unknown_report_is_refused(aws: Template) -> None:
    ingest = load_handler("webhook_ingest")
    event = _force_event("TV-0000-0000", "report.received", 1, {})
    assert ingest.lambda_handler(webhook_request("thames-valley", event), Context())["statusCode"] == 422


def test_every_action_of_the_reporting_path_is_in_each_functions_policy(aws: Template, reports: ModuleType) -> None:
    """The IAM check of test_iam_coverage for the reports function and the report paths of the others."""
    import botocore.handlers
    import botocore.session

    from .test_iam_coverage import Recorder, allowed

    recorder = Recorder()
    entry = ("before-call", recorder)
    botocore.handlers.BUILTIN_HANDLERS.append(entry)
    share_one_connection()  # a fresh client that carries the hook, for every model class
    used: dict[str, set[str]] = {}
    try:
        kms = botocore.session.Session().create_client("kms", region_name=REGION)  # a new session carries the hook
        key = aws.physical["DataKey"]["Arn"]
        reports.store = DynamoReportStore(KmsFieldSealer(kms, key_id=key))
        reports.keyer = KmsAddressKeyer(kms, key_id=aws.physical["ReportRateKey"]["Arn"])

        def run(function: str, call: Any) -> None:
            recorder.actions.clear()
            call()
            used[function] = used.get(function, set()) | recorder.actions

        # Given a signed-in report, submitted, listed and delivered, then recorded before its crime
        run("ReportsFunction", lambda: post(reports, a_report(), user="iam-reporter"))
        run("ReportsFunction", lambda: _my_reports(reports, "iam-reporter"))
        reference = json.loads(post(reports, a_report(), user="iam-reporter")["body"])["report_reference"]
        dispatch, outbound = load_handler("dispatch"), load_handler("outbound")
        outbound.reports = DynamoReportStore(KmsFieldSealer(kms, key_id=key))
        secrets = boto3.client("secretsmanager", region_name=REGION)
        secret = json.loads(secrets.get_secret_value(SecretId="caseline/test/outbound/thames-valley")["SecretString"])
        outbound.endpoint._open = FakeForce(secret["current"])
        records = StreamReader(aws, "DispatchFunction").new_records()
        reader = DynamoDispatchReader(DynamoReportStore(KmsFieldSealer(kms, key_id=key)))
        dispatch.environment = dataclasses.replace(dispatch.environment, reader=reader)
        run("DispatchFunction", lambda: dispatch.lambda_handler({"Records": records}, Context()))
        queued = _queue_records(aws.physical["OutboundQueue"]["QueueUrl"])
        run("OutboundFunction", lambda: outbound.lambda_handler({"Records": queued}, Context()))
        ingest = load_handler("webhook_ingest")
        crime = crime_recorded("TVP-IAM-R1")
        recorded = {
            "crime_reference": crime["data"]["crime_reference"],
            "case_id": "TVP-IAM-R1",
            "victim_id": crime["data"]["victim"]["victim_id"],
        }
        for event in (_force_event(reference, "report.recorded", 1, recorded), crime):
            request = webhook_request("thames-valley", event)
            run("WebhookIngestFunction", lambda r=request: ingest.lambda_handler(r, Context()))
        # ...and the reporter downloads their data (their reports opened) and closes their account
        victim_api = load_handler("victim_api")
        victim_api.dependencies.rights = DynamoDataRightsStore(lambda: KmsFieldSealer(kms, key_id=key))
        victim_api.dependencies.identity = types.SimpleNamespace(  # Cognito: its own coverage test
            delete=lambda _user: None, global_sign_out=lambda _user: None
        )
        answers: list[int] = []
        for method, path in (("GET", "/v1/me/data"), ("DELETE", "/v1/me")):
            claims = {"sub": "iam-reporter", "auth_time": str(int(time.time()) + 2)}  # after the closure's sign-out
            event = api_event(method, path, resource=path, claims=claims)
            call = victim_api.lambda_handler
            run("VictimApiFunction", lambda e=event, c=call: answers.append(c(e, Context())["statusCode"]))
        assert answers == [200, 200]
    finally:
        botocore.handlers.BUILTIN_HANDLERS.remove(entry)
        share_one_connection()
    # Then each function's policy allows all it did, and the recorder saw the sealing and the opening
    for function, actions in used.items():
        missing = actions - allowed(function)
        assert not missing, f"{function} performs {sorted(missing)} but its policy does not allow it"
    assert "kms:Encrypt" in used["ReportsFunction"] and "kms:Decrypt" not in used["ReportsFunction"]
    assert "kms:GenerateMac" in used["ReportsFunction"]  # the limits' keyed hashes
    assert "kms:Decrypt" in used["OutboundFunction"]
    assert {"kms:Decrypt", "ses:SendEmail", "sns:Publish"} <= used["DispatchFunction"]  # report-received
    assert "dynamodb:DeleteItem" in used["WebhookIngestFunction"]  # the waiting report-case item, once linked
    assert {"kms:Decrypt", "dynamodb:Query", "dynamodb:UpdateItem"} <= used["VictimApiFunction"]
    assert "kms:Encrypt" not in used["VictimApiFunction"]


# ---------------------------------------------------------------------- the reference by a safe channel
def _emails_to(address: str) -> list[Any]:
    from moto.core import DEFAULT_ACCOUNT_ID
    from moto.ses.models import ses_backends

    return [
        m for m in ses_backends[DEFAULT_ACCOUNT_ID][REGION].sent_messages if address in m.destinations["ToAddresses"]
    ]


def _texts_to(number: str) -> list[str]:
    from moto.core import DEFAULT_ACCOUNT_ID
    from moto.sns.models import sns_backends

    return [t for _, (n, t, *_) in sns_backends[DEFAULT_ACCOUNT_ID][REGION].sms_messages.items() if n == number]


def _outbox_statuses() -> dict[str, str]:
    return {i["sk"]["S"]: i["status"]["S"] for i in table_items() if i["entity"]["S"] == "outbox"}


def test_the_reporter_gets_the_reference_by_email_and_text_once(aws: Template, reports: ModuleType) -> None:
    # Given a report from a reporter who gave an email and a mobile, both safe
    body = a_report()
    body["reporter"] = {**REPORT["reporter"], "email": "rowan.reporter@example.org", "mobile": "07700 900456"}
    reference = json.loads(post(reports, body)["body"])["report_reference"]
    # When dispatch handles the table's stream (twice: a replayed batch)
    force = _deliver(aws)
    _dispatch(aws).lambda_handler({"Records": StreamReader(aws, "DispatchFunction").new_records()}, Context())
    # Then the force has the report, and the reporter one email and one text with the reference
    assert [r["id"] for r in force.received] == [outbound_event_id("thames-valley", reference, f"report-{reference}")]
    [email] = _emails_to("rowan.reporter@example.org")
    assert reference in email.subject and "Thames Valley Police has received your report" in email.body
    [text] = _texts_to("+447700900456")
    assert reference in text and text.startswith("Thames Valley Police")
    assert set(_outbox_statuses().values()) == {"sent"}


def test_a_reporter_who_may_not_be_named_the_police_gets_the_content_free_reference(
    aws: Template, reports: ModuleType
) -> None:
    # Given a reporter whose only safe channel is email, and who may not be named the police
    body = a_report()
    body["reporter"] = {**REPORT["reporter"], "email": "sky.reporter@example.org", "mobile": "07700 900457"}
    body["safe_contact"] = {**REPORT["safe_contact"], "safe_channels": ["email"], "may_name_police": False}
    reference = json.loads(post(reports, body)["body"])["report_reference"]
    # When dispatch handles it
    _deliver(aws)
    # Then one email names neither the police nor the force, and no text is planned or sent
    [email] = _emails_to("sky.reporter@example.org")
    assert reference in email.body
    for word in ("Police", "police", "Thames", "crime"):
        assert word not in email.subject + email.body
    assert _texts_to("+447700900457") == []
    assert list(_outbox_statuses()) == ["OUTBOX#report#report-received#email#~reporter"]


def test_outside_the_reporters_safe_hours_the_reference_waits(aws: Template, reports: ModuleType) -> None:
    # Given a reporter whose safe hours start two hours from now (UK time) and last an hour
    from zoneinfo import ZoneInfo

    uk = datetime.now(ZoneInfo("Europe/London"))
    hours = {"start": (uk + timedelta(hours=2)).strftime("%H:%M"), "end": (uk + timedelta(hours=3)).strftime("%H:%M")}
    body = a_report()
    body["reporter"] = {**REPORT["reporter"], "email": "ash.reporter@example.org", "mobile": None}
    body["safe_contact"] = {**REPORT["safe_contact"], "safe_hours": hours}
    post(reports, body)
    # When dispatch handles it
    _deliver(aws)
    # Then nothing is sent yet: the message is held until the safe hours begin
    assert _emails_to("ash.reporter@example.org") == []
    assert list(_outbox_statuses().values()) == ["deferred"]
