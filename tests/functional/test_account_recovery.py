"""High-risk means high-risk everywhere, against moto's Cognito: an account linked as an enhanced victim of
domestic abuse ends without self-service recovery (its email unverified, the pool's only recovery
channel: ``AccountRecoverySetting`` is ``verified_email``) whichever way it got there — (a) an access
code, (b) the reporter's automatic link, (c) a later needs assessment raising the tier — and (d) every
sign-in takes it away again if someone switched it back on. The handlers are wired as deployed: the pool
from ``USER_POOL_ID`` (journeys, victim API) or from Cognito's event (the sign-in trigger)."""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from moto.core import DEFAULT_ACCOUNT_ID
from moto.ses.models import ses_backends

from caseline.adapters.dynamodb.reports import DynamoReportStore
from caseline.adapters.sealing import KmsFieldSealer
from caseline.config import get_settings
from caseline_local.template import Template

from .builders import crime_recorded
from .conftest import REGION, Context, StreamReader, load_handler, webhook_request
from .test_iam_coverage import record  # noqa: F401  (the fixture)
from .test_reports import _force_event, a_report, post
from .test_sign_in import post_authentication

DOMESTIC_ABUSE = "02-thames-valley-domestic-abuse"  # Jordan: enhanced, domestic abuse, email only
JORDAN = "jordan.blake@example.org"


class Stack:
    """moto's user pool and the handlers that take recovery away, wired to it as in template.yaml."""

    def __init__(self, template: Template) -> None:
        self.template = template
        self.idp = boto3.client("cognito-idp", region_name=REGION)
        self.pool = template.physical["VictimUserPool"]["Ref"]
        self.client_id = template.physical["VictimUserPoolClient"]["Ref"]
        self.ingest, self.journeys = load_handler("webhook_ingest"), load_handler("journeys")
        self.dispatch, self.api = load_handler("dispatch"), load_handler("victim_api")
        self.trigger = load_handler("sign_in")
        self.journey_stream = StreamReader(template, "JourneysFunction")
        self.dispatch_stream = StreamReader(template, "DispatchFunction")

    def account(self, email: str) -> str:
        """A confirmed account whose email is verified: it can reset its password by email."""
        sub: str = self.idp.sign_up(ClientId=self.client_id, Username=email, Password="a long pass phrase")["UserSub"]
        self.idp.admin_confirm_sign_up(UserPoolId=self.pool, Username=email)
        self.verify(email)
        return sub

    def verify(self, email: str) -> None:
        self.idp.admin_update_user_attributes(
            UserPoolId=self.pool, Username=email, UserAttributes=[{"Name": "email_verified", "Value": "true"}]
        )

    def self_service_recovery(self, email: str) -> bool:
        """The pool recovers by verified email only: recovery works exactly while the email is verified."""
        user = self.idp.admin_get_user(UserPoolId=self.pool, Username=email)
        attributes = {a["Name"]: a["Value"] for a in user["UserAttributes"]}
        return attributes.get("email_verified") == "true"

    def send(self, event: dict[str, Any]) -> None:
        assert self.ingest.lambda_handler(webhook_request("thames-valley", event), Context())["statusCode"] == 202

    def run_journeys(self) -> dict[str, Any]:
        answer: dict[str, Any] = self.journeys.lambda_handler({"Records": self.journey_stream.new_records()}, Context())
        return answer

    def emailed_code(self, event: dict[str, Any]) -> str:
        """Record the crime, let the journeys and dispatch run, and read the access code from the email."""
        self.send(event)
        assert self.run_journeys() == {"batchItemFailures": []}
        self.dispatch.lambda_handler({"Records": self.dispatch_stream.new_records()}, Context())
        [email] = [
            m
            for m in ses_backends[DEFAULT_ACCOUNT_ID][REGION].sent_messages
            if m.destinations["ToAddresses"] == [JORDAN]
        ]
        return re.search(r"\b([0-9A-Z]{5}-[0-9A-Z]{5})\b", email.body).group(1)  # type: ignore[union-attr]

    def link(self, sub: str, code: str) -> int:
        from .conftest import api_event

        body = json.dumps({"crime_reference": "43260005678", "access_code": code})
        event = api_event(
            "POST",
            "/v1/me/links",
            resource="/v1/me/links",
            headers={"Content-Type": "application/json"},
            body=body,
            claims={"sub": sub},
        )
        status: int = self.api.lambda_handler(event, Context())["statusCode"]
        return status

    def sign_in(self, sub: str, pool: str | None = None) -> None:
        event = post_authentication(sub, pool or self.pool)
        assert self.trigger.lambda_handler(copy.deepcopy(event), Context()) == event  # the sign-in goes ahead


@pytest.fixture
def stack(aws: Template, monkeypatch: pytest.MonkeyPatch) -> Iterator[Stack]:
    monkeypatch.setenv("USER_POOL_ID", aws.physical["VictimUserPool"]["Ref"])  # as the template sets it
    get_settings.cache_clear()
    try:
        yield Stack(aws)
    finally:
        get_settings.cache_clear()


def jordan(case_id: str, *, tier: str = "enhanced") -> dict[str, Any]:
    event = crime_recorded(case_id, demo=DOMESTIC_ABUSE)
    event["data"]["victim"]["tier"] = tier
    return event


def test_a_linking_with_an_access_code(stack: Stack) -> None:
    code = stack.emailed_code(jordan("TVP-HR-A"))
    sub = stack.account(JORDAN)
    assert stack.link(sub, code) == 201
    assert not stack.self_service_recovery(JORDAN)


def test_b_the_reporters_automatic_link(aws: Template, stack: Stack) -> None:
    # Given Jordan reported online while signed in, and the force recorded it as domestic abuse
    sub = stack.account(JORDAN)
    reports = load_handler("reports")
    kms = boto3.client("kms", region_name=REGION)
    reports.store = DynamoReportStore(KmsFieldSealer(kms, key_id=aws.physical["DataKey"]["Arn"]))
    reference = json.loads(post(reports, a_report(), user=sub)["body"])["report_reference"]
    crime = jordan("TVP-HR-B")
    stack.send(crime)
    recorded = {"crime_reference": "43260005678", "case_id": "TVP-HR-B", "victim_id": "TVP-V-0002"}
    stack.send(_force_event(reference, "report.recorded", 1, recorded))
    assert stack.self_service_recovery(JORDAN)  # linked, and the journeys have not run yet
    # When the journeys read the new member item
    assert stack.run_journeys() == {"batchItemFailures": []}
    # Then the reporter's account can no longer reset its password by email
    assert not stack.self_service_recovery(JORDAN)


def test_c_a_needs_assessment_that_raises_the_tier(stack: Stack) -> None:
    # Given Jordan, standard tier on a domestic-abuse case, linked: recovery is still theirs
    code = stack.emailed_code(jordan("TVP-HR-C", tier="standard"))
    sub = stack.account(JORDAN)
    assert stack.link(sub, code) == 201
    assert stack.run_journeys() == {"batchItemFailures": []}  # the account-linked journeys
    assert stack.self_service_recovery(JORDAN)
    # When the force's needs assessment makes Jordan enhanced, and the journeys read it
    assessed = {
        **crime_recorded("TVP-HR-C", sequence=2),
        "type": "org.caseline.needs.assessed.v1",
        "data": {"victim_id": "TVP-V-0002", "tier": "enhanced"},
    }
    stack.send(assessed)
    assert stack.run_journeys() == {"batchItemFailures": []}
    # Then the account already linked loses self-service recovery
    assert not stack.self_service_recovery(JORDAN)


def test_d_every_sign_in_takes_recovery_away_again_after_it_was_switched_back_on(stack: Stack) -> None:
    code = stack.emailed_code(jordan("TVP-HR-D"))
    sub = stack.account(JORDAN)
    assert stack.link(sub, code) == 201
    # Given someone verified the email again (recovery back on)
    stack.verify(JORDAN)
    assert stack.self_service_recovery(JORDAN)
    # When Jordan signs in
    stack.sign_in(sub)
    # Then recovery is off again, and the sign-in was recorded as usual
    assert not stack.self_service_recovery(JORDAN)
    assert stack.journey_stream.new_records()[-1]["dynamodb"]["NewImage"]["entity"]["S"] == "sign-in"


def test_sign_in_leaves_a_standard_victims_recovery_alone(stack: Stack) -> None:
    code = stack.emailed_code(jordan("TVP-HR-E", tier="standard"))
    sub = stack.account(JORDAN)
    assert stack.link(sub, code) == 201
    stack.sign_in(sub)
    assert stack.self_service_recovery(JORDAN)


def test_cognito_failing_at_sign_in_never_refuses_it_and_still_records_it(stack: Stack) -> None:
    code = stack.emailed_code(jordan("TVP-HR-F"))
    sub = stack.account(JORDAN)
    assert stack.link(sub, code) == 201
    stack.verify(JORDAN)
    # When the trigger cannot update the account (a pool that is not there), the sign-in still goes ahead
    stack.sign_in(sub, pool="eu-west-2_NotThere1")
    assert stack.journey_stream.new_records()[-1]["dynamodb"]["NewImage"]["entity"]["S"] == "sign-in"
    # And the next sign-in that can reach Cognito takes recovery away
    assert stack.self_service_recovery(JORDAN)
    stack.sign_in(sub)
    assert not stack.self_service_recovery(JORDAN)


def test_each_functions_policy_allows_what_the_rule_does(stack: Stack, record: Any) -> None:  # noqa: F811
    """test_iam_coverage's check for the Cognito calls the journeys and the sign-in trigger now make."""
    from caseline.adapters import aws as aws_clients

    from .test_iam_coverage import allowed

    code = stack.emailed_code(jordan("TVP-HR-I", tier="standard"))
    sub = stack.account(JORDAN)
    assert stack.link(sub, code) == 201
    stack.run_journeys()
    aws_clients.reset()  # the Cognito clients made from now on carry the recorder's hook
    assessed = {
        **crime_recorded("TVP-HR-I", sequence=2),
        "type": "org.caseline.needs.assessed.v1",
        "data": {"victim_id": "TVP-V-0002", "tier": "enhanced"},
    }
    stack.send(assessed)
    used = {"JourneysFunction": record(stack.run_journeys)}
    stack.verify(JORDAN)
    used["SignInFunction"] = record(lambda: stack.sign_in(sub))
    for function, actions in used.items():
        assert "cognito-idp:AdminUpdateUserAttributes" in actions, function  # the recorder saw the call
        missing = actions - allowed(function)
        assert not missing, f"{function} performs {sorted(missing)} but its policy does not allow it"
    assert not stack.self_service_recovery(JORDAN)
