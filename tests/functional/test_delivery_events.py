"""Delivery events against moto: SES events published to the template's topic reach the queue, and the
DeliveryEvents handler records them on the message, keeps the suppression list and follows up."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime, timedelta
from types import ModuleType
from typing import Any

import boto3
import pytest

from caseline.adapters.dynamodb.delivery import DynamoSuppressionList, suppression_sort_key
from caseline.adapters.dynamodb.mappers import provider_pointer_item
from caseline.adapters.dynamodb.models import OutboxItem, VictimItem, case_pk
from caseline.adapters.sealing import KmsCodeSealer
from caseline.domain import access_code
from caseline.domain.contact import normalised_address
from caseline.domain.errors import DeliveryFailedError, DeliveryRejectedError
from caseline.domain.records import OutboxMessage, OutboxStatus
from caseline.domain.safe_contact import SafeContactProfile
from caseline.domain.vocabulary import Channel
from caseline.services.delivery import POINTER_PATIENCE
from caseline_local.template import Template

from .conftest import REGION, ROOT, Context, load_handler

FORCE, CASE = "thames-valley", "TVP-D-1"
BOUNCING = "bounce@simulator.amazonses.com"
MOBILE = "+447700900123"
KEY = "000000000001#right3-confirmation#email#V-1"


# ---------------------------------------------------------------- given


def given_sent_email(
    provider_id: str = "ses-0001",
    *,
    email: str = BOUNCING,
    mobile: str | None = MOBILE,
    statutory: bool = True,
    channels: tuple[Channel, ...] = (Channel.EMAIL, Channel.SMS),
) -> OutboxMessage:
    """A victim and the Right 3 email dispatch sent them, with the pointer dispatch writes when it sends."""
    now = datetime.now(UTC)
    VictimItem(
        case_pk(FORCE, CASE),
        "VICTIM#V-1",
        force_id=FORCE,
        case_id=CASE,
        victim_id="V-1",
        name="Alex Morgan",
        email=email,
        mobile=mobile,
        language="en",
        tier="standard",
        under_18=False,
        safe_contact=SafeContactProfile(safe_channels=channels).to_dict(),
    ).save()
    message = OutboxMessage(
        force_id=FORCE,
        case_id=CASE,
        key=KEY,
        victim_id="V-1",
        channel="email",
        template_id="right3-confirmation",
        personalisation={
            "name": "Alex Morgan",
            "crime_reference": "43260001234",
            "crime_category": "Burglary",
            "officer_name": "PC Sam Patel",
            "collar_number": "4521",
            "team_contact": "101",
            "has_officer": "yes",
            "portal_url": "https://portal.example.org",
        },
        status=OutboxStatus.SENT,
        created_at=now,
        duty_id="right3#V-1",
    )
    OutboxItem(
        case_pk(FORCE, CASE),
        f"OUTBOX#{KEY}",
        force_id=FORCE,
        case_id=CASE,
        key=KEY,
        victim_id="V-1",
        channel="email",
        template_id=message.template_id,
        personalisation=message.personalisation,
        status="sent",
        created_at=now,
        duty_id=message.duty_id,
        provider_message_id=provider_id,
    ).save()
    provider_pointer_item(message, provider_id, statutory=statutory, sent_at=now).save()
    return message


def ses_event(event_type: str, provider_id: str = "ses-0001", **detail: Any) -> dict[str, Any]:
    """An SES event-publishing document (the fields SES documents for each event type)."""
    now = datetime.now(UTC)
    event: dict[str, Any] = {
        "eventType": event_type,
        "mail": {
            "timestamp": (now - timedelta(seconds=5)).isoformat(),
            "source": "no-reply@caseline.example.org",
            "sendingAccountId": "123456789012",
            "messageId": provider_id,
            "destination": [BOUNCING],
            "tags": {"force": [FORCE], "ses:configuration-set": ["caseline-test-delivery"]},
        },
    }
    stamp = now.isoformat()
    if event_type == "Bounce":
        event["bounce"] = {
            "bounceType": detail.get("bounce_type", "Permanent"),
            "bounceSubType": "General",
            "bouncedRecipients": [{"emailAddress": BOUNCING, "action": "failed", "status": "5.1.1"}],
            "timestamp": stamp,
            "feedbackId": "feedback-1",
        }
    elif event_type == "Complaint":
        event["complaint"] = {
            "complainedRecipients": [{"emailAddress": BOUNCING}],
            "timestamp": stamp,
            "feedbackId": "feedback-2",
        }
    elif event_type == "Delivery":
        event["delivery"] = {"timestamp": stamp, "recipients": [BOUNCING], "processingTimeMillis": 420}
    elif event_type == "Reject":
        event["reject"] = {"reason": "Bad content"}
    elif event_type == "Send":
        event["send"] = {}
    return event


# ---------------------------------------------------------------- when


def through_the_topic(aws: Template, *events: dict[str, Any]) -> list[dict[str, Any]]:
    """Publish to the delivery-events topic as SES does; return the queue's messages as Lambda's records."""
    sns, sqs = boto3.client("sns", region_name=REGION), boto3.client("sqs", region_name=REGION)
    for event in events:
        sns.publish(TopicArn=aws.physical["DeliveryEventsTopic"]["Ref"], Message=json.dumps(event))
    queue = aws.physical["DeliveryEventsQueue"]
    messages = sqs.receive_message(
        QueueUrl=queue["QueueUrl"], MaxNumberOfMessages=10, AttributeNames=["All"], VisibilityTimeout=0
    ).get("Messages", [])
    return [
        {
            "messageId": m["MessageId"],
            "receiptHandle": m["ReceiptHandle"],
            "body": m["Body"],
            "attributes": m["Attributes"],
            "messageAttributes": {},
            "eventSource": "aws:sqs",
            "eventSourceARN": queue["Arn"],
            "awsRegion": REGION,
        }
        for m in messages
    ]


def run(handler: ModuleType, records: list[dict[str, Any]]) -> dict[str, Any]:
    """Invoke, then delete what succeeded, as the event source mapping does."""
    result = dict(handler.lambda_handler({"Records": records}, Context()))
    failed = {f["itemIdentifier"] for f in result["batchItemFailures"]}
    sqs = boto3.client("sqs", region_name=REGION)
    for record in records:
        if record["messageId"] not in failed:
            url = sqs.get_queue_url(QueueName=record["eventSourceARN"].rsplit(":", 1)[1])["QueueUrl"]
            sqs.delete_message(QueueUrl=url, ReceiptHandle=record["receiptHandle"])
    return result


# ---------------------------------------------------------------- then


def table_items() -> list[dict[str, Any]]:
    return list(boto3.client("dynamodb", region_name=REGION).scan(TableName="caseline-test")["Items"])


def item(pk: str, sk: str) -> dict[str, Any] | None:
    found = boto3.client("dynamodb", region_name=REGION).get_item(
        TableName="caseline-test", Key={"pk": {"S": pk}, "sk": {"S": sk}}
    )
    return found.get("Item")


def outbox_item(key: str = KEY) -> dict[str, Any]:
    found = item(case_pk(FORCE, CASE), f"OUTBOX#{key}")
    assert found is not None
    return found


@pytest.fixture
def handler(aws: Template) -> ModuleType:
    return load_handler("delivery_events")


def test_a_statutory_bounce_is_recorded_suppressed_and_followed_up(aws: Template, handler: ModuleType) -> None:
    # Given a Right 3 email dispatch sent to an address that bounces, to a victim with a safe mobile
    given_sent_email()
    # When SES publishes a permanent bounce and the queue hands it to the function
    records = through_the_topic(aws, ses_event("Bounce"))
    assert len(records) == 1
    assert run(handler, records) == {"batchItemFailures": []}
    # Then the message says bounced, and it is still "sent"
    message = outbox_item()
    assert message["delivery"]["S"] == "bounced" and "delivery_at" in message
    assert message["status"]["S"] == "sent"
    # And the address is suppressed under its hash, with no address in clear anywhere in the table
    digest = hashlib.sha256(BOUNCING.encode()).hexdigest()
    suppression = item(f"SUPPRESS#{FORCE}", f"email#{digest}")
    assert suppression is not None and suppression["reason"]["S"] == "bounce"
    assert suppression["entity"]["S"] == "suppression"
    assert not any(BOUNCING in json.dumps(i) for i in table_items() if i["entity"]["S"] != "victim")
    # And the same message goes by SMS with a new access code, with no officer task (it reaches the victim)
    assert item(case_pk(FORCE, CASE), f"TASK#delivery#{KEY}#email-bounced") is None
    fallback = outbox_item(f"{KEY}#fallback-sms")
    assert (fallback["channel"]["S"], fallback["status"]["S"]) == ("sms", "pending")
    assert fallback["template_id"]["S"] == "right3-confirmation"
    assert "access_code" not in json.loads(fallback["personalisation"]["S"])  # sealed for the SMS, never in clear
    kms = boto3.client("kms", region_name=REGION)
    sealer = KmsCodeSealer(lambda: kms, key_id=aws.physical["DataKey"]["Arn"])
    code = sealer.open_code(FORCE, CASE, f"{KEY}#fallback-sms", fallback["sealed_code"]["S"])
    stored = item(case_pk(FORCE, CASE), "ACCESS#V-1")
    assert stored is not None and access_code.matches(code, stored["code_hash"]["S"])
    assert item(case_pk(FORCE, CASE), "ACCESS#V-1") is not None


def test_repeated_and_late_notifications_are_harmless(aws: Template, handler: ModuleType) -> None:
    # Given a statutory email whose bounce has been handled
    given_sent_email()
    run(handler, through_the_topic(aws, ses_event("Bounce")))
    before = {(i["pk"]["S"], i["sk"]["S"]) for i in table_items()}
    # When the bounce comes again and a "delivered" arrives late
    records = through_the_topic(aws, ses_event("Bounce"), ses_event("Delivery"))
    assert len(records) == 2
    assert run(handler, records) == {"batchItemFailures": []}
    # Then the message still says bounced, and no item was added (one fallback)
    assert outbox_item()["delivery"]["S"] == "bounced"
    assert {(i["pk"]["S"], i["sk"]["S"]) for i in table_items()} == before


def test_a_delivery_is_recorded_without_suppressing_anything(aws: Template, handler: ModuleType) -> None:
    given_sent_email(email="alex.morgan@example.org")
    assert run(handler, through_the_topic(aws, ses_event("Delivery"))) == {"batchItemFailures": []}
    assert outbox_item()["delivery"]["S"] == "delivered"
    assert not [i for i in table_items() if i["pk"]["S"].startswith("SUPPRESS#")]


def test_a_transient_bounce_and_a_reject_only_record_the_result(aws: Template, handler: ModuleType) -> None:
    given_sent_email()
    run(handler, through_the_topic(aws, ses_event("Reject")))
    assert outbox_item()["delivery"]["S"] == "failed"
    run(handler, through_the_topic(aws, ses_event("Bounce", bounce_type="Transient")))
    assert outbox_item()["delivery"]["S"] == "bounced"
    assert not [i for i in table_items() if i["pk"]["S"].startswith("SUPPRESS#") or i["sk"]["S"].startswith("TASK#")]


def test_a_send_event_is_ignored(aws: Template, handler: ModuleType) -> None:
    given_sent_email()
    assert run(handler, through_the_topic(aws, ses_event("Send"))) == {"batchItemFailures": []}
    assert "delivery" not in outbox_item()


def test_a_non_statutory_complaint_suppresses_without_a_task(aws: Template, handler: ModuleType) -> None:
    given_sent_email(statutory=False)
    run(handler, through_the_topic(aws, ses_event("Complaint")))
    assert outbox_item()["delivery"]["S"] == "complained"
    assert DynamoSuppressionList(boto3.client("sns", region_name=REGION)).is_suppressed(FORCE, "email", BOUNCING)
    assert not [i for i in table_items() if i["sk"]["S"].startswith("TASK#")]


def test_an_event_before_the_pointer_exists_is_retried(aws: Template, handler: ModuleType) -> None:
    # Given no message points at this provider id yet (dispatch has not recorded it as sent)
    records = through_the_topic(aws, ses_event("Bounce", provider_id="ses-not-yet"))
    # When the function sees its bounce, Then the record is reported failed, to come back later
    assert run(handler, records) == {"batchItemFailures": [{"itemIdentifier": records[0]["messageId"]}]}


def test_a_body_that_is_not_an_ses_event_fails_its_record_only(aws: Template, handler: ModuleType) -> None:
    given_sent_email()
    records = through_the_topic(aws, {"hello": "world"}, ses_event("Delivery"))
    result = run(handler, records)
    bad = next(r["messageId"] for r in records if "hello" in r["body"])
    assert result == {"batchItemFailures": [{"itemIdentifier": bad}]}
    assert outbox_item()["delivery"]["S"] == "delivered"


# ---------------------------------------------------------------- the suppression list on its own


def test_the_suppression_list_matches_normalised_addresses_per_force(aws: Template) -> None:
    suppressions = DynamoSuppressionList(boto3.client("sns", region_name=REGION))
    suppressions.suppress(FORCE, "email", " Alex.Morgan@Example.ORG ", "bounce")
    suppressions.suppress(FORCE, "email", "alex.morgan@example.org", "complaint")  # first reason stays
    assert suppressions.is_suppressed(FORCE, "email", "alex.morgan@example.org")
    assert not suppressions.is_suppressed("hampshire", "email", "alex.morgan@example.org")
    stored = item(f"SUPPRESS#{FORCE}", suppression_sort_key("email", "alex.morgan@example.org"))
    assert stored is not None and stored["reason"]["S"] == "bounce"


def test_a_mobile_is_suppressed_by_our_list_or_by_sns_opt_outs(aws: Template) -> None:
    suppressions = DynamoSuppressionList(boto3.client("sns", region_name=REGION))
    # moto's SNS treats numbers ending in 99 as having replied STOP
    assert suppressions.is_suppressed(FORCE, "sms", "+447700900199")
    assert not suppressions.is_suppressed(FORCE, "sms", "07700 900123")
    suppressions.suppress(FORCE, "sms", "07700 900123", "opted-out")
    assert suppressions.is_suppressed(FORCE, "sms", "+447700900123")  # the same number in E.164


def test_an_invalid_number_is_a_permanent_error(aws: Template) -> None:
    suppressions = DynamoSuppressionList(boto3.client("sns", region_name=REGION))
    with pytest.raises(DeliveryRejectedError):
        suppressions.is_suppressed(FORCE, "sms", "not-a-number")


def test_an_sns_outage_is_retryable(aws: Template) -> None:
    from botocore.exceptions import ClientError

    class Throttled:
        def check_if_phone_number_is_opted_out(self, **_: Any) -> dict[str, Any]:
            raise ClientError({"Error": {"Code": "Throttling", "Message": "slow down"}}, "CheckIfPhoneNumberIsOptedOut")

    with pytest.raises(DeliveryFailedError):
        DynamoSuppressionList(Throttled()).is_suppressed(FORCE, "sms", MOBILE)


@pytest.mark.parametrize(
    ("channel", "typed", "normalised"),
    [
        ("email", "  Alex@Example.org ", "alex@example.org"),
        ("sms", "+447700900123", "+447700900123"),
        ("sms", "07700 900123", "+447700900123"),
        ("sms", "0044 7700-900123", "+447700900123"),
        ("sms", "447700900123", "+447700900123"),
    ],
)
def test_addresses_are_normalised_before_hashing(channel: str, typed: str, normalised: str) -> None:
    assert normalised_address(channel, typed) == normalised
    assert suppression_sort_key(channel, typed) == f"{channel}#{hashlib.sha256(normalised.encode()).hexdigest()}"


def test_the_wait_for_an_unknown_message_ends_before_the_queue_gives_up() -> None:
    # The queue shows a failed notification again every VisibilityTimeout seconds and moves it to the
    # dead-letter queue after maxReceiveCount receives: the last receive must find the wait over, so a
    # notification about a send no message records is settled as unknown, not dead-lettered.
    template = Template.read(ROOT / "template.yaml", region=REGION)
    queue = template.resources["DeliveryEventsQueue"]["Properties"]
    last_receive = timedelta(seconds=queue["VisibilityTimeout"] * (queue["RedrivePolicy"]["maxReceiveCount"] - 1))
    assert last_receive > POINTER_PATIENCE
