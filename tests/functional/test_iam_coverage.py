"""Least privilege that still works: every AWS action each function really performs (recorded with
botocore's event hooks while it runs against moto) is allowed by that function's policy in template.yaml.

moto does not enforce IAM, so without this a missing permission would only show once deployed.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable, Iterator
from typing import Any

import boto3
import botocore.handlers
import pytest

from caseline_local.template import Template

from .builders import crime_recorded
from .conftest import REGION, Context, StreamReader, api_event, load_handler, share_one_connection, webhook_request
from .deployed_iam import actions, statements

_TRANSACT = {"Put": "PutItem", "Update": "UpdateItem", "Delete": "DeleteItem", "ConditionCheck": "ConditionCheckItem"}


class Recorder:
    def __init__(self) -> None:
        self.actions: set[str] = set()

    def __call__(self, model: Any, params: dict[str, Any], **_: Any) -> None:
        prefix = model.service_model.signing_name
        if model.name == "TransactWriteItems":  # authorised per item, not as an action of its own
            for item in params.get("TransactItems", []):
                self.actions.update(f"dynamodb:{_TRANSACT[kind]}" for kind in item)
        else:
            self.actions.add(f"{prefix}:{model.name}")


def allowed(function: str) -> set[str]:
    """The actions the function's role allows once deployed (``deployed_iam``)."""
    return {action for statement in statements(function) for action in actions(statement)}


@pytest.fixture
def record(aws: Template) -> Iterator[Callable[[Callable[[], object]], set[str]]]:
    """``record(call)`` runs ``call`` and returns the AWS actions it made (on clients created inside)."""

    recorder = Recorder()
    entry = ("before-call", recorder)
    botocore.handlers.BUILTIN_HANDLERS.append(entry)

    share_one_connection()  # a fresh client that carries the hook, for every model class
    try:

        def run(call: Callable[[], object]) -> set[str]:
            recorder.actions.clear()
            call()
            return set(recorder.actions)

        yield run
    finally:
        botocore.handlers.BUILTIN_HANDLERS.remove(entry)
        share_one_connection()


def test_every_action_each_function_performs_is_in_its_policy(aws: Template, record: Any) -> None:
    used: dict[str, set[str]] = {}
    ingest, journeys, dispatch = load_handler("webhook_ingest"), load_handler("journeys"), load_handler("dispatch")
    journey_stream, dispatch_stream = StreamReader(aws, "JourneysFunction"), StreamReader(aws, "DispatchFunction")

    def post(event: dict[str, Any]) -> None:
        request = webhook_request("thames-valley", event)
        assert ingest.lambda_handler(request, Context())["statusCode"] == 202

    used["WebhookIngestFunction"] = record(lambda: post(crime_recorded("IAM-1")))
    records = journey_stream.new_records()  # reading the stream is the event source's job, not the function's
    used["JourneysFunction"] = record(lambda: journeys.lambda_handler({"Records": records}, Context()))
    outbox = dispatch_stream.new_records()
    used["DispatchFunction"] = record(lambda: dispatch.lambda_handler({"Records": outbox}, Context()))
    victim_api = load_handler("victim_api")

    def victim_calls() -> None:
        from moto.core import DEFAULT_ACCOUNT_ID
        from moto.sns.models import sns_backends

        text = next(t for _, (n, t, *_) in sns_backends[DEFAULT_ACCOUNT_ID][REGION].sms_messages.items())
        code = re.search(r"\b([0-9A-Z]{5}-[0-9A-Z]{5})\b", text).group(1)  # type: ignore[union-attr]
        calls = [
            ("POST", "/v1/me/links", "/v1/me/links", None, {"crime_reference": "43260001234", "access_code": code}),
            ("GET", "/v1/cases/thames-valley/IAM-1", "/v1/cases/{force_id}/{case_id}", 1, None),
            (
                "POST",
                "/v1/cases/thames-valley/IAM-1/messages",
                "/v1/cases/{force_id}/{case_id}/messages",
                1,
                {"text": "hello"},
            ),
            (
                "PUT",
                "/v1/cases/thames-valley/IAM-1/preferences",
                "/v1/cases/{force_id}/{case_id}/preferences",
                1,
                {
                    "channels": ["email"],
                    "name_police": True,
                    "name_crime": True,
                    "safe_hours": None,
                    "no_news_days": 28,
                    "language": "en",
                    "non_statutory": True,
                },
            ),
            (
                "POST",
                "/v1/cases/thames-valley/IAM-1/survey",
                "/v1/cases/{force_id}/{case_id}/survey",
                1,
                {"satisfaction": 5, "kept_informed": 4, "easy_to_use": 5, "comments": None},
            ),
            ("GET", "/v1/me/data", "/v1/me/data", None, None),
            ("DELETE", "/v1/me", "/v1/me", None, None),
            ("POST", "/v1/me/sign-out-everywhere", "/v1/me/sign-out-everywhere", None, None),
        ]
        for method, path, resource, params, body in calls:
            event = api_event(
                method,
                path,
                resource=resource,
                path_parameters={"force_id": "thames-valley", "case_id": "IAM-1"} if params else None,
                headers={"Content-Type": "application/json"},
                body=json.dumps(body) if body is not None else None,
                # signed in "after" any sign-out an earlier call made (its next whole second): each runs in full
                claims={"sub": "iam-user", "auth_time": str(int(time.time()) + 2)},
            )
            assert victim_api.lambda_handler(event, Context())["statusCode"] < 300, (method, path)

    from caseline.adapters.aws import client
    from caseline.adapters.identity import CognitoIdentityAdmin

    victim_api.dependencies.identity = CognitoIdentityAdmin(
        client("cognito-idp"), user_pool_id=aws.physical["VictimUserPool"]["Ref"]
    )
    closed = {"closed_at": "2026-12-01T09:00:00Z", "reason_summary": "We have finished our work on your case."}
    post({**crime_recorded("IAM-1", sequence=2), "type": "org.caseline.case.closed.v1", "data": closed})  # survey
    used["VictimApiFunction"] = record(victim_calls)
    outbound = dispatch_stream.new_records()
    assert any(r["dynamodb"]["NewImage"]["entity"]["S"] == "outbound" for r in outbound)
    used["DispatchFunction"] |= record(lambda: dispatch.lambda_handler({"Records": outbound}, Context()))
    from .test_outbound import FakeForce, _queue_records

    secret = json.loads(
        boto3.client("secretsmanager", region_name=REGION).get_secret_value(
            SecretId="caseline/test/outbound/thames-valley"
        )["SecretString"]
    )["current"]
    outbound_handler = load_handler("outbound")
    outbound_handler.endpoint._open = FakeForce(secret)
    queued = _queue_records(aws.physical["OutboundQueue"]["QueueUrl"])
    assert queued
    used["OutboundFunction"] = record(lambda: outbound_handler.lambda_handler({"Records": queued}, Context()))
    sweep = load_handler("duty_sweep")
    used["DutySweepFunction"] = record(lambda: sweep.lambda_handler({}, Context()))
    for function, performed in used.items():
        missing = performed - allowed(function)
        assert not missing, f"{function} performs {sorted(missing)} but its policy does not allow it"
    assert "dynamodb:Query" in used["WebhookIngestFunction"]  # the recorder really saw the calls
    assert {"ses:SendEmail", "sns:Publish"} <= used["DispatchFunction"]
    assert "secretsmanager:GetSecretValue" in used["OutboundFunction"]


def test_delivery_events_and_dispatchs_suppression_checks_are_in_their_policies(aws: Template, record: Any) -> None:
    from caseline.adapters.dynamodb.delivery import DynamoSuppressionList

    from .test_delivery_events import given_sent_email, ses_event, through_the_topic

    # Given a statutory email that bounced (the path that reads and writes the most)
    given_sent_email()
    records = through_the_topic(aws, ses_event("Bounce"))
    delivery = load_handler("delivery_events")
    # When the function handles it, and dispatch asks the suppression list about an email and a mobile
    used = record(lambda: delivery.lambda_handler({"Records": records}, Context()))

    def dispatch_checks() -> None:
        suppressions = DynamoSuppressionList(boto3.client("sns", region_name=REGION))
        suppressions.is_suppressed("thames-valley", "email", "alex.morgan@example.org")
        suppressions.is_suppressed("thames-valley", "sms", "+447700900123")

    checks = record(dispatch_checks)
    # Then each function's policy allows everything it did
    assert not used - allowed("DeliveryEventsFunction"), sorted(used - allowed("DeliveryEventsFunction"))
    assert not checks - allowed("DispatchFunction"), sorted(checks - allowed("DispatchFunction"))
    assert {"dynamodb:GetItem", "dynamodb:Query", "dynamodb:UpdateItem", "dynamodb:PutItem"} <= used
    assert checks == {"dynamodb:GetItem", "sns:CheckIfPhoneNumberIsOptedOut"}


def test_the_sign_in_trigger_and_the_journeys_it_feeds_are_in_their_policies(aws: Template, record: Any) -> None:
    from .test_sign_in import SignIns

    # Given a victim who linked their account
    sign_ins = SignIns(aws)
    # When they sign in (the trigger) and the journeys function reads the sign-in record
    used = record(sign_ins.sign_in)
    records = sign_ins.stream.new_records()  # reading the stream is the event source's job
    fed = record(lambda: sign_ins.journeys.lambda_handler({"Records": records}, Context()))
    # Then each function's policy allows everything it did
    assert not used - allowed("SignInFunction"), sorted(used - allowed("SignInFunction"))
    assert not fed - allowed("JourneysFunction"), sorted(fed - allowed("JourneysFunction"))
    assert used == {
        "dynamodb:Query",
        "dynamodb:GetItem",
        "dynamodb:PutItem",
        "dynamodb:UpdateItem",
    }  # the recorder saw the calls
    assert "dynamodb:Query" in fed and sign_ins.notices()  # the journeys read the case and planned the notice


def _kms_statements(function: str) -> list[dict[str, Any]]:
    """The function's KMS statements on the data key (the report limits' HMAC key has no encryption context:
    GenerateMac takes none, and its statement is pinned to HMAC_SHA_256 instead)."""
    return [
        s
        for s in statements(function)
        if any(a.startswith("kms:") for a in actions(s))
        and s.get("Resource") != {"Fn::GetAtt": ["ReportRateKey", "Arn"]}
    ]


def test_access_codes_are_sealed_and_opened_only_under_their_own_encryption_context(aws: Template) -> None:
    """ADR 0012: journeys and delivery events may only seal, dispatch may only open, and each only with
    exactly the context keys force, case and message; nobody else holds KMS under that context."""
    code_context = {
        "ForAllValues:StringEquals": {"kms:EncryptionContextKeys": ["force", "case", "message"]},
        "Null": {
            "kms:EncryptionContext:force": "false",
            "kms:EncryptionContext:case": "false",
            "kms:EncryptionContext:message": "false",
        },
    }
    granted: dict[str, list[str]] = {}
    for function, resource in aws.resources.items():
        if resource["Type"] != "AWS::Serverless::Function":
            continue
        for statement in _kms_statements(function):
            keys = statement.get("Condition", {}).get("ForAllValues:StringEquals", {}).get("kms:EncryptionContextKeys")
            assert keys is not None, f"{function} holds KMS without an encryption-context condition"
            if "case" in keys or "message" in keys:
                assert statement["Condition"] == code_context, function
                granted.setdefault(function, []).extend(sorted(actions(statement)))
    assert granted == {
        "JourneysFunction": ["kms:Encrypt"],
        "DeliveryEventsFunction": ["kms:Encrypt"],
        "DispatchFunction": ["kms:Decrypt"],
    }
    assert _kms_statements("DutySweepFunction") == []  # it resumes runs, which never send a code


def test_who_can_see_a_case_and_removing_access_are_in_their_policies(aws: Template, record: Any) -> None:
    from .test_case_access import CASE, Access

    # Given a second account linked to Alex's victim record
    access = Access(aws)
    access.second_account()
    # When Alex lists the accounts and removes the other one, and the force revokes every link
    listed = record(lambda: access.accounts(access.alex))
    other = next(r["link_id"] for r in access.accounts(access.alex)[1]["accounts"] if not r["you"])
    answers: list[tuple[int, Any]] = []
    removed = record(lambda: answers.append(access.remove(access.alex, other)))
    revoked = record(lambda: access.force_event("org.caseline.access.revoked.v1", {"victim_id": "TVP-V-0001"}))
    # Then the victim API's policy allows everything it did, and the flow's functions theirs
    api = allowed("VictimApiFunction")
    assert not (listed | removed) - api, sorted((listed | removed) - api)
    assert {"cognito-idp:AdminGetUser", "dynamodb:Query"} <= listed and answers == [(204, None)]
    flow = allowed("WebhookIngestFunction") | allowed("JourneysFunction") | allowed("DispatchFunction")
    streams = {"dynamodb:DescribeStream", "dynamodb:GetShardIterator", "dynamodb:GetRecords"}  # the event source's
    assert not revoked - flow - streams, sorted(revoked - flow - streams)
    assert access.victims.case(access.alex, *CASE)[0] == 404


def test_the_accounts_function_is_in_its_policy(aws: Template, record: Any) -> None:
    from .test_accounts import Accounts

    accounts = Accounts(aws)
    accounts.confirmed_account("riley.jones@example.org")
    used = record(lambda: accounts.sign_up("riley.jones@example.org"))
    used |= record(lambda: accounts.sign_up("casey.lee@example.org"))
    used |= record(lambda: accounts.confirm("casey.lee@example.org"))
    # SignUp and ConfirmSignUp are Cognito's public calls: no IAM grant applies (the web ACL guards them)
    public = {"cognito-idp:SignUp", "cognito-idp:ConfirmSignUp"}
    assert public <= used
    needed = used - public
    assert needed == {
        "cognito-idp:AdminGetUser",
        "secretsmanager:GetSecretValue",
        "ses:SendEmail",
        "kms:GenerateMac",
        "dynamodb:UpdateItem",
    }
    assert not needed - allowed("AccountsFunction"), sorted(needed - allowed("AccountsFunction"))
