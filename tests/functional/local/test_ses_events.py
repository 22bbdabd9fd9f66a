"""The local stack's SES mailbox: moto's SES reports nothing, so the SES events poller publishes what a
real mailbox would cause, and the queue poller feeds it to DeliveryEvents as the template says."""

from __future__ import annotations

import hashlib
import json
import threading
from dataclasses import dataclass
from datetime import UTC, datetime
from types import ModuleType
from typing import Any

import boto3
import pytest

from caseline.adapters.messaging import SesEmailSender
from caseline_local import mailbox
from caseline_local.pollers import QueuePoller
from caseline_local.ses_events import SesEventsPoller, ses_event
from caseline_local.template import Template

from ..conftest import REGION, Context, load_handler
from ..test_delivery_events import given_sent_email, item, outbox_item


@dataclass
class _Spec:
    logical_id: str


class InProcessWorker:
    """Runs a handler module in this process, where moto's mock is (the local stack uses a process)."""

    def __init__(self, handler: ModuleType, logical_id: str) -> None:
        self.handler, self.spec = handler, _Spec(logical_id)

    def invoke(self, event: dict[str, Any]) -> Any:
        return self.handler.lambda_handler(event, Context())


@pytest.fixture(autouse=True)
def fresh_sent_log() -> None:
    """The sent log is the process's own (moto's SES is wrapped once): start each test with it empty."""
    mailbox.install()
    mailbox.SENT.clear()


def ses_mailbox(settle_seconds: float = 0.0, **given: Any) -> SesEventsPoller:
    return SesEventsPoller(
        sns=boto3.client("sns", region_name=REGION),
        region=REGION,
        stop=threading.Event(),
        settle_seconds=settle_seconds,
        **given,
    )


def delivery_events_poller(aws: Template) -> QueuePoller:
    """The queue poller the local stack starts for DeliveryEventsFunction's SQS event in template.yaml."""
    [(name, props)] = [
        (name, event["Properties"])
        for name, spec in aws.of_type("AWS::Serverless::Function").items()
        for event in spec["Properties"].get("Events", {}).values()
        if event["Type"] == "SQS"
        and aws.resolve(event["Properties"]["Queue"]) == aws.physical["DeliveryEventsQueue"]["Arn"]
    ]
    assert name == "DeliveryEventsFunction"
    return QueuePoller(
        worker=InProcessWorker(load_handler("delivery_events"), name),  # type: ignore[arg-type]
        queue_url=aws.physical["DeliveryEventsQueue"]["QueueUrl"],
        queue_arn=aws.physical["DeliveryEventsQueue"]["Arn"],
        properties=props,
        sqs=boto3.client("sqs", region_name=REGION),
        region=REGION,
        stop=threading.Event(),
    )


def send_email(aws: Template, to: str) -> str:
    sender = SesEmailSender(
        boto3.client("ses", region_name=REGION),
        sender="no-reply@caseline.example.org",
        configuration_set=aws.physical["DeliveryEventsConfigurationSet"]["Ref"],
    )
    return sender.send_email(to=to, subject="Your crime reference", text="Hello", html=None, force_id="thames-valley")


def queued_events(aws: Template) -> list[dict[str, Any]]:
    messages = boto3.client("sqs", region_name=REGION).receive_message(
        QueueUrl=aws.physical["DeliveryEventsQueue"]["QueueUrl"], MaxNumberOfMessages=10, VisibilityTimeout=0
    )
    return [json.loads(json.loads(m["Body"])["Message"]) for m in messages.get("Messages", [])]


def test_a_bounce_from_the_simulator_address_is_recorded_and_suppressed(aws: Template) -> None:
    # Given dispatch sent a statutory email to SES's bounce simulator address, with the configuration set
    provider_id = send_email(aws, "bounce@simulator.amazonses.com")
    given_sent_email(provider_id, email="bounce@simulator.amazonses.com")
    # When the mailbox poller plays SES, and the queue poller feeds the function as the template says
    assert ses_mailbox().poll_once()
    assert delivery_events_poller(aws).poll_once()
    # Then the outbox item says bounced and the suppression item exists
    assert outbox_item()["delivery"]["S"] == "bounced"
    digest = hashlib.sha256(b"bounce@simulator.amazonses.com").hexdigest()
    suppression = item("SUPPRESS#thames-valley", f"email#{digest}")
    assert suppression is not None and suppression["reason"]["S"] == "bounce"
    # And the queue is empty: the record succeeded and was deleted
    assert queued_events(aws) == []


def test_each_sent_message_gets_one_event_of_its_kind(aws: Template) -> None:
    # Given three emails: to the bounce and complaint simulators and to anyone else
    ids = {
        send_email(aws, "bounce@simulator.amazonses.com"): "Bounce",
        send_email(aws, "complaint+label@simulator.amazonses.com"): "Complaint",
        send_email(aws, "alex.morgan@example.org"): "Delivery",
    }
    mailbox = ses_mailbox()
    # When the mailbox polls twice
    mailbox.poll_once()
    assert not mailbox.poll_once()
    # Then each message has exactly one event, of the kind its address asks for, shaped like SES's
    events = queued_events(aws)
    assert sorted((e["mail"]["messageId"], e["eventType"]) for e in events) == sorted(ids.items())
    bounce = next(e for e in events if e["eventType"] == "Bounce")
    assert bounce["bounce"]["bounceType"] == "Permanent"
    assert bounce["bounce"]["bouncedRecipients"] == [
        {
            "emailAddress": "bounce@simulator.amazonses.com",
            "action": "failed",
            "status": "5.1.1",
            "diagnosticCode": "smtp; 550 5.1.1",
        }
    ]


def test_events_are_dated_by_the_stacks_clock_when_a_scenario_moved_it(aws: Template) -> None:
    # Given the stack's clock moved to a summer night, and an email sent
    moved = datetime(2027, 6, 16, 0, 20, tzinfo=UTC)
    send_email(aws, "bounce@simulator.amazonses.com")
    # When the mailbox plays SES
    assert ses_mailbox(now=lambda: moved).poll_once()
    # Then the bounce and the mail it is about are dated by that clock (the figures count it on that day)
    [event] = queued_events(aws)
    assert event["bounce"]["timestamp"].startswith("2027-06-16T00:20")
    assert event["mail"]["timestamp"].startswith("2027-06-16")


def test_the_mailbox_waits_for_dispatch_to_record_the_message(aws: Template) -> None:
    send_email(aws, "alex.morgan@example.org")
    mailbox = ses_mailbox(settle_seconds=60)
    assert not mailbox.poll_once()
    assert queued_events(aws) == []


@pytest.mark.parametrize(
    ("address", "kind"),
    [
        ("bounce@simulator.amazonses.com", "Bounce"),
        ("BOUNCE+x@Simulator.AmazonSES.com", "Bounce"),
        ("complaint@simulator.amazonses.com", "Complaint"),
        ("success@simulator.amazonses.com", "Delivery"),
        ("bounce@example.org", "Delivery"),
    ],
)
def test_the_simulator_addresses_decide_the_event(address: str, kind: str) -> None:
    now = datetime.now(UTC)
    assert ses_event("m-1", "no-reply@caseline.example.org", [address], now, now)["eventType"] == kind
