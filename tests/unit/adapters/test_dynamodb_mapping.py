"""The DynamoDB adapters' pure pieces: the one test for a refused conditional write, and the mappers'
record -> item -> record round trips (no table needed)."""

from __future__ import annotations

from datetime import UTC, datetime

from botocore.exceptions import ClientError
from pynamodb.exceptions import PutError, UpdateError

from caseline.adapters.dynamodb.base import is_condition_failed
from caseline.adapters.dynamodb.mappers import (
    case_item,
    case_record,
    outbox_item,
    outbox_pk,
    outbox_record,
    victim_item,
    victim_record,
)
from caseline.domain.case import CaseStage
from caseline.domain.records import CaseRecord, OutboxMessage, OutboxStatus, VictimContact
from caseline.domain.safe_contact import SafeContactProfile

NOW = datetime(2026, 12, 1, 10, 0, tzinfo=UTC)


def refused(code: str) -> ClientError:
    return ClientError({"Error": {"Code": code, "Message": "no"}}, "PutItem")


def test_a_failed_condition_is_told_apart_from_an_outage() -> None:
    assert is_condition_failed(PutError("put", cause=refused("ConditionalCheckFailedException")))
    assert is_condition_failed(UpdateError("update", cause=refused("ConditionalCheckFailedException")))
    assert not is_condition_failed(PutError("put", cause=refused("ProvisionedThroughputExceededException")))
    assert not is_condition_failed(PutError("put"))


def test_a_case_and_its_victim_survive_the_round_trip() -> None:
    case = CaseRecord(
        force_id="kent",
        case_id="K-1",
        crime_reference="KNT/1",
        category="burglary",
        flags=("domestic-abuse",),
        stage=CaseStage.INVESTIGATING,
        sequence=3,
        officer=None,
        recorded_at=NOW,
        updated_at=NOW,
        revision=2,
    )
    assert case_record(case_item(case)) == case
    victim = VictimContact(
        force_id="kent",
        case_id="K-1",
        victim_id="V-1",
        name="Alex",
        email="alex@example.org",
        mobile=None,
        language="en",
        tier="standard",
        under_18=False,
        safe_contact=SafeContactProfile.from_dict({}),
        sequence=3,
    )
    assert victim_record(victim_item(victim)) == victim


def test_an_outbox_message_survives_the_round_trip_and_a_reporters_is_on_the_report() -> None:
    message = OutboxMessage(
        force_id="kent",
        case_id="K-1",
        key="000000000001#advice#sms#V-1",
        victim_id="V-1",
        channel="sms",
        template_id="advice",
        personalisation={"name": "Alex"},
        status=OutboxStatus.PENDING,
        created_at=NOW,
    )
    assert outbox_record(outbox_item(message)) == message
    assert outbox_pk("kent", "K-1", message.key) == "CASE#kent#K-1"
    assert outbox_pk("kent", "R-1", "report#report-received#email#~reporter").startswith("REPORT#kent#R-1")
