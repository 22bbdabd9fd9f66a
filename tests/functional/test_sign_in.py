"""The Cognito post-authentication trigger against moto: sign-in records on each linked case, the journeys
stream turning them into the "new sign-in" notice, at most once a day, and a sign-in never refused."""

from __future__ import annotations

import copy
from datetime import UTC, datetime, timedelta
from types import ModuleType
from typing import Any

import boto3
import pytest

from caseline_local.template import Template

from .conftest import REGION, Context, StreamReader, load_handler
from .test_victim_journey import Victims


def post_authentication(sub: str, pool_id: str = "eu-west-2_local") -> dict[str, Any]:
    """The event Cognito sends a PostAuthentication trigger after a password sign-in."""
    return {
        "version": "1",
        "region": REGION,
        "userPoolId": pool_id,
        "userName": sub,
        "callerContext": {"awsSdkVersion": "aws-sdk-js-3.0.0", "clientId": "portal-client"},
        "triggerSource": "PostAuthentication_Authentication",
        "request": {
            "userAttributes": {"sub": sub, "email": "alex.morgan@example.org", "email_verified": "true"},
            "newDeviceUsed": False,
        },
        "response": {},
    }


class Clock:
    def __init__(self, now: datetime) -> None:
        self.current = now

    def now(self) -> datetime:
        return self.current


class SignIns:
    """A burglary victim (Alex) who linked their account, the sign-in trigger and the journeys consumer."""

    def __init__(self, template: Template) -> None:
        self.template = template
        victims = Victims(template)
        self.stream = StreamReader(template, "JourneysFunction")
        self.journeys = load_handler("journeys")
        status, _ = victims.link("alex", "43260001234", victims.codes["+447700900101"])
        assert status == 201
        self.consume()  # the account-linked journey
        self.trigger = load_handler("sign_in")

    def sign_in(self, sub: str = "alex", at: datetime | None = None) -> dict[str, Any]:
        if at is not None:
            self.trigger.clock = Clock(at)
        event = post_authentication(sub)
        answer: dict[str, Any] = self.trigger.lambda_handler(copy.deepcopy(event), Context())
        assert answer == event  # Cognito gets its event back unchanged: the sign-in goes ahead
        return answer

    def consume(self) -> list[dict[str, Any]]:
        records = self.stream.new_records()
        self.journeys.lambda_handler({"Records": records}, Context())
        return records

    def items(self, prefix: str) -> list[dict[str, Any]]:
        client = boto3.client("dynamodb", region_name=REGION)
        answer = client.query(
            TableName=self.template.physical["CaselineTable"]["Ref"],
            KeyConditionExpression="pk = :pk AND begins_with(sk, :sk)",
            ExpressionAttributeValues={":pk": {"S": "CASE#thames-valley#TVP-J-1"}, ":sk": {"S": prefix}},
        )
        return list(answer["Items"])

    def notices(self) -> list[tuple[str, str]]:
        """(channel, sign-in date) of every "new sign-in" message in the case's outbox."""
        return sorted(
            (i["channel"]["S"], i["personalisation"]["S"].split('"sign_in_date": "')[1].split('"')[0])
            for i in self.items("OUTBOX#")
            if i["template_id"]["S"] == "new-sign-in"
        )


@pytest.fixture
def sign_ins(aws: Template) -> SignIns:
    return SignIns(aws)


def test_a_linked_victim_gets_one_notice_a_day_however_often_they_sign_in(sign_ins: SignIns) -> None:
    today = datetime.now(UTC)
    # When Alex signs in three times today, and the journeys function reads the stream
    for _ in range(3):
        sign_ins.sign_in()
    records = sign_ins.consume()
    # Then one sign-in record reached the journeys, and one notice per channel is planned
    assert [r["dynamodb"]["NewImage"]["entity"]["S"] for r in records] == ["sign-in"]
    assert len(sign_ins.items("SIGNIN#")) == 1
    assert [channel for channel, _ in sign_ins.notices()] == ["email", "sms"]
    # And signing in again the next UK day plans that day's notice, once
    tomorrow = today + timedelta(days=1)
    sign_ins.sign_in(at=tomorrow)
    sign_ins.sign_in(at=tomorrow + timedelta(minutes=1))
    sign_ins.consume()
    notices = sign_ins.notices()
    assert len(notices) == 4
    assert len({day for _, day in notices}) == 2


def test_the_notice_is_statutory(sign_ins: SignIns) -> None:
    sign_ins.sign_in()
    sign_ins.consume()
    outbox = [i for i in sign_ins.items("OUTBOX#") if i["template_id"]["S"] == "new-sign-in"]
    assert outbox and all(i["statutory"]["BOOL"] for i in outbox)


def test_an_account_linked_to_no_case_gets_nothing(sign_ins: SignIns) -> None:
    # When someone with no linked case signs in
    sign_ins.sign_in("nobody-linked")
    # Then nothing is written for the journeys to read, and no notice is planned
    assert sign_ins.stream.new_records() == []
    assert sign_ins.notices() == []


class BrokenStore:
    def memberships(self, user_id: str) -> list[Any]:
        raise RuntimeError("the table is unavailable")


@pytest.mark.parametrize(
    "break_it",
    [
        lambda trigger: setattr(trigger, "store", BrokenStore()),
        lambda trigger: setattr(trigger, "clock", None),  # the clock itself fails
    ],
    ids=["storage-fails", "clock-fails"],
)
def test_an_error_never_refuses_the_sign_in(sign_ins: SignIns, break_it: Any) -> None:
    # Given a trigger whose storage (or clock) fails
    break_it(sign_ins.trigger)
    # When Alex signs in, Then the event comes back unchanged (asserted in sign_in) and nothing is recorded
    sign_ins.sign_in()
    assert sign_ins.items("SIGNIN#") == []


@pytest.mark.parametrize(
    "event",
    [{}, {"request": {}}, {"request": {"userAttributes": {}}}, post_authentication("alex") | {"request": None}],
    ids=["empty", "no-attributes", "no-sub", "null-request"],
)
def test_a_malformed_event_is_returned_unchanged(sign_ins: SignIns, event: dict[str, Any]) -> None:
    trigger: ModuleType = sign_ins.trigger
    assert trigger.lambda_handler(copy.deepcopy(event), Context()) == event
    assert sign_ins.items("SIGNIN#") == []
