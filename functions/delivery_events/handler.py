"""Delivery-events queue consumer: SES delivery, bounce, complaint and reject events (through SNS) are
recorded on each message; bounced and complained addresses go on the suppression list."""

from __future__ import annotations

# ruff: noqa: E402  (the collector is paused before the imports below)
from caseline import loading

loading.pause()  # no garbage collection while the modules load (tens of ms of it); resumed at the end

from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord

from caseline.adapters.aws import client
from caseline.adapters.clock import SystemClock
from caseline.adapters.dynamodb.cases import DynamoCaseRepository
from caseline.adapters.dynamodb.delivery import DynamoSentMessages, DynamoSuppressionList
from caseline.adapters.dynamodb.outbox import DynamoOutboxRepository
from caseline.adapters.sealing import KmsCodeSealer
from caseline.adapters.ses_events import parse_delivery_notification
from caseline.config import get_settings
from caseline.content import LazyTemplates
from caseline.observability import batch_entry, logger, metrics
from caseline.services.delivery import record_delivery

processor = BatchProcessor(event_type=EventType.SQS, raise_on_entire_batch_failure=False)
sent = DynamoSentMessages()
suppressions = DynamoSuppressionList(client("sns"))
cases = DynamoCaseRepository()
outbox = DynamoOutboxRepository()
templates = LazyTemplates()  # read at the first bounce that falls back to SMS
clock = SystemClock()
# An SMS instead of a bounced email that carried an access code carries a new code, sealed for it.
codes = KmsCodeSealer(lambda: client("kms"), key_id=get_settings().data_key_id)


def record_handler(record: SQSRecord) -> str:
    notification = parse_delivery_notification(record.body)
    if notification is None:
        return "ignored"
    outcome = record_delivery(
        notification,
        sent=sent,
        suppressions=suppressions,
        cases=cases,
        outbox=outbox,
        templates=templates,
        clock=clock,
        codes=codes,
    )
    metrics.add_metric(name=f"Delivery{outcome.value.title().replace('-', '')}", unit=MetricUnit.Count, value=1)
    logger.info(
        "Delivery event handled",
        extra={
            "provider_message_id": notification.provider_message_id,
            "result": notification.result.value,
            "outcome": outcome.value,
        },
    )
    return outcome.value


lambda_handler = batch_entry(processor, record_handler)


loading.resume()
