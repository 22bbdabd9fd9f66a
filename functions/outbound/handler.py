"""Outbound queue consumer: deliver victims' messages and requests to their force, with backoff."""

from __future__ import annotations

# ruff: noqa: E402  (the collector is paused before the imports below)
from caseline import loading

loading.pause()  # no garbage collection while the modules load (tens of ms of it); resumed at the end

from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord

from caseline.adapters.aws import client
from caseline.adapters.dynamodb.outbound import DynamoOutboundRepository
from caseline.adapters.dynamodb.reports import DynamoReportStore
from caseline.adapters.force_endpoint import HttpForceEndpoint
from caseline.adapters.sealing import KmsFieldSealer
from caseline.config import get_settings
from caseline.domain.errors import RetryableError
from caseline.domain.outbound import backoff_seconds, from_message
from caseline.observability import batch_entry, logger, metrics
from caseline.services.outbound import deliver

settings = get_settings()
processor = BatchProcessor(event_type=EventType.SQS, raise_on_entire_batch_failure=False)
sqs = client("sqs")
outbound = DynamoOutboundRepository()
reports = DynamoReportStore(KmsFieldSealer(client("kms"), key_id=settings.data_key_id))  # opened to deliver only
endpoint = HttpForceEndpoint(
    client("secretsmanager"), prefix=settings.outbound_secret_prefix, source=f"urn:caseline:{settings.environment}"
)


def record_handler(record: SQSRecord) -> str:
    event = from_message(record.body)
    attempt = int(record.attributes.approximate_receive_count or 1)
    try:
        outcome = deliver(event, attempt, outbound=outbound, endpoint=endpoint, reports=reports)
    except RetryableError:
        # Back off before the next attempt; the queue's redrive policy dead-letters after its limit.
        sqs.change_message_visibility(
            QueueUrl=settings.outbound_queue_url,
            ReceiptHandle=record.receipt_handle,
            VisibilityTimeout=backoff_seconds(attempt),
        )
        metrics.add_metric(name="OutboundDeliveryFailed", unit=MetricUnit.Count, value=1)
        logger.warning(
            "Outbound delivery failed",
            extra={
                "force_id": event.force_id,
                "attempt": attempt,
                "outbound_id": event.outbound_id,
                "event_id": event.event_id,  # the force's webhook-id
            },
        )
        raise
    metrics.add_metric(name="OutboundDelivered", unit=MetricUnit.Count, value=1)
    logger.info(
        "Outbound delivered",
        extra={
            "force_id": event.force_id,
            "outbound_id": event.outbound_id,
            "event_id": event.event_id,  # the force's webhook-id
            "outcome": outcome.value,
            "attempt": attempt,
        },
    )
    return outcome.value


lambda_handler = batch_entry(processor, record_handler)


loading.resume()
